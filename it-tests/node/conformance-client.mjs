#!/usr/bin/env node
// Airlock conformance client: an MCP client that the official @modelcontextprotocol/conformance
// suite drives in *client* mode.
//
// The suite starts a mock MCP server for one scenario and runs
//     <command> <server URL>
// with MCP_CONFORMANCE_SCENARIO=<scenario> (and, for some scenarios, MCP_CONFORMANCE_CONTEXT,
// a JSON object; 0.2.0-alpha also sets MCP_CONFORMANCE_PROTOCOL_VERSION, default 2025-11-25).
// The mock server records what the client does and scores it; this program only has to behave
// like a well-mannered client for that scenario and exit 0 when the exchange worked (a non-zero
// exit fails the scenario unless the scenario allows client errors).
//
// Usage: node conformance-client.mjs URL        (the scenario comes from the environment)
//
// Two wires:
//  * up to 2025-11-25 (MCP_CONFORMANCE_PROTOCOL_VERSION unset or dated <= 2025-11-25): the
//    TypeScript SDK Client over Streamable HTTP (initialize handshake, session);
//  * 2026-07-28: the SDK (1.32) does not speak it, so a small stateless client here does: every
//    request carries _meta (protocolVersion, clientCapabilities, clientInfo) and the headers
//    MCP-Protocol-Version, Mcp-Method, Mcp-Name and the tool's Mcp-Param-* (x-mcp-header); no
//    initialize, no session; -32022 is retried once with a version from error.data.supported;
//    an `input_required` result (MRTR) is answered and the request retried with a fresh id,
//    `inputResponses` and the verbatim `requestState`.
//
// Scenarios, 2025-era wire (0.1.16 "core" client suite minus auth, plus alpha's json-schema one):
//   initialize                           initialize + notifications/initialized, tools/list, close
//   tools_call                           tools/list, then tools/call add_numbers {a, b}; checks the sum
//   elicitation-sep1034-client-defaults  calls the tool that sends elicitation/create and accepts it,
//                                        filling every field from the schema's `default` (SEP-1034)
//   sse-retry                            calls the tool whose SSE response stream the server closes
//                                        after a priming event (retry: 500); the SDK transport must
//                                        reconnect with GET + Last-Event-ID after `retry` ms (SEP-1699)
//   json-schema-2020-12-preservation     tools/list, then echoes json_schema_2020_12_tool's inputSchema
//                                        verbatim through json_schema_echo
// Scenarios, 2026-07-28 wire (alpha):
//   tools_call, json-schema-2020-12-preservation   as above, statelessly
//   request-metadata                     server/discover (rejected once with -32022; retried), tools/list
//   sep-2322-client-request-state        the four MRTR tools (echo state, no state, unrelated, no resultType)
//   http-standard-headers                lists tools/resources/prompts and calls/reads/gets each one
//   http-custom-headers                  the tool calls given in MCP_CONFORMANCE_CONTEXT.toolCalls
//   http-invalid-tool-headers            tools/list, then calls only the tools whose x-mcp-header
//                                        annotations are valid (invalid ones are excluded)
//   json-schema-ref-no-deref             tools/list; a network $ref in a schema is never fetched
//   auth/*                               not supported: Airlock has no client-side OAuth towards its
//                                        upstreams yet, so this client does not do OAuth; exits 2.
// Anything else gets a generic exchange: (initialize,) tools/list, close.
//
// All diagnostics go to stderr (the suite saves stdout/stderr per scenario with -o DIR).

import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ListRootsRequestSchema,
} from "@modelcontextprotocol/sdk/types.js";

const log = (...a) => console.error("[conformance-client]", ...a);

const MODERN = "2026-07-28";
const CLIENT_INFO = { name: "airlock-conformance-client", version: "1.0.0" };

const url = process.argv[process.argv.length - 1];
const scenario = process.env.MCP_CONFORMANCE_SCENARIO ?? "";
const protocolVersion = process.env.MCP_CONFORMANCE_PROTOCOL_VERSION; // alpha suites only
const stateless = protocolVersion === MODERN;
let context = {};
try {
  context = JSON.parse(process.env.MCP_CONFORMANCE_CONTEXT ?? "{}");
} catch {
  log("MCP_CONFORMANCE_CONTEXT is not JSON; ignored");
}

