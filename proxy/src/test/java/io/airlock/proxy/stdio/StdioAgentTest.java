package io.airlock.proxy.stdio;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.airlock.proxy.Gateway;
import io.airlock.proxy.config.ConfigLoader;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code airlock stdio} has no token: its identity comes from the config ({@code agents.stdio}) or --agent. */
class StdioAgentTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private Gateway gateway(String agentsSection) throws Exception {
        Path fake = Path.of(StdioAgentTest.class.getResource("/fake-mcp-server.sh").toURI());
        Path policy = Files.writeString(dir.resolve("policy.yaml"), """
                default: deny
                rules:
                  - {id: ci-bot-may-echo, match: {tools: [echo], agents: [ci-bot]}, action: allow}
                """);
        return new Gateway(ConfigLoader.parse("""
                servers:
                  fake: {command: %s, tags: {"*": []}}
                policy: {file: %s}
                admin: {listen: "off"}
                receipts: {enabled: false}
                %s
                """.formatted(fake, policy, agentsSection), "test", dir));
    }

    /** Runs initialize and one tools/call through the stdio front; returns the call's result. */
    private static JsonNode echo(StdioFront front) throws Exception {
        PipedOutputStream toFront = new PipedOutputStream();
        PipedInputStream frontIn = new PipedInputStream(toFront, 1 << 16);
        PipedInputStream fromFront = new PipedInputStream(1 << 16);
        PipedOutputStream frontOut = new PipedOutputStream(fromFront);
        CompletableFuture<Integer> running = CompletableFuture.supplyAsync(() -> front.run(frontIn, frontOut));
        BufferedReader lines = new BufferedReader(new InputStreamReader(fromFront, StandardCharsets.UTF_8));
        send(toFront, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}");
        assertThat(lines.readLine()).contains("\"id\":1");
        send(toFront, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        send(toFront, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\","
                + "\"arguments\":{}}}");
        JsonNode answer = JSON.readTree(lines.readLine());
        toFront.close();
        running.get(10, TimeUnit.SECONDS);
        return answer.path("result");
    }

    private static void send(OutputStream out, String line) throws Exception {
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Test
    void theConfiguredStdioAgentReachesTheRules() throws Exception {
        try (Gateway gateway = gateway("agents: {stdio: ci-bot}")) {
            JsonNode result = echo(new StdioFront(gateway, "fake"));
            assertThat(result.path("isError").asBoolean()).as(result.toString()).isFalse();
        }
    }

    @Test
    void theAgentOptionOverridesAndAnotherAgentIsDenied() throws Exception {
        try (Gateway gateway = gateway("agents: {stdio: ci-bot}")) {
            JsonNode result = echo(new StdioFront(gateway, "fake", "intern"));
            assertThat(result.path("isError").asBoolean()).as(result.toString()).isTrue();
        }
        try (Gateway gateway = gateway("")) {
            assertThat(gateway.config().agents().stdioAgent()).isEqualTo("stdio");
            assertThat(echo(new StdioFront(gateway, "fake")).path("isError").asBoolean()).isTrue();
        }
    }
}
