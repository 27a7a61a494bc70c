#!/usr/bin/env node
// Airlock end-to-end test driver: a real MCP client built on the TypeScript SDK
// (@modelcontextprotocol/sdk Client). The Java end-to-end tests spawn it, it runs
// a script of steps against one MCP server, and prints ONE JSON object on stdout.
//
// Usage:
//   node client.mjs --transport http  --url URL [--header 'Name: value']...
//   node client.mjs --transport sse   --url URL [--header 'Name: value']...
//   node client.mjs --transport stdio --command CMD [--arg A]... [--env K=V]... [--cwd DIR]
// plus, one of:
//   --script FILE.json | --script-json '<json array>'
// optional:
//   --timeout-ms N          per-request timeout (SDK default 60000)
//   --deadline-ms N         overall deadline; on expiry prints what it has, ok=false, exit 1
//   --protocol-version V    rewrite the protocolVersion this client sends in `initialize`
//   --capabilities '<json>' replace the default client capabilities
//   --client-name NAME      clientInfo.name (default airlock-it-client)
//   --root URI              roots/list answer (repeatable); default one root file:///tmp.
//                           NB: server-filesystem replaces its command-line directories
//                           with the client's roots when the client has the roots capability.
//   --no-inherit-env        stdio: pass only the SDK's safe default environment (+ --env)
//
// Steps (a JSON array, run in order; each may carry "id" (a label echoed back) and
// "timeoutMs"):
//   {"op":"listTools"} {"op":"listResources"} {"op":"listResourceTemplates"} {"op":"listPrompts"}
//       optional "cursor"; "all":true follows nextCursor and concatenates the pages
//   {"op":"callTool","name":"echo","arguments":{...},"progress":true}
//       progress:true sends a progressToken; the step then also gets "progress":[...]
//   {"op":"readResource","uri":"..."}   {"op":"subscribeResource","uri":"..."}
//   {"op":"unsubscribeResource","uri":"..."}
//   {"op":"getPrompt","name":"...","arguments":{...}}
//   {"op":"complete","ref":{...},"argument":{"name":..,"value":..},"context":{...}}
//   {"op":"ping"}   {"op":"setLoggingLevel","level":"debug"}
//   {"op":"sendRootsListChanged"}
//   {"op":"request","method":"...","params":{...}}          any request, raw result
//   {"op":"notify","method":"...","params":{...}}           any client notification
//   {"op":"sleep","ms":500}
//   {"op":"waitForNotification","method":"notifications/message","count":1,"timeoutMs":10000}
//       waits until at least `count` notifications with that method were received
//       (counted since the client started, or since this step began with
//       "sinceStepStart":true); fails the step (code -32001) on timeout
//   {"op":"terminateSession"}   http only: DELETE the session
//
// Output (stdout, single line):
//   {"ok":true,"serverInfo":{...},"protocolVersion":"...","serverCapabilities":{...},
//    "instructions":...,"sessionId":...,
//    "steps":[{"op":..,"result":..} | {"op":..,"error":{"code":..,"message":..,"data":..}}],
//    "notifications":[{"method":..,"params":..,"step":i}],
//    "serverRequests":[{"method":..,"params":..,"result":..|"error":..,"step":i}],
//    "transportErrors":[...]}
// A failing step records its error and the run continues. A transport failure
// (cannot connect / initialize, or the connection drops) gives ok=false, "error", exit 1.
// Nothing but that JSON object is ever written to stdout; diagnostics go to stderr.

import { readFileSync } from "node:fs";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport, getDefaultEnvironment } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ListRootsRequestSchema,
  ResultSchema,
} from "@modelcontextprotocol/sdk/types.js";

// Keep stdout clean: anything that tries console.log goes to stderr instead.
const realStdoutWrite = process.stdout.write.bind(process.stdout);
console.log = (...a) => console.error(...a);
console.info = (...a) => console.error(...a);
console.debug = (...a) => console.error(...a);

const log = (...a) => console.error("[client.mjs]", ...a);

