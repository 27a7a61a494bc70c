#!/usr/bin/env node
// Airlock conformance fixture: a dual-era MCP server exposing the tools, resources, prompts,
// completion and logging that the server scenarios of @modelcontextprotocol/conformance exercise
// (0.1.16, and 0.2.0-alpha at 2025-11-25 and at 2026-07-28). Written from the scenario
// descriptions and the spec; ConformanceIT runs the suite against it both directly (--http) and
// through Airlock (--stdio) and compares the results.
//
//   2025 revisions: the TypeScript SDK's low-level Server (initialize, sessions, server-to-client
//                   requests, logging/setLevel, resources/subscribe).
//   2026-07-28:     a request whose params._meta carries "io.modelcontextprotocol/protocolVersion"
//                   (over HTTP also any POST with "MCP-Protocol-Version: 2026-07-28") is served by
//                   raw JSON-RPC code here: server/discover, per-request _meta validation, resultType
//                   and caching hints, MRTR (InputRequiredResult, HMAC-protected requestState) and
//                   subscriptions/listen. SDK 1.32.2 has no support for this revision.
//
// Usage:
//   node conformance-fixture.mjs --stdio
//   node conformance-fixture.mjs --http PORT     (0 = any free port)
// In --http mode it serves Streamable HTTP on http://127.0.0.1:PORT/mcp with Host/Origin checks
// (403 for anything but localhost / 127.0.0.1 / [::1]): sessionful for the 2025 revisions; for
// 2026-07-28 stateless, validating the SEP-2243 headers (MCP-Protocol-Version, Mcp-Method,
// Mcp-Name, Mcp-Param-*) against the body, mapping errors to HTTP status (-32601: 404;
// -32020/-32021/-32022 and invalid _meta: 400) and answering GET/DELETE with 405. It prints one
// line "LISTENING <port>" on stdout once it accepts connections.

import { createHmac, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import { crc32, deflateSync } from "node:zlib";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { deserializeMessage, serializeMessage } from "@modelcontextprotocol/sdk/shared/stdio.js";
import {
  CallToolRequestSchema,
  CompleteRequestSchema,
  CreateMessageResultSchema,
  ElicitResultSchema,
  ErrorCode,
  GetPromptRequestSchema,
  ListPromptsRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  McpError,
  ReadResourceRequestSchema,
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
  isInitializeRequest,
} from "@modelcontextprotocol/sdk/types.js";

const log = (...a) => console.error("[conformance-fixture]", ...a);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ------------------------------------------------------------------ media, built here
// A 2x2 PNG (8-bit RGB: red, green / blue, white), assembled chunk by chunk.
function pngBase64() {
  const chunk = (type, data) => {
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body) >>> 0);
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(2, 0); // width
  ihdr.writeUInt32BE(2, 4); // height
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type RGB
  // compression, filter, interlace: 0
  const rows = Buffer.from([
    0, 0xff, 0x00, 0x00, 0x00, 0xff, 0x00,
    0, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff,
  ]);
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([
    signature,
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(rows)),
    chunk("IEND", Buffer.alloc(0)),
  ]).toString("base64");
}

// 50 ms of a 440 Hz square wave, 8 kHz mono unsigned 8-bit PCM, in a RIFF/WAVE container.
function wavBase64() {
  const rate = 8000;
  const samples = Buffer.alloc(rate / 20);
  for (let i = 0; i < samples.length; i++) {
    samples[i] = Math.floor((i * 440 * 2) / rate) % 2 === 0 ? 0xc0 : 0x40;
  }
  const header = Buffer.alloc(44);
  header.write("RIFF", 0, "ascii");
  header.writeUInt32LE(36 + samples.length, 4);
  header.write("WAVE", 8, "ascii");
  header.write("fmt ", 12, "ascii");
  header.writeUInt32LE(16, 16); // fmt chunk size
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // channels
  header.writeUInt32LE(rate, 24); // sample rate
  header.writeUInt32LE(rate, 28); // byte rate
  header.writeUInt16LE(1, 32); // block align
  header.writeUInt16LE(8, 34); // bits per sample
  header.write("data", 36, "ascii");
  header.writeUInt32LE(samples.length, 40);
  return Buffer.concat([header, samples]).toString("base64");
}

const PNG = pngBase64();
const WAV = wavBase64();

// ------------------------------------------------------------------ catalogue
const noArgs = { type: "object", properties: {} };

const TOOLS = [
  { name: "test_simple_text", description: "Returns a fixed text content item.", inputSchema: noArgs },
  { name: "test_image_content", description: "Returns a PNG image content item.", inputSchema: noArgs },
  { name: "test_audio_content", description: "Returns a WAV audio content item.", inputSchema: noArgs },
  {
    name: "test_embedded_resource",
    description: "Returns an embedded text resource.",
    inputSchema: noArgs,
  },
  {
    name: "test_multiple_content_types",
    description: "Returns text, image and embedded resource content together.",
    inputSchema: noArgs,
  },
  {
    name: "test_tool_with_logging",
    description: "Emits three info log notifications while it runs.",
    inputSchema: noArgs,
  },
  {
    name: "test_tool_with_progress",
    description: "Reports progress 0, 50 and 100 of 100 when given a progress token.",
    inputSchema: noArgs,
  },
  {
    name: "test_error_handling",
    description: "Always fails with a tool error result (isError).",
    inputSchema: noArgs,
  },
  {
    name: "test_sampling",
    description: "Asks the client to sample an LLM completion for the prompt.",
    inputSchema: {
      type: "object",
      properties: { prompt: { type: "string", description: "Prompt to send to the LLM" } },
      required: ["prompt"],
    },
  },
  {
    name: "test_elicitation",
    description: "Asks the client to elicit a username and an email address.",
    inputSchema: {
      type: "object",
      properties: { message: { type: "string", description: "Message shown to the user" } },
      required: ["message"],
    },
  },
  {
    name: "test_elicitation_sep1034_defaults",
    description: "Elicits a form whose primitive fields all carry default values (SEP-1034).",
    inputSchema: noArgs,
  },
  {
    name: "test_elicitation_sep1330_enums",
    description: "Elicits a form with every enum schema variant (SEP-1330).",
    inputSchema: noArgs,
  },
  {
    name: "json_schema_2020_12_tool",
    description: "Tool whose input schema uses JSON Schema 2020-12 keywords.",
    inputSchema: {
      $schema: "https://json-schema.org/draft/2020-12/schema",
      type: "object",
      $defs: {
        address: {
          type: "object",
          properties: { street: { type: "string" }, city: { type: "string" } },
        },
      },
      properties: {
        name: { type: "string" },
        address: { $ref: "#/$defs/address" },
      },
      additionalProperties: false,
    },
  },
  {
    name: "test_reconnection",
    description: "Closes the request's SSE stream mid-call (when the transport can) and answers after the client reconnects.",
    inputSchema: noArgs,
  },
];

const RESOURCES = [
  {
    uri: "test://static-text",
    name: "static-text",
    title: "Static text",
    description: "A fixed text resource.",
    mimeType: "text/plain",
  },
  {
    uri: "test://static-binary",
    name: "static-binary",
    title: "Static binary",
    description: "A fixed PNG image resource.",
    mimeType: "image/png",
  },
  {
    uri: "test://watched-resource",
    name: "watched-resource",
    title: "Watched resource",
    description: "A resource clients may subscribe to.",
    mimeType: "text/plain",
  },
];

