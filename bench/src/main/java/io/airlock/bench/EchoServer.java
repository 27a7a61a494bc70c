package io.airlock.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.UUID;
import java.util.concurrent.Executors;

/**
 * A minimal, fast MCP server with one tool, {@code echo}, for the relay benchmark. JDK and Jackson only, no Netty.
 * <ul>
 *   <li>{@code --stdio}: newline-delimited JSON-RPC on stdin/stdout, processed in order; output is flushed when no
 *       more input is waiting, so pipelined requests are answered in batches.</li>
 *   <li>{@code --http PORT}: Streamable HTTP at {@code POST /mcp} on 127.0.0.1 (port 0 picks one; the bound port is
 *       printed on stderr as {@code echo-server listening on 127.0.0.1:PORT}). JSON responses only, 202 for
 *       notifications, an {@code Mcp-Session-Id} on initialize (not checked afterwards), 405 for GET (no standalone
 *       stream), 200 for DELETE.</li>
 * </ul>
 * Answers {@code initialize} with the client's protocol version, {@code tools/list}, {@code tools/call echo} (returns
 * {@code {"content":[{"type":"text","text":<message>}]}}) and {@code ping}; ignores notifications and responses.
 */
public final class EchoServer {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String DEFAULT_VERSION = "2025-06-18";

