package io.airlock.proxy.onboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.airlock.proxy.Gateway;
import io.airlock.proxy.config.ConfigLoader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quick start, end to end: import a Claude Code config with --rewrite, serve the airlock.yaml it wrote, and call
 * through the rewritten entry exactly as Claude Code would (its URL, its header): the call carries the agent
 * claude-code to the operator (the admin API the TUI shows), and the same URL without the header gets 401.
 */
class ImportThenServeTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    @Test
    void aRewrittenClaudeCodeEntryReachesTheServerAsAgentClaudeCode() throws Exception {
        Path fake = Path.of(ImportThenServeTest.class.getResource("/fake-mcp-server.sh").toURI());
        Path home = Files.createDirectories(dir.resolve("home"));
        Path project = Files.createDirectories(dir.resolve("project"));
        Files.writeString(home.resolve(".claude.json"), """
                {
                  "mcpServers": {
                    "fake": {
                      "type": "stdio",
                      "command": "%s",
                      "args": []
                    }
                  }
                }
                """.formatted(fake));
        Path policy = Files.writeString(dir.resolve("policy.yaml"), """
                default: ask
                rules: []
                """);
        Path yaml = project.resolve("airlock.yaml");
        Path tokens = dir.resolve("state/agent-tokens.json");
        Files.writeString(yaml, """
                listen: 127.0.0.1:0
                servers:
                  placeholder: {command: /bin/true}
                policy: {file: %s}
                admin: {listen: "127.0.0.1:0", tokenFile: %s}
                operator: {rememberFile: %s}
                agents: {tokenFile: %s}
                """.formatted(policy, dir.resolve("state/admin-token"), dir.resolve("state/remembered.yaml"), tokens));

        Importer.Plan plan = Importer.plan(new Importer.Options(home, project, Arrays.asList(ClientKind.values()),
                yaml, true, false, "airlock", tokens, dir.resolve("state/backups")));
        Importer.commit(plan, FileTransaction.DISK);

        JsonNode entry = JSON.readTree(home.resolve(".claude.json").toFile()).path("mcpServers").path("fake");
        String header = entry.path("headers").path("Authorization").asText();
        try (Gateway gateway = new Gateway(ConfigLoader.load(yaml))) {
            int port = gateway.startHttp().getPort();
            String admin = "http://127.0.0.1:" + gateway.startAdmin(0).getPort();
            String adminToken = Files.readString(dir.resolve("state/admin-token")).strip();
            URI url = URI.create(entry.path("url").asText().replace("127.0.0.1:0", "127.0.0.1:" + port));
            assertThat(url.getPath()).isEqualTo("/mcp/fake");

            assertThat(post(url, null, null, initialize()).statusCode()).isEqualTo(401);
            HttpResponse<String> init = post(url, header, null, initialize());
            assertThat(init.statusCode()).as(init.body()).isEqualTo(200);
            String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
            post(url, header, session, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");

            CompletableFuture<HttpResponse<String>> call = HTTP.sendAsync(request(url, header, session,
                    "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\","
                            + "\"arguments\":{}}}").build(), HttpResponse.BodyHandlers.ofString());
            JsonNode held = Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> {
                HttpResponse<String> list = HTTP.send(HttpRequest.newBuilder(URI.create(admin + "/v1/held"))
                        .header("Authorization", "Bearer " + adminToken).build(), HttpResponse.BodyHandlers.ofString());
                JsonNode calls = JSON.readTree(list.body()).path("held");
                return calls.isEmpty() ? null : calls.get(0);
            }, java.util.Objects::nonNull);
            assertThat(held.path("agent").asText()).isEqualTo("claude-code");
            assertThat(held.path("tool").asText()).isEqualTo("echo");

            HttpResponse<String> decided = HTTP.send(HttpRequest.newBuilder(URI.create(admin + "/v1/held/"
                            + held.path("id").asText() + "/decision")).header("Authorization", "Bearer " + adminToken)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"outcome\":\"approve\",\"callHash\":\""
                            + held.path("callHash").asText() + "\",\"operator\":\"alice\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(decided.statusCode()).as(decided.body()).isEqualTo(200);
            assertThat(call.get(15, java.util.concurrent.TimeUnit.SECONDS).body()).contains("\"text\":\"ok\"");
        }
    }

    private static String initialize() {
        return """
                {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18",
                "capabilities":{},"clientInfo":{"name":"claude-code","version":"1"}}}""";
    }

    private static HttpResponse<String> post(URI url, String authorization, String session, String body)
            throws Exception {
        return HTTP.send(request(url, authorization, session, body).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest.Builder request(URI url, String authorization, String session, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(url).header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream").POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        if (session != null) {
            b.header("Mcp-Session-Id", session);
        }
        return b;
    }
}