const TEMPLATE = /^test:\/\/template\/([^/]+)\/data$/;

const PROMPTS = [
  { name: "test_simple_prompt", description: "A prompt without arguments." },
  {
    name: "test_prompt_with_arguments",
    description: "A prompt that substitutes two arguments.",
    arguments: [
      { name: "arg1", description: "First argument", required: true },
      { name: "arg2", description: "Second argument", required: true },
    ],
  },
  {
    name: "test_prompt_with_embedded_resource",
    description: "A prompt that embeds a resource.",
    arguments: [{ name: "resourceUri", description: "URI of the resource to embed", required: true }],
  },
  { name: "test_prompt_with_image", description: "A prompt that carries an image." },
];

const COMPLETIONS = {
  arg1: ["paris", "park", "party", "pasta", "test", "testing"],
  arg2: ["world", "word", "work"],
  resourceUri: ["test://static-text", "test://static-binary", "test://watched-resource"],
};

// ------------------------------------------------------------------ server
function text(t) {
  return { type: "text", text: t };
}

function createServer() {
  const server = new Server(
    { name: "airlock-conformance-fixture", version: "1.0.0" },
    {
      capabilities: {
        tools: { listChanged: true },
        resources: { subscribe: true, listChanged: true },
        prompts: { listChanged: true },
        logging: {},
        completions: {},
      },
      instructions: "Airlock conformance fixture.",
    },
  );
  const subscriptions = new Set();

  // The SDK handles logging/setLevel itself (logging capability); honour the level it keeps.
  const sendLog = async (extra, level, data) => {
    if (server.isMessageIgnored(level, extra.sessionId)) return;
    await extra.sendNotification({ method: "notifications/message", params: { level, logger: "fixture", data } });
  };

  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: TOOLS }));

  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    const args = request.params.arguments ?? {};
    switch (request.params.name) {
      case "test_simple_text":
        return { content: [text("This is a simple text response for testing.")] };
      case "test_image_content":
        return { content: [{ type: "image", data: PNG, mimeType: "image/png" }] };
      case "test_audio_content":
        return { content: [{ type: "audio", data: WAV, mimeType: "audio/wav" }] };
      case "test_embedded_resource":
        return {
          content: [
            {
              type: "resource",
              resource: {
                uri: "test://embedded-resource",
                mimeType: "text/plain",
                text: "This is an embedded resource content.",
              },
            },
          ],
        };
      case "test_multiple_content_types":
        return {
          content: [
            text("Multiple content types test:"),
            { type: "image", data: PNG, mimeType: "image/png" },
            {
              type: "resource",
              resource: {
                uri: "test://mixed-content-resource",
                mimeType: "application/json",
                text: JSON.stringify({ test: "data", value: 123 }),
              },
            },
          ],
        };
      case "test_tool_with_logging":
        await sendLog(extra, "info", "Tool execution started");
        await sleep(50);
        await sendLog(extra, "info", "Tool processing data");
        await sleep(50);
        await sendLog(extra, "info", "Tool execution completed");
        return { content: [text("Logging tool finished: 3 log messages sent.")] };
      case "test_tool_with_progress": {
        const token = request.params._meta?.progressToken;
        for (const [i, progress] of [0, 50, 100].entries()) {
          if (i > 0) await sleep(50);
          if (token !== undefined) {
            await extra.sendNotification({
              method: "notifications/progress",
              params: { progressToken: token, progress, total: 100, message: `step ${i + 1} of 3` },
            });
          }
        }
        return { content: [text("Progress tool finished.")] };
      }
      case "test_error_handling":
        return { isError: true, content: [text("This tool intentionally returns an error for testing")] };
      case "test_sampling": {
        const result = await extra.sendRequest(
          {
            method: "sampling/createMessage",
            params: {
              messages: [{ role: "user", content: text(String(args.prompt ?? "")) }],
              maxTokens: 100,
            },
          },
          CreateMessageResultSchema,
        );
        const answer = Array.isArray(result.content)
          ? result.content.map((c) => c.text ?? `[${c.type}]`).join(" ")
          : result.content?.text ?? `[${result.content?.type}]`;
        return { content: [text(`LLM response: ${answer}`)] };
      }
      case "test_elicitation": {
        const result = await extra.sendRequest(
          {
            method: "elicitation/create",
            params: {
              message: String(args.message ?? ""),
              requestedSchema: {
                type: "object",
                properties: {
                  username: { type: "string", description: "User's response" },
                  email: { type: "string", description: "User's email address" },
                },
                required: ["username", "email"],
              },
            },
          },
          ElicitResultSchema,
        );
        return {
          content: [text(`User response: action=${result.action}, content=${JSON.stringify(result.content ?? {})}`)],
        };
      }
      case "test_elicitation_sep1034_defaults": {
        const result = await extra.sendRequest(
          {
            method: "elicitation/create",
            params: {
              message: "Please review these fields; each has a default value.",
              requestedSchema: {
                type: "object",
                properties: {
                  name: { type: "string", description: "Name", default: "John Doe" },
                  age: { type: "integer", description: "Age", default: 30 },
                  score: { type: "number", description: "Score", default: 95.5 },
                  status: {
                    type: "string",
                    description: "Status",
                    enum: ["active", "inactive", "pending"],
                    default: "active",
                  },
                  verified: { type: "boolean", description: "Verified", default: true },
                },
              },
            },
          },
          ElicitResultSchema,
        );
        return {
          content: [
            text(`Elicitation completed: action=${result.action}, content=${JSON.stringify(result.content ?? {})}`),
          ],
        };
      }
      case "test_elicitation_sep1330_enums": {
        const result = await extra.sendRequest(
          {
            method: "elicitation/create",
            params: {
              message: "Please pick from each kind of enum.",
              requestedSchema: {
                type: "object",
                properties: {
                  untitledSingle: {
                    type: "string",
                    description: "Untitled single choice",
                    enum: ["option1", "option2", "option3"],
                  },
                  titledSingle: {
                    type: "string",
                    description: "Titled single choice",
                    oneOf: [
                      { const: "value1", title: "First Option" },
                      { const: "value2", title: "Second Option" },
                      { const: "value3", title: "Third Option" },
                    ],
                  },
                  legacyEnum: {
                    type: "string",
                    description: "Legacy titled choice",
                    enum: ["opt1", "opt2", "opt3"],
                    enumNames: ["Option One", "Option Two", "Option Three"],
                  },
                  untitledMulti: {
                    type: "array",
                    description: "Untitled multiple choice",
                    items: { type: "string", enum: ["option1", "option2", "option3"] },
                  },
                  titledMulti: {
                    type: "array",
                    description: "Titled multiple choice",
                    items: {
                      anyOf: [
                        { const: "value1", title: "First Choice" },
                        { const: "value2", title: "Second Choice" },
                        { const: "value3", title: "Third Choice" },
                      ],
                    },
                  },
                },
              },
            },
          },
          ElicitResultSchema,
        );
        return {
          content: [
            text(`Elicitation completed: action=${result.action}, content=${JSON.stringify(result.content ?? {})}`),
          ],
        };
      }
      case "json_schema_2020_12_tool":
        return { content: [text(`Received: ${JSON.stringify(args)}`)] };
      case "test_reconnection":
        // Over Streamable HTTP with an event store (protocol >= 2025-11-25) the SDK offers
        // closeSSEStream: close the stream, the client reconnects with Last-Event-ID and
        // the answer is replayed from the event store. Elsewhere this is a plain call.
        if (extra.closeSSEStream) {
          await sleep(50);
          extra.closeSSEStream();
          await sleep(200);
        }
        return { content: [text("Reconnection test completed successfully")] };
      default:
        throw new McpError(ErrorCode.InvalidParams, `Unknown tool: ${request.params.name}`);
    }
  });

  server.setRequestHandler(ListResourcesRequestSchema, async () => ({ resources: RESOURCES }));

  server.setRequestHandler(ListResourceTemplatesRequestSchema, async () => ({
    resourceTemplates: [
      {
        uriTemplate: "test://template/{id}/data",
        name: "template-data",
        title: "Template data",
        description: "JSON data for an id.",
        mimeType: "application/json",
      },
    ],
  }));

  server.setRequestHandler(ReadResourceRequestSchema, async (request) => {
    const uri = request.params.uri;
    if (uri === "test://static-text") {
      return { contents: [{ uri, mimeType: "text/plain", text: "This is the content of the static text resource." }] };
    }
    if (uri === "test://static-binary") {
      return { contents: [{ uri, mimeType: "image/png", blob: PNG }] };
    }
    if (uri === "test://watched-resource") {
      return { contents: [{ uri, mimeType: "text/plain", text: `Watched resource, read at ${new Date().toISOString()}` }] };
    }
    const match = TEMPLATE.exec(uri);
    if (match) {
      const id = decodeURIComponent(match[1]);
      return {
        contents: [
          {
            uri,
            mimeType: "application/json",
            text: JSON.stringify({ id, templateTest: true, data: `Data for ID: ${id}` }),
          },
        ],
      };
    }
    throw new McpError(-32002, `Resource not found: ${uri}`, { uri });
  });

  server.setRequestHandler(SubscribeRequestSchema, async (request) => {
    subscriptions.add(request.params.uri);
    return {};
  });

  server.setRequestHandler(UnsubscribeRequestSchema, async (request) => {
    subscriptions.delete(request.params.uri);
    return {};
  });

  server.setRequestHandler(ListPromptsRequestSchema, async () => ({ prompts: PROMPTS }));

  server.setRequestHandler(GetPromptRequestSchema, async (request) => {
    const args = request.params.arguments ?? {};
    switch (request.params.name) {
      case "test_simple_prompt":
        return { messages: [{ role: "user", content: text("This is a simple prompt for testing.") }] };
      case "test_prompt_with_arguments":
        return {
          messages: [
            { role: "user", content: text(`Prompt with arguments: arg1='${args.arg1}', arg2='${args.arg2}'`) },
          ],
        };
      case "test_prompt_with_embedded_resource":
        return {
          messages: [
            {
              role: "user",
              content: {
                type: "resource",
                resource: {
                  uri: String(args.resourceUri ?? "test://embedded"),
                  mimeType: "text/plain",
                  text: "Embedded resource content for testing.",
                },
              },
            },
            { role: "user", content: text("Please process the embedded resource above.") },
          ],
        };
      case "test_prompt_with_image":
        return {
          messages: [
            { role: "user", content: { type: "image", data: PNG, mimeType: "image/png" } },
            { role: "user", content: text("Please analyze the image above.") },
          ],
        };
      default:
        throw new McpError(ErrorCode.InvalidParams, `Unknown prompt: ${request.params.name}`);
    }
  });

  server.setRequestHandler(CompleteRequestSchema, async (request) => {
    const { name, value } = request.params.argument;
    const values = (COMPLETIONS[name] ?? []).filter((v) => v.startsWith(value ?? ""));
    return { completion: { values, total: values.length, hasMore: false } };
  });

  return server;
}

