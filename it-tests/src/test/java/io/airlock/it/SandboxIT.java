package io.airlock.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.airlock.proxy.Gateway;
import io.airlock.proxy.config.ConfigLoader;
import io.airlock.sandbox.OverlaySandbox;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tier 1 end to end: the TypeScript SDK client calls real npm servers (server-filesystem, mcp-server-commands)
 * through Airlock with the default policy; each edit runs in a sandboxed twin of the server (real bubblewrap and
 * overlayfs) and lands in the real workspace only when committed.
 */
class SandboxIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    private Path workspace;
    private Gateway gateway;
    private String base;
    private String adminBase;
    private String token;

    @BeforeEach
    void start() throws Exception {
        assertThat(OverlaySandbox.unavailable()).as("bubblewrap (scripts/setup-test-deps.sh installs it)").isNull();
        workspace = Files.createDirectories(dir.resolve("ws"));
        Files.writeString(workspace.resolve("old.txt"), "to be removed\n");
        String node = NodeTools.node();
        gateway = new Gateway(ConfigLoader.parse("""
                listen: 127.0.0.1:0
                policy: {workspace: [%1$s]}
                admin: {listen: "127.0.0.1:0", tokenFile: %2$s}
                operator: {rememberFile: %3$s}
                receipts: {dir: %4$s, keyDir: %5$s}
                sandbox: {scratch: %6$s}
                servers:
                  fs:
                    command: %7$s
                    args: [%8$s, %1$s]
                  sh:
                    command: %7$s
                    args: [%9$s]
                    cwd: %1$s
                """.formatted(workspace, dir.resolve("state/token"), dir.resolve("state/remembered.yaml"),
                dir.resolve("receipts"), dir.resolve("keys"), dir.resolve("sandbox"), node,
                NodeTools.module("@modelcontextprotocol/server-filesystem/dist/index.js"),
                NodeTools.module("mcp-server-commands/build/index.js")), "sandbox-it", dir));
        base = "http://127.0.0.1:" + gateway.startHttp().getPort() + "/mcp/";
        adminBase = "http://127.0.0.1:" + gateway.startAdmin(0).getPort();
        token = Files.readString(dir.resolve("state/token")).strip();
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void filesystemEditsRunInATwinAndAreCommitted() throws Exception {
        JsonNode report = TsClient.http(base + "fs", """
                [{"op":"callTool","name":"write_file","arguments":{"path":"%1$s/app.txt","content":"v1\\n"}},
                 {"op":"callTool","name":"edit_file","arguments":{"path":"%1$s/app.txt",
                   "edits":[{"oldText":"v1","newText":"v2"}]}},
                 {"op":"callTool","name":"create_directory","arguments":{"path":"%1$s/src/main"}},
                 {"op":"callTool","name":"move_file","arguments":{"source":"%1$s/app.txt",
                   "destination":"%1$s/src/main/renamed.txt"}}]""".formatted(workspace), "--root", "file://" + workspace);
        for (int i = 0; i < 4; i++) {
            JsonNode result = TsClient.result(report, i);
            assertThat(result.path("isError").asBoolean(false)).as(result.toString()).isFalse();
        }
        assertThat(workspace.resolve("src/main/renamed.txt")).hasContent("v2");
        assertThat(workspace.resolve("app.txt")).doesNotExist();
        assertThat(receipts()).contains("\"sandboxed\"");
        assertThat(leftOverlays()).as("used twins leave nothing behind; at most the warm one waits").isLessThanOrEqualTo(1);
    }

    @Test
    void aShellServersCommandIsRunInATwinAndItsChangesCommitted() throws Exception {
        JsonNode report = TsClient.http(base + "sh", """
                [{"op":"callTool","name":"run_command","arguments":{"command":
                  "mkdir -p out && echo hi > out/x.txt && rm old.txt && ls -a"}}]""");
        JsonNode result = TsClient.result(report, 0);
        assertThat(result.path("isError").asBoolean(false)).as(result.toString()).isFalse();
        assertThat(result.toString()).contains("out");
        assertThat(workspace.resolve("out/x.txt")).hasContent("hi");
        assertThat(workspace.resolve("old.txt")).doesNotExist();
    }

    @Test
    void aProtectedFileIsShownToTheOperatorAsADiffAndCommittedOnlyOnApproval() throws Exception {
        CompletableFuture<JsonNode> client = CompletableFuture.supplyAsync(() -> {
            try {
                return TsClient.http(base + "fs", """
                        [{"op":"callTool","name":"write_file","arguments":{"path":"%s/.gitlab-ci.yml",
                          "content":"test: {script: make}\\n"}}]""".formatted(workspace), "--root", "file://" + workspace);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        JsonNode held = Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> {
            JsonNode list = TsClient.JSON.readTree(admin("GET", "/v1/held", null)).path("held");
            return list.size() > 0 ? list.get(0) : null;
        }, java.util.Objects::nonNull);
        JsonNode detail = TsClient.JSON.readTree(admin("GET", "/v1/held/" + held.path("id").asText(), null));
        assertThat(detail.path("effects").path("diff").asText()).contains("+++ b/.gitlab-ci.yml",
                "+test: {script: make}");
        assertThat(workspace.resolve(".gitlab-ci.yml")).doesNotExist();
        admin("POST", "/v1/held/" + held.path("id").asText() + "/decision", "{\"outcome\":\"approve\",\"callHash\":\""
                + held.path("callHash").asText() + "\",\"operator\":\"it\"}");
        JsonNode result = TsClient.result(client.get(90, TimeUnit.SECONDS), 0);
        assertThat(result.path("isError").asBoolean(false)).as(result.toString()).isFalse();
        assertThat(workspace.resolve(".gitlab-ci.yml")).hasContent("test: {script: make}");
    }

    private String admin(String method, String path, String body) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(adminBase + path))
                .header("Authorization", "Bearer " + token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body();
    }

    private String receipts() throws Exception {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.walk(dir.resolve("receipts"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                all.append(Files.readString(file));
            }
        }
        return all.toString();
    }

    private long leftOverlays() throws Exception {
        Path scratch = dir.resolve("sandbox/fs");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> count(scratch) <= 1);
        return count(scratch);
    }

    private static long count(Path scratch) throws Exception {
        if (!Files.isDirectory(scratch)) {
            return 0;
        }
        try (Stream<Path> runs = Files.list(scratch)) {
            return runs.count();
        }
    }
}
