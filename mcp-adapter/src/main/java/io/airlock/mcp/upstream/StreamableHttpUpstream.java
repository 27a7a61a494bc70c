package io.airlock.mcp.upstream;

import static io.airlock.mcp.upstream.HttpUpstreamSupport.CLIENT;

import io.airlock.mcp.McpHeaders;
import io.airlock.mcp.McpMethods;
import io.airlock.mcp.Meta;
import io.airlock.mcp.ProtocolVersions;
import io.airlock.mcp.jsonrpc.JsonRpcException;
import io.airlock.mcp.jsonrpc.JsonRpcId;
import io.airlock.mcp.jsonrpc.JsonRpcMessage;
import io.airlock.mcp.jsonrpc.JsonRpcParser;
import io.airlock.mcp.sse.SseEvent;
import io.airlock.mcp.sse.SseReader;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Streamable HTTP upstream. Every message is its own POST on a virtual thread; what comes back on that POST (JSON
 * or an SSE stream) is reported as related to the request, so the relay can answer on the client stream that asked.
 * A standalone GET stream carries server-initiated messages. When the upstream forgets the session (404), Airlock
 * replays the client's own {@code initialize} and {@code notifications/initialized} to open a fresh one and retries
 * once; if that fails, the session is reported closed, never left half-alive.
 */
public final class StreamableHttpUpstream implements Upstream {

    private static final Logger log = LoggerFactory.getLogger(StreamableHttpUpstream.class);
    private static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(30);
    private static final int MAX_RESUMES = 5;

    private final String name;
    private final UpstreamSpec.StreamableHttp spec;
    private final JsonRpcParser parser;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean reportedClosed = new AtomicBoolean();
    private final Object sessionLock = new Object();
    private volatile UpstreamListener listener;
    private volatile String sessionId;
    private volatile String protocolVersion;
    private volatile JsonRpcMessage.Request initialize;
    private volatile JsonRpcMessage initialized;
    private volatile Thread standaloneStream;
    private volatile java.util.function.Function<JsonRpcMessage.Request, java.util.Map<String, String>> headerParams =
            request -> java.util.Map.of();

    public StreamableHttpUpstream(String name, UpstreamSpec.StreamableHttp spec, JsonRpcParser parser) {
        this.name = Objects.requireNonNull(name, "name");
        this.spec = Objects.requireNonNull(spec, "spec");
        this.parser = Objects.requireNonNull(parser, "parser");
    }

