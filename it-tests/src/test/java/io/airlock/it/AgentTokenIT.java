package io.airlock.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.airlock.proxy.Gateway;
import io.airlock.proxy.agents.AgentTokenStore;
import io.airlock.proxy.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real client (the TypeScript SDK over Streamable HTTP) in front of a real server (server-everything) with agent
 * tokens on: with its token it works and its calls are recorded under its agent name; without one, or with a revoked
 * one, it is refused before anything reaches the server.
 */
class AgentTokenIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SCRIPT = """
            [{"op":"listTools"},
             {"op":"callTool","name":"echo","arguments":{"message":"through airlock with a token"}}]""";

    @TempDir
    Path dir;

    @Test
    void aRealClientGetsThroughWithItsTokenAndIsRefusedWithoutIt() throws Exception {
        Path everything = NodeTools.module("@modelcontextprotocol/server-everything/dist/index.js");
        Path tokens = dir.resolve("agent-tokens.json");
        AgentTokenStore store = new AgentTokenStore(tokens);
        String token = store.create("claude-code").token();
        String yaml = "listen: 127.0.0.1:0\nservers:\n" + Airlock.nodeServer("everything", everything, "stdio")
                .indent(2) + "agents: {tokenFile: " + tokens + "}\nadmin: {listen: \"off\"}\n"
                + "receipts: {dir: " + dir.resolve("receipts") + ", keyDir: " + dir.resolve("keys") + "}\n";
        try (Gateway gateway = new Gateway(ConfigLoader.parse(yaml, "it-test", dir))) {
            String url = "http://127.0.0.1:" + gateway.startHttp().getPort() + "/mcp/everything";

            JsonNode report = TsClient.http(url, SCRIPT, "--header", "Authorization: Bearer " + token);
            assertThat(TsClient.text(TsClient.result(report, 1))).isEqualTo("Echo: through airlock with a token");
            Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(receipts()).anySatisfy(r -> {
                        assertThat(r.path("agent").asText()).isEqualTo("claude-code");
                        assertThat(r.path("target").asText()).isEqualTo("echo");
                    }));

            assertThatThrownBy(() -> TsClient.http(url, SCRIPT)).hasMessageContaining("401");
            store.revoke("claude-code", null);
            gateway.agents().refresh();
            assertThatThrownBy(() -> TsClient.http(url, SCRIPT, "--header", "Authorization: Bearer " + token))
                    .hasMessageContaining("401");
            assertThat(receipts()).filteredOn(r -> r.path("type").asText().equals("call")).hasSize(1);
        }
    }

    private List<JsonNode> receipts() throws Exception {
        List<JsonNode> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir.resolve("receipts"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                for (String line : Files.readAllLines(file)) {
                    if (line.startsWith("{")) {
                        out.add(JSON.readTree(line));
                    }
                }
            }
        }
        return out;
    }
}
