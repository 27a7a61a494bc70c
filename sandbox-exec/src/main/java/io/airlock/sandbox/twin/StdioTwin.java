package io.airlock.sandbox.twin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.airlock.sandbox.SandboxProcess;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A sandboxed twin of a stdio MCP server: the server's own command, started in the sandbox over an overlay of the
 * workspace, with Airlock as its MCP client. It is initialised when started (so a warm twin costs a call nothing but
 * the call), answers exactly one {@code tools/call}, and is then stopped: its effects are read from the overlay and
 * committed or discarded. It is never reused.
 *
 * <p>The twin has no client to talk to: a request from the server (sampling, elicitation, roots) is answered with an
 * error, and notifications are dropped.
 */
public final class StdioTwin implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StdioTwin.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The revision the twin's client speaks; stdio servers in use accept it. */
    static final String PROTOCOL_VERSION = "2025-06-18";
    private static final int MAX_LINE = 16 << 20;
    private static final int STDERR_KEPT = 8 << 10;

    private final String server;
    private final SandboxProcess process;
    private final Instant started;
    private final Map<Long, CompletableFuture<JsonNode>> inFlight = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final StringBuilder stderrTail = new StringBuilder();
    private volatile String ended;

    private StdioTwin(String server, SandboxProcess process, Instant started) {
        this.server = server;
        this.process = process;
        this.started = started;
    }

    /**
     * Starts the twin and completes the MCP handshake. On failure the process is stopped and its overlay removed.
     */
    public static StdioTwin start(String server, SandboxProcess process, Duration timeout) throws IOException {
        StdioTwin twin = new StdioTwin(server, process, Instant.now());
        Thread.ofVirtual().name("twin-out-" + server).start(twin::readMessages);
        Thread.ofVirtual().name("twin-err-" + server).start(twin::readStderr);
        try {
            ObjectNode params = JSON.createObjectNode();
            params.put("protocolVersion", PROTOCOL_VERSION);
            params.putObject("capabilities");
            params.putObject("clientInfo").put("name", "airlock-sandbox").put("version", "1");
            JsonNode result = twin.request("initialize", params, timeout);
            if (!result.isObject()) {
                throw new IOException("the twin of '" + server + "' answered initialize without a result");
            }
            twin.send(JSON.createObjectNode().put("jsonrpc", "2.0").put("method", "notifications/initialized"));
            return twin;
        } catch (IOException | RuntimeException e) {
            twin.close();
            throw e;
        }
    }

    public String server() {
        return server;
    }

    public Instant started() {
        return started;
    }

    public SandboxProcess process() {
        return process;
    }

    /** Whether the server is still running and ready for its one call. */
    public boolean isAlive() {
        return ended == null && process.isAlive();
    }

    /** Calls {@code tool}; the result object as the server encoded it, or an exception saying what went wrong. */
    public JsonNode callTool(String tool, JsonNode arguments, Duration timeout) throws IOException {
        ObjectNode params = JSON.createObjectNode();
        params.put("name", tool);
        if (arguments != null && !arguments.isNull() && !arguments.isMissingNode()) {
            params.set("arguments", arguments);
        }
        return request("tools/call", params, timeout);
    }

    /** Stops the server (and everything it started); its effects stay in the overlay. */
    public void stop() {
        if (ended == null) {
            ended = "stopped by Airlock";
        }
        process.stop();
        failAll(new IOException("the twin of '" + server + "' was stopped"));
    }

    /** Stops the twin and throws its changes away. */
    @Override
    public void close() {
        stop();
        try {
            process.discard();
        } catch (IOException e) {
            log.warn("could not remove the overlay of a twin of '{}': {}", server, e.toString());
        }
    }

    /** The last lines the server wrote to stderr, for error messages. */
    public String stderrTail() {
        synchronized (stderrTail) {
            return stderrTail.toString().strip();
        }
    }

    private JsonNode request(String method, ObjectNode params, Duration timeout) throws IOException {
        long id = ids.incrementAndGet();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        inFlight.put(id, answer);
        ObjectNode message = JSON.createObjectNode().put("jsonrpc", "2.0").put("id", id).put("method", method);
        message.set("params", params);
        try {
            send(message);
            JsonNode response = answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (response.has("error")) {
                JsonNode error = response.get("error");
                throw new IOException("the twin of '" + server + "' answered " + method + " with error "
                        + error.path("code").asInt() + ": " + error.path("message").asText());
            }
            return response.path("result");
        } catch (TimeoutException e) {
            throw new IOException("the twin of '" + server + "' did not answer " + method + " within "
                    + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for the twin of '" + server + "'");
        } finally {
            inFlight.remove(id);
        }
    }

    private void send(JsonNode message) throws IOException {
        byte[] line = JSON.writeValueAsBytes(message);
        OutputStream in = process.stdin();
        synchronized (in) {
            try {
                in.write(line);
                in.write('\n');
                in.flush();
            } catch (IOException e) {
                throw new IOException("the twin of '" + server + "' is not reading its input (" + describeEnd() + ")",
                        e);
            }
        }
    }

    private void readMessages() {
        InputStream out = process.stdout();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        byte[] buffer = new byte[16384];
        try (out) {
            for (int n; (n = out.read(buffer)) > 0; ) {
                int from = 0;
                for (int i = 0; i < n; i++) {
                    if (buffer[i] == '\n') {
                        line.write(buffer, from, i - from);
                        handle(line.toByteArray());
                        line.reset();
                        from = i + 1;
                    }
                }
                line.write(buffer, from, n - from);
                if (line.size() > MAX_LINE) {
                    throw new IOException("a message from the twin is over " + MAX_LINE + " bytes");
                }
            }
            ended = "the server exited";
        } catch (IOException e) {
            ended = e.getMessage();
        }
        failAll(new IOException("the twin of '" + server + "' ended (" + describeEnd() + ")"));
    }

    private void handle(byte[] line) {
        if (line.length == 0 || (line.length == 1 && line[0] == '\r')) {
            return;
        }
        JsonNode message;
        try {
            message = JSON.readTree(line);
        } catch (IOException e) {
            log.debug("twin of '{}' wrote a line that is not JSON; ignored", server);
            return;
        }
        if (message == null || !message.isObject()) {
            return;
        }
        JsonNode id = message.get("id");
        if (message.has("method")) {
            if (id != null && !id.isNull()) {
                // A server request (sampling, elicitation, roots): there is no client behind a twin.
                ObjectNode reply = JSON.createObjectNode().put("jsonrpc", "2.0");
                reply.set("id", id);
                reply.putObject("error").put("code", -32601).put("message", message.get("method").asText()
                        + " is not available to a server running in Airlock's sandbox");
                try {
                    send(reply);
                } catch (IOException e) {
                    log.debug("could not answer a request of the twin of '{}': {}", server, e.toString());
                }
            }
            return;
        }
        if (id != null && id.canConvertToLong()) {
            CompletableFuture<JsonNode> waiting = inFlight.get(id.asLong());
            if (waiting != null) {
                waiting.complete(message);
            }
        }
    }

    private void readStderr() {
        byte[] buffer = new byte[4096];
        try (InputStream err = process.stderr()) {
            for (int n; (n = err.read(buffer)) > 0; ) {
                synchronized (stderrTail) {
                    stderrTail.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                    if (stderrTail.length() > STDERR_KEPT) {
                        stderrTail.delete(0, stderrTail.length() - STDERR_KEPT);
                    }
                }
            }
        } catch (IOException e) {
            // The process ended.
        }
    }

    private void failAll(IOException cause) {
        for (CompletableFuture<JsonNode> waiting : inFlight.values()) {
            waiting.completeExceptionally(cause);
        }
    }

    private String describeEnd() {
        String tail = stderrTail();
        String why = ended == null ? "running" : ended;
        return tail.isEmpty() ? why : why + "; stderr: " + tail.substring(Math.max(0, tail.length() - 500));
    }
}