// ---------------------------------------------------------------- answering the server's requests
// A form-mode elicitation is answered with `accept` and a value for every property: the schema's
// default when it has one (SEP-1034), else a plausible value for its type.
function valueForProperty(schema) {
  if (!schema || typeof schema !== "object") return "";
  if (schema.default !== undefined) return schema.default;
  if (schema.const !== undefined) return schema.const;
  const options = schema.enum ?? schema.oneOf?.map((o) => o.const) ?? schema.anyOf?.map((o) => o.const);
  if (Array.isArray(options) && options.length && options[0] !== undefined) return options[0];
  switch (schema.type) {
    case "boolean": return true;
    case "integer":
    case "number": return typeof schema.minimum === "number" ? schema.minimum : 1;
    case "array": {
      const items = schema.items ?? {};
      const choices = items.enum ?? items.anyOf?.map((o) => o.const) ?? [];
      return choices.length ? [choices[0]] : [];
    }
    case "object": {
      const o = {};
      for (const [k, v] of Object.entries(schema.properties ?? {})) o[k] = valueForProperty(v);
      return o;
    }
    default:
      switch (schema.format) {
        case "email": return "conformance@example.com";
        case "uri": return "https://example.com/";
        case "date": return "2025-01-01";
        case "date-time": return "2025-01-01T00:00:00Z";
        default: return "conformance";
      }
  }
}

function answerElicitation(params) {
  if (params?.mode === "url") return { action: "decline" };
  const content = {};
  for (const [name, prop] of Object.entries(params?.requestedSchema?.properties ?? {})) {
    content[name] = valueForProperty(prop);
  }
  log("elicitation/create ->", JSON.stringify(content));
  return { action: "accept", content };
}

function answerSampling() {
  return {
    role: "assistant",
    content: { type: "text", text: "conformance sample" },
    model: "airlock-conformance",
    stopReason: "endTurn",
  };
}

const CAPABILITIES_2025 = {
  sampling: {},
  elicitation: { form: {} },
  roots: { listChanged: true },
};
const CAPABILITIES_2026 = { sampling: {}, elicitation: { form: {} }, roots: {} };

function firstText(result) {
  return (result?.content ?? []).find((c) => c.type === "text")?.text ?? "";
}

function requireTool(tools, name) {
  const tool = tools.find((t) => t.name === name);
  if (!tool) throw new Error(`tool ${name} is not listed (got ${tools.map((t) => t.name).join(", ") || "none"})`);
  return tool;
}

function argumentsFor(tool) {
  const schema = tool.inputSchema ?? {};
  const args = {};
  for (const name of schema.required ?? []) args[name] = valueForProperty(schema.properties?.[name]);
  return args;
}

// ---------------------------------------------------------------- 2025-era wire: the TS SDK client
class SdkSession {
  static async open() {
    const client = new Client(CLIENT_INFO, { capabilities: CAPABILITIES_2025 });
    client.setRequestHandler(ElicitRequestSchema, async (req) => answerElicitation(req.params));
    client.setRequestHandler(CreateMessageRequestSchema, async () => answerSampling());
    client.setRequestHandler(ListRootsRequestSchema, async () => ({ roots: [] }));
    const transport = new StreamableHTTPClientTransport(new URL(url), {
      // The SDK follows the server's SSE `retry` hint when there is one; these apply otherwise.
      reconnectionOptions: {
        initialReconnectionDelay: 1000,
        maxReconnectionDelay: 30000,
        reconnectionDelayGrowFactor: 1.5,
        maxRetries: 3,
      },
    });
    transport.onerror = (e) => log("transport error (ignored):", e?.message ?? e);
    await client.connect(transport);
    log("connected:", JSON.stringify(client.getServerVersion()), "protocol", transport.protocolVersion ?? "?");
    return new SdkSession(client);
  }

  constructor(client) {
    this.client = client;
  }

  async listTools() {
    return (await this.client.listTools()).tools;
  }

  async callTool(name, args, timeout = 20000) {
    return this.client.callTool({ name, arguments: args }, undefined, { timeout });
  }

  async close() {
    try {
      await this.client.close();
    } catch (e) {
      log("close failed (ignored):", e?.message ?? e);
    }
  }
}

