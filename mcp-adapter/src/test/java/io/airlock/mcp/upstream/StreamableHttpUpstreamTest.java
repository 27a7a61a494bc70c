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
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StreamableHttpUpstreamTest {

    private static final JsonRpcParser PARSER = new JsonRpcParser(ParseLimits.DEFAULT);

    private final List<AutoCloseable> resources = new ArrayList<>();
    private final RecordingListener listener = new RecordingListener();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable resource : resources.reversed()) {
            resource.close();
        }
    }

    private FakeHttpServer server(FakeHttpServer.Handler handler) throws Exception {
        FakeHttpServer server = new FakeHttpServer(handler);
        resources.add(server);
        return server;
    }

    private StreamableHttpUpstream upstream(URI url, Map<String, String> headers) {
        StreamableHttpUpstream upstream = new StreamableHttpUpstream("remote",
                new UpstreamSpec.StreamableHttp(url, headers), PARSER);
        resources.add(upstream::close);
        upstream.start(listener);
        return upstream;
    }

    private static JsonRpcMessage msg(String json) throws Exception {
        return PARSER.parseMessage(json.getBytes(StandardCharsets.UTF_8));
    }

    private static JsonRpcMessage request(Object id, String method) throws Exception {
        String idJson = id instanceof String s ? "\"" + s + "\"" : String.valueOf(id);
        return msg("{\"jsonrpc\":\"2.0\",\"id\":" + idJson + ",\"method\":\"" + method + "\",\"params\":{}}");
    }

    private static final String INITIALIZED = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}";

    /** A well-behaved MCP server: sessions, JSON answers, 202 for notifications, no standalone stream. */
    private static FakeHttpServer.Handler mcpServer(AtomicInteger sessions, List<String> liveSessions) {
        return (exchange, request) -> {
            switch (request.method()) {
                case "GET" -> empty(exchange, 405);
                case "DELETE" -> empty(exchange, 200);
                default -> {
                    String method = request.rpcMethod();
                    if ("initialize".equals(method)) {
                        String session = "session-" + sessions.incrementAndGet();
                        liveSessions.add(session);
                        json(exchange, 200, "{\"jsonrpc\":\"2.0\",\"id\":" + idOf(request)
                                + ",\"result\":{\"protocolVersion\":\"2025-06-18\"}}", "Mcp-Session-Id", session);
                    } else if (!liveSessions.contains(request.header("Mcp-Session-Id"))) {
                        json(exchange, 404, "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32001,"
                                + "\"message\":\"Session not found\"}}");
                    } else if (!request.json().has("id")) {
                        empty(exchange, 202);
                    } else {
                        json(exchange, 200, "{\"jsonrpc\":\"2.0\",\"id\":" + idOf(request) + ",\"result\":{\"for\":\""
                                + request.header("Mcp-Session-Id") + "\"}}");
                    }
                }
            }
        };
    }

    @Test
    void jsonResponseIsRelatedToTheRequest() throws Exception {
        FakeHttpServer server = server((exchange, request) -> json(exchange, 200,
                "{\"jsonrpc\":\"2.0\",\"id\":" + idOf(request) + ",\"result\":{\"tools\":[]},\"extra\":1.0e3}"));
        StreamableHttpUpstream upstream = upstream(server.uri("/mcp"), Map.of("Authorization", "Bearer t0k"));
        upstream.protocolVersion("2025-06-18");
        upstream.send(request("req-1", "tools/list"));

        RecordingListener.Delivery d = listener.next();
        assertThat(d.relatedTo()).isEqualTo(JsonRpcId.of("req-1"));
        assertThat(d.message()).isInstanceOfSatisfying(JsonRpcMessage.Response.class,
                r -> assertThat(r.id()).isEqualTo(JsonRpcId.of("req-1")));
        assertThat(new String(d.message().raw(), StandardCharsets.UTF_8)).contains("\"extra\":1.0e3");

        FakeHttpServer.Seen seen = server.next();
        assertThat(seen.method()).isEqualTo("POST");
        assertThat(seen.path()).isEqualTo("/mcp");
        assertThat(seen.header("Content-Type")).isEqualTo("application/json");
        assertThat(seen.header("Accept")).contains("application/json").contains("text/event-stream");
        assertThat(seen.header("Authorization")).isEqualTo("Bearer t0k");
        assertThat(seen.header("MCP-Protocol-Version")).isEqualTo("2025-06-18");
        assertThat(seen.header("Mcp-Session-Id")).isNull();
        assertThat(seen.body()).isEqualTo(new String(request("req-1", "tools/list").raw(), StandardCharsets.UTF_8));
        assertThat(upstream.describe()).contains(server.uri("/mcp").toString());
    }

    @Test
    void sseResponseDeliversNotificationThenResponse() throws Exception {
        FakeHttpServer server = server((exchange, request) -> {
            OutputStream out = sse(exchange);
            event(out, ": stream open\n\n");
            event(out, "event: message\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\","
                    + "\"params\":{\"progressToken\":1,\"progress\":0.5}}\n\n");
            event(out, "event: ping\ndata: ignored\n\n");
            Thread.sleep(50);
            event(out, "id: 9\r\ndata: {\"jsonrpc\":\"2.0\",\"id\":" + idOf(request) + ",\r\ndata: \"result\":{}}\r\n\r\n");
            Thread.sleep(2_000); // keep the stream open: the client must not wait for its end
        });
        StreamableHttpUpstream upstream = upstream(server.uri("/mcp"), Map.of());
        upstream.send(request(3, "tools/call"));

        RecordingListener.Delivery first = listener.next();
        assertThat(first.message()).isInstanceOfSatisfying(JsonRpcMessage.Notification.class,
                n -> assertThat(n.method()).isEqualTo("notifications/progress"));
        assertThat(first.relatedTo()).isEqualTo(JsonRpcId.of(3));
        RecordingListener.Delivery second = listener.next(1);
        assertThat(second.message()).isInstanceOfSatisfying(JsonRpcMessage.Response.class,
                r -> assertThat(r.id()).isEqualTo(JsonRpcId.of(3)));
        assertThat(second.relatedTo()).isEqualTo(JsonRpcId.of(3));
        assertThat(listener.deliveries.poll(200, TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    void batchResponseIsDeliveredMessageByMessage() throws Exception {
        FakeHttpServer server = server((exchange, request) -> json(exchange, 200,
                "[{\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\"},"
                        + "{\"jsonrpc\":\"2.0\",\"id\":" + idOf(request) + ",\"result\":{}}]"));
        StreamableHttpUpstream upstream = upstream(server.uri("/mcp"), Map.of());
        upstream.send(request(4, "ping"));
        assertThat(listener.next().message()).isInstanceOf(JsonRpcMessage.Notification.class);
        RecordingListener.Delivery response = listener.next();
        assertThat(response.message()).isInstanceOf(JsonRpcMessage.Response.class);
        assertThat(response.relatedTo()).isEqualTo(JsonRpcId.of(4));
    }

    @Test
    void sessionIdFromInitializeIsSentOnLaterRequests() throws Exception {
        List<String> live = new java.util.concurrent.CopyOnWriteArrayList<>();
        FakeHttpServer server = server(mcpServer(new AtomicInteger(), live));
        StreamableHttpUpstream upstream = upstream(server.uri("/mcp"), Map.of());

        upstream.send(request(1, "initialize"));
        assertThat(listener.next().relatedTo()).isEqualTo(JsonRpcId.of(1));
        assertThat(server.nextPost().header("Mcp-Session-Id")).isNull();

        upstream.send(msg(INITIALIZED));
        FakeHttpServer.Seen initialized = server.nextPost();
        assertThat(initialized.rpcMethod()).isEqualTo("notifications/initialized");
        assertThat(initialized.header("Mcp-Session-Id")).isEqualTo("session-1");

        upstream.send(request(2, "tools/list"));
        RecordingListener.Delivery answer = listener.next();
        assertThat(answer.relatedTo()).isEqualTo(JsonRpcId.of(2));
        assertThat(((JsonRpcMessage.Response) answer.message()).result().get("for").textValue())
                .isEqualTo("session-1");
        assertThat(server.nextPost().header("Mcp-Session-Id")).isEqualTo("session-1");
    }

    @Test
    void standaloneStreamIsOpenedAfterInitializedAndCarriesServerMessages() throws Exception {
        FakeHttpServer server = server((exchange, request) -> {
            if (request.method().equals("GET")) {
                assertThat(request.header("Accept")).contains("text/event-stream");
                OutputStream out = sse(exchange);
                event(out, "data: {\"jsonrpc\":\"2.0\",\"id\":\"srv-1\",\"method\":\"roots/list\"}\n\n");
                Thread.sleep(3_000);
            } else if ("initialize".equals(request.rpcMethod())) {
                json(exchange, 200, "{\"jsonrpc\":\"2.0\",\"id\":" + idOf(request) + ",\"result\":{}}",
                        "Mcp-Session-Id", "s-get");
            } else {
                empty(exchange, request.method().equals("DELETE") ? 200 : 202);
            }
        });
        StreamableHttpUpstream upstream = upstream(server.uri("/mcp"), Map.of());
        upstream.send(request(1, "initialize"));
        listener.next();
        upstream.send(msg(INITIALIZED));
        RecordingListener.Delivery fromServer = listener.next();
        assertThat(fromServer.relatedTo()).isNull();
        assertThat(fromServer.message()).isInstanceOfSatisfying(JsonRpcMessage.Request.class,
                r -> assertThat(r.method()).isEqualTo("roots/list"));
        FakeHttpServer.Seen get = server.seen.stream().filter(s -> s.method().equals("GET")).findFirst()
                .orElseThrow();
        assertThat(get.header("Mcp-Session-Id")).isEqualTo("s-get");
    }

    @Test
    void expiredSessionIsReinitialisedAndTheRequestRetried() throws Exception {
        List<String> live = new java.util.concurrent.CopyOnWriteArrayList<>();
        FakeHttpServer server = server(mcpServer(new AtomicInteger(), live));
        StreamableHttpUpstream upstream = upstream(server.uri("/mcp"), Map.of());

        upstream.send(request(1, "initialize"));
        listener.next();
        upstream.send(msg(INITIALIZED));
        await().atMost(Duration.ofSeconds(5)).until(() -> server.seen.stream()
                .anyMatch(s -> "notifications/initialized".equals(s.rpcMethod())));
        Thread.sleep(100); // let the standalone GET (answered 405) come and go
        server.seen.clear();

        live.clear(); // the server restarts and forgets every session
        upstream.send(request(7, "tools/list"));

        RecordingListener.Delivery answer = listener.next();
        assertThat(answer.relatedTo()).isEqualTo(JsonRpcId.of(7));
        assertThat(answer.message()).isInstanceOfSatisfying(JsonRpcMessage.Response.class, r -> {
            assertThat(r.isError()).isFalse();
            assertThat(r.id()).isEqualTo(JsonRpcId.of(7));
            assertThat(r.result().get("for").textValue()).isEqualTo("session-2");
        });

        List<FakeHttpServer.Seen> posts = server.seen.stream().filter(s -> s.method().equals("POST")).toList();
        assertThat(posts).extracting(FakeHttpServer.Seen::rpcMethod)
                .containsExactly("tools/list", "initialize", "notifications/initialized", "tools/list");
        assertThat(posts).extracting(s -> s.header("Mcp-Session-Id"))
                .containsExactly("session-1", null, "session-2", "session-2");
        assertThat(posts.get(1).body()).as("the client's own initialize is replayed")
                .isEqualTo(new String(request(1, "initialize").raw(), StandardCharsets.UTF_8));
        assertThat(listener.deliveries).as("the replayed handshake's answers go nowhere").isEmpty();
        assertThat(listener.closed).isEmpty();
    }

    @Test
    void failedReinitialisationFailsTheRequestAndClosesTheSession() throws Exception {
        AtomicInteger initializes = new AtomicInteger();
        FakeHttpServer server = server((exchange, request) -> {
            if (request.method().equals("GET")) {
                empty(exchange, 405);
            } else if ("initialize".equals(request.rpcMethod())) {
                if (initializes.incrementAndGet() == 1) {
                    json(exchange, 200, "{\"jsonrpc\":\"2.0\",\"id\":" + idOf(request) + ",\"result\":{}}",
                            "Mcp-Session-Id", "only-once");
                } else {
                    json(exchange, 503, "{}");
                }
            } else {
                empty(exchange, 404);
            }
        });
        StreamableHttpUpstream upstream = upstream(server.uri("/mcp"), Map.of());
        upstream.send(request(1, "initialize"));
        listener.next();
        upstream.send(request(2, "tools/list"));
        RecordingListener.Delivery failure = listener.next();
        assertThat(failure.relatedTo()).isEqualTo(JsonRpcId.of(2));
        assertThat(((JsonRpcMessage.Response) failure.message()).error().get("code").intValue())
                .isEqualTo(JsonRpcErrors.UPSTREAM_UNAVAILABLE);
        await().atMost(Duration.ofSeconds(5)).until(() -> !listener.closed.isEmpty());
        assertThat(listener.closed).hasSize(1);
        assertThat(initializes.get()).isEqualTo(2);
    }

    @Test
    void http500AnswersTheRequestWithAnError() throws Exception {
        FakeHttpServer server = server((exchange, request) -> json(exchange, 500, "{\"oops\":\"database down\"}"));
        StreamableHttpUpstream upstream = upstream(server.uri("/mcp"), Map.of());
        upstream.send(request(11, "tools/call"));
        RecordingListener.Delivery d = listener.next();
        assertThat(d.relatedTo()).isEqualTo(JsonRpcId.of(11));
        assertThat(d.message()).isInstanceOfSatisfying(JsonRpcMessage.Response.class, r -> {
            assertThat(r.id()).isEqualTo(JsonRpcId.of(11));
            assertThat(r.error().get("code").intValue()).isEqualTo(JsonRpcErrors.UPSTREAM_UNAVAILABLE);
            assertThat(r.error().get("message").textValue()).contains("500").contains("database down");
        });
        // a parseable error response for the agent, not a dead session
        assertThat(PARSER.parseMessage(d.message().raw())).isInstanceOf(JsonRpcMessage.Response.class);
        assertThat(listener.closed).isEmpty();
    }

    @Test
    void failedNotificationIsNotAnswered() throws Exception {
        FakeHttpServer server = server((exchange, request) -> empty(exchange, 500));
        StreamableHttpUpstream upstream = upstream(server.uri("/mcp"), Map.of());
        upstream.send(msg("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":1}}"));
        server.next();
        assertThat(listener.deliveries.poll(300, TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    void connectionRefusedAnswersTheRequestWithAnError() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        StreamableHttpUpstream upstream = upstream(URI.create("http://127.0.0.1:" + port + "/mcp"), Map.of());
        upstream.send(request("r", "tools/list"));
        RecordingListener.Delivery d = listener.next();
        assertThat(d.relatedTo()).isEqualTo(JsonRpcId.of("r"));
        assertThat(d.message()).isInstanceOfSatisfying(JsonRpcMessage.Response.class, r -> {
            assertThat(r.id()).isEqualTo(JsonRpcId.of("r"));
            assertThat(r.error().get("code").intValue()).isEqualTo(JsonRpcErrors.UPSTREAM_UNAVAILABLE);
            assertThat(r.error().get("message").textValue()).contains("unreachable").contains(String.valueOf(port));
        });
    }

    @Test
    void emptyBodyForARequestIsAnError() throws Exception {
        FakeHttpServer server = server((exchange, request) -> empty(exchange, 200));
        StreamableHttpUpstream upstream = upstream(server.uri("/mcp"), Map.of());
        upstream.send(request(5, "tools/list"));
        RecordingListener.Delivery d = listener.next();
        assertThat(((JsonRpcMessage.Response) d.message()).error().get("message").textValue()).contains("empty");
    }

    @Test
    void streamEndingBeforeTheAnswerIsAnError() throws Exception {
        FakeHttpServer server = server((exchange, request) -> {
            OutputStream out = sse(exchange);
            event(out, "data: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\"}\n\n");
        });
        StreamableHttpUpstream upstream = upstream(server.uri("/mcp"), Map.of());
        upstream.send(request(6, "tools/call"));
        assertThat(listener.next().message()).isInstanceOf(JsonRpcMessage.Notification.class);
        RecordingListener.Delivery failure = listener.next();
        assertThat(failure.relatedTo()).isEqualTo(JsonRpcId.of(6));
        assertThat(((JsonRpcMessage.Response) failure.message()).error().get("message").textValue())
                .contains("before answering");
    }

    @Test
    void streamEndingAfterAnEventIdIsResumedWithLastEventId() throws Exception {
        FakeHttpServer server = server((exchange, request) -> {
            if (request.method().equals("POST")) {
                OutputStream out = sse(exchange);
                event(out, "id: ev-1\nretry: 10\ndata:\n\n"); // priming event, then the server polls
            } else if (request.method().equals("GET") && "ev-1".equals(request.header("Last-Event-ID"))) {
                OutputStream out = sse(exchange);
                event(out, "id: ev-2\ndata: {\"jsonrpc\":\"2.0\",\"id\":8,\"result\":{\"resumed\":true}}\n\n");
            } else {
                empty(exchange, 405);
            }
        });
        StreamableHttpUpstream upstream = upstream(server.uri("/mcp"), Map.of());
        upstream.send(request(8, "tools/call"));
        RecordingListener.Delivery d = listener.next();
        assertThat(d.relatedTo()).isEqualTo(JsonRpcId.of(8));
        assertThat(((JsonRpcMessage.Response) d.message()).result().get("resumed").booleanValue()).isTrue();
    }

    @Test
    void invalidMessagesFromTheServerAreNotRelayed() throws Exception {
        FakeHttpServer server = server((exchange, request) -> json(exchange, 200,
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{},\"result\":{}}"));
        StreamableHttpUpstream upstream = upstream(server.uri("/mcp"), Map.of());
        upstream.send(request(1, "ping"));
        server.next();
        assertThat(listener.deliveries.poll(300, TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    void closeDeletesTheSessionAndRefusesFurtherSends() throws Exception {
        List<String> live = new java.util.concurrent.CopyOnWriteArrayList<>();
        FakeHttpServer server = server(mcpServer(new AtomicInteger(), live));
        StreamableHttpUpstream upstream = upstream(server.uri("/mcp"), Map.of());
        upstream.send(request(1, "initialize"));
        listener.next();
        server.next();
        upstream.close();
        upstream.close();
        FakeHttpServer.Seen delete = server.next();
        assertThat(delete.method()).isEqualTo("DELETE");
        assertThat(delete.header("Mcp-Session-Id")).isEqualTo("session-1");
        assertThatThrownBy(() -> upstream.send(request(2, "ping"))).isInstanceOf(UpstreamException.class);
        assertThat(server.seen.poll(200, TimeUnit.MILLISECONDS)).as("one DELETE only").isNull();
    }
}