// ------------------------------------------------------------------ event store (resumability)
class MemoryEventStore {
  constructor(limit = 10000) {
    this.events = new Map(); // eventId -> {streamId, message}
    this.limit = limit;
    this.counter = 0;
  }

  async storeEvent(streamId, message) {
    const eventId = `${streamId}~${++this.counter}`;
    this.events.set(eventId, { streamId, message });
    if (this.events.size > this.limit) {
      this.events.delete(this.events.keys().next().value);
    }
    return eventId;
  }

  async getStreamIdForEventId(eventId) {
    return this.events.get(eventId)?.streamId;
  }

  async replayEventsAfter(lastEventId, { send }) {
    const last = this.events.get(lastEventId);
    if (!last) return "";
    let after = false;
    for (const [eventId, { streamId, message }] of this.events) {
      if (eventId === lastEventId) {
        after = true;
        continue;
      }
      if (after && streamId === last.streamId && message && Object.keys(message).length > 0) {
        await send(eventId, message);
      }
    }
    return last.streamId;
  }
}

// ------------------------------------------------------------------ protocol 2026-07-28 (stateless)
// A request whose params._meta carries "io.modelcontextprotocol/protocolVersion" (or, over HTTP, a
// POST with "MCP-Protocol-Version: 2026-07-28") is served here, by raw JSON-RPC: no initialize, no
// session, per-request _meta, resultType on every result, caching hints on cacheable results, MRTR
// (InputRequiredResult) instead of server-to-client requests, and subscriptions/listen instead of the
// GET stream. Everything else still goes to the SDK server above (2025-era semantics).

const MODERN = "2026-07-28";
const MODERN_SUPPORTED = [MODERN];
const META = {
  version: "io.modelcontextprotocol/protocolVersion",
  capabilities: "io.modelcontextprotocol/clientCapabilities",
  clientInfo: "io.modelcontextprotocol/clientInfo",
  logLevel: "io.modelcontextprotocol/logLevel",
  serverInfo: "io.modelcontextprotocol/serverInfo",
  subscriptionId: "io.modelcontextprotocol/subscriptionId",
};
const SERVER_INFO = { name: "airlock-conformance-fixture", version: "1.0.0" };
const CODE = {
  invalidRequest: -32600,
  methodNotFound: -32601,
  invalidParams: -32602,
  internal: -32603,
  headerMismatch: -32020,
  missingCapability: -32021,
  unsupportedVersion: -32022,
};
/** Methods that 2026-07-28 removed; asked for with modern _meta they are "method not found". */
const REMOVED_METHODS = new Set(["initialize", "ping", "logging/setLevel", "resources/subscribe", "resources/unsubscribe"]);
const LOG_LEVELS = ["debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"];
const CACHE_LISTS = { ttlMs: 60000, cacheScope: "public" };

class RpcError extends Error {
  constructor(code, message, data, httpStatus) {
    super(message);
    this.code = code;
    this.data = data;
    this.httpStatus = httpStatus;
  }
}

const isObject = (v) => typeof v === "object" && v !== null && !Array.isArray(v);

/** Whether a parsed JSON-RPC message carries modern (2026-07-28) per-request _meta. */
function hasModernMeta(message) {
  return isObject(message) && isObject(message.params) && isObject(message.params._meta)
    && META.version in message.params._meta;
}

const modernText = (t) => ({ type: "text", text: t });