// ---------------------------------------------------------------- 2026-07-28 wire: stateless
class JsonRpcError extends Error {
  constructor(error, status) {
    super(`JSON-RPC error ${error?.code}: ${error?.message} (HTTP ${status})`);
    this.code = error?.code;
    this.data = error?.data;
  }
}

const HEADER_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/; // RFC 9110 token characters
const HEADER_TYPES = new Set(["string", "integer", "boolean"]);

/** Header value encoding of 2026-07-28: plain visible ASCII, else =?base64?<UTF-8 Base64>?=. */
function encodeHeaderValue(value) {
  const plain = /^[\x20-\x7e]*$/.test(value) && value === value.trim();
  return plain ? value : `=?base64?${Buffer.from(value, "utf8").toString("base64")}?=`;
}

/**
 * The x-mcp-header annotations of a tool: {ok, headers: [{property, header}], problems}. A tool
 * with an invalid annotation must be excluded: the name must be a non-empty header token, unique
 * (case-insensitively) within the tool, on a property of type string, integer or boolean.
 */
function mcpParamHeaders(tool) {
  const headers = [];
  const problems = [];
  const seen = new Set();
  for (const [property, schema] of Object.entries(tool.inputSchema?.properties ?? {})) {
    if (!schema || typeof schema !== "object" || !("x-mcp-header" in schema)) continue;
    const header = schema["x-mcp-header"];
    if (typeof header !== "string" || header.length === 0) {
      problems.push(`${property}: empty or non-string x-mcp-header`);
      continue;
    }
    if (!HEADER_TOKEN.test(header)) problems.push(`${property}: '${header}' is not a valid header name`);
    if (!HEADER_TYPES.has(schema.type)) problems.push(`${property}: x-mcp-header on type ${JSON.stringify(schema.type)}`);
    if (seen.has(header.toLowerCase())) problems.push(`${property}: duplicate x-mcp-header '${header}'`);
    seen.add(header.toLowerCase());
    headers.push({ property, header });
  }
  return { ok: problems.length === 0, headers, problems };
}

function parseSse(text) {
  const messages = [];
  for (const block of text.split(/\r?\n\r?\n/)) {
    const data = block.split(/\r?\n/).filter((l) => l.startsWith("data:")).map((l) => l.slice(5).replace(/^ /, ""));
    if (!data.length) continue;
    const payload = data.join("\n").trim();
    if (!payload) continue; // priming event
    try {
      messages.push(JSON.parse(payload));
    } catch {
      log("unparseable SSE data:", payload.slice(0, 200));
    }
  }
  return messages;
}

class StatelessSession {
  constructor() {
    this.version = MODERN;
    this.nextId = 1;
    this.tools = new Map(); // name -> tool, from tools/list (for Mcp-Param-* headers)
    this.notifications = [];
  }

  static async open() {
    return new StatelessSession();
  }

  meta() {
    return {
      "io.modelcontextprotocol/protocolVersion": this.version,
      "io.modelcontextprotocol/clientCapabilities": CAPABILITIES_2026,
      "io.modelcontextprotocol/clientInfo": CLIENT_INFO,
    };
  }

  headersFor(method, params) {
    const headers = {
      "Content-Type": "application/json",
      Accept: "application/json, text/event-stream",
      "MCP-Protocol-Version": this.version,
      "Mcp-Method": method,
    };
    const name = method === "tools/call" || method === "prompts/get" ? params?.name
      : method === "resources/read" ? params?.uri : undefined;
    if (typeof name === "string") headers["Mcp-Name"] = encodeHeaderValue(name);
    if (method === "tools/call") {
      const tool = this.tools.get(params?.name);
      for (const { property, header } of tool ? mcpParamHeaders(tool).headers : []) {
        const value = params?.arguments?.[property];
        if (value === undefined || value === null) continue;
        headers[`Mcp-Param-${header}`] = typeof value === "string" ? encodeHeaderValue(value) : String(value);
      }
    }
    return headers;
  }