    private EchoServer() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 1 && args[0].equals("--stdio")) {
            stdio(System.in, new FileOutputStream(FileDescriptor.out));
        } else if (args.length == 2 && args[0].equals("--http")) {
            http(Integer.parseInt(args[1]));
        } else {
            System.err.println("usage: EchoServer --stdio | --http PORT");
            System.exit(2);
        }
    }

    // ---- stdio ----

    static void stdio(InputStream in, OutputStream rawOut) throws IOException {
        OutputStream out = new BufferedOutputStream(rawOut, 64 * 1024);
        byte[] buf = new byte[64 * 1024];
        int start = 0;
        int end = 0;
        while (true) {
            // Answer every complete line in the buffer, then flush once: pipelined requests share a write.
            int nl;
            while ((nl = indexOf(buf, start, end, (byte) '\n')) >= 0) {
                int len = nl - start;
                if (len > 0 && buf[nl - 1] == '\r') {
                    len--;
                }
                if (len > 0) {
                    byte[] response = answerFrame(buf, start, len);
                    if (response != null) {
                        out.write(response);
                        out.write('\n');
                    }
                }
                start = nl + 1;
            }
            out.flush();
            if (start == end) {
                start = end = 0;
            } else if (start > 0) {
                System.arraycopy(buf, start, buf, 0, end - start);
                end -= start;
                start = 0;
            }
            if (end == buf.length) {
                buf = java.util.Arrays.copyOf(buf, buf.length * 2);
            }
            int n = in.read(buf, end, buf.length - end);
            if (n < 0) {
                if (end > start) {
                    byte[] response = answerFrame(buf, start, end - start);
                    if (response != null) {
                        out.write(response);
                        out.write('\n');
                    }
                }
                out.flush();
                return;
            }
            end += n;
        }
    }

    private static int indexOf(byte[] buf, int from, int to, byte b) {
        for (int i = from; i < to; i++) {
            if (buf[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static byte[] answerFrame(byte[] buf, int off, int len) throws IOException {
        try {
            return handle(JSON.readTree(buf, off, len));
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            return error(NODES.nullNode(), -32700, "Parse error: " + e.getOriginalMessage());
        }
    }

    // ---- Streamable HTTP ----

    static HttpServer http(int port) throws IOException {
        // Without this the JDK server leaves Nagle on, and small responses wait for delayed ACKs (~40 ms).
        System.setProperty("sun.net.httpserver.nodelay", "true");
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 1024);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/mcp", EchoServer::exchange);
        server.start();
        System.err.println("echo-server listening on 127.0.0.1:" + server.getAddress().getPort());
        return server;
    }

    private static void exchange(HttpExchange ex) throws IOException {
        try (ex) {
            String method = ex.getRequestMethod();
            if (method.equals("POST")) {
                byte[] body = ex.getRequestBody().readAllBytes();
                JsonNode frame = null;
                byte[] response;
                try {
                    frame = JSON.readTree(body);
                    response = handle(frame);
                } catch (com.fasterxml.jackson.core.JacksonException e) {
                    response = error(NODES.nullNode(), -32700, "Parse error: " + e.getOriginalMessage());
                }
                if (response == null) {
                    ex.sendResponseHeaders(202, -1);
                    return;
                }
                ex.getResponseHeaders().set("Content-Type", "application/json");
                if (frame != null && "initialize".equals(frame.path("method").asText())) {
                    ex.getResponseHeaders().set("Mcp-Session-Id", UUID.randomUUID().toString());
                }
                ex.sendResponseHeaders(200, response.length);
                ex.getResponseBody().write(response);
            } else if (method.equals("DELETE")) {
                ex.sendResponseHeaders(200, -1);
            } else {
                ex.getResponseHeaders().set("Allow", "POST, DELETE");
                ex.sendResponseHeaders(405, -1);
            }
        }
    }

    // ---- JSON-RPC ----

    /** The response bytes for one frame (a message or a batch), or null when nothing is to be answered. */
    static byte[] handle(JsonNode frame) throws IOException {
        if (frame == null || !frame.isContainerNode()) {
            return null;
        }
        if (frame.isArray()) {
            ArrayNode answers = NODES.arrayNode();
            for (JsonNode message : frame) {
                ObjectNode answer = answer(message);
                if (answer != null) {
                    answers.add(answer);
                }
            }
            return answers.isEmpty() ? null : JSON.writeValueAsBytes(answers);
        }
        ObjectNode answer = answer(frame);
        return answer == null ? null : JSON.writeValueAsBytes(answer);
    }

    private static ObjectNode answer(JsonNode message) {
        JsonNode id = message.get("id");
        JsonNode method = message.get("method");
        if (id == null || method == null) {
            return null; // a notification, or a response to us
        }
        JsonNode params = message.path("params");
        ObjectNode result = NODES.objectNode();
        switch (method.asText()) {
            case "initialize" -> {
                JsonNode version = params.get("protocolVersion");
                result.put("protocolVersion", version != null && version.isTextual() ? version.asText()
                        : DEFAULT_VERSION);
                result.putObject("capabilities").putObject("tools");
                result.putObject("serverInfo").put("name", "airlock-bench-echo").put("version", "1.0.0");
            }
            case "tools/list" -> {
                ObjectNode tool = result.putArray("tools").addObject();
                tool.put("name", "echo").put("description", "Returns its message.");
                ObjectNode schema = tool.putObject("inputSchema").put("type", "object");
                schema.putObject("properties").putObject("message").put("type", "string");
                schema.putArray("required").add("message");
            }
            case "tools/call" -> {
                if (!"echo".equals(params.path("name").asText())) {
                    return errorNode(id, -32602, "Unknown tool: " + params.path("name").asText());
                }
                JsonNode text = params.path("arguments").path("message");
                result.putArray("content").addObject().put("type", "text")
                        .put("text", text.isMissingNode() ? "" : text.asText());
            }
            case "ping" -> { }
            default -> {
                return errorNode(id, -32601, "Method not found: " + method.asText());
            }
        }
        ObjectNode response = NODES.objectNode();
        response.put("jsonrpc", "2.0");
        response.set("id", id);
        response.set("result", result);
        return response;
    }

    private static ObjectNode errorNode(JsonNode id, int code, String message) {
        ObjectNode response = NODES.objectNode();
        response.put("jsonrpc", "2.0");
        response.set("id", id);
        response.putObject("error").put("code", code).put("message", message);
        return response;
    }

    private static byte[] error(JsonNode id, int code, String message) throws IOException {
        return JSON.writeValueAsBytes(errorNode(id, code, message));
    }
}