const elicitForm = (message, properties, required) => ({
  method: "elicitation/create",
  params: { mode: "form", message, requestedSchema: { type: "object", properties, required } },
});
const sampling = (prompt, maxTokens) => ({
  method: "sampling/createMessage",
  params: { messages: [{ role: "user", content: modernText(prompt) }], maxTokens },
});
const LIST_ROOTS = { method: "roots/list", params: {} };

const TOOLS_2026 = [
  ...TOOLS.filter((t) =>
    [
      "test_simple_text",
      "test_image_content",
      "test_audio_content",
      "test_embedded_resource",
      "test_multiple_content_types",
      "test_tool_with_progress",
      "test_error_handling",
    ].includes(t.name)),
  {
    name: "json_schema_2020_12_tool",
    description: "Tool whose input schema uses JSON Schema 2020-12 keywords ($defs, $anchor, composition, conditionals).",
    inputSchema: {
      $schema: "https://json-schema.org/draft/2020-12/schema",
      type: "object",
      $defs: {
        address: {
          $anchor: "addressDef",
          type: "object",
          properties: { street: { type: "string" }, city: { type: "string" } },
        },
      },
      properties: {
        name: { type: "string" },
        address: { $ref: "#/$defs/address" },
        contactMethod: { type: "string", enum: ["phone", "email"] },
        phone: { type: "string" },
        email: { type: "string" },
      },
      allOf: [{ anyOf: [{ required: ["phone"] }, { required: ["email"] }] }],
      if: { properties: { contactMethod: { const: "phone" } }, required: ["contactMethod"] },
      then: { required: ["phone"] },
      else: { required: ["email"] },
      additionalProperties: false,
    },
  },
  {
    name: "test_header_param",
    description: "Echoes its region argument, which clients mirror into the Mcp-Param-Region header.",
    inputSchema: {
      type: "object",
      properties: { region: { type: "string", description: "A region name", "x-mcp-header": "Region" } },
      required: ["region"],
    },
  },
  { name: "test_missing_capability", description: "Needs the client's sampling capability.", inputSchema: noArgs },
  {
    name: "test_streaming_elicitation",
    description: "Streams its answer (SSE over HTTP) and asks for input through an InputRequiredResult.",
    inputSchema: noArgs,
  },
  {
    name: "test_logging_tool",
    description: "Logs three messages, but only when the request sets _meta logLevel.",
    inputSchema: noArgs,
  },
  {
    name: "test_trigger_tool_change",
    description: "Notifies subscriptions/listen streams that the tool list changed.",
    inputSchema: noArgs,
  },
  {
    name: "test_trigger_prompt_change",
    description: "Notifies subscriptions/listen streams that the prompt list changed.",
    inputSchema: noArgs,
  },
  ...[
    ["elicitation", "Asks for the user's name (MRTR elicitation)."],
    ["sampling", "Asks the client to sample an answer (MRTR sampling)."],
    ["list_roots", "Asks the client for its roots (MRTR roots/list)."],
    ["request_state", "Asks for a confirmation and carries signed requestState."],
    ["multiple_inputs", "Asks for elicitation, sampling and roots at once, with requestState."],
    ["multi_round", "Asks for input over two rounds with evolving requestState."],
    ["tampered_state", "Rejects a requestState that fails its HMAC."],
    ["capabilities", "Asks only for what the client declared."],
  ].map(([suffix, description]) => ({
    name: `test_input_required_result_${suffix}`,
    description,
    inputSchema: noArgs,
  })),
];

const PROMPTS_2026 = [
  ...PROMPTS,
  { name: "test_input_required_result_prompt", description: "A prompt that asks for context first (MRTR)." },
];

const CAPABILITIES_2026 = {
  tools: { listChanged: true },
  resources: { subscribe: true, listChanged: true },
  prompts: { listChanged: true },
  logging: {},
  completions: {},
};

// ---- requestState: HMAC-SHA256 over the state, bound to the tool or prompt and a 10 minute lifetime.
const STATE_KEY = randomBytes(32);
const STATE_TTL_MS = 10 * 60 * 1000;

function sealState(target, data) {
  const body = Buffer.from(JSON.stringify({ target, data, exp: Date.now() + STATE_TTL_MS })).toString("base64url");
  const mac = createHmac("sha256", STATE_KEY).update(body).digest("base64url");
  return `${body}.${mac}`;
}

/** The state's data; undefined when none was sent; throws -32602 when it fails verification. */
function openState(params, target) {
  if (!("requestState" in params) || params.requestState === undefined) return undefined;
  const reject = (why) => {
    throw new RpcError(CODE.invalidParams, `Invalid params: requestState ${why}`);
  };
  const token = params.requestState;
  if (typeof token !== "string") reject("must be a string");
  const parts = token.split(".");
  if (parts.length !== 2) reject("is malformed");
  const expected = createHmac("sha256", STATE_KEY).update(parts[0]).digest();
  const given = Buffer.from(parts[1], "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)
      || given.toString("base64url") !== parts[1]) {
    reject("failed its integrity check");
  }
  const state = JSON.parse(Buffer.from(parts[0], "base64url").toString("utf8"));
  if (state.target !== target) reject(`was issued for ${state.target}, not ${target}`);
  if (Date.now() > state.exp) reject("has expired");
  return state.data;
}

// ---- inputResponses
function inputResponsesOf(params) {
  if (!("inputResponses" in params) || params.inputResponses === undefined) return {};
  if (!isObject(params.inputResponses)) {
    throw new RpcError(CODE.invalidParams, "Invalid params: inputResponses must be an object");
  }
  return params.inputResponses;
}

/** The response under key (undefined if absent); -32602 when it is not a result object. */
function responseOf(responses, key) {
  if (!(key in responses)) return undefined;
  const r = responses[key];
  if (!isObject(r)) {
    throw new RpcError(CODE.invalidParams, `Invalid params: inputResponses.${key} must be a result object`);
  }
  return r;
}

/** An accepted elicitation's field value, or undefined. */
function elicited(response, field) {
  if (response?.action !== "accept" || !isObject(response.content)) return undefined;
  return response.content[field];
}

function sampledText(response) {
  const content = Array.isArray(response?.content) ? response.content : [response?.content];
  const texts = content.filter((c) => c?.type === "text" && typeof c.text === "string").map((c) => c.text);
  return texts.length > 0 ? texts.join(" ") : undefined;
}

function rootsOf(response) {
  return Array.isArray(response?.roots) ? response.roots : undefined;
}

function inputRequired(inputRequests, requestState) {
  const result = { resultType: "input_required" };
  if (inputRequests && Object.keys(inputRequests).length > 0) result.inputRequests = inputRequests;
  if (requestState !== undefined) result.requestState = requestState;
  return result;
}

function requireCapabilities(ctx, ...names) {
  const missing = names.filter((n) => !isObject(ctx.capabilities[n]));
  if (missing.length > 0) {
    throw new RpcError(
      CODE.missingCapability,
      `Missing required client capability: ${missing.join(", ")}`,
      { requiredCapabilities: Object.fromEntries(missing.map((n) => [n, {}])) },
    );
  }
}

// ---- subscriptions/listen
const listeners = new Set(); // {filter, emit(notification)}

function notifyListeners(filterKey, method) {
  for (const listener of listeners) {
    if (listener.filter[filterKey] === true) {
      listener.emit({
        jsonrpc: "2.0",
        method,
        params: { _meta: { [META.subscriptionId]: listener.id } },
      });
    }
  }
}

