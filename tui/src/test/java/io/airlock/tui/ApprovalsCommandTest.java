package io.airlock.tui;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ApprovalsCommandTest {

    @TempDir
    Path dir;

    private FakeAdminServer server;
    private Path tokenFile;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void start() throws Exception {
        server = new FakeAdminServer();
        tokenFile = Files.writeString(dir.resolve("token"), FakeAdminServer.TOKEN + "\n");
        String call = FakeAdminServer.heldJson("h-1", Instant.now().minusSeconds(30).toString(), "write_file",
                "write_file path=/home/dev/.bashrc", false);
        server.on("GET", "/v1/held", 200, "{\"held\":[" + call + "]}");
        server.on("GET", "/v1/held/h-1", 200, call.replace("}", ",\"arguments\":{\"path\":\"/home/dev/.bashrc\"},"
                + "\"matchedRules\":[{\"id\":\"ask-outside-writes\",\"action\":\"ask\",\"hard\":false,\"reason\":\"r\"}],"
                + "\"remember\":{\"scope\":\"tool\",\"rule\":\"- id: remembered-1\\n  action: allow\\n\"}}"));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private int run(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--admin", server.address().toString(), "--token-file", tokenFile.toString()));
        return runRaw(all.toArray(String[]::new));
    }

    private int runRaw(String... args) {
        CommandLine command = new CommandLine(new ApprovalsCommand());
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(err, true));
        return command.execute(args);
    }

    @Test
    void listPrintsATableNewestFirst() {
        assertThat(run("list")).isZero();

        assertThat(out.toString()).startsWith("ID ").contains("AGE", "TOOL", "h-1", "30s", "write_file",
                "write_file path=/home/dev/.bashrc");
    }

    @Test
    void listJsonPrintsTheServersAnswer() {
        assertThat(run("list", "--json")).isZero();

        assertThat(out.toString()).contains("\"held\"", "\"callHash\" : \"sha256:");
    }

    @Test
    void showPrintsArgumentsRulesAndTheRememberRule() {
        assertThat(run("show", "h-1")).isZero();

        assertThat(out.toString()).contains("files/write_file", "why:", "\"path\" : \"/home/dev/.bashrc\"",
                "rule:      ask-outside-writes -> ask: r", "remember (scope tool):", "  - id: remembered-1");
    }

    @Test
    void approveReadsTheCallFirstAndSendsItsHash() {
        server.on("POST", "/v1/held/h-1/decision", 200, "{\"id\":\"h-1\",\"outcome\":\"approve\",\"operator\":\"ci\"}");

        assertThat(run("approve", "h-1", "--operator", "ci")).isZero();

        assertThat(server.requests().stream().map(r -> r.method() + " " + r.path()).toList())
                .containsExactly("GET /v1/held/h-1", "POST /v1/held/h-1/decision");
        assertThat(server.requests("POST", "/v1/held/h-1/decision").getFirst().body())
                .contains("\"callHash\":\"sha256:" + "h-1".hashCode() + "\"", "\"operator\":\"ci\"");
        assertThat(out.toString()).contains("approve h-1 as ci");
    }

    @Test
    void denySendsTheReason() {
        server.on("POST", "/v1/held/h-1/decision", 200, "{\"id\":\"h-1\",\"outcome\":\"deny\",\"operator\":\"ci\"}");

        assertThat(run("deny", "h-1", "--reason", "not on a Friday")).isZero();

        assertThat(server.requests("POST", "/v1/held/h-1/decision").getFirst().body())
                .contains("\"outcome\":\"deny\"", "\"reason\":\"not on a Friday\"");
    }

    @Test
    void aRefusalByTheServerExitsOneWithItsWords() {
        server.on("POST", "/v1/held/h-1/decision", 409,
                "{\"error\":\"already decided\",\"outcome\":\"deny\",\"operator\":\"bob\"}");
        assertThat(run("approve", "h-1")).isEqualTo(ApprovalsCommand.REFUSED);
        assertThat(err.toString()).contains("already decided: deny by bob");

        server.on("POST", "/v1/held/h-1/decision", 410, "{\"error\":\"expired\"}");
        assertThat(run("deny", "h-1")).isEqualTo(ApprovalsCommand.REFUSED);
        assertThat(err.toString()).contains("too late: expired");
    }

    @Test
    void anUnknownCallExitsOne() {
        assertThat(run("approve", "h-nope")).isEqualTo(ApprovalsCommand.REFUSED);

        assertThat(err.toString()).contains("no held call h-nope");
        assertThat(server.requests("POST", "/")).isEmpty();
    }

    @Test
    void aWrongTokenExitsTwo() throws Exception {
        Files.writeString(tokenFile, "wrong");

        assertThat(run("list")).isEqualTo(ApprovalsCommand.UNREACHABLE);
        assertThat(err.toString()).contains("unauthorized");
    }

    @Test
    void noServerExitsTwo() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }

        assertThat(runRaw("list", "--admin", "127.0.0.1:" + closedPort, "--token-file", tokenFile.toString()))
                .isEqualTo(ApprovalsCommand.UNREACHABLE);
        assertThat(err.toString()).contains("cannot reach Airlock at http://127.0.0.1:" + closedPort,
                "connection refused");
    }

    @Test
    void aMissingTokenFileExitsTwoAndSaysWhere() {
        assertThat(runRaw("list", "--admin", server.address().toString(), "--token-file",
                dir.resolve("absent").toString())).isEqualTo(ApprovalsCommand.UNREACHABLE);
        assertThat(err.toString()).contains("cannot read --token-file");
    }
}