// ---------------------------------------------------------------- arguments
function parseArgs(argv) {
  const o = { args: [], env: {}, headers: {}, inheritEnv: true, roots: [] };
  const need = (i) => {
    if (i + 1 >= argv.length) throw new Error(`missing value for ${argv[i]}`);
    return argv[i + 1];
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    switch (a) {
      case "--transport": o.transport = need(i); i++; break;
      case "--url": o.url = need(i); i++; break;
      case "--command": o.command = need(i); i++; break;
      case "--arg": o.args.push(need(i)); i++; break;
      case "--cwd": o.cwd = need(i); i++; break;
      case "--env": {
        const v = need(i); i++;
        const eq = v.indexOf("=");
        if (eq <= 0) throw new Error(`--env expects K=V, got ${v}`);
        o.env[v.slice(0, eq)] = v.slice(eq + 1);
        break;
      }
      case "--no-inherit-env": o.inheritEnv = false; break;
      case "--header": {
        const v = need(i); i++;
        const c = v.indexOf(":");
        if (c <= 0) throw new Error(`--header expects 'Name: value', got ${v}`);
        o.headers[v.slice(0, c).trim()] = v.slice(c + 1).trim();
        break;
      }
      case "--script": o.script = need(i); i++; break;
      case "--script-json": o.scriptJson = need(i); i++; break;
      case "--timeout-ms": o.timeoutMs = Number(need(i)); i++; break;
      case "--deadline-ms": o.deadlineMs = Number(need(i)); i++; break;
      case "--protocol-version": o.protocolVersion = need(i); i++; break;
      case "--capabilities": o.capabilities = JSON.parse(need(i)); i++; break;
      case "--client-name": o.clientName = need(i); i++; break;
      case "--root": o.roots.push(need(i)); i++; break;
      default: throw new Error(`unknown argument: ${a}`);
    }
  }
  if (!o.transport) throw new Error("--transport http|sse|stdio is required");
  if ((o.transport === "http" || o.transport === "sse") && !o.url) throw new Error("--url is required");
  if (o.transport === "stdio" && !o.command) throw new Error("--command is required");
  if (!["http", "sse", "stdio"].includes(o.transport)) throw new Error(`unknown transport ${o.transport}`);
  return o;
}

// ---------------------------------------------------------------- output
const out = {
  ok: true,
  serverInfo: null,
  protocolVersion: null,
  serverCapabilities: null,
  instructions: null,
  sessionId: null,
  steps: [],
  notifications: [],
  serverRequests: [],
  transportErrors: [],
};
let printed = false;
function finish(code) {
  if (!printed) {
    printed = true;
    let text;
    try {
      text = JSON.stringify(out);
    } catch (e) {
      text = JSON.stringify({ ok: false, error: { code: null, message: `cannot serialise output: ${e}` } });
      code = 1;
    }
    realStdoutWrite(text + "\n", () => process.exit(code));
    // In case the write callback never fires.
    setTimeout(() => process.exit(code), 2000).unref();
  }
}

function errorJson(e) {
  if (e && typeof e === "object") {
    const r = { code: typeof e.code === "number" ? e.code : (e.code ?? null), message: String(e.message ?? e) };
    if (e.data !== undefined) r.data = e.data;
    return r;
  }
  return { code: null, message: String(e) };
}

// ---------------------------------------------------------------- recording transport
let currentStep = -1; // index of the step running now (-1 = during connect)
let closing = false; // set once we close the connection ourselves
const notificationWaiters = new Set();

function notificationCount(method) {
  let n = 0;
  for (const x of out.notifications) if (x.method === method) n++;
  return n;
}

// Wraps any SDK transport and records the raw JSON-RPC traffic coming from the server.
class RecordingTransport {
  constructor(inner, opts) {
    this.inner = inner;
    this.opts = opts;
    this.initializeId = undefined;
    this.pendingServerRequests = new Map(); // JSON-RPC id -> record
    this.progressTargets = new Map(); // progressToken -> array collecting that request's progress params
    this.nextProgressTarget = null; // set by a step that wants progress, consumed by the next request sent
    inner.onmessage = (msg, extra) => {
      try { this.record(msg); } catch (e) { log("record failed", e); }
      this.onmessage?.(msg, extra);
    };
    inner.onerror = (err) => {
      if (closing) return; // e.g. the SSE GET stream being aborted by our own close()
      log("transport error:", err?.message ?? err);
      out.transportErrors.push({ message: String(err?.message ?? err), step: currentStep });
      this.onerror?.(err);
    };
    inner.onclose = () => this.onclose?.();
  }