// ---- methods
async function modernCallTool(params, ctx) {
  const name = params.name;
  if (typeof name !== "string") throw new RpcError(CODE.invalidParams, "Invalid params: name must be a string");
  const args = params.arguments ?? {};
  if (!isObject(args)) throw new RpcError(CODE.invalidParams, "Invalid params: arguments must be an object");
  const responses = inputResponsesOf(params);
  switch (name) {
    case "test_simple_text":
      return { content: [modernText("This is a simple text response for testing.")] };
    case "test_image_content":
      return { content: [{ type: "image", data: PNG, mimeType: "image/png" }] };
    case "test_audio_content":
      return { content: [{ type: "audio", data: WAV, mimeType: "audio/wav" }] };
    case "test_embedded_resource":
      return {
        content: [
          {
            type: "resource",
            resource: {
              uri: "test://embedded-resource",
              mimeType: "text/plain",
              text: "This is an embedded resource content.",
            },
          },
        ],
      };
    case "test_multiple_content_types":
      return {
        content: [
          modernText("Multiple content types test:"),
          { type: "image", data: PNG, mimeType: "image/png" },
          {
            type: "resource",
            resource: {
              uri: "test://mixed-content-resource",
              mimeType: "application/json",
              text: JSON.stringify({ test: "data", value: 123 }),
            },
          },
        ],
      };
    case "test_error_handling":
      return { isError: true, content: [modernText("This tool intentionally returns an error for testing")] };
    case "test_tool_with_progress": {
      const token = ctx.meta.progressToken;
      for (const [i, progress] of [0, 50, 100].entries()) {
        if (i > 0) await sleep(50);
        if (ctx.signal.aborted) return null;
        if (token !== undefined) {
          ctx.emit({
            jsonrpc: "2.0",
            method: "notifications/progress",
            params: { progressToken: token, progress, total: 100, message: `step ${i + 1} of 3` },
          });
        }
      }
      return { content: [modernText("Progress tool finished.")] };
    }
    case "json_schema_2020_12_tool":
      return { content: [modernText(`Received: ${JSON.stringify(args)}`)] };
    case "test_header_param":
      return { content: [modernText(`Region: ${args.region}`)] };
    case "test_missing_capability": {
      requireCapabilities(ctx, "sampling");
      const answer = sampledText(responseOf(responses, "sample"));
      if (answer === undefined) return inputRequired({ sample: sampling("Say something.", 20) });
      return { content: [modernText(`Sampled: ${answer}`)] };
    }
    case "test_streaming_elicitation": {
      requireCapabilities(ctx, "elicitation");
      ctx.stream();
      const token = ctx.meta.progressToken;
      if (token !== undefined) {
        ctx.emit({ jsonrpc: "2.0", method: "notifications/progress", params: { progressToken: token, progress: 1 } });
      }
      const value = elicited(responseOf(responses, "user_input"), "value");
      if (value === undefined) {
        return inputRequired({
          user_input: elicitForm("Please provide a value", { value: { type: "string" } }, ["value"]),
        });
      }
      return { content: [modernText(`Streaming elicitation received: ${value}`)] };
    }
    case "test_logging_tool":
      ctx.log("info", "Tool execution started");
      await sleep(20);
      ctx.log("info", "Tool processing data");
      await sleep(20);
      ctx.log("info", "Tool execution completed");
      return { content: [modernText("Logging tool finished.")] };
    case "test_trigger_tool_change":
      notifyListeners("toolsListChanged", "notifications/tools/list_changed");
      return { content: [modernText("Tool list change announced.")] };
    case "test_trigger_prompt_change":
      notifyListeners("promptsListChanged", "notifications/prompts/list_changed");
      return { content: [modernText("Prompt list change announced.")] };
    case "test_input_required_result_elicitation": {
      requireCapabilities(ctx, "elicitation");
      const answer = responseOf(responses, "user_name");
      const userName = elicited(answer, "name");
      if (typeof userName === "string") return { content: [modernText(`Hello, ${userName}!`)] };
      if (answer !== undefined && answer.action !== "accept") {
        return { content: [modernText(`No name given (${answer.action}).`)] };
      }
      return inputRequired({
        user_name: elicitForm("What is your name?", { name: { type: "string" } }, ["name"]),
      });
    }
    case "test_input_required_result_sampling": {
      requireCapabilities(ctx, "sampling");
      const answer = sampledText(responseOf(responses, "capital_question"));
      if (answer !== undefined) return { content: [modernText(`The client answered: ${answer}`)] };
      return inputRequired({ capital_question: sampling("What is the capital of France?", 100) });
    }
    case "test_input_required_result_list_roots": {
      requireCapabilities(ctx, "roots");
      const roots = rootsOf(responseOf(responses, "client_roots"));
      if (roots !== undefined) {
        return { content: [modernText(`Client roots: ${roots.map((r) => r?.uri).join(", ") || "(none)"}`)] };
      }
      return inputRequired({ client_roots: LIST_ROOTS });
    }
    case "test_input_required_result_request_state":
    case "test_input_required_result_tampered_state": {
      requireCapabilities(ctx, "elicitation");
      const state = openState(params, name);
      const confirmation = responseOf(responses, "confirm");
      if (state !== undefined && confirmation !== undefined) {
        return {
          content: [modernText(`state-ok: round ${state.round} verified, confirmation action=${confirmation.action}`)],
        };
      }
      return inputRequired(
        { confirm: elicitForm("Please confirm", { ok: { type: "boolean" } }, ["ok"]) },
        sealState(name, { round: 1 }),
      );
    }
    case "test_input_required_result_multiple_inputs": {
      requireCapabilities(ctx, "elicitation", "sampling", "roots");
      const state = openState(params, name);
      const userName = elicited(responseOf(responses, "user_name"), "name");
      const greeting = sampledText(responseOf(responses, "greeting"));
      const roots = rootsOf(responseOf(responses, "client_roots"));
      if (state !== undefined && userName !== undefined && greeting !== undefined && roots !== undefined) {
        return {
          content: [modernText(`${greeting} ${userName}; roots: ${roots.map((r) => r?.uri).join(", ")}`)],
        };
      }
      const wanted = {};
      if (userName === undefined) {
        wanted.user_name = elicitForm("What is your name?", { name: { type: "string" } }, ["name"]);
      }
      if (greeting === undefined) wanted.greeting = sampling("Generate a greeting", 50);
      if (roots === undefined) wanted.client_roots = LIST_ROOTS;
      return inputRequired(wanted, sealState(name, { round: 1 }));
    }
    case "test_input_required_result_multi_round": {
      requireCapabilities(ctx, "elicitation");
      const state = openState(params, name);
      const step1 = () =>
        inputRequired(
          { step1: elicitForm("Step 1: What is your name?", { name: { type: "string" } }, ["name"]) },
          sealState(name, { round: 1 }),
        );
      const step2 = (who) =>
        inputRequired(
          {
            step2: elicitForm("Step 2: What is your favorite color?", { color: { type: "string" } }, ["color"]),
          },
          sealState(name, { round: 2, name: who }),
        );
      if (state === undefined) return step1();
      if (state.round === 1) {
        const who = elicited(responseOf(responses, "step1"), "name");
        return who === undefined ? step1() : step2(String(who));
      }
      const color = elicited(responseOf(responses, "step2"), "color");
      if (color === undefined) return step2(state.name);
      return { content: [modernText(`${state.name}'s favorite color is ${color}.`)] };
    }
    case "test_input_required_result_capabilities": {
      const wanted = {};
      if (isObject(ctx.capabilities.elicitation)) {
        wanted.user_name = elicitForm("What is your name?", { name: { type: "string" } }, ["name"]);
      }
      if (isObject(ctx.capabilities.sampling)) wanted.greeting = sampling("Generate a greeting", 50);
      if (isObject(ctx.capabilities.roots)) wanted.client_roots = LIST_ROOTS;
      const pending = Object.fromEntries(Object.entries(wanted).filter(([key]) => !(key in responses)));
      if (Object.keys(pending).length > 0) return inputRequired(pending);
      return { content: [modernText(`Received input for: ${Object.keys(wanted).join(", ") || "nothing"}`)] };
    }
    default:
      throw new RpcError(CODE.invalidParams, `Unknown tool: ${name}`);
  }
}

