package io.airlock.proxy.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.airlock.mcp.jsonrpc.JsonRpcId;
import io.airlock.mcp.jsonrpc.JsonRpcMessage;
import io.airlock.mcp.jsonrpc.JsonRpcParser;
import io.airlock.mcp.jsonrpc.ParseLimits;
import io.airlock.mcp.upstream.Upstream;
import io.airlock.mcp.upstream.UpstreamException;
import io.airlock.mcp.upstream.UpstreamListener;
import io.airlock.policy.Decision;
import io.airlock.policy.Gate;
import io.airlock.policy.GateRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The relay's semantics, without sockets or processes. */
class RelaySessionTest {

    private static final JsonRpcParser PARSER = new JsonRpcParser(ParseLimits.DEFAULT);

    private final FakeUpstream upstream = new FakeUpstream();
    private final List<RelaySession> closed = new ArrayList<>();

    @Test
    void anAllowedCallIsForwardedAsItsOriginalBytes() {
        RelaySession session = session(request -> allow());
        Stream client = new Stream();
        String raw = "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\","
                + "\"arguments\":{\"n\":1.50,\"big\":12345678901234567890},\"x-unknown\":true}}";
        session.fromClient(parse(raw), client);

        assertThat(upstream.sent).hasSize(1);
        assertThat(new String(upstream.sent.getFirst().raw(), StandardCharsets.UTF_8)).isEqualTo(raw);

        upstream.reply("{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{\"content\":[],\"extra\":1.0}}");
        assertThat(client.texts()).containsExactly("{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{\"content\":[],"
                + "\"extra\":1.0}}");
        assertThat(session.inFlight()).isZero();
    }

    @Test
    void aDeniedCallIsAnsweredAsAToolErrorAndNeverForwarded() {
        RelaySession session = session(request -> CompletableFuture.completedFuture(
                new Decision.Deny("too risky", "try a dry run", "rule-1")));
        Stream client = new Stream();
        session.fromClient(call(1, "delete_everything"), client);

        assertThat(upstream.sent).isEmpty();
        JsonRpcMessage.Response response = client.onlyResponse();
        assertThat(response.result().path("isError").asBoolean()).isTrue();
        assertThat(response.result().path("content").path(0).path("text").asText())
                .contains("Airlock denied this call: too risky", "try a dry run");
    }

    @Test
    void aGateThatThrowsOrFailsDeniesFailClosed() {
        RelaySession throwing = session(request -> {
            throw new IllegalStateException("policy bug");
        });
        Stream a = new Stream();
        throwing.fromClient(call(1, "echo"), a);
        RelaySession failing = session(request -> CompletableFuture.failedFuture(new RuntimeException("timeout")));
        Stream b = new Stream();
        failing.fromClient(call(2, "echo"), b);
        RelaySession nulling = session(request -> CompletableFuture.completedFuture(null));
        Stream c = new Stream();
        nulling.fromClient(call(3, "echo"), c);

        assertThat(upstream.sent).isEmpty();
        assertThat(a.onlyResponse().result().toString()).contains("could not be evaluated", "policy bug");
        assertThat(b.onlyResponse().result().toString()).contains("could not be evaluated", "timeout");
        assertThat(c.onlyResponse().result().path("isError").asBoolean()).isTrue();
    }

