package io.airlock.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.airlock.proxy.config.ConfigLoader;
import io.airlock.sandbox.OverlaySandbox;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import io.airlock.proxy.testing.AgentClient;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tier 1 through the real gateway: the built-in default policy routes in-workspace edits and commands of the
 * workbench (a real MCP server) to the sandbox; a twin runs them in real bubblewrap over real overlayfs; the commit
 * policy commits, asks (the operator sees the diff through the admin API) or discards.
 */
class SandboxGatewayTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    private Path workspace;
    private Gateway gateway;
    private String agentBase;
    private String adminBase;
    private String token;
    private String session;
    private AgentClient agent;

    @BeforeEach
    void start() throws Exception {
        String missing = OverlaySandbox.unavailable();
        if (System.getenv("CI") != null) {
            assertThat(missing).as("bubblewrap is installed in CI").isNull();
        } else {
            org.assertj.core.api.Assumptions.assumeThat(missing).isNull();
        }
        workspace = Files.createDirectories(dir.resolve("ws"));
        Files.writeString(workspace.resolve("README.md"), "# project\n");
        Files.writeString(workspace.resolve("notes.txt"), "line one\n");
        Path home = Files.createDirectories(dir.resolve("home"));
        gateway = new Gateway(ConfigLoader.parse("""
                listen: 127.0.0.1:0
                servers:
                  wb: {builtin: workbench, workspace: %s}
                  plain: {builtin: workbench, workspace: %s, sandbox: false, tags: {"*": []}}
                policy: {workspace: [%s], home: %s}
                admin: {listen: "127.0.0.1:0", tokenFile: %s}
                operator: {holdTimeoutSeconds: 60, rememberFile: %s}
                receipts: {dir: %s, keyDir: %s}
                sandbox: {scratch: %s, warmTwins: 1}
                """.formatted(workspace, dir.resolve("plain-ws"), workspace, home, dir.resolve("state/token"),
                dir.resolve("state/remembered.yaml"), dir.resolve("receipts"), dir.resolve("keys"),
                dir.resolve("sandbox")), "test", dir));
        agentBase = "http://127.0.0.1:" + gateway.startHttp().getPort();
        agent = new AgentClient(agentBase + "/mcp/wb");
        adminBase = "http://127.0.0.1:" + gateway.startAdmin(0).getPort();
        token = Files.readString(dir.resolve("state/token")).strip();
        session = initialize();
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void anInWorkspaceEditRunsInATwinAndIsCommitted() throws Exception {
        JsonNode result = result(call("write_file", "{\"path\":\"src/notes.md\",\"content\":\"from the agent\\n\"}")
                .get(90, TimeUnit.SECONDS));
        assertThat(result.path("isError").asBoolean(false)).as(result.toString()).isFalse();
        assertThat(workspace.resolve("src/notes.md")).hasContent("from the agent");
        String receipts = receiptsText();
        assertThat(receipts).contains("\"sandboxed\"").contains("auto-commit");
        assertThat(gateway.metrics().scrape()).containsPattern("airlock_sandbox_twins_taken_warm_total 1\\.0|"
                + "airlock_sandbox_twins_started_cold_total 1\\.0")
                .contains("airlock_sandbox_runs_total{outcome=\"committed\"} 1.0");
        assertThat(overlays()).as("the used twin's overlay is gone; only warm twins remain").hasSizeLessThanOrEqualTo(1);
    }

    @Test
    void aCommandsDeletesNewDirectoriesAndModesAreCommitted() throws Exception {
        JsonNode result = result(call("run_command", "{\"command\":\"rm README.md && mkdir -p gen/sub && "
                + "printf 'echo hi\\\\n' > gen/sub/run.sh && chmod 755 gen/sub/run.sh && echo done\"}")
                .get(90, TimeUnit.SECONDS));
        assertThat(text(result)).contains("done");
        assertThat(workspace.resolve("README.md")).doesNotExist();
        assertThat(workspace.resolve("gen/sub/run.sh")).hasContent("echo hi");
        assertThat(Files.getPosixFilePermissions(workspace.resolve("gen/sub/run.sh")))
                .contains(PosixFilePermission.OWNER_EXECUTE);
    }

    @Test
    void aCommandRunsDirectlyInTheSandboxAndAnswersAsTheWorkbenchItselfWould() throws Exception {
        Files.createDirectories(dir.resolve("plain-ws"));
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> overlays().size() == 1);
        Path warmTwin = overlays().getFirst();
        String command = "{\"command\":\"echo out; echo err >&2; printf 'no newline'; exit 3\"}";
        JsonNode sandboxed = result(call("run_command", command).get(90, TimeUnit.SECONDS));
        AgentClient plain = new AgentClient(agentBase + "/mcp/plain");
        JsonNode real = plain.call(plain.initialize(), "run_command", command);
        assertThat(text(sandboxed)).isEqualTo(text(real)).contains("out", "err", "exit code: 3");
        assertThat(sandboxed.path("isError").asBoolean()).isEqualTo(real.path("isError").asBoolean()).isTrue();
        assertThat(overlays()).as("the warm twin was not needed").contains(warmTwin);
    }

    @Test
    void aProtectedPathIsHeldWithItsDiffAndCommittedOnApproval() throws Exception {
        CompletableFuture<HttpResponse<String>> answer = call("write_file",
                "{\"path\":\".github/workflows/ci.yml\",\"content\":\"on: push\\n\"}");
        JsonNode held = awaitHeld();
        assertThat(held.path("why").asText()).contains(".github/workflows/ci.yml is protected");
        assertThat(held.path("rememberable").asBoolean(true)).isFalse();
        JsonNode detail = get("/v1/held/" + held.path("id").asText());
        String diff = detail.path("effects").path("diff").asText();
        assertThat(diff).contains("+++ b/.github/workflows/ci.yml").contains("+on: push");
        assertThat(workspace.resolve(".github")).as("nothing is committed before the review").doesNotExist();
        assertThat(decide(held, "approve").statusCode()).isEqualTo(200);
        JsonNode result = result(answer.get(60, TimeUnit.SECONDS));
        assertThat(result.path("isError").asBoolean(false)).as(result.toString()).isFalse();
        assertThat(workspace.resolve(".github/workflows/ci.yml")).hasContent("on: push");
    }

    @Test
    void aDeniedReviewDiscardsTheChanges() throws Exception {
        CompletableFuture<HttpResponse<String>> answer = call("write_file",
                "{\"path\":\".github/workflows/ci.yml\",\"content\":\"on: push\\n\"}");
        JsonNode held = awaitHeld();
        assertThat(decide(held, "deny").statusCode()).isEqualTo(200);
        JsonNode result = result(answer.get(60, TimeUnit.SECONDS));
        assertThat(result.path("isError").asBoolean()).isTrue();
        assertThat(text(result)).contains("discarded");
        assertThat(workspace.resolve(".github")).doesNotExist();
    }

    @Test
    void changesTheCommitCannotReproduceAreDiscardedAndTheAgentIsTold() throws Exception {
        JsonNode result = result(call("run_command", "{\"command\":\"mkfifo pipe && echo made > made.txt\"}")
                .get(90, TimeUnit.SECONDS));
        assertThat(result.path("isError").asBoolean()).isTrue();
        assertThat(text(result)).contains("discarded").contains("pipe");
        assertThat(workspace.resolve("pipe")).doesNotExist();
        assertThat(workspace.resolve("made.txt")).as("all or nothing").doesNotExist();
    }

    @Test
    void aConcurrentEditIsNeverOverwrittenTheOperatorDecides() throws Exception {
        // The twin says it runs (a file in its overlay's upper directory), gives the person time to edit, then
        // appends to the file the person edited.
        CompletableFuture<HttpResponse<String>> answer = call("run_command", "{\"command\":\"touch started; "
                + "sleep 4; echo twin >> notes.txt\"}");
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                .until(() -> overlays().stream().anyMatch(o -> Files.exists(o.resolve("upper/started"))));
        Files.writeString(workspace.resolve("notes.txt"), "edited by a person meanwhile\n");
        JsonNode held = awaitHeld();
        assertThat(held.path("why").asText()).contains("conflict").contains("notes.txt");
        assertThat(decide(held, "deny").statusCode()).isEqualTo(200);
        JsonNode result = result(answer.get(60, TimeUnit.SECONDS));
        assertThat(result.path("isError").asBoolean()).isTrue();
        assertThat(workspace.resolve("notes.txt")).hasContent("edited by a person meanwhile");
    }

    // ---- helpers ----

    private java.util.List<Path> overlays() throws Exception {
        Path scratch = dir.resolve("sandbox/wb");
        if (!Files.isDirectory(scratch)) {
            return java.util.List.of();
        }
        try (Stream<Path> runs = Files.list(scratch)) {
            return runs.filter(p -> Files.exists(p.resolve("baseline"))).toList();
        }
    }

    private String receiptsText() throws Exception {
        StringBuilder all = new StringBuilder();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
            all.setLength(0);
            try (Stream<Path> files = Files.walk(dir.resolve("receipts"))) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    all.append(Files.readString(file));
                }
            }
            return all.toString().contains("\"result\"") || all.toString().contains("sandboxed");
        });
        return all.toString();
    }

    private String initialize() throws Exception {
        return agent.initialize();
    }

    private CompletableFuture<HttpResponse<String>> call(String tool, String args) {
        return agent.callAsync(session, tool, args);
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(adminBase + path))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private JsonNode awaitHeld() {
        return Awaitility.await().atMost(Duration.ofSeconds(90)).until(() -> {
            JsonNode held = get("/v1/held").path("held");
            return held.size() > 0 ? held.get(0) : null;
        }, java.util.Objects::nonNull);
    }

    private HttpResponse<String> decide(JsonNode held, String outcome) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(adminBase + "/v1/held/" + held.path("id").asText()
                        + "/decision")).header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString("{\"outcome\":\"" + outcome + "\",\"callHash\":\""
                        + held.path("callHash").asText() + "\",\"operator\":\"alice\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode result(HttpResponse<String> response) throws Exception {
        return AgentClient.result(response);
    }

    private static String text(JsonNode result) {
        return AgentClient.text(result);
    }
}
