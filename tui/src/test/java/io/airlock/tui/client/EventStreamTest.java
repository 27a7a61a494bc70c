package io.airlock.tui.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.airlock.tui.FakeAdminServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EventStreamTest {

    private static final EventStream.Backoff FAST = new EventStream.Backoff(Duration.ofMillis(20),
            Duration.ofMillis(160));

    private FakeAdminServer server;
    private final List<AdminEvent> events = new CopyOnWriteArrayList<>();
    private final List<String> losses = new CopyOnWriteArrayList<>();
    private final List<Duration> delays = new CopyOnWriteArrayList<>();
    private EventStream stream;

    private final EventStream.Listener listener = new EventStream.Listener() {
        @Override
        public void event(AdminEvent event) {
            events.add(event);
        }

        @Override
        public void disconnected(String why, Duration retryIn) {
            losses.add(why);
            delays.add(retryIn);
        }
    };

    @BeforeEach
    void start() throws Exception {
        server = new FakeAdminServer();
    }

    @AfterEach
    void stop() {
        if (stream != null) {
            stream.close();
        }
        server.close();
    }

    private void follow(String token, Duration silenceLimit) {
        stream = new EventStream(new AdminClient(server.address(), token), listener, FAST, silenceLimit);
        stream.start();
    }

    @Test
    void helloComesFirstThenEventsInOrder() {
        server.hello(() -> "{\"version\":\"0.1\",\"held\":[" + FakeAdminServer.heldJson("h-1",
                "2026-11-22T04:31:02Z", "write_file", "x", false) + "]}");
        follow(FakeAdminServer.TOKEN, Duration.ofSeconds(30));
        server.event("held", FakeAdminServer.heldJson("h-2", "2026-11-22T04:31:03Z", "run_command", "ls", false));
        server.event("decided", "{\"id\":\"h-1\",\"outcome\":\"approve\",\"operator\":\"alice\",\"reason\":\"\"}");
        server.event("expired", "{\"id\":\"h-2\"}");
        server.event("cancelled", "{\"id\":\"h-3\",\"why\":\"agent went away\"}");
        server.event("decision", "{\"at\":\"2026-11-22T04:31:04Z\",\"tool\":\"read_text_file\",\"decision\":\"allow\"}");

        await().atMost(Duration.ofSeconds(5)).until(() -> events.size() == 6);
        assertThat(events.getFirst()).isInstanceOfSatisfying(AdminEvent.Hello.class, hello -> {
            assertThat(hello.version()).isEqualTo("0.1");
            assertThat(hello.held()).extracting(HeldCall::id).containsExactly("h-1");
        });
        assertThat(events.get(1)).isInstanceOfSatisfying(AdminEvent.Held.class,
                held -> assertThat(held.call().tool()).isEqualTo("run_command"));
        assertThat(events.get(2)).isEqualTo(new AdminEvent.Decided("h-1", "approve", "alice", ""));
        assertThat(events.get(3)).isEqualTo(new AdminEvent.Expired("h-2"));
        assertThat(events.get(4)).isEqualTo(new AdminEvent.Cancelled("h-3", "agent went away"));
        assertThat(events.get(5)).isInstanceOfSatisfying(AdminEvent.Decision.class,
                d -> assertThat(d.decision().decision()).isEqualTo("allow"));
        assertThat(losses).isEmpty();
    }

    @Test
    void aDroppedStreamIsReportedAndReconnectedAndHelloGivesTheStateAgain() {
        follow(FakeAdminServer.TOKEN, Duration.ofSeconds(30));
        await().atMost(Duration.ofSeconds(5)).until(() -> events.size() == 1);

        server.hello(() -> "{\"version\":\"0.1\",\"held\":[" + FakeAdminServer.heldJson("h-9",
                "2026-11-22T04:31:02Z", "write_file", "x", false) + "]}");
        server.dropStream();

        await().atMost(Duration.ofSeconds(5)).until(() -> events.size() == 2);
        assertThat(losses).containsExactly("Airlock closed the event stream");
        assertThat(delays).containsExactly(FAST.initial());
        assertThat(events.get(1)).isInstanceOfSatisfying(AdminEvent.Hello.class,
                hello -> assertThat(hello.held()).extracting(HeldCall::id).containsExactly("h-9"));
        assertThat(server.streamConnections()).isEqualTo(2);
    }

    @Test
    void aRefusedTokenIsReportedAndRetriedWithGrowingDelays() {
        follow("wrong-token", Duration.ofSeconds(30));

        await().atMost(Duration.ofSeconds(5)).until(() -> losses.size() >= 5);
        assertThat(losses.getFirst()).contains("unauthorized");
        assertThat(delays.subList(0, 5)).containsExactly(Duration.ofMillis(20), Duration.ofMillis(40),
                Duration.ofMillis(80), Duration.ofMillis(160), Duration.ofMillis(160));
        assertThat(events).isEmpty();
    }

    @Test
    void aStreamThatFallsSilentIsTreatedAsLost() {
        follow(FakeAdminServer.TOKEN, Duration.ofMillis(300));

        await().atMost(Duration.ofSeconds(5)).until(() -> !losses.isEmpty());
        assertThat(losses.getFirst()).startsWith("no keep-alive from Airlock");
        await().atMost(Duration.ofSeconds(5)).until(() -> server.streamConnections() >= 2);
    }

    @Test
    void eventTypesThisClientDoesNotKnowAreSkipped() {
        follow(FakeAdminServer.TOKEN, Duration.ofSeconds(30));
        server.event("something-new", "{\"x\":1}");
        server.event("expired", "{\"id\":\"h-5\"}");

        await().atMost(Duration.ofSeconds(5)).until(() -> events.size() == 2);
        assertThat(events.get(1)).isEqualTo(new AdminEvent.Expired("h-5"));
        assertThat(losses).isEmpty();
    }

    @Test
    void closingStopsReconnecting() throws Exception {
        follow(FakeAdminServer.TOKEN, Duration.ofSeconds(30));
        await().atMost(Duration.ofSeconds(5)).until(() -> events.size() == 1);

        stream.close();
        server.dropStream();
        Thread.sleep(300);

        assertThat(server.streamConnections()).isEqualTo(1);
    }
}