    @Test
    void everyDecisionIsRecordedBeforeTheCallLeavesAndWithoutReceiptsNothingIsForwarded() {
        java.util.List<CallRecorder.Call> recorded = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.List<String> ended = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicReference<String> broken = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicBoolean refuseNext = new java.util.concurrent.atomic.AtomicBoolean();
        CallRecorder recorder = new CallRecorder() {
            @Override
            public String unavailable() {
                return broken.get();
            }

            @Override
            public String record(Call call) {
                if (refuseNext.getAndSet(false)) {
                    return null;
                }
                recorded.add(call);
                // Recorded while the upstream has not seen the call yet (an allowed one is sent only afterwards).
                assertThat(upstream.sent).hasSize(sentBefore.get());
                return "d-" + recorded.size();
            }

            @Override
            public void finished(String decisionId, Outcome outcome, long resultBytes, long upstreamMicros) {
                ended.add(decisionId + " " + outcome + " " + (resultBytes > 0));
            }
        };
        RelaySession session = session(request -> request.target().equals("echo") ? allow()
                : CompletableFuture.completedFuture(new Decision.Deny("no", "", "deny-rule"))).recordingTo(recorder);
        Stream client = new Stream();
        sentBefore.set(upstream.sent.size());
        session.fromClient(call(1, "echo"), client);
        assertThat(recorded).extracting(CallRecorder.Call::outcome).containsExactly(CallRecorder.Outcome.FORWARDED);
        session.onMessage(parse("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"content\":[],\"isError\":true}}"),
                null);
        assertThat(ended).containsExactly("d-1 IS_ERROR true");
        sentBefore.set(upstream.sent.size());
        session.fromClient(call(2, "forbidden"), client);
        assertThat(recorded).extracting(CallRecorder.Call::outcome).containsExactly(CallRecorder.Outcome.FORWARDED,
                CallRecorder.Outcome.NOT_FORWARDED);
        assertThat(recorded.get(1).decided().decision().rule()).isEqualTo("deny-rule");

        // A receipt that cannot be queued: the allowed call is refused, not forwarded.
        refuseNext.set(true);
        int sentBeforeRefusal = upstream.sent.size();
        Stream unrecorded = new Stream();
        session.fromClient(call(3, "echo"), unrecorded);
        assertThat(upstream.sent).hasSize(sentBeforeRefusal);
        assertThat(unrecorded.onlyResponse().result().toString()).contains("could not record this call's receipt");

        // The log has failed: gated calls are refused before the gate.
        broken.set("No space left on device");
        Stream refused = new Stream();
        session.fromClient(call(4, "echo"), refused);
        assertThat(upstream.sent).hasSize(sentBeforeRefusal);
        assertThat(refused.onlyResponse().result().toString()).contains("cannot write its audit receipts",
                "No space left on device");
    }

    private final java.util.concurrent.atomic.AtomicInteger sentBefore = new java.util.concurrent.atomic.AtomicInteger();

    @Test
    void deniedResourceReadsAndPromptsGetJsonRpcErrors() {
        RelaySession session = session(request -> CompletableFuture.completedFuture(
                new Decision.Deny("no", "", "r")));
        Stream client = new Stream();
        session.fromClient(parse("{\"jsonrpc\":\"2.0\",\"id\":\"r1\",\"method\":\"resources/read\","
                + "\"params\":{\"uri\":\"file:///etc/shadow\"}}"), client);

        assertThat(client.onlyResponse().error().path("code").asInt()).isEqualTo(RelaySession.DENIED);
        assertThat(upstream.sent).isEmpty();
    }

    @Test
    void aGatedCallWithoutANameIsInvalidParamsNotForwarded() {
        RelaySession session = session(request -> allow());
        Stream client = new Stream();
        session.fromClient(parse("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{}}"), client);

        assertThat(client.onlyResponse().error().path("code").asInt()).isEqualTo(-32602);
        assertThat(upstream.sent).isEmpty();
    }

    @Test
    void aCallCancelledWhileAtTheGateIsDroppedEvenIfLaterAllowed() {
        CompletableFuture<Decision> pending = new CompletableFuture<>();
        RelaySession session = session(request -> pending);
        Stream client = new Stream();
        session.fromClient(call(5, "slow"), client);
        session.fromClient(parse("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\","
                + "\"params\":{\"requestId\":5}}"), null);
        pending.complete(new Decision.Allow("late"));

        assertThat(upstream.sent).isEmpty();
        assertThat(client.messages).isEmpty();
        assertThat(session.inFlight()).isZero();
    }