  /** One JSON-RPC round trip; returns the response message. */
  async post(method, params) {
    const id = this.nextId++;
    const body = { jsonrpc: "2.0", id, method, params: { ...params, _meta: { ...this.meta(), ...params?._meta } } };
    const response = await fetch(url, {
      method: "POST",
      headers: this.headersFor(method, body.params),
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(15000),
    });
    const type = response.headers.get("content-type") ?? "";
    const text = await response.text();
    let messages;
    if (type.includes("text/event-stream")) {
      messages = parseSse(text);
    } else {
      try {
        messages = text ? [JSON.parse(text)] : [];
      } catch {
        throw new Error(`${method}: HTTP ${response.status}, non-JSON body: ${text.slice(0, 300)}`);
      }
    }
    let answer;
    for (const m of messages) {
      if (m && "method" in m && !("id" in m)) this.notifications.push(m);
      else if (m && "method" in m) log(`${method}: ignoring server request ${m.method} on a stateless stream`);
      else if (m && (m.id === id || (m.id === null && m.error))) answer = m;
    }
    if (!answer) throw new Error(`${method}: HTTP ${response.status}, no response for id ${id}: ${text.slice(0, 300)}`);
    return { answer, status: response.status };
  }

  /** A request with version negotiation (-32022) and MRTR (input_required) handled. */
  async request(method, params = {}) {
    let current = { ...params };
    let retriedVersion = false;
    for (let round = 0; round < 5; round++) {
      const { answer, status } = await this.post(method, current);
      if (answer.error) {
        const supported = answer.error.data?.supported;
        if (answer.error.code === -32022 && !retriedVersion && Array.isArray(supported) && supported.includes(MODERN)) {
          log(`${method}: version ${this.version} refused (supported: ${supported.join(", ")}); retrying with ${MODERN}`);
          this.version = MODERN;
          retriedVersion = true;
          continue;
        }
        throw new JsonRpcError(answer.error, status);
      }
      const result = answer.result ?? {};
      if ((result.resultType ?? "complete") !== "input_required") return result;
      const inputResponses = {};
      for (const [key, req] of Object.entries(result.inputRequests ?? {})) {
        inputResponses[key] = this.answerInput(req);
      }
      log(`${method}: input_required (${Object.keys(inputResponses).join(", ") || "state only"}); retrying`);
      current = { ...params };
      if (Object.keys(inputResponses).length) current.inputResponses = inputResponses;
      if (result.requestState !== undefined) current.requestState = result.requestState;
    }
    throw new Error(`${method}: still input_required after 5 rounds`);
  }

  answerInput(req) {
    switch (req?.method) {
      case "elicitation/create": return answerElicitation(req.params);
      case "sampling/createMessage": return answerSampling();
      case "roots/list": return { roots: [] };
      default: throw new Error(`unsupported input request ${req?.method}`);
    }
  }

  async discover() {
    return this.request("server/discover");
  }

  async listAll(method, key) {
    const items = [];
    let cursor;
    for (let page = 0; page < 100; page++) {
      const result = await this.request(method, cursor ? { cursor } : {});
      items.push(...(result[key] ?? []));
      if (!result.nextCursor) break;
      cursor = result.nextCursor;
    }
    return items;
  }

  async listTools() {
    const tools = await this.listAll("tools/list", "tools");
    this.tools = new Map(tools.map((t) => [t.name, t]));
    return tools;
  }

  async callTool(name, args) {
    return this.request("tools/call", { name, arguments: args });
  }

  async close() {}
}

const openSession = () => (stateless ? StatelessSession.open() : SdkSession.open());