async function modernReadResource(params) {
  const uri = params.uri;
  if (typeof uri !== "string") throw new RpcError(CODE.invalidParams, "Invalid params: uri must be a string");
  if (uri === "test://static-text") {
    return {
      contents: [{ uri, mimeType: "text/plain", text: "This is the content of the static text resource." }],
      ...CACHE_LISTS,
    };
  }
  if (uri === "test://static-binary") {
    return { contents: [{ uri, mimeType: "image/png", blob: PNG }], ...CACHE_LISTS };
  }
  if (uri === "test://watched-resource") {
    return {
      contents: [{ uri, mimeType: "text/plain", text: `Watched resource, read at ${new Date().toISOString()}` }],
      ttlMs: 0,
      cacheScope: "public",
    };
  }
  const match = TEMPLATE.exec(uri);
  if (match) {
    const id = decodeURIComponent(match[1]);
    return {
      contents: [
        { uri, mimeType: "application/json", text: JSON.stringify({ id, templateTest: true, data: `Data for ID: ${id}` }) },
      ],
      ...CACHE_LISTS,
    };
  }
  throw new RpcError(CODE.invalidParams, "Resource not found", { uri });
}

async function modernGetPrompt(params, ctx) {
  const name = params.name;
  const args = params.arguments ?? {};
  if (name === "test_input_required_result_prompt") {
    requireCapabilities(ctx, "elicitation");
    const context = elicited(responseOf(inputResponsesOf(params), "user_context"), "context");
    if (context === undefined) {
      return inputRequired({
        user_context: elicitForm("What context should the prompt use?", { context: { type: "string" } }, ["context"]),
      });
    }
    return { messages: [{ role: "user", content: modernText(`Answer with this context in mind: ${context}`) }] };
  }
  switch (name) {
    case "test_simple_prompt":
      return { messages: [{ role: "user", content: modernText("This is a simple prompt for testing.") }] };
    case "test_prompt_with_arguments":
      return {
        messages: [
          { role: "user", content: modernText(`Prompt with arguments: arg1='${args.arg1}', arg2='${args.arg2}'`) },
        ],
      };
    case "test_prompt_with_embedded_resource":
      return {
        messages: [
          {
            role: "user",
            content: {
              type: "resource",
              resource: {
                uri: String(args.resourceUri ?? "test://embedded"),
                mimeType: "text/plain",
                text: "Embedded resource content for testing.",
              },
            },
          },
          { role: "user", content: modernText("Please process the embedded resource above.") },
        ],
      };
    case "test_prompt_with_image":
      return {
        messages: [
          { role: "user", content: { type: "image", data: PNG, mimeType: "image/png" } },
          { role: "user", content: modernText("Please analyze the image above.") },
        ],
      };
    default:
      throw new RpcError(CODE.invalidParams, `Unknown prompt: ${name}`);
  }
}

/** subscriptions/listen: acknowledge, then deliver list changes until the caller cancels (null: no response). */
async function modernListen(params, ctx) {
  const requested = isObject(params.notifications) ? params.notifications : {};
  const honoured = {};
  for (const key of ["toolsListChanged", "promptsListChanged", "resourcesListChanged"]) {
    if (requested[key] === true) honoured[key] = true;
  }
  if (Array.isArray(requested.resourceSubscriptions)) {
    honoured.resourceSubscriptions = requested.resourceSubscriptions.filter((u) => typeof u === "string");
  }
  ctx.stream();
  const listener = { id: ctx.id, filter: honoured, emit: ctx.emit };
  ctx.emit({
    jsonrpc: "2.0",
    method: "notifications/subscriptions/acknowledged",
    params: { _meta: { [META.subscriptionId]: ctx.id }, notifications: honoured },
  });
  listeners.add(listener);
  await new Promise((resolve) => {
    if (ctx.signal.aborted) resolve();
    else ctx.signal.addEventListener("abort", resolve, { once: true });
  });
  listeners.delete(listener);
  return null;
}

const MODERN_METHODS = {
  "server/discover": async () => ({
    supportedVersions: MODERN_SUPPORTED,
    capabilities: CAPABILITIES_2026,
    instructions: "Airlock conformance fixture (2026-07-28 stateless path).",
    ttlMs: 3600000,
    cacheScope: "public",
  }),
  "tools/list": async () => ({ tools: TOOLS_2026, ...CACHE_LISTS }),
  "tools/call": modernCallTool,
  "resources/list": async () => ({ resources: RESOURCES, ...CACHE_LISTS }),
  "resources/templates/list": async () => ({
    resourceTemplates: [
      {
        uriTemplate: "test://template/{id}/data",
        name: "template-data",
        title: "Template data",
        description: "JSON data for an id.",
        mimeType: "application/json",
      },
    ],
    ...CACHE_LISTS,
  }),
  "resources/read": modernReadResource,
  "prompts/list": async () => ({ prompts: PROMPTS_2026, ...CACHE_LISTS }),
  "prompts/get": modernGetPrompt,
  "completion/complete": async (params) => {
    const { name, value } = isObject(params.argument) ? params.argument : {};
    const values = (COMPLETIONS[name] ?? []).filter((v) => v.startsWith(value ?? ""));
    return { completion: { values, total: values.length, hasMore: false } };
  },
  "subscriptions/listen": modernListen,
};

/**
 * Serves one modern request. ctx: {emit(notification), stream(), signal, checkHeaders?(message, meta)}.
 * Returns the JSON-RPC response, or null when there is none to send (a cancelled listen or call);
 * errors carry an httpStatus for the HTTP front.
 */
