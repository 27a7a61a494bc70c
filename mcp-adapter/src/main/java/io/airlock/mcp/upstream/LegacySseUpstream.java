package io.airlock.mcp.upstream;

import static io.airlock.mcp.upstream.HttpUpstreamSupport.CLIENT;

import io.airlock.mcp.jsonrpc.JsonRpcMessage;
import io.airlock.mcp.jsonrpc.JsonRpcParser;
import io.airlock.mcp.sse.SseEvent;
import io.airlock.mcp.sse.SseReader;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A legacy HTTP+SSE upstream (2024-11-05): one long GET stream carries every server message; its first event,
 * {@code endpoint}, names the URL to POST client messages to. The stream ending ends the session.
 */
public final class LegacySseUpstream implements Upstream {

    private static final Logger log = LoggerFactory.getLogger(LegacySseUpstream.class);
    private static final Duration ENDPOINT_TIMEOUT = Duration.ofSeconds(15);

    private final String name;
    private final UpstreamSpec.LegacySse spec;
    private final JsonRpcParser parser;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean reportedClosed = new AtomicBoolean();
    private final CompletableFuture<URI> endpoint = new CompletableFuture<>();
    private volatile UpstreamListener listener;
    private volatile Thread reader;
    private volatile InputStream stream;

    public LegacySseUpstream(String name, UpstreamSpec.LegacySse spec, JsonRpcParser parser) {
        this.name = Objects.requireNonNull(name, "name");
        this.spec = Objects.requireNonNull(spec, "spec");
        this.parser = Objects.requireNonNull(parser, "parser");
    }

    /** Blocks (on the caller's virtual thread) until the server names its message endpoint. */
    @Override
    public void start(UpstreamListener listener) throws UpstreamException {
        this.listener = Objects.requireNonNull(listener, "listener");
        reader = Thread.ofVirtual().name("upstream-" + name + "-sse").start(this::readLoop);
        try {
            URI uri = endpoint.get(ENDPOINT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            log.info("upstream '{}' SSE session open, posting to {}", name, uri);
        } catch (TimeoutException e) {
            close();
            throw new UpstreamException("upstream '" + name + "' at " + spec.url() + " sent no endpoint event within "
                    + ENDPOINT_TIMEOUT.toSeconds() + " s");
        } catch (ExecutionException e) {
            close();
            throw new UpstreamException("upstream '" + name + "' at " + spec.url() + ": "
                    + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new UpstreamException("interrupted while connecting to upstream '" + name + "'");
        }
    }

    @Override
    public void send(JsonRpcMessage message) throws UpstreamException {
        if (closed.get()) {
            throw new UpstreamException("upstream '" + name + "' is closed");
        }
        URI target = endpoint.getNow(null);
        Thread.ofVirtual().name("upstream-" + name + "-post").start(() -> {
            try {
                HttpRequest.Builder builder = HttpRequest.newBuilder(target).timeout(Duration.ofMinutes(5))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(message.raw()));
                spec.headers().forEach(builder::header);
                HttpResponse<InputStream> response = CLIENT.send(builder.build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                String body = HttpUpstreamSupport.preview(response.body());
                if (response.statusCode() >= 300) {
                    HttpUpstreamSupport.failRequest(message, "upstream '" + name + "' answered HTTP "
                            + response.statusCode() + body, listener);
                }
            } catch (IOException e) {
                HttpUpstreamSupport.failRequest(message, "upstream '" + name + "' is unreachable: " + e, listener);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        InputStream s = stream;
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing is best effort
            }
        }
        Thread t = reader;
        if (t != null) {
            t.interrupt();
        }
    }

    @Override
    public String describe() {
        return "sse " + spec.url();
    }

    private void readLoop() {
        String reason = "upstream '" + name + "' closed its SSE stream";
        try {
            HttpRequest.Builder builder = HttpRequest.newBuilder(spec.url()).timeout(Duration.ofDays(1))
                    .header("Accept", "text/event-stream").GET();
            spec.headers().forEach(builder::header);
            HttpResponse<InputStream> response = CLIENT.send(builder.build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() != 200) {
                throw new IOException("GET " + spec.url() + " answered HTTP " + response.statusCode()
                        + HttpUpstreamSupport.preview(response.body()));
            }
            stream = response.body();
            SseReader events = new SseReader(response.body(), parser.limits().maxFrameBytes());
            SseEvent event;
            while ((event = events.next()) != null) {
                if ("endpoint".equals(event.event())) {
                    endpoint.complete(endpointUri(event.data().strip()));
                } else if (SseEvent.DEFAULT_TYPE.equals(event.type()) && !event.data().isBlank()) {
                    HttpUpstreamSupport.deliverFrame(event.data().getBytes(StandardCharsets.UTF_8), parser,
                            listener, null, name, log);
                }
            }
        } catch (IOException e) {
            reason = "upstream '" + name + "' SSE stream failed: " + e.getMessage();
            endpoint.completeExceptionally(e);
        } catch (InterruptedException e) {
            reason = "upstream '" + name + "' closed";
        }
        endpoint.completeExceptionally(new IOException(reason)); // no-op when the session had opened
        boolean wasOpen = !endpoint.isCompletedExceptionally();
        if (wasOpen && !closed.get() && reportedClosed.compareAndSet(false, true)) {
            listener.onClosed(reason);
        }
        close();
    }

    /**
     * Resolves the {@code endpoint} event against the stream URL. The endpoint must stay on the stream's origin:
     * the configured headers (often credentials) go with every POST, and the upstream does not get to send them
     * elsewhere.
     */
    private URI endpointUri(String data) throws IOException {
        URI target;
        try {
            target = spec.url().resolve(data);
        } catch (IllegalArgumentException e) {
            throw new IOException("invalid endpoint event '" + data + "': " + e.getMessage(), e);
        }
        URI base = spec.url();
        if (!String.valueOf(base.getScheme()).equalsIgnoreCase(String.valueOf(target.getScheme()))
                || !String.valueOf(base.getHost()).equalsIgnoreCase(String.valueOf(target.getHost()))
                || port(base) != port(target)) {
            throw new IOException("endpoint event names " + target + ", not on the origin of " + base);
        }
        return target;
    }

    private static int port(URI uri) {
        if (uri.getPort() >= 0) {
            return uri.getPort();
        }
        return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }
}