// ---------------------------------------------------------------- scenarios
const scenarios = {
  async initialize(s) {
    const tools = await s.listTools();
    log(`tools/list: ${tools.length} tool(s)`);
  },

  async tools_call(s) {
    const tools = await s.listTools();
    requireTool(tools, "add_numbers");
    const result = await s.callTool("add_numbers", { a: 5, b: 3 });
    const text = firstText(result);
    log("add_numbers ->", text);
    if (result.isError || !/\b8\b/.test(text)) throw new Error(`unexpected add_numbers result: ${JSON.stringify(result)}`);
  },

  async "elicitation-sep1034-client-defaults"(s) {
    requireTool(await s.listTools(), "test_client_elicitation_defaults");
    const result = await s.callTool("test_client_elicitation_defaults", {});
    log("test_client_elicitation_defaults ->", firstText(result));
    if (result.isError) throw new Error(`tool error: ${JSON.stringify(result)}`);
  },

  async "sse-retry"(s) {
    requireTool(await s.listTools(), "test_reconnection");
    // The server closes this call's SSE stream right after a priming event and delivers the
    // result on the GET stream the transport opens (after `retry` ms) to resume.
    const result = await s.callTool("test_reconnection", {});
    log("test_reconnection ->", firstText(result));
  },

  async "json-schema-2020-12-preservation"(s) {
    const tools = await s.listTools();
    const focal = requireTool(tools, "json_schema_2020_12_tool");
    requireTool(tools, "json_schema_echo");
    const result = await s.callTool("json_schema_echo", { schema: focal.inputSchema });
    log("json_schema_echo ->", firstText(result));
  },

  async "json-schema-ref-no-deref"(s) {
    const tools = await s.listTools();
    log(`tools/list: ${tools.map((t) => t.name).join(", ")} (no $ref is dereferenced)`);
  },

  async "request-metadata"(s) {
    const discovered = await s.discover();
    log("server/discover ->", JSON.stringify(discovered).slice(0, 300));
    const tools = await s.listTools();
    log(`tools/list: ${tools.length} tool(s)`);
  },

  async "sep-2322-client-request-state"(s) {
    const tools = await s.listTools();
    // The unrelated call goes between the MRTR flows, which must not leak into it.
    for (const name of ["test_mrtr_echo_state", "test_mrtr_unrelated", "test_mrtr_no_state", "test_mrtr_no_result_type"]) {
      requireTool(tools, name);
      log(`${name} ->`, firstText(await s.callTool(name, {})));
    }
  },

  async "http-standard-headers"(s) {
    for (const tool of await s.listTools()) {
      log(`tools/call ${tool.name} ->`, firstText(await s.callTool(tool.name, argumentsFor(tool))));
    }
    for (const resource of await s.listAll("resources/list", "resources")) {
      await s.request("resources/read", { uri: resource.uri });
      log(`resources/read ${resource.uri}: ok`);
    }
    for (const prompt of await s.listAll("prompts/list", "prompts")) {
      await s.request("prompts/get", { name: prompt.name, arguments: {} });
      log(`prompts/get ${prompt.name}: ok`);
    }
  },

  async "http-custom-headers"(s) {
    const tools = await s.listTools();
    const calls = Array.isArray(context.toolCalls) ? context.toolCalls : [];
    if (!calls.length) throw new Error("MCP_CONFORMANCE_CONTEXT has no toolCalls");
    for (const call of calls) {
      requireTool(tools, call.name);
      log(`${call.name} ->`, firstText(await s.callTool(call.name, call.arguments ?? {})));
    }
  },

  async "http-invalid-tool-headers"(s) {
    for (const tool of await s.listTools()) {
      const check = mcpParamHeaders(tool);
      if (!check.ok) {
        log(`excluding tool ${tool.name}: ${check.problems.join("; ")}`);
        continue;
      }
      log(`tools/call ${tool.name} ->`, firstText(await s.callTool(tool.name, argumentsFor(tool))));
    }
  },
};

async function generic(s) {
  const tools = await s.listTools();
  log(`tools/list: ${tools.length} tool(s)`);
}

async function main() {
  log(`scenario=${scenario || "(none)"} url=${url} wire=${stateless ? MODERN + " (stateless)" : "2025 (SDK)"}`
    + (Object.keys(context).length ? ` context keys=${Object.keys(context).join(",")}` : ""));
  if (!/^https?:\/\//.test(url ?? "")) {
    log("usage: node conformance-client.mjs URL (scenario in MCP_CONFORMANCE_SCENARIO)");
    return 2;
  }
  if (scenario.startsWith("auth/")) {
    log(`scenario ${scenario} needs client OAuth, which this client (like Airlock towards its upstreams) does not implement`);
    return 2;
  }
  const run = scenarios[scenario] ?? generic;
  const session = await openSession();
  try {
    await run(session);
  } finally {
    await session.close();
  }
  log("done");
  return 0;
}

// Never hang: the suite kills the client after its own timeout anyway, but a clear exit is better.
setTimeout(() => {
  log("giving up after 25 s");
  process.exit(3);
}, 25000).unref();

main().then(
  (code) => process.exit(code),
  (e) => {
    log("failed:", e?.stack ?? e);
    process.exit(1);
  },
);