async function handleModern(message, ctx) {
  const id = message.id;
  const fail = (e) => ({
    jsonrpc: "2.0",
    id,
    error: { code: e.code, message: e.message, ...(e.data !== undefined ? { data: e.data } : {}) },
    httpStatus: e.httpStatus,
  });
  const params = isObject(message.params) ? message.params : undefined;
  const meta = params?._meta;
  if (!isObject(meta) || typeof meta[META.version] !== "string" || !isObject(meta[META.capabilities])) {
    return fail(new RpcError(
      CODE.invalidParams,
      `Invalid params: _meta must carry '${META.version}' (a string) and '${META.capabilities}' (an object)`,
      undefined,
      400,
    ));
  }
  const mismatch = ctx.checkHeaders?.(message, meta);
  if (mismatch) return fail(new RpcError(CODE.headerMismatch, `Header mismatch: ${mismatch}`));
  if (!MODERN_SUPPORTED.includes(meta[META.version])) {
    return fail(new RpcError(CODE.unsupportedVersion, "Unsupported protocol version", {
      supported: MODERN_SUPPORTED,
      requested: meta[META.version],
    }));
  }
  const handler = Object.hasOwn(MODERN_METHODS, message.method) ? MODERN_METHODS[message.method] : undefined;
  if (!handler) {
    return fail(new RpcError(
      CODE.methodNotFound,
      REMOVED_METHODS.has(message.method)
        ? `Method not found: ${message.method} does not exist in protocol ${MODERN}`
        : `Method not found: ${message.method}`,
    ));
  }
  const logLevel = meta[META.logLevel];
  const handlerCtx = {
    ...ctx,
    id,
    meta,
    capabilities: meta[META.capabilities],
    log(level, data) {
      if (typeof logLevel !== "string" || LOG_LEVELS.indexOf(level) < LOG_LEVELS.indexOf(logLevel)) return;
      ctx.emit({ jsonrpc: "2.0", method: "notifications/message", params: { level, logger: "fixture", data } });
    },
  };
  let result;
  try {
    result = await handler(params, handlerCtx);
  } catch (e) {
    if (e instanceof RpcError) return fail(e);
    log(`${message.method} failed:`, e);
    return fail(new RpcError(CODE.internal, `Internal error: ${e?.message ?? e}`));
  }
  if (result === null || ctx.signal.aborted) return null;
  if (!("resultType" in result)) result = { resultType: "complete", ...result };
  result._meta = { ...(result._meta ?? {}), [META.serverInfo]: SERVER_INFO };
  return { jsonrpc: "2.0", id, result };
}

/** The HTTP status of a modern response: -32601 is 404; -32020/-32021/-32022 and invalid _meta are 400. */
function modernHttpStatus(response) {
  if (!response.error) return 200;
  if (response.httpStatus) return response.httpStatus;
  switch (response.error.code) {
    case CODE.methodNotFound:
      return 404;
    case CODE.headerMismatch:
    case CODE.missingCapability:
    case CODE.unsupportedVersion:
      return 400;
    default:
      return 200;
  }
}

// ---- SEP-2243 header checks (HTTP only: on stdio there are no headers)
function headerOf(req, name) {
  const value = req.headers[name.toLowerCase()];
  if (value === undefined) return undefined;
  return (Array.isArray(value) ? value.join(", ") : value).trim();
}

/** Decodes a standard or Mcp-Param header value ("=?base64?...?=" sentinel); null when invalid. */
function decodeHeaderValue(value) {
  if (!/^[\x20-\x7e\t]*$/.test(value)) return null;
  const sentinel = /^=\?base64\?(.*)\?=$/.exec(value);
  if (!sentinel) return value;
  const b64 = sentinel[1];
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 !== 0) return null;
  const bytes = Buffer.from(b64, "base64");
  if (bytes.toString("base64") !== b64) return null;
  const decoded = new TextDecoder("utf-8", { fatal: true });
  try {
    return decoded.decode(bytes);
  } catch {
    return null;
  }
}

/** A HeaderMismatch reason, or undefined when the headers agree with the body. */
function checkModernHeaders(req, message, meta) {
  const version = headerOf(req, "MCP-Protocol-Version");
  if (version === undefined) return "the MCP-Protocol-Version header is required";
  if (version !== meta[META.version]) {
    return `MCP-Protocol-Version header value '${version}' does not match body value '${meta[META.version]}'`;
  }
  const method = headerOf(req, "Mcp-Method");
  if (method === undefined) return "the Mcp-Method header is required";
  if (method !== message.method) {
    return `Mcp-Method header value '${method}' does not match body value '${message.method}'`;
  }
  const params = message.params;
  const bodyName = message.method === "tools/call" || message.method === "prompts/get" ? params.name
    : message.method === "resources/read" ? params.uri : undefined;
  if (message.method === "tools/call" || message.method === "prompts/get" || message.method === "resources/read") {
    const raw = headerOf(req, "Mcp-Name");
    if (raw === undefined) return `the Mcp-Name header is required for ${message.method}`;
    const name = decodeHeaderValue(raw);
    if (name === null) return `Mcp-Name header value '${raw}' is not validly encoded`;
    if (name !== String(bodyName)) return `Mcp-Name header value '${name}' does not match body value '${bodyName}'`;
  }
  if (message.method === "tools/call") {
    const tool = TOOLS_2026.find((t) => t.name === params.name);
    const args = isObject(params.arguments) ? params.arguments : {};
    for (const [property, schema] of Object.entries(tool?.inputSchema?.properties ?? {})) {
      const suffix = schema?.["x-mcp-header"];
      if (typeof suffix !== "string") continue;
      const header = `Mcp-Param-${suffix}`;
      const raw = headerOf(req, header);
      const body = args[property];
      if (body === undefined || body === null) {
        if (raw !== undefined) return `${header} is present but arguments.${property} is not`;
        continue;
      }
      if (raw === undefined) return `the ${header} header is required when arguments.${property} is set`;
      const value = decodeHeaderValue(raw);
      if (value === null) return `${header} header value '${raw}' is not validly encoded`;
      const same = typeof body === "number" ? Number(value) === body : value === String(body);
      if (!same) return `${header} header value '${value}' does not match body value '${body}'`;
    }
  }
  return undefined;
}

async function serveModernHttp(req, res) {
  const message = req.body;
  if (!isObject(message) || message.jsonrpc !== "2.0") {
    res.status(400).json({
      jsonrpc: "2.0",
      id: null,
      error: { code: CODE.invalidRequest, message: `Invalid Request: protocol ${MODERN} takes one JSON-RPC object per POST` },
    });
    return;
  }
  if (typeof message.method !== "string") {
    res.status(400).json({
      jsonrpc: "2.0",
      id: null,
      error: { code: CODE.invalidRequest, message: `Invalid Request: in protocol ${MODERN} clients do not send responses` },
    });
    return;
  }
  if (!("id" in message)) {
    res.status(202).end(); // no client-to-server notification exists over 2026-07-28 HTTP
    return;
  }
  const controller = new AbortController();
  let sse = false;
  let done = false;
  res.on("close", () => {
    if (!done) controller.abort();
  });
  const stream = () => {
    if (sse || res.headersSent) return;
    sse = true;
    res.writeHead(200, {
      "Content-Type": "text/event-stream",
      "Cache-Control": "no-cache",
      "X-Accel-Buffering": "no",
    });
    res.flushHeaders();
  };
  const emit = (notification) => {
    if (controller.signal.aborted || res.writableEnded) return;
    stream();
    res.write(`event: message\ndata: ${JSON.stringify(notification)}\n\n`);
  };
  const response = await handleModern(message, {
    emit,
    stream,
    signal: controller.signal,
    checkHeaders: (m, meta) => checkModernHeaders(req, m, meta),
  });
  done = true;
  if (response === null || controller.signal.aborted) {
    if (!res.writableEnded) res.end();
    return;
  }
  const status = modernHttpStatus(response);
  delete response.httpStatus;
  if (sse) {
    res.write(`event: message\ndata: ${JSON.stringify(response)}\n\n`);
    res.end();
  } else {
    res.status(status).json(response);
  }
}