  record(msg) {
    if (msg && typeof msg === "object" && "method" in msg) {
      if ("id" in msg && msg.id !== null && msg.id !== undefined) {
        const rec = { method: msg.method, params: msg.params ?? null, step: currentStep };
        out.serverRequests.push(rec);
        this.pendingServerRequests.set(String(msg.id), rec);
      } else {
        out.notifications.push({ method: msg.method, params: msg.params ?? null, step: currentStep });
        if (msg.method === "notifications/progress" && msg.params) {
          const target = this.progressTargets.get(String(msg.params.progressToken));
          if (target) target.push(msg.params);
        }
        for (const w of notificationWaiters) w();
      }
    } else if (msg && "id" in msg && this.initializeId !== undefined && String(msg.id) === String(this.initializeId)) {
      if (msg.result) {
        out.protocolVersion = msg.result.protocolVersion ?? null;
        out.serverInfo = msg.result.serverInfo ?? null;
        out.serverCapabilities = msg.result.capabilities ?? null;
        out.instructions = msg.result.instructions ?? null;
      }
    }
  }

  async start() { return this.inner.start(); }

  async send(msg, options) {
    if (msg && msg.method === "initialize" && "id" in msg) {
      this.initializeId = msg.id;
      if (this.opts.protocolVersion) {
        msg = { ...msg, params: { ...msg.params, protocolVersion: this.opts.protocolVersion } };
      }
    } else if (msg && "method" in msg && "id" in msg && this.nextProgressTarget) {
      const token = msg.params?._meta?.progressToken;
      if (token !== undefined) {
        this.progressTargets.set(String(token), this.nextProgressTarget);
        this.nextProgressTarget = null;
      }
    } else if (msg && !("method" in msg) && "id" in msg) {
      // our response to a server->client request
      const rec = this.pendingServerRequests.get(String(msg.id));
      if (rec) {
        this.pendingServerRequests.delete(String(msg.id));
        if ("error" in msg) rec.error = msg.error;
        else rec.result = msg.result;
      }
    }
    return this.inner.send(msg, options);
  }

  async close() { return this.inner.close(); }
  get sessionId() { return this.inner.sessionId; }
  setProtocolVersion(v) { this.inner.setProtocolVersion?.(v); }
  get protocolVersion() { return this.inner.protocolVersion; }
  async terminateSession() {
    if (typeof this.inner.terminateSession !== "function") throw new Error("terminateSession is only supported by the http transport");
    return this.inner.terminateSession();
  }
}

// ---------------------------------------------------------------- client-side handlers
function firstUserText(messages) {
  for (const m of messages ?? []) {
    if (m.role !== "user") continue;
    const parts = Array.isArray(m.content) ? m.content : [m.content];
    for (const p of parts) if (p && p.type === "text") return p.text;
  }
  return "";
}

function clamp(v, s) {
  if (typeof s.minimum === "number" && v < s.minimum) v = s.minimum;
  if (typeof s.maximum === "number" && v > s.maximum) v = s.maximum;
  return v;
}

function stringValue(s) {
  if (Array.isArray(s.enum) && s.enum.length) return s.enum[0];
  if (Array.isArray(s.oneOf) && s.oneOf.length && s.oneOf[0].const !== undefined) return s.oneOf[0].const;
  if (Array.isArray(s.anyOf) && s.anyOf.length && s.anyOf[0].const !== undefined) return s.anyOf[0].const;
  switch (s.format) {
    case "email": return "airlock@example.com";
    case "uri": return "https://example.com/airlock";
    case "date": return "2024-01-01";
    case "date-time": return "2024-01-01T00:00:00Z";
    default: return "airlock";
  }
}

function valueFor(s) {
  if (!s || typeof s !== "object") return "airlock";
  if (s.const !== undefined) return s.const;
  switch (s.type) {
    case "string": return stringValue(s);
    case "number": return clamp(42, s);
    case "integer": return Math.round(clamp(42, s));
    case "boolean": return true;
    case "array": {
      const items = s.items ?? {};
      let first;
      if (Array.isArray(items.enum) && items.enum.length) first = items.enum[0];
      else if (Array.isArray(items.anyOf) && items.anyOf.length) first = items.anyOf[0].const ?? valueFor(items.anyOf[0]);
      else if (Array.isArray(items.oneOf) && items.oneOf.length) first = items.oneOf[0].const ?? valueFor(items.oneOf[0]);
      else first = valueFor(items);
      return [first];
    }
    case "object": {
      const o = {};
      for (const [k, v] of Object.entries(s.properties ?? {})) o[k] = valueFor(v);
      return o;
    }
    default:
      if (Array.isArray(s.enum) && s.enum.length) return s.enum[0];
      if (Array.isArray(s.oneOf) && s.oneOf.length && s.oneOf[0].const !== undefined) return s.oneOf[0].const;
      return "airlock";
  }
}

