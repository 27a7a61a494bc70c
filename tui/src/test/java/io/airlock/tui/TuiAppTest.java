package io.airlock.tui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import io.airlock.tui.client.AdminClient;
import io.airlock.tui.client.EventStream;
import io.airlock.tui.view.OperatorScreen;
import io.airlock.tui.view.OperatorView;
import io.airlock.tui.view.VirtualScreen;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The whole TUI loop on a virtual terminal against a fake admin API. */
class TuiAppTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private FakeAdminServer server;
    private VirtualScreen screen;
    private TuiApp app;
    private Thread loop;

    @BeforeEach
    void start() throws Exception {
        server = new FakeAdminServer();
        server.on("GET", "/v1/decisions?limit=" + TuiApp.TAIL_FETCH, 200, "{\"decisions\":[]}");
        screen = new VirtualScreen(80, 24);
        app = new TuiApp(screen.screen(), new AdminClient(server.address(), FakeAdminServer.TOKEN),
                new OperatorView("alice"), new OperatorScreen(server.address().getAuthority(), ZoneOffset.UTC),
                Clock.systemUTC(), new EventStream.Backoff(Duration.ofMillis(50), Duration.ofMillis(200)));
        loop = Thread.ofPlatform().name("tui-test-loop").start(() -> {
            try {
                app.run();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @AfterEach
    void stop() throws Exception {
        app.stop();
        loop.join(5000);
        server.close();
    }

    private void press(char c) {
        screen.terminal().addInput(new KeyStroke(c, false, false));
    }

    private void awaitScreen(String text) {
        await().atMost(WAIT).untilAsserted(() -> assertThat(screen.text()).contains(text));
    }

    private void hold(String id, String tool) throws InterruptedException {
        server.on("GET", "/v1/held/" + id, 200, FakeAdminServer.heldJson(id, Instant.now().toString(), tool,
                tool + " path=/etc/hosts", false).replace("}", ",\"arguments\":{\"path\":\"/etc/hosts\"}}"));
        server.event("held", FakeAdminServer.heldJson(id, Instant.now().toString(), tool, tool + " path=/etc/hosts",
                false));
        awaitScreen(tool);
        Thread.sleep(OperatorView.SETTLE.plusMillis(100)); // a person looks before deciding
    }

    @Test
    void aCallHeldOnTheServerAppearsAndApproveSendsTheHashOfThatCall() throws Exception {
        awaitScreen("0 held calls");
        server.on("POST", "/v1/held/h-1/decision", 200, "{\"id\":\"h-1\",\"outcome\":\"approve\",\"operator\":\"alice\"}");

        hold("h-1", "write_file");
        awaitScreen("1 held call");
        awaitScreen("\"path\" : \"/etc/hosts\"");
        press('a');

        await().atMost(WAIT).until(() -> !server.requests("POST", "/v1/held/h-1/decision").isEmpty());
        assertThat(server.requests("POST", "/v1/held/h-1/decision").getFirst().body())
                .contains("\"outcome\":\"approve\"", "\"callHash\":\"sha256:" + "h-1".hashCode() + "\"",
                        "\"operator\":\"alice\"");
        awaitScreen("approved write_file");
        awaitScreen("0 held calls");
    }

    @Test
    void theScreenStaysLiveWhileADecisionIsSlowToAnswer() throws Exception {
        server.on("POST", "/v1/held/h-1/decision", new FakeAdminServer.Canned(200,
                "{\"id\":\"h-1\",\"outcome\":\"deny\",\"operator\":\"alice\"}", Duration.ofSeconds(3)));
        hold("h-1", "write_file");

        press('d');
        press('n');
        press('o');
        screen.terminal().addInput(new KeyStroke(KeyType.Enter));
        awaitScreen("sending denial for write_file");
        // While the POST hangs, a new call still appears: the UI thread is not waiting on it.
        server.event("held", FakeAdminServer.heldJson("h-2", Instant.now().toString(), "run_command", "ls", false));
        await().atMost(Duration.ofMillis(1500)).untilAsserted(() -> assertThat(screen.text()).contains("run_command",
                "2 held calls", "sent"));
        assertThat(server.requests("POST", "/v1/held/h-1/decision").getFirst().body()).contains("\"reason\":\"no\"");
        awaitScreen("denied write_file");
    }

    @Test
    void aLostConnectionShowsTheBannerAndReconnectionClearsIt() throws Exception {
        awaitScreen("live · ");
        server.eventsStatus(503);
        server.dropStream();

        awaitScreen("AIRLOCK CONNECTION LOST (the event stream answered 503)");
        assertThat(screen.text()).contains("DISCONNECTED");

        server.hello(() -> "{\"version\":\"0.1\",\"held\":[" + FakeAdminServer.heldJson("h-7",
                Instant.now().toString(), "read_secret", "~/.aws/credentials", false) + "]}");
        server.eventsStatus(200);

        awaitScreen("read_secret");
        assertThat(screen.text()).doesNotContain("CONNECTION LOST").contains("1 held call");
    }

    @Test
    void qQuitsAndRestoresTheTerminal() throws Exception {
        awaitScreen("live · ");

        press('q');

        loop.join(5000);
        assertThat(loop.isAlive()).isFalse();
    }
}
