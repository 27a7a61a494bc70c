package io.airlock.workbench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpSchema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sits between stdin and the SDK's stdio transport and lets through only lines the transport can digest.
 *
 * <p>The SDK's {@code StdioServerTransportProvider} (2.1.0) stops reading for good, and closes the session, on the
 * first line it cannot turn into a JSON-RPC message (including an empty line) or that is too long, while the process
 * stays alive. This guard drops such lines instead, answering each with a JSON-RPC error (id {@code null} unless one
 * could be read) written under the same lock the transport uses for its own writes, and passes every valid message on
 * as one {@code \n}-terminated line.
 *
 * <p>At end of input it first waits for the {@link Traffic} to go idle (every request answered and written), because
 * the transport stops writing the moment it sees end-of-file; then it reports end-of-file to the transport and runs
 * {@code onEof}, which the server uses to exit. A read failure is reported at once.
 */
final class StdinGuard extends InputStream {

    private static final Logger log = LoggerFactory.getLogger(StdinGuard.class);
    private static final TypeRef<Map<String, Object>> MAP = new TypeRef<>() {};

    static final int PARSE_ERROR = -32700;
    static final int INVALID_REQUEST = -32600;

    private final InputStream in;
    private final OutputStream out;
    private final McpJsonMapper json;
    private final int maxLineBytes;
    private final Traffic traffic;
    private final Duration drainLimit;
    private final Runnable onEof;

    private byte[] current = new byte[0];
    private int pos;
    private boolean eof;

    /**
     * @param in raw stdin (buffered by the caller)
     * @param out the stream the transport writes JSON-RPC to; error replies synchronise on it as the transport does
     * @param maxLineBytes longer lines are dropped (keep this below the transport's own limit)
     * @param traffic counts requests passed in and replies written; at end of input the guard waits (at most
     *     {@code drainLimit}) for it to go idle before reporting end-of-file to the transport
     * @param onEof run once when the input ends (after the drain) or fails
     */
    StdinGuard(InputStream in, OutputStream out, McpJsonMapper json, int maxLineBytes, Traffic traffic,
            Duration drainLimit, Runnable onEof) {
        this.in = in;
        this.out = out;
        this.json = json;
        this.maxLineBytes = maxLineBytes;
        this.traffic = traffic;
        this.drainLimit = drainLimit;
        this.onEof = onEof;
    }

    @Override
    public int read() throws IOException {
        if (!fill()) {
            return -1;
        }
        return current[pos++] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (!fill()) {
            return -1;
        }
        int n = Math.min(len, current.length - pos);
        System.arraycopy(current, pos, b, off, n);
        pos += n;
        return n;
    }

    @Override
    public int available() {
        return current.length - pos;
    }

    @Override
    public void close() throws IOException {
        signalEof();
        in.close();
    }

    private boolean fill() throws IOException {
        while (pos >= current.length) {
            if (eof) {
                return false;
            }
            Line line;
            try {
                line = readLine();
            } catch (IOException | RuntimeException e) {
                signalEof();
                throw e;
            }
            if (line == null) {
                drain();
                signalEof();
                return false;
            }
            byte[] accepted = accept(line);
            if (accepted != null) {
                current = accepted;
                pos = 0;
            }
        }
        return true;
    }

    /** Lets answers to requests already passed in reach stdout before the transport learns of end-of-file. */
    private void drain() {
        try {
            if (!traffic.awaitIdle(drainLimit)) {
                log.warn("end of input: gave up waiting for in-flight requests after {}", drainLimit);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void signalEof() {
        if (!eof) {
            eof = true;
            onEof.run();
        }
    }

    private record Line(byte[] bytes, boolean oversize) {}

    /** The next {@code \n}-terminated line without its terminator, or null at end of input. */
    private Line readLine() throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        boolean oversize = false;
        boolean any = false;
        int b;
        while ((b = in.read()) != -1) {
            any = true;
            if (b == '\n') {
                break;
            }
            if (buf.size() < maxLineBytes) {
                buf.write(b);
            } else {
                oversize = true;
            }
        }
        if (!any) {
            return null;
        }
        return new Line(buf.toByteArray(), oversize);
    }

    /** The bytes to hand to the transport for this line, or null to drop it. */
    private byte[] accept(Line line) {
        if (line.oversize()) {
            log.warn("dropping an inbound message longer than {} bytes", maxLineBytes);
            reply(null, INVALID_REQUEST, "Message too large (limit " + maxLineBytes + " bytes)");
            return null;
        }
        String text = new String(line.bytes(), StandardCharsets.UTF_8).strip();
        if (text.isEmpty()) {
            return null; // blank lines are harmless: skip them
        }
        // A raw CR can only be whitespace in valid JSON, but the transport would split the line on it.
        text = text.replace('\r', ' ');
        McpSchema.JSONRPCMessage message;
        try {
            message = McpSchema.deserializeJsonRpcMessage(json, text);
        } catch (Exception e) {
            Map<String, Object> parsed = null;
            try {
                parsed = json.readValue(text, MAP);
            } catch (Exception notJson) {
                // not a JSON object
            }
            if (parsed == null) {
                log.warn("dropping an inbound line that is not a JSON object");
                reply(null, PARSE_ERROR, "Parse error: each line must be one JSON-RPC message object");
            } else {
                Object id = parsed.get("id");
                log.warn("dropping an inbound line that is not a JSON-RPC message");
                reply(id instanceof String || id instanceof Number ? id : null, INVALID_REQUEST,
                        "Invalid Request: not a JSON-RPC 2.0 request, notification or response");
            }
            return null;
        }
        if (message instanceof McpSchema.JSONRPCRequest) {
            traffic.requestIn();
        }
        return (text + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private void reply(Object id, int code, String message) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code);
        error.put("message", message);
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("jsonrpc", "2.0");
        response.put("id", id);
        response.put("error", error);
        traffic.queued(false);
        try {
            byte[] bytes = json.writeValueAsBytes(response);
            synchronized (out) {
                out.write(bytes);
                out.write('\n');
                out.flush();
            }
        } catch (IOException e) {
            traffic.dropped(false);
            log.debug("could not write an error reply", e);
        }
    }
}