const DEFAULT_CAPABILITIES = {
  sampling: {},
  elicitation: {},
  roots: { listChanged: true },
};

function makeClient(opts) {
  const capabilities = opts.capabilities ?? DEFAULT_CAPABILITIES;
  const client = new Client(
    { name: opts.clientName ?? "airlock-it-client", version: "1.0.0" },
    { capabilities },
  );
  if (capabilities.sampling) {
    client.setRequestHandler(CreateMessageRequestSchema, async (req) => ({
      role: "assistant",
      content: { type: "text", text: `sampled: ${firstUserText(req.params.messages)}` },
      model: "airlock-test-model",
      stopReason: "endTurn",
    }));
  }
  if (capabilities.elicitation) {
    client.setRequestHandler(ElicitRequestSchema, async (req) => {
      const p = req.params;
      if (p.mode === "url") return { action: "accept" };
      return { action: "accept", content: valueFor({ type: "object", ...(p.requestedSchema ?? {}) }) };
    });
  }
  if (capabilities.roots) {
    const roots = opts.roots.length
      ? opts.roots.map((uri) => ({ uri, name: uri.replace(/\/+$/, "").split("/").pop() || uri }))
      : [{ uri: "file:///tmp", name: "tmp" }];
    client.setRequestHandler(ListRootsRequestSchema, async () => ({ roots }));
  }
  return client;
}

function makeTransport(opts) {
  if (opts.transport === "stdio") {
    const env = { ...(opts.inheritEnv ? process.env : getDefaultEnvironment()), ...opts.env };
    return new StdioClientTransport({
      command: opts.command,
      args: opts.args,
      env,
      cwd: opts.cwd,
      stderr: "inherit", // server diagnostics go to our stderr, never to stdout
    });
  }
  const requestInit = Object.keys(opts.headers).length ? { headers: opts.headers } : undefined;
  if (opts.transport === "sse") return new SSEClientTransport(new URL(opts.url), { requestInit });
  return new StreamableHTTPClientTransport(new URL(opts.url), { requestInit });
}

// ---------------------------------------------------------------- steps
function reqOpts(step, opts, extra = {}) {
  const o = { ...extra };
  const t = step.timeoutMs ?? opts.timeoutMs;
  if (t) o.timeout = t;
  return o;
}

async function listAll(step, fetchPage, key) {
  const params = step.cursor ? { cursor: step.cursor } : undefined;
  let r = await fetchPage(params);
  if (!step.all) return r;
  const items = [...(r[key] ?? [])];
  let pages = 1;
  while (r.nextCursor) {
    r = await fetchPage({ cursor: r.nextCursor });
    items.push(...(r[key] ?? []));
    if (++pages > 1000) throw new Error("too many pages");
  }
  return { [key]: items, pages };
}

function waitForNotification(method, count, timeoutMs) {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (notificationCount(method) >= count) {
        cleanup();
        resolve({ method, count: notificationCount(method) });
      }
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(Object.assign(new Error(`timed out after ${timeoutMs} ms waiting for ${count} x ${method} (have ${notificationCount(method)})`), { code: -32001 }));
    }, timeoutMs);
    const cleanup = () => { clearTimeout(timer); notificationWaiters.delete(check); };
    notificationWaiters.add(check);
    check();
  });
}