/**
 * stdio for both eras: a modern request goes to handleModern (responses and notifications written as
 * lines here), anything else to the SDK server through the transport interface. notifications/cancelled
 * for a modern request aborts it (that is how a subscriptions/listen ends on stdio).
 */
class DualEraStdioTransport {
  constructor() {
    this.buffer = "";
    this.modern = new Map(); // JSON-RPC id (as JSON) -> AbortController
  }

  async start() {
    process.stdin.setEncoding("utf8");
    process.stdin.on("data", (chunk) => {
      this.buffer += chunk;
      for (let i = this.buffer.indexOf("\n"); i >= 0; i = this.buffer.indexOf("\n")) {
        const line = this.buffer.slice(0, i).replace(/\r$/, "");
        this.buffer = this.buffer.slice(i + 1);
        if (line.trim() !== "") this.line(line);
      }
    });
    process.stdin.on("end", () => this.close());
  }

  line(line) {
    let raw;
    try {
      raw = JSON.parse(line);
    } catch (e) {
      this.onerror?.(e);
      return;
    }
    if (isObject(raw) && raw.method === "notifications/cancelled" && isObject(raw.params)) {
      const controller = this.modern.get(JSON.stringify(raw.params.requestId));
      if (controller) {
        controller.abort();
        return;
      }
    }
    if (isObject(raw) && typeof raw.method === "string" && "id" in raw
        && (hasModernMeta(raw) || raw.method === "server/discover")) {
      this.serveModern(raw);
      return;
    }
    let message;
    try {
      message = deserializeMessage(line);
    } catch (e) {
      this.onerror?.(e);
      return;
    }
    this.onmessage?.(message);
  }

  async serveModern(message) {
    const key = JSON.stringify(message.id);
    const controller = new AbortController();
    this.modern.set(key, controller);
    const write = (m) => process.stdout.write(`${JSON.stringify(m)}\n`);
    try {
      const response = await handleModern(message, {
        emit: (notification) => {
          if (!controller.signal.aborted) write(notification);
        },
        stream: () => {},
        signal: controller.signal,
      });
      if (response !== null) {
        delete response.httpStatus;
        write(response);
      }
    } finally {
      this.modern.delete(key);
    }
  }

  async send(message) {
    await new Promise((resolve) => {
      if (process.stdout.write(serializeMessage(message))) resolve();
      else process.stdout.once("drain", resolve);
    });
  }

  async close() {
    for (const controller of this.modern.values()) controller.abort();
    this.onclose?.();
  }
}

// ------------------------------------------------------------------ transports
async function runStdio() {
  const server = createServer();
  await server.connect(new DualEraStdioTransport());
  log("serving on stdio (2025-era sessions and 2026-07-28 stateless requests)");
}

const LOCAL_HOSTNAMES = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);

function jsonRpcError(res, status, code, message) {
  res.status(status).json({ jsonrpc: "2.0", error: { code, message }, id: null });
}

async function runHttp(port) {
  // Loaded here so that --stdio (one process per Airlock session) starts without express.
  const { StreamableHTTPServerTransport } = await import("@modelcontextprotocol/sdk/server/streamableHttp.js");
  const { createMcpExpressApp } = await import("@modelcontextprotocol/sdk/server/express.js");
  // createMcpExpressApp on 127.0.0.1 validates Host (403); Origin is checked here as well.
  const app = createMcpExpressApp({ host: "127.0.0.1" });
  app.use((req, res, next) => {
    const origin = req.headers.origin;
    if (origin !== undefined) {
      let hostname;
      try {
        hostname = new URL(origin).hostname;
      } catch {
        hostname = undefined;
      }
      if (!hostname || !LOCAL_HOSTNAMES.has(hostname)) {
        jsonRpcError(res, 403, -32000, `Forbidden Origin: ${origin}`);
        return;
      }
    }
    next();
  });

  const transports = new Map(); // session id -> transport
  const eventStore = new MemoryEventStore();

  app.post("/mcp", async (req, res) => {
    if (headerOf(req, "MCP-Protocol-Version") === MODERN || hasModernMeta(req.body)) {
      try {
        await serveModernHttp(req, res);
      } catch (e) {
        log("modern POST failed:", e);
        if (!res.headersSent) jsonRpcError(res, 500, CODE.internal, "Internal server error");
      }
      return;
    }
    const sessionId = req.headers["mcp-session-id"];
    try {
      if (sessionId !== undefined) {
        const transport = transports.get(sessionId);
        if (!transport) {
          jsonRpcError(res, 404, -32001, "Session not found");
          return;
        }
        await transport.handleRequest(req, res, req.body);
        return;
      }
      if (!isInitializeRequest(req.body)) {
        jsonRpcError(res, 400, -32000, "Bad Request: Mcp-Session-Id header is required");
        return;
      }
      const server = createServer();
      const transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        eventStore,
        retryInterval: 500,
        onsessioninitialized: (id) => {
          transports.set(id, transport);
        },
        onsessionclosed: (id) => {
          transports.delete(id);
        },
      });
      transport.onclose = () => {
        if (transport.sessionId) transports.delete(transport.sessionId);
        server.close().catch(() => {});
      };
      await server.connect(transport);
      await transport.handleRequest(req, res, req.body);
    } catch (e) {
      log("POST failed:", e);
      if (!res.headersSent) jsonRpcError(res, 500, -32603, "Internal server error");
    }
  });

  const sessionRequest = async (req, res) => {
    if (headerOf(req, "MCP-Protocol-Version") === MODERN) {
      // 2026-07-28 has no sessions and no standalone GET stream.
      res.set("Allow", "POST");
      jsonRpcError(res, 405, CODE.invalidRequest, `${req.method} is not part of protocol ${MODERN}`);
      return;
    }
    const sessionId = req.headers["mcp-session-id"];
    if (sessionId === undefined) {
      jsonRpcError(res, 400, -32000, "Bad Request: Mcp-Session-Id header is required");
      return;
    }
    const transport = transports.get(sessionId);
    if (!transport) {
      jsonRpcError(res, 404, -32001, "Session not found");
      return;
    }
    try {
      await transport.handleRequest(req, res);
    } catch (e) {
      log(`${req.method} failed:`, e);
      if (!res.headersSent) jsonRpcError(res, 500, -32603, "Internal server error");
    }
  };
  app.get("/mcp", sessionRequest);
  app.delete("/mcp", sessionRequest);

  const listener = app.listen(port, "127.0.0.1", () => {
    const actual = listener.address().port;
    log(`serving Streamable HTTP on http://127.0.0.1:${actual}/mcp`);
    process.stdout.write(`LISTENING ${actual}\n`);
  });
  listener.on("error", (e) => {
    log("listen failed:", e);
    process.exit(2);
  });
  const shutdown = () => {
    for (const transport of transports.values()) transport.close().catch(() => {});
    listener.close();
    process.exit(0);
  };
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);
}

// ------------------------------------------------------------------ main
const argv = process.argv.slice(2);
if (argv[0] === "--stdio") {
  await runStdio();
} else if (argv[0] === "--http" && argv.length >= 2 && /^\d+$/.test(argv[1])) {
  await runHttp(Number(argv[1]));
} else {
  console.error("usage: conformance-fixture.mjs --stdio | --http PORT");
  process.exit(2);
}
