package io.airlock.proxy.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.airlock.proxy.Gateway;
import io.airlock.proxy.config.ConfigLoader;
import io.airlock.receipts.ChainVerifier;
import io.airlock.receipts.ReceiptFiles;
import io.airlock.receipts.Signing;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Calls through a real gateway leave receipts that verify, carry the decision, and never hold the secrets. */
class ReceiptRecorderTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final String TOKEN = "ghp_" + "R2x9sT4kLmQ8vB1nZ7cY3wE6pA0dF5hJ9uXo";

    @TempDir
    Path dir;

    @Test
    void everyGatedCallLeavesAVerifiableRedactedReceipt() throws Exception {
        Path fake = Path.of(ReceiptRecorderTest.class.getResource("/fake-mcp-server.sh").toURI());
        Path policy = Files.writeString(dir.resolve("policy.yaml"), """
                rules:
                  - {id: allow-echo, match: {tools: [echo]}, action: allow}
                  - {id: deny-forbidden, match: {tools: [forbidden]}, action: deny, reason: never this}
                """);
        String base;
        try (Gateway gateway = new Gateway(ConfigLoader.parse("""
                listen: 127.0.0.1:0
                servers:
                  fake: {command: %s, tags: {"*": []}}
                policy: {file: %s}
                receipts: {dir: %s, keyDir: %s, masks: [/note], traffic: true}
                """.formatted(fake, policy, dir.resolve("receipts"), dir.resolve("keys")), "test", dir))) {
            base = "http://127.0.0.1:" + gateway.startHttp().getPort() + "/mcp/fake";
            String session = post(base, null, """
                    {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18",
                    "capabilities":{},"clientInfo":{"name":"t","version":"1"}}}""")
                    .headers().firstValue("Mcp-Session-Id").orElseThrow();
            post(base, session, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
            post(base, session, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":"
                    + "\"echo\",\"arguments\":{\"text\":\"export GITHUB_TOKEN=" + TOKEN + "\",\"note\":\"private\"}}}");
            post(base, session, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":"
                    + "\"forbidden\",\"arguments\":{}}}");
        }
        Path receipts = dir.resolve("receipts");
        ChainVerifier.Report report = ChainVerifier.verifyDirectory(receipts, ChainVerifier.Options.withKey(
                Signing.readPublicKey(dir.resolve("keys").resolve(Signing.PUBLIC_KEY_FILE))));
        assertThat(report.ok()).as(report.toString()).isTrue();

        List<JsonNode> calls = new ArrayList<>();
        StringBuilder all = new StringBuilder();
        for (Path file : ReceiptFiles.list(receipts)) {
            for (String line : Files.readAllLines(file)) {
                all.append(line).append('\n');
                JsonNode node = JSON.readTree(line);
                if (node.path("type").asText().equals("call")) {
                    calls.add(node);
                }
            }
        }
        assertThat(all.toString()).doesNotContain(TOKEN).doesNotContain("private");
        assertThat(calls).hasSize(2);
        assertThat(all.toString()).contains("\"type\":\"traffic\"", "\"direction\":\"to-server\"",
                "\"direction\":\"to-agent\"", "notifications/initialized");
        JsonNode allowed = calls.getFirst();
        assertThat(allowed.toString()).contains("allow-echo", "\"target\":\"echo\"", "[REDACTED:",
                "\"outcome\":\"forwarded\"");
        // How the forwarded call ended is its own line, linked by the decision id.
        assertThat(all.toString()).contains("\"type\":\"result\",\"time\"")
                .contains("\"id\":\"" + allowed.path("id").asText() + "\",\"upstream\":{\"outcome\":\"ok\"");
        JsonNode denied = calls.get(1);
        assertThat(denied.toString()).contains("deny-forbidden", "never this", "not-forwarded");

        // Shadow evaluation: the same receipts under a stricter policy list exactly the call that would change.
        Path stricter = Files.writeString(dir.resolve("stricter.yaml"), """
                rules:
                  - {id: ask-echo, match: {tools: [echo]}, action: ask}
                  - {id: deny-forbidden, match: {tools: [forbidden]}, action: deny}
                """);
        Path newConfig = Files.writeString(dir.resolve("new-airlock.yaml"), """
                servers:
                  fake: {command: %s, tags: {"*": []}}
                policy: {file: %s}
                """.formatted(fake, stricter));
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        picocli.CommandLine cli = new picocli.CommandLine(new io.airlock.proxy.cli.AirlockCli())
                .setCaseInsensitiveEnumValuesAllowed(true);
        cli.setOut(new java.io.PrintWriter(out, true));
        cli.setErr(new java.io.PrintWriter(err, true));
        int exit = cli.execute("audit", "replay", "--config", newConfig.toString(), "--dir", receipts.toString(),
                "--format", "jsonl");
        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString().lines().toList()).singleElement().satisfies(line -> assertThat(line)
                .contains("\"target\":\"echo\"", "\"recorded\":\"allow\"", "\"now\":\"ask\"",
                        "\"rule\":\"ask-echo\""));
        assertThat(err.toString()).contains("1 of 2 recorded calls would be routed differently");
    }

    private static HttpResponse<String> post(String url, String session, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (session != null) {
            b.header("Mcp-Session-Id", session);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void twoAirlocksOnOneReceiptsDirKeepSeparateChainsThatAllVerify() throws Exception {
        var settings = new io.airlock.proxy.config.AirlockConfig.ReceiptSettings(true, dir.resolve("receipts"),
                dir.resolve("keys"), 5, 1L << 20, 24, false, List.of(), false);
        var call = new io.airlock.proxy.relay.CallRecorder.Call(new io.airlock.policy.GateRequest("fake",
                "tools/call", "echo", JSON.readTree("{\"text\":\"hi\"}"), "s-1", "agent"),
                new io.airlock.policy.Gate.Decided(new io.airlock.policy.Decision.Allow("allow-echo"), null),
                java.time.Instant.now(), 12, io.airlock.proxy.relay.CallRecorder.Outcome.OK, 40, 100, "");
        try (ReceiptRecorder first = ReceiptRecorder.open(settings, server -> null);
             ReceiptRecorder second = ReceiptRecorder.open(settings, server -> null)) {
            first.record(call);
            second.record(call);
            assertThat(first.unavailable()).isNull();
            assertThat(second.unavailable()).isNull();
        }
        assertThat(dir.resolve("receipts").resolve(ReceiptRecorder.INSTANCES)).isDirectory();
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        picocli.CommandLine cli = new picocli.CommandLine(new io.airlock.proxy.cli.AirlockCli());
        cli.setOut(new java.io.PrintWriter(out, true));
        cli.setErr(new java.io.PrintWriter(err, true));
        int exit = cli.execute("audit", "verify", "--dir", dir.resolve("receipts").toString(), "--key",
                dir.resolve("keys").resolve(Signing.PUBLIC_KEY_FILE).toString());
        assertThat(exit).as(out + "\n" + err).isZero();
        assertThat(out.toString().lines().filter(line -> line.startsWith("OK:") && line.contains("1 receipts")))
                .hasSize(2);
    }
}
