package io.airlock.mcp.upstream;

import static io.airlock.mcp.upstream.FakeHttpServer.empty;
import static io.airlock.mcp.upstream.FakeHttpServer.event;
import static io.airlock.mcp.upstream.FakeHttpServer.idOf;
import static io.airlock.mcp.upstream.FakeHttpServer.json;
import static io.airlock.mcp.upstream.FakeHttpServer.sse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.airlock.mcp.jsonrpc.JsonRpcErrors;
import io.airlock.mcp.jsonrpc.JsonRpcId;
import io.airlock.mcp.jsonrpc.JsonRpcMessage;
import io.airlock.mcp.jsonrpc.JsonRpcParser;
import io.airlock.mcp.jsonrpc.ParseLimits;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LegacySseUpstreamTest {

    private static final JsonRpcParser PARSER = new JsonRpcParser(ParseLimits.DEFAULT);
    private static final String END = "<end of stream>";

    private final List<AutoCloseable> resources = new ArrayList<>();
    private final RecordingListener listener = new RecordingListener();
    /** What the fake server writes next on its GET stream; {@link #END} ends the stream. */
    private final BlockingQueue<String> pushed = new LinkedBlockingQueue<>();

    @AfterEach
    void tearDown() throws Exception {
        pushed.add(END);
        for (AutoCloseable resource : resources.reversed()) {
            resource.close();
        }
    }

    /**
     * A legacy server: GET /sse opens the stream and names the endpoint (computed from the server's own base URI);
     * POSTs to /messages are acknowledged with 202 and answered on the stream.
     */
    private FakeHttpServer legacyServer(Function<URI, String> endpoint, int postStatus) throws Exception {
        FakeHttpServer[] self = new FakeHttpServer[1];
        FakeHttpServer server = new FakeHttpServer((exchange, request) -> {
            if (request.method().equals("GET") && request.path().equals("/sse")) {
                OutputStream out = sse(exchange);
                event(out, ": hello\n\nevent: endpoint\ndata: " + endpoint.apply(self[0].uri("")) + "\n\n");
                while (true) {
                    String next = pushed.poll(10, TimeUnit.SECONDS);
                    if (next == null || next.equals(END)) {
                        return;
                    }
                    event(out, next);
                }
            } else if (request.method().equals("POST") && request.path().equals("/messages")) {
                if (postStatus >= 300) {
                    json(exchange, postStatus, "{\"error\":\"bad gateway day\"}");
                    return;
                }
                empty(exchange, 202);
                if (request.json().has("id") && request.json().has("method")) {
                    pushed.add("event: message\ndata: {\"jsonrpc\":\"2.0\",\"id\":" + idOf(request)
                            + ",\"result\":{\"echo\":\"" + request.rpcMethod() + "\"}}\n\n");
                }
            } else {
                empty(exchange, 404);
            }
        });
        self[0] = server;
        resources.add(server);
        return server;
    }

    private LegacySseUpstream upstream(URI url, Map<String, String> headers) {
        LegacySseUpstream upstream = new LegacySseUpstream("legacy", new UpstreamSpec.LegacySse(url, headers), PARSER);
        resources.add(upstream::close);
        return upstream;
    }

    private static JsonRpcMessage msg(String json) throws Exception {
        return PARSER.parseMessage(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void postsGoToTheAnnouncedEndpointAndAnswersComeOnTheStream() throws Exception {
        FakeHttpServer server = legacyServer(base -> "/messages?sessionId=abc-123", 202);
        LegacySseUpstream upstream = upstream(server.uri("/sse"), Map.of("Authorization", "Bearer legacy"));
        upstream.start(listener);

        FakeHttpServer.Seen get = server.next();
        assertThat(get.method()).isEqualTo("GET");
        assertThat(get.header("Accept")).isEqualTo("text/event-stream");
        assertThat(get.header("Authorization")).isEqualTo("Bearer legacy");

        String request = "{\"jsonrpc\":\"2.0\",\"id\":42,\"method\":\"tools/list\",\"params\":{\"x\":1.0e3}}";
        upstream.send(msg(request));
        FakeHttpServer.Seen post = server.next();
        assertThat(post.method()).isEqualTo("POST");
        assertThat(post.path()).isEqualTo("/messages");
        assertThat(post.query()).isEqualTo("sessionId=abc-123");
        assertThat(post.body()).isEqualTo(request);
        assertThat(post.header("Content-Type")).isEqualTo("application/json");
        assertThat(post.header("Authorization")).isEqualTo("Bearer legacy");

        RecordingListener.Delivery answer = listener.next();
        assertThat(answer.relatedTo()).isNull(); // the legacy transport does not say
        assertThat(answer.message()).isInstanceOfSatisfying(JsonRpcMessage.Response.class, r -> {
            assertThat(r.id()).isEqualTo(JsonRpcId.of(42));
            assertThat(r.result().get("echo").textValue()).isEqualTo("tools/list");
        });
        assertThat(upstream.describe()).contains(server.uri("/sse").toString());
    }

    @Test
    void absoluteEndpointOnTheSameOriginIsUsed() throws Exception {
        FakeHttpServer server = legacyServer(base -> base + "/messages?s=1", 202);
        LegacySseUpstream upstream = upstream(server.uri("/sse"), Map.of());
        upstream.start(listener);
        upstream.send(msg("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}"));
        assertThat(listener.next().message()).isInstanceOf(JsonRpcMessage.Response.class);
        assertThat(server.nextPost().query()).isEqualTo("s=1");
    }

    @Test
    void endpointOnAnotherOriginIsRefused() throws Exception {
        // The endpoint event must not send the configured credentials to a host the operator did not name.
        FakeHttpServer elsewhere = new FakeHttpServer((exchange, request) -> empty(exchange, 202));
        resources.add(elsewhere);
        for (String endpoint : List.of(elsewhere.uri("/steal").toString(), "//evil.example:8080/x",
                "https://127.0.0.1:1/messages")) {
            FakeHttpServer server = legacyServer(base -> endpoint, 202);
            LegacySseUpstream upstream = upstream(server.uri("/sse"), Map.of("Authorization", "Bearer secret"));
            assertThatThrownBy(() -> upstream.start(listener)).as(endpoint)
                    .isInstanceOf(UpstreamException.class).hasMessageContaining("origin");
        }
        assertThat(elsewhere.seen.poll(200, TimeUnit.MILLISECONDS)).isNull();
        assertThat(listener.closed).isEmpty();
    }

    @Test
    void malformedEndpointFailsStartPromptly() throws Exception {
        FakeHttpServer server = legacyServer(base -> "http://[not a uri", 202);
        LegacySseUpstream upstream = upstream(server.uri("/sse"), Map.of());
        long start = System.nanoTime();
        assertThatThrownBy(() -> upstream.start(listener)).isInstanceOf(UpstreamException.class)
                .hasMessageContaining("endpoint");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void serverMessagesOnTheStreamAreDelivered() throws Exception {
        FakeHttpServer server = legacyServer(base -> "/messages", 202);
        LegacySseUpstream upstream = upstream(server.uri("/sse"), Map.of());
        upstream.start(listener);
        pushed.add("data: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/tools/list_changed\"}\n\n");
        pushed.add("event: other\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"ignored\"}\n\n");
        pushed.add("data: not json\n\n");
        pushed.add("data: {\"jsonrpc\":\"2.0\",\"id\":\"srv\",\r\ndata: \"method\":\"sampling/createMessage\"}\r\n\r\n");
        assertThat(listener.next().message()).isInstanceOfSatisfying(JsonRpcMessage.Notification.class,
                n -> assertThat(n.method()).isEqualTo("notifications/tools/list_changed"));
        RecordingListener.Delivery request = listener.next();
        assertThat(request.message()).isInstanceOfSatisfying(JsonRpcMessage.Request.class, r -> {
            assertThat(r.method()).isEqualTo("sampling/createMessage");
            assertThat(r.id()).isEqualTo(JsonRpcId.of("srv"));
        });
        assertThat(request.relatedTo()).isNull();
        assertThat(listener.deliveries.poll(200, TimeUnit.MILLISECONDS)).isNull();
        assertThat(listener.closed).isEmpty();
    }

    @Test
    void streamEndClosesTheSessionOnce() throws Exception {
        FakeHttpServer server = legacyServer(base -> "/messages", 202);
        LegacySseUpstream upstream = upstream(server.uri("/sse"), Map.of());
        upstream.start(listener);
        pushed.add(END);
        await().atMost(Duration.ofSeconds(5)).until(() -> !listener.closed.isEmpty());
        Thread.sleep(100);
        assertThat(listener.closed).hasSize(1);
        assertThat(listener.closed.getFirst()).contains("legacy").contains("closed");
        upstream.close();
        assertThatThrownBy(() -> upstream.send(msg("{\"jsonrpc\":\"2.0\",\"method\":\"x\"}")))
                .isInstanceOf(UpstreamException.class);
        assertThat(listener.closed).hasSize(1);
        assertThat(server.seen.stream().filter(s -> s.method().equals("POST"))).isEmpty();
    }

    @Test
    void closeByTheGatewayIsNotReportedAsAnUpstreamFailure() throws Exception {
        FakeHttpServer server = legacyServer(base -> "/messages", 202);
        LegacySseUpstream upstream = upstream(server.uri("/sse"), Map.of());
        upstream.start(listener);
        upstream.close();
        Thread.sleep(200);
        assertThat(listener.closed).isEmpty();
        assertThatThrownBy(() -> upstream.send(msg("{\"jsonrpc\":\"2.0\",\"method\":\"x\"}")))
                .isInstanceOf(UpstreamException.class).hasMessageContaining("closed");
        assertThat(server.next().method()).isEqualTo("GET");
    }

    @Test
    void rejectedPostAnswersTheRequestWithAnError() throws Exception {
        FakeHttpServer server = legacyServer(base -> "/messages", 500);
        LegacySseUpstream upstream = upstream(server.uri("/sse"), Map.of());
        upstream.start(listener);
        upstream.send(msg("{\"jsonrpc\":\"2.0\",\"id\":\"q\",\"method\":\"tools/call\"}"));
        RecordingListener.Delivery d = listener.next();
        assertThat(d.relatedTo()).isEqualTo(JsonRpcId.of("q"));
        assertThat(d.message()).isInstanceOfSatisfying(JsonRpcMessage.Response.class, r -> {
            assertThat(r.id()).isEqualTo(JsonRpcId.of("q"));
            assertThat(r.error().get("code").intValue()).isEqualTo(JsonRpcErrors.UPSTREAM_UNAVAILABLE);
            assertThat(r.error().get("message").textValue()).contains("500");
        });
        // a rejected notification gets no answer
        upstream.send(msg("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}"));
        assertThat(listener.deliveries.poll(300, TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    void refusedStreamFailsStart() throws Exception {
        FakeHttpServer server = new FakeHttpServer((exchange, request) ->
                json(exchange, 401, "{\"error\":\"unauthorized\"}"));
        resources.add(server);
        LegacySseUpstream upstream = upstream(server.uri("/sse"), Map.of());
        assertThatThrownBy(() -> upstream.start(listener)).isInstanceOf(UpstreamException.class)
                .hasMessageContaining("401").hasMessageContaining("unauthorized");
        assertThat(listener.closed).isEmpty();
    }
}