    @Test
    void toolsListHidesToolsTheGateWouldNeverAllowAndKeepsBytesWhenNothingIsHidden() {
        Gate gate = new TestGate(request -> allow(), tool -> !tool.equals("secret_tool"));
        RelaySession session = started(new RelaySession("s", "srv", "a", upstream, gate, 16, closed::add));
        Stream client = new Stream();
        session.fromClient(parse("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}"), client);
        upstream.reply("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"tools\":[{\"name\":\"echo\"},"
                + "{\"name\":\"secret_tool\"}],\"nextCursor\":\"c2\"}}");
        session.fromClient(parse("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}"), client);
        String unfiltered = "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{\"tools\":[{\"name\":\"echo\"}]}}";
        upstream.reply(unfiltered);

        JsonRpcMessage.Response filtered = (JsonRpcMessage.Response) client.messages.get(0);
        assertThat(filtered.result().path("tools")).hasSize(1);
        assertThat(filtered.result().path("tools").path(0).path("name").asText()).isEqualTo("echo");
        assertThat(filtered.result().path("nextCursor").asText()).isEqualTo("c2");
        assertThat(client.texts().get(1)).isEqualTo(unfiltered);
    }

    @Test
    void anUpstreamCrashAnswersEveryCallInFlightAndClosesTheSession() {
        RelaySession session = session(request -> allow());
        Stream client = new Stream();
        session.fromClient(call(1, "a"), client);
        session.fromClient(parse("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}"), client);
        upstream.listener.onClosed("upstream 'srv' exited with code 137");

        assertThat(client.messages).hasSize(2).allSatisfy(m -> {
            JsonRpcMessage.Response r = (JsonRpcMessage.Response) m;
            assertThat(r.error().path("code").asInt()).isEqualTo(-32000);
            assertThat(r.error().path("message").asText()).contains("exited with code 137");
        });
        assertThat(session.isClosed()).isTrue();
        assertThat(closed).containsExactly(session);
        assertThat(upstream.closed).isTrue();

        Stream later = new Stream();
        session.fromClient(call(3, "b"), later);
        assertThat(later.onlyResponse().error().path("message").asText()).contains("session closed");
    }

    @Test
    void serverRequestsGoToTheLatestCallsStreamAndNotificationsToTheStandaloneStream() {
        RelaySession session = session(request -> allow());
        Stream standalone = new Stream();
        session.attachStandalone(standalone);
        Stream first = new Stream();
        Stream second = new Stream();
        session.fromClient(call(1, "a"), first);
        session.fromClient(call(2, "b"), second);

        upstream.listener.onMessage(parse("{\"jsonrpc\":\"2.0\",\"id\":\"s1\",\"method\":\"sampling/createMessage\","
                + "\"params\":{}}"), null);
        upstream.listener.onMessage(parse("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\","
                + "\"params\":{\"level\":\"info\",\"data\":\"x\"}}"), null);
        upstream.listener.onMessage(parse("{\"jsonrpc\":\"2.0\",\"id\":\"s2\",\"method\":\"roots/list\"}"),
                JsonRpcId.of(1));

        assertThat(second.texts()).singleElement().asString().contains("sampling/createMessage");
        assertThat(standalone.texts()).singleElement().asString().contains("notifications/message");
        assertThat(first.texts()).singleElement().asString().contains("roots/list");
    }

    @Test
    void progressFollowsItsTokenToTheStreamThatAskedForIt() {
        RelaySession session = session(request -> allow());
        Stream asker = new Stream();
        Stream other = new Stream();
        session.fromClient(parse("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"x\","
                + "\"_meta\":{\"progressToken\":\"tok\"}}}"), asker);
        session.fromClient(call(2, "y"), other);
        upstream.listener.onMessage(parse("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\","
                + "\"params\":{\"progressToken\":\"tok\",\"progress\":1}}"), null);

        assertThat(asker.texts()).singleElement().asString().contains("\"progress\":1");
        assertThat(other.messages).isEmpty();
    }