async function runStep(client, transport, step, opts, rec) {
  const o = (extra) => reqOpts(step, opts, extra);
  switch (step.op) {
    case "listTools": return listAll(step, (p) => client.listTools(p, o()), "tools");
    case "listResources": return listAll(step, (p) => client.listResources(p, o()), "resources");
    case "listResourceTemplates": return listAll(step, (p) => client.listResourceTemplates(p, o()), "resourceTemplates");
    case "listPrompts": return listAll(step, (p) => client.listPrompts(p, o()), "prompts");
    case "callTool": {
      const params = { name: step.name, arguments: step.arguments ?? {} };
      if (step._meta) params._meta = step._meta;
      let extra = {};
      if (step.progress) {
        // The SDK's own onprogress callback can miss a notification that arrives right
        // before the response, so progress is collected from the raw traffic instead.
        rec.progress = [];
        transport.nextProgressTarget = rec.progress;
        extra = { onprogress: () => {}, resetTimeoutOnProgress: true };
      }
      return client.callTool(params, undefined, o(extra));
    }
    case "readResource": return client.readResource({ uri: step.uri }, o());
    case "subscribeResource": return client.subscribeResource({ uri: step.uri }, o());
    case "unsubscribeResource": return client.unsubscribeResource({ uri: step.uri }, o());
    case "getPrompt": return client.getPrompt({ name: step.name, arguments: step.arguments ?? {} }, o());
    case "complete": {
      const params = { ref: step.ref, argument: step.argument };
      if (step.context) params.context = step.context;
      return client.complete(params, o());
    }
    case "ping": return client.ping(o());
    case "setLoggingLevel": return client.setLoggingLevel(step.level, o());
    case "sendRootsListChanged": await client.sendRootsListChanged(); return {};
    case "request": return client.request({ method: step.method, params: step.params ?? {} }, ResultSchema, o());
    case "notify": await client.notification({ method: step.method, params: step.params ?? {} }); return {};
    case "sleep": await new Promise((r) => setTimeout(r, step.ms ?? 0)); return {};
    case "waitForNotification": {
      const base = step.sinceStepStart ? notificationCount(step.method) : 0;
      return waitForNotification(step.method, base + (step.count ?? 1), step.timeoutMs ?? opts.timeoutMs ?? 10000);
    }
    case "terminateSession": await transport.terminateSession(); return {};
    default: throw new Error(`unknown op: ${step.op}`);
  }
}

// ---------------------------------------------------------------- main
async function main() {
  let opts;
  let script;
  try {
    opts = parseArgs(process.argv.slice(2));
    const text = opts.scriptJson ?? (opts.script ? readFileSync(opts.script, "utf8") : "[]");
    script = JSON.parse(text);
    if (!Array.isArray(script)) throw new Error("script must be a JSON array of steps");
  } catch (e) {
    log(String(e?.message ?? e));
    out.ok = false;
    out.error = { code: null, message: `usage error: ${e?.message ?? e}` };
    return finish(2);
  }

  if (opts.deadlineMs) {
    setTimeout(() => {
      log(`deadline of ${opts.deadlineMs} ms exceeded`);
      out.ok = false;
      out.error = { code: null, message: `deadline of ${opts.deadlineMs} ms exceeded` };
      finish(1);
    }, opts.deadlineMs).unref();
  }

  const client = makeClient(opts);
  let transport;
  let dropped = null;
  try {
    transport = new RecordingTransport(makeTransport(opts), opts);
    client.onclose = () => {
      if (!closing) {
        dropped = "connection closed unexpectedly";
        log(dropped);
      }
    };
    await client.connect(transport, opts.timeoutMs ? { timeout: opts.timeoutMs } : undefined);
  } catch (e) {
    log("connect failed:", e?.stack ?? e);
    out.ok = false;
    out.error = errorJson(e);
    try { closing = true; await client.close(); } catch { /* ignore */ }
    return finish(1);
  }
  out.serverInfo = client.getServerVersion() ?? out.serverInfo;
  out.serverCapabilities = client.getServerCapabilities() ?? out.serverCapabilities;
  out.instructions = client.getInstructions() ?? out.instructions;
  out.sessionId = transport.sessionId ?? null;

  for (let i = 0; i < script.length; i++) {
    const step = script[i] ?? {};
    if (dropped) break;
    currentStep = i;
    const rec = { op: step.op };
    if (step.id !== undefined) rec.id = step.id;
    if (step.name !== undefined) rec.name = step.name;
    const t0 = Date.now();
    try {
      const result = await runStep(client, transport, step, opts, rec);
      rec.result = result ?? null;
    } catch (e) {
      rec.error = errorJson(e);
      log(`step ${i} (${step.op}) failed:`, rec.error.message);
    }
    rec.durationMs = Date.now() - t0;
    out.steps.push(rec);
  }
  currentStep = script.length;

  if (dropped) {
    out.ok = false;
    out.error = { code: null, message: dropped };
  }
  closing = true;
  try { await client.close(); } catch (e) { log("close failed:", e?.message ?? e); }
  return finish(out.ok ? 0 : 1);
}

process.on("unhandledRejection", (e) => log("unhandled rejection:", e?.stack ?? e));
main().catch((e) => {
  log("fatal:", e?.stack ?? e);
  out.ok = false;
  out.error = errorJson(e);
  finish(1);
});