    @Override
    public void start(UpstreamListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /** Supplies the {@code Mcp-Param-*} headers a 2026-07-28 request must carry (from the tool's x-mcp-header). */
    public void headerParams(java.util.function.Function<JsonRpcMessage.Request, java.util.Map<String, String>> f) {
        this.headerParams = java.util.Objects.requireNonNull(f, "f");
    }

    /** Sets the protocol version to announce in {@code MCP-Protocol-Version} (the one the client negotiated). */
    public void protocolVersion(String version) {
        this.protocolVersion = version;
    }

    @Override
    public void send(JsonRpcMessage message) throws UpstreamException {
        if (closed.get()) {
            throw new UpstreamException("upstream '" + name + "' is closed");
        }
        if (message instanceof JsonRpcMessage.Request request && McpMethods.INITIALIZE.equals(request.method())) {
            initialize = request;
        } else if (message instanceof JsonRpcMessage.Notification n && McpMethods.INITIALIZED.equals(n.method())) {
            initialized = n;
        }
        Thread.ofVirtual().name("upstream-" + name + "-post").start(() -> post(message, true));
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        Thread stream = standaloneStream;
        if (stream != null) {
            stream.interrupt();
        }
        String id = sessionId;
        if (id != null) {
            HttpRequest delete = base().header("Mcp-Session-Id", id).DELETE().build();
            CLIENT.sendAsync(delete, HttpResponse.BodyHandlers.discarding())
                    .exceptionally(e -> null);
        }
    }

    @Override
    public String describe() {
        return "streamable-http " + spec.url();
    }

    private void post(JsonRpcMessage message, boolean mayReinitialize) {
        JsonRpcId related = message instanceof JsonRpcMessage.Request r ? r.id() : null;
        String session = sessionId;
        HttpResponse<InputStream> response;
        try {
            HttpRequest.Builder builder = base()
                    .header("Content-Type", "application/json")
                    .header("Accept", "application/json, text/event-stream")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(message.raw()));
            if (session != null) {
                builder.header("Mcp-Session-Id", session);
            }
            if (message instanceof JsonRpcMessage.Request request) {
                // A 2026-07-28 request carries its version in _meta; the standard headers must mirror the body.
                com.fasterxml.jackson.databind.JsonNode modern = Meta.get(request, Meta.PROTOCOL_VERSION);
                if (modern != null && modern.isTextual()) {
                    builder.setHeader("MCP-Protocol-Version", modern.textValue());
                }
                if (modern != null || ProtocolVersions.V2026_07_28.equals(protocolVersion)) {
                    builder.header(McpHeaders.METHOD, request.method());
                    String mcpName = McpHeaders.nameOf(request);
                    if (mcpName != null) {
                        builder.header(McpHeaders.NAME, McpHeaders.encode(mcpName));
                    }
                    headerParams.apply(request).forEach(builder::header);
                }
            }
            response = CLIENT.send(builder.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            HttpUpstreamSupport.failRequest(message, "upstream '" + name + "' is unreachable at " + spec.url()
                    + ": " + e, listener);
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        int status = response.statusCode();
        if (status == 404 && session != null && mayReinitialize && !isInitialize(message)) {
            HttpUpstreamSupport.preview(response.body());
            if (reinitialize(session)) {
                post(message, false);
            } else {
                HttpUpstreamSupport.failRequest(message, "upstream '" + name
                        + "' lost the session and could not open a new one", listener);
                reportClosed("upstream '" + name + "' session expired and re-initialisation failed");
            }
            return;
        }
        if (status >= 400 && status < 500 && related != null && response.headers().firstValue("Content-Type")
                .orElse("").startsWith("application/json")) {
            // 2026-07-28 servers put some JSON-RPC errors in 4xx answers (-32601 in a 404, -32020 in a 400).
            try {
                byte[] body = HttpUpstreamSupport.readBounded(response.body(), parser.limits().maxFrameBytes());
                JsonRpcMessage answer = parser.parseMessage(body);
                if (answer instanceof JsonRpcMessage.Response r && related.equals(r.id())) {
                    listener.onMessage(answer, related);
                    return;
                }
                HttpUpstreamSupport.failRequest(message, "upstream '" + name + "' answered HTTP " + status, listener);
            } catch (IOException | JsonRpcException e) {
                HttpUpstreamSupport.failRequest(message, "upstream '" + name + "' answered HTTP " + status + ": "
                        + e.getMessage(), listener);
            }
            return;
        }
        if (status >= 300) {
            String body = HttpUpstreamSupport.preview(response.body());
            log.warn("upstream '{}' answered HTTP {} to {}{}", name, status, describe(message), body);
            HttpUpstreamSupport.failRequest(message, "upstream '" + name + "' answered HTTP " + status + body,
                    listener);
            return;
        }
        if (isInitialize(message)) {
            response.headers().firstValue("Mcp-Session-Id").ifPresent(id -> sessionId = id);
        }
        readBody(response, related, message);
        if (message instanceof JsonRpcMessage.Notification n && McpMethods.INITIALIZED.equals(n.method())) {
            openStandaloneStream();
        }
    }

    private void readBody(HttpResponse<InputStream> response, JsonRpcId related, JsonRpcMessage message) {
        String type = response.headers().firstValue("Content-Type").orElse("");
        try {
            if (type.startsWith("text/event-stream")) {
                readEvents(response.body(), related, message);
            } else {
                byte[] body = HttpUpstreamSupport.readBounded(response.body(), parser.limits().maxFrameBytes());
                if (body.length > 0) {
                    HttpUpstreamSupport.deliverFrame(body, parser, listener, related, name, log);
                } else if (message instanceof JsonRpcMessage.Request) {
                    HttpUpstreamSupport.failRequest(message, "upstream '" + name + "' sent an empty response",
                            listener);
                }
            }
        } catch (IOException e) {
            HttpUpstreamSupport.failRequest(message, "upstream '" + name + "' response failed: " + e.getMessage(),
                    listener);
        }
    }

    /**
     * Reads a POST's SSE stream until the response to {@code related} arrives. A stream that ends early (SSE polling,
     * 2025-11-25) is resumed with GET and {@code Last-Event-ID}.
     */
    private void readEvents(InputStream body, JsonRpcId related, JsonRpcMessage message) throws IOException {
        InputStream current = body;
        for (int resumes = 0; ; resumes++) {
            SseReader reader = new SseReader(current, parser.limits().maxFrameBytes());
            boolean answered = false;
            Integer retry = null;
            try (InputStream ignored = current) {
                SseEvent event;
                while ((event = reader.next()) != null) {
                    retry = event.retryMillis() != null ? event.retryMillis() : retry;
                    if (!SseEvent.DEFAULT_TYPE.equals(event.type()) || event.data().isBlank()) {
                        continue;
                    }
                    JsonRpcMessage received = parseEvent(event);
                    if (received == null) {
                        continue;
                    }
                    listener.onMessage(received, related);
                    if (received instanceof JsonRpcMessage.Response r && r.id() != null && r.id().equals(related)) {
                        answered = true;
                        break;
                    }
                }
            }
            if (answered || related == null || closed.get()) {
                return;
            }
            if (reader.lastEventId() == null || resumes >= MAX_RESUMES) {
                HttpUpstreamSupport.failRequest(message, "upstream '" + name
                        + "' closed the stream before answering", listener);
                return;
            }
            current = resume(reader.lastEventId(), retry);
            if (current == null) {
                HttpUpstreamSupport.failRequest(message, "upstream '" + name
                        + "' closed the stream and could not be resumed", listener);
                return;
            }
        }
    }

    private InputStream resume(String lastEventId, Integer retryMillis) {
        try {
            Thread.sleep(Math.min(retryMillis == null ? 0 : retryMillis, 5_000));
            HttpRequest.Builder builder = base().header("Accept", "text/event-stream")
                    .header("Last-Event-ID", lastEventId).GET();
            if (sessionId != null) {
                builder.header("Mcp-Session-Id", sessionId);
            }
            HttpResponse<InputStream> response = CLIENT.send(builder.build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() != 200) {
                response.body().close();
                return null;
            }
            return response.body();
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private void openStandaloneStream() {
        if (closed.get() || standaloneStream != null) {
            return;
        }
        standaloneStream = Thread.ofVirtual().name("upstream-" + name + "-get").start(this::standaloneLoop);
    }

    /** The GET stream for server-initiated messages; optional for servers (405), reconnected with backoff. */
    private void standaloneLoop() {
        String lastEventId = null;
        long backoff = 250;
        while (!closed.get() && !Thread.currentThread().isInterrupted()) {
            try {
                HttpRequest.Builder builder = base().header("Accept", "text/event-stream").GET()
                        .timeout(Duration.ofDays(1));
                String session = sessionId;
                if (session != null) {
                    builder.header("Mcp-Session-Id", session);
                }
                if (lastEventId != null) {
                    builder.header("Last-Event-ID", lastEventId);
                }
                HttpResponse<InputStream> response = CLIENT.send(builder.build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                if (response.statusCode() == 405) {
                    response.body().close();
                    log.debug("upstream '{}' offers no standalone stream", name);
                    return;
                }
                if (response.statusCode() != 200) {
                    HttpUpstreamSupport.preview(response.body());
                } else {
                    SseReader reader = new SseReader(response.body(), parser.limits().maxFrameBytes());
                    try (InputStream ignored = response.body()) {
                        SseEvent event;
                        while ((event = reader.next()) != null) {
                            backoff = 250;
                            JsonRpcMessage received = event.data().isBlank() ? null : parseEvent(event);
                            if (received != null) {
                                listener.onMessage(received, null);
                            }
                        }
                    }
                    lastEventId = reader.lastEventId() != null ? reader.lastEventId() : lastEventId;
                }
            } catch (IOException e) {
                log.debug("upstream '{}' standalone stream: {}", name, e.getMessage());
            } catch (InterruptedException e) {
                return;
            }
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                return;
            }
            backoff = Math.min(backoff * 2, 10_000);
        }
    }

    /** Opens a new upstream session by replaying the client's handshake. The reply goes nowhere: the client has it. */
    private boolean reinitialize(String expiredSession) {
        synchronized (sessionLock) {
            if (!expiredSession.equals(sessionId)) {
                return true; // another thread already did it
            }
            JsonRpcMessage.Request init = initialize;
            if (init == null) {
                return false;
            }
            log.info("upstream '{}' forgot session {}; re-initialising", name, expiredSession);
            sessionId = null;
            try {
                HttpRequest request = base().header("Content-Type", "application/json")
                        .header("Accept", "application/json, text/event-stream")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(init.raw())).build();
                HttpResponse<InputStream> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofInputStream());
                try (InputStream body = response.body()) {
                    if (response.statusCode() != 200) {
                        return false;
                    }
                    body.transferTo(java.io.OutputStream.nullOutputStream());
                }
                sessionId = response.headers().firstValue("Mcp-Session-Id").orElse(null);
                JsonRpcMessage done = initialized;
                if (done != null) {
                    HttpRequest.Builder notify = base().header("Content-Type", "application/json")
                            .header("Accept", "application/json, text/event-stream")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(done.raw()));
                    if (sessionId != null) {
                        notify.header("Mcp-Session-Id", sessionId);
                    }
                    CLIENT.send(notify.build(), HttpResponse.BodyHandlers.discarding());
                }
                return true;
            } catch (IOException e) {
                log.warn("upstream '{}' re-initialisation failed: {}", name, e.getMessage());
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    private JsonRpcMessage parseEvent(SseEvent event) {
        try {
            return parser.parseMessage(event.data().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (JsonRpcException e) {
            log.warn("upstream '{}' sent an invalid SSE message ({})", name, e.getMessage());
            return null;
        }
    }

    private HttpRequest.Builder base() {
        HttpRequest.Builder builder = HttpRequest.newBuilder(spec.url()).timeout(REQUEST_TIMEOUT);
        spec.headers().forEach(builder::header);
        String version = protocolVersion;
        if (version != null) {
            builder.header("MCP-Protocol-Version", version);
        }
        return builder;
    }

    private void reportClosed(String reason) {
        if (reportedClosed.compareAndSet(false, true)) {
            log.info("{}", reason);
            listener.onClosed(reason);
        }
    }

    private static boolean isInitialize(JsonRpcMessage message) {
        return message instanceof JsonRpcMessage.Request r && McpMethods.INITIALIZE.equals(r.method());
    }

    private static String describe(JsonRpcMessage message) {
        return switch (message) {
            case JsonRpcMessage.Request r -> "request " + r.method() + " " + r.id();
            case JsonRpcMessage.Notification n -> "notification " + n.method();
            case JsonRpcMessage.Response r -> "response " + r.id();
        };
    }
}