    @Test
    void messagesWithNoStreamWaitAndAreDeliveredWhenAStreamAttaches() {
        RelaySession session = session(request -> allow());
        upstream.listener.onMessage(parse("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/tools/list_changed\"}"),
                null);
        Stream standalone = new Stream();
        assertThat(session.attachStandalone(standalone)).isTrue();
        assertThat(session.attachStandalone(new Stream())).isFalse();

        assertThat(standalone.texts()).singleElement().asString().contains("list_changed");
    }

    @Test
    void inFlightRequestsAreBoundedAndIdsMustBeUnique() {
        RelaySession session = started(new RelaySession("s", "srv", "a", upstream,
                new TestGate(r -> allow(), t -> true), 2, closed::add));
        Stream client = new Stream();
        session.fromClient(call(1, "a"), client);
        session.fromClient(call(1, "again"), client);
        session.fromClient(call(2, "b"), client);
        session.fromClient(call(3, "c"), client);

        assertThat(upstream.sent).hasSize(2);
        assertThat(client.texts()).hasSize(2);
        assertThat(client.texts().get(0)).contains("already in flight");
        assertThat(client.texts().get(1)).contains("-32001", "too many requests in flight");
    }

    @Test
    void aResponseToAnUnknownIdIsDropped() {
        RelaySession session = session(request -> allow());
        Stream client = new Stream();
        session.attachStandalone(client);
        upstream.reply("{\"jsonrpc\":\"2.0\",\"id\":99,\"result\":{}}");
        assertThat(client.messages).isEmpty();
    }

    @Test
    void aSessionIsIdleOnlyWithNothingInFlightNoStreamAndNoRecentTraffic() {
        RelaySession session = session(request -> allow());
        long hour = java.util.concurrent.TimeUnit.HOURS.toNanos(1);
        long later = System.nanoTime() + 2 * hour;
        assertThat(session.isIdle(System.nanoTime(), hour)).isFalse();
        assertThat(session.isIdle(later, hour)).isTrue();

        session.fromClient(call(1, "slow"), new Stream());
        assertThat(session.isIdle(later, hour)).isFalse();
        upstream.reply("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}");
        session.attachStandalone(new Stream());
        assertThat(session.isIdle(later + 2 * hour, hour)).isFalse();
    }

    @Test
    void theRegistryExpiresIdleSessionsAndStopsTheirUpstreams() throws Exception {
        List<FakeUpstream> started = new CopyOnWriteArrayList<>();
        SessionRegistry registry = new SessionRegistry(server -> {
            FakeUpstream fake = new FakeUpstream();
            started.add(fake);
            return fake;
        }, new TestGate(r -> allow(), t -> true), 10, 10, PARSER, java.time.Duration.ofMillis(50));
        try {
            RelaySession idle = registry.open("srv", "agent").join();
            Thread.sleep(120);
            assertThat(registry.reapIdle()).isEqualTo(1);
            assertThat(idle.isClosed()).isTrue();
            assertThat(registry.get(idle.id())).isNull();
            assertThat(started.getFirst().closed).isTrue();
        } finally {
            registry.close();
        }
    }

    @Test
    void aSharedSessionAttributesServerMessagesOrDropsThem() {
        RelaySession session = started(new RelaySession("s", "srv", "a", upstream,
                new TestGate(r -> allow(), t -> true), 16, closed::add, true));
        Stream listener = new Stream();
        Stream caller = new Stream();
        Stream other = new Stream();
        session.fromClient(parse("{\"jsonrpc\":\"2.0\",\"id\":\"airlock-1\",\"method\":\"subscriptions/listen\","
                + "\"params\":{}}"), listener);
        upstream.listener.onMessage(parse("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/tools/list_changed\","
                + "\"params\":{\"_meta\":{\"io.modelcontextprotocol/subscriptionId\":\"airlock-1\"}}}"), null);
        assertThat(listener.texts()).singleElement().asString().contains("list_changed");

        // Two calls in flight (the listen and this one): an unlabelled log line belongs to nobody for sure.
        session.fromClient(call(2, "a"), caller);
        upstream.listener.onMessage(parse("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\","
                + "\"params\":{\"level\":\"info\",\"data\":\"secret of someone\"}}"), null);
        assertThat(caller.messages).isEmpty();
        assertThat(listener.messages).hasSize(1);

        session.fromClient(parse("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\","
                + "\"params\":{\"requestId\":\"airlock-1\"}}"), null);
        upstream.reply("{\"jsonrpc\":\"2.0\",\"id\":\"airlock-1\",\"error\":{\"code\":-32800,\"message\":\"x\"}}");
        upstream.listener.onMessage(parse("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\","
                + "\"params\":{\"level\":\"info\",\"data\":\"mine\"}}"), null);
        assertThat(caller.texts()).singleElement().asString().contains("mine");
        assertThat(other.messages).isEmpty();
    }

    @Test
    void theRestoringStreamPutsTheClientsIdOnAnswersAndSubscriptionIds() {
        Stream client = new Stream();
        IdRestoringStream stream = new IdRestoringStream(client, JsonRpcId.of("airlock-9"), JsonRpcId.of(77),
                PARSER);
        stream.send(parse("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/subscriptions/acknowledged\","
                + "\"params\":{\"x\":1.50,\"_meta\":{\"io.modelcontextprotocol/subscriptionId\":\"airlock-9\"}}}"));
        stream.send(parse("{\"jsonrpc\":\"2.0\",\"id\":\"airlock-9\",\"result\":{\"n\":1.50}}"));
        assertThat(client.texts()).containsExactly(
                "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/subscriptions/acknowledged\",\"params\":{\"x\":1.50,"
                        + "\"_meta\":{\"io.modelcontextprotocol/subscriptionId\":77}}}",
                "{\"jsonrpc\":\"2.0\",\"id\":77,\"result\":{\"n\":1.50}}");
    }

    // ---- fixtures ----

    private RelaySession session(Function<GateRequest, CompletionStage<Decision>> decide) {
        return started(new RelaySession("s", "srv", "agent", upstream, new TestGate(decide, t -> true), 64,
                closed::add));
    }

    private static RelaySession started(RelaySession session) {
        try {
            session.start();
        } catch (UpstreamException e) {
            throw new AssertionError(e);
        }
        return session;
    }

    private static CompletionStage<Decision> allow() {
        return CompletableFuture.completedFuture(new Decision.Allow("test"));
    }

    private static JsonRpcMessage call(long id, String tool) {
        return parse("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\""
                + tool + "\",\"arguments\":{}}}");
    }

    static JsonRpcMessage parse(String json) {
        try {
            return PARSER.parseMessage(json.getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private record TestGate(Function<GateRequest, CompletionStage<Decision>> decide,
                            java.util.function.Predicate<String> listed) implements Gate {
        @Override
        public CompletionStage<Decision> decide(GateRequest request) {
            return decide.apply(request);
        }

        @Override
        public boolean isListed(String server, String tool) {
            return listed.test(tool);
        }
    }

    static final class Stream implements ClientStream {
        final List<JsonRpcMessage> messages = new CopyOnWriteArrayList<>();

        @Override
        public boolean send(JsonRpcMessage message) {
            messages.add(message);
            return true;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        List<String> texts() {
            return messages.stream().map(m -> new String(m.raw(), StandardCharsets.UTF_8)).toList();
        }

        JsonRpcMessage.Response onlyResponse() {
            assertThat(messages).hasSize(1);
            return (JsonRpcMessage.Response) messages.getFirst();
        }
    }

    static final class FakeUpstream implements Upstream {
        final List<JsonRpcMessage> sent = new CopyOnWriteArrayList<>();
        UpstreamListener listener;
        boolean closed;

        @Override
        public void start(UpstreamListener listener) {
            this.listener = listener;
        }

        @Override
        public void send(JsonRpcMessage message) {
            sent.add(message);
        }

        void reply(String json) {
            listener.onMessage(parse(json), null);
        }

        @Override
        public void close() {
            closed = true;
        }

        @Override
        public String describe() {
            return "fake";
        }
    }
}
