package io.airlock.proxy.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.airlock.proxy.Gateway;
import io.airlock.proxy.config.ConfigLoader;
import io.airlock.receipts.ReceiptLog;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /healthz, /readyz and /metrics on the admin port of a real gateway, with real upstreams and real traffic. */
class OpsEndpointsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    private Gateway gateway;
    private String agentBase;
    private String adminBase;

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    private void start(String servers) throws Exception {
        Path policy = Files.writeString(dir.resolve("policy.yaml"), """
                default: deny
                rules:
                  - {id: allow-listing, match: {tools: [list_directory]}, action: allow}
                  - {id: no-commands, match: {tools: [run_command]}, action: deny, reason: no commands in this test}
                  - {id: ask-writes, match: {tools: [write_file]}, action: ask, reason: writes need a person}
                """);
        Files.createDirectories(dir.resolve("ws"));
        gateway = new Gateway(ConfigLoader.parse("""
                listen: 127.0.0.1:0
                servers:
                %s
                policy: {file: %s, workspace: [%s]}
                admin: {listen: "127.0.0.1:0", tokenFile: %s}
                operator: {rememberFile: %s}
                receipts: {dir: %s, keyDir: %s, fsyncMillis: 5}
                ops: {metricsTokenFile: %s}
                """.formatted(servers.indent(2).stripTrailing(), policy, dir.resolve("ws"),
                dir.resolve("state/admin-token"), dir.resolve("state/remembered.yaml"), dir.resolve("receipts"),
                dir.resolve("keys"), dir.resolve("state/metrics-token")), "test", dir));
        agentBase = "http://127.0.0.1:" + gateway.startHttp().getPort();
        adminBase = "http://127.0.0.1:" + gateway.startAdmin(0).getPort();
    }

    private String token(String file) throws Exception {
        return Files.readString(dir.resolve("state").resolve(file)).strip();
    }

    private HttpResponse<String> admin(String path, String bearer) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(adminBase + path)).GET();
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> agent(String session, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(agentBase + "/mcp/wb"))
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (session != null) {
            b.header("Mcp-Session-Id", session);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String initialize() throws Exception {
        HttpResponse<String> init = agent(null, """
                {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18",
                "capabilities":{},"clientInfo":{"name":"t","version":"1"}}}""");
        assertThat(init.statusCode()).as(init.body()).isEqualTo(200);
        String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
        agent(session, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        return session;
    }

    private String callTool(String session, int id, String tool, String args) throws Exception {
        HttpResponse<String> response = agent(session, "{\"jsonrpc\":\"2.0\",\"id\":" + id
                + ",\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool + "\",\"arguments\":" + args + "}}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body();
    }

    /** The value of the one sample whose line starts with {@code series} (name and labels as Prometheus prints). */
    private static double sample(String scrape, String name, String... labels) {
        double sum = 0;
        boolean found = false;
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*})? ([0-9.eE+-]+)$").matcher(scrape);
        while (m.find()) {
            String set = m.group(1) == null ? "" : m.group(1);
            boolean all = true;
            for (String label : labels) {
                all &= set.contains(label);
            }
            if (all) {
                sum += Double.parseDouble(m.group(2));
                found = true;
            }
        }
        assertThat(found).as("a sample of %s with %s in:%n%s", name, String.join(",", labels), scrape).isTrue();
        return sum;
    }

    @Test
    void aScrapeAfterRealTrafficShowsTheCountersMoved() throws Exception {
        start("""
                wb:
                  builtin: workbench
                  workspace: %s
                """.formatted(dir.resolve("ws")));
        String session = initialize();
        assertThat(callTool(session, 2, "list_directory", "{\"path\":\".\"}")).doesNotContain("isError\":true");
        assertThat(callTool(session, 3, "list_directory", "{\"path\":\".\"}")).doesNotContain("isError\":true");
        assertThat(callTool(session, 4, "run_command", "{\"command\":\"rm -rf /\"}"))
                .contains("no commands in this test");

        String token = token("admin-token");
        assertThat(admin("/metrics", null).statusCode()).isEqualTo(401);
        assertThat(admin("/metrics", "not-the-token").statusCode()).isEqualTo(401);
        // The read-only metrics token opens /metrics and nothing else.
        String metricsToken = token("metrics-token");
        assertThat(admin("/v1/held", metricsToken).statusCode()).isEqualTo(401);
        assertThat(admin("/metrics", metricsToken).statusCode()).isEqualTo(200);

        // Receipts are fsynced by the log's writer every few ms: wait for the write lag to be measured.
        String scrape = Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> admin("/metrics", token).body(),
                body -> body.matches("(?s).*airlock_receipts_write_lag_seconds_count [1-9].*"));
        HttpResponse<String> response = admin("/metrics", token);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");

        assertThat(sample(scrape, "airlock_calls_total", "server=\"wb\"", "decision=\"allow\"", "tier=\"0\""))
                .isEqualTo(2.0);
        assertThat(sample(scrape, "airlock_calls_total", "server=\"wb\"", "decision=\"deny\"")).isEqualTo(1.0);
        assertThat(sample(scrape, "airlock_call_tags_total", "tag=\"read_file\"", "decision=\"allow\""))
                .isEqualTo(2.0);
        assertThat(sample(scrape, "airlock_call_tags_total", "tag=\"exec_command\"", "decision=\"deny\""))
                .isEqualTo(1.0);
        assertThat(sample(scrape, "airlock_decision_seconds_count", "tier=\"0\"")).isEqualTo(3.0);
        assertThat(sample(scrape, "airlock_upstream_seconds_count", "server=\"wb\"", "outcome=\"ok\""))
                .isEqualTo(2.0);
        assertThat(sample(scrape, "airlock_upstream_seconds_sum", "server=\"wb\"")).isGreaterThan(0);
        assertThat(sample(scrape, "airlock_receipts_lines_total")).isGreaterThanOrEqualTo(3.0);
        assertThat(sample(scrape, "airlock_receipts_healthy")).isEqualTo(1.0);
        assertThat(sample(scrape, "airlock_sessions")).isEqualTo(1.0);
        assertThat(sample(scrape, "airlock_held_waiting")).isEqualTo(0.0);
        // Tool names come from agents: they are never a label.
        assertThat(scrape).doesNotContain("list_directory").doesNotContain("run_command");
    }

    @Test
    void aHeldCallShowsInTheQueueGaugeAndItsWaitInTheHistogram() throws Exception {
        start("""
                wb:
                  builtin: workbench
                  workspace: %s
                """.formatted(dir.resolve("ws")));
        String session = initialize();
        String token = token("admin-token");
        var answer = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return callTool(session, 5, "write_file", "{\"path\":\"notes.txt\",\"content\":\"hi\"}");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        JsonNode held = Awaitility.await().atMost(Duration.ofSeconds(10)).until(
                () -> JSON.readTree(admin("/v1/held", token).body()).path("held"), list -> list.size() == 1).get(0);
        assertThat(sample(admin("/metrics", token).body(), "airlock_held_waiting")).isEqualTo(1.0);

        HttpResponse<String> decided = HTTP.send(HttpRequest.newBuilder(URI.create(adminBase + "/v1/held/"
                        + held.path("id").asText() + "/decision")).header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString("{\"outcome\":\"approve\",\"callHash\":\""
                        + held.path("callHash").asText() + "\",\"operator\":\"alice\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(decided.statusCode()).as(decided.body()).isEqualTo(200);
        assertThat(answer.get(10, java.util.concurrent.TimeUnit.SECONDS)).doesNotContain("isError\":true");

        String scrape = admin("/metrics", token).body();
        assertThat(sample(scrape, "airlock_held_waiting")).isEqualTo(0.0);
        assertThat(sample(scrape, "airlock_held_wait_seconds_count", "end=\"approve\"")).isEqualTo(1.0);
        assertThat(sample(scrape, "airlock_held_wait_seconds_sum", "end=\"approve\"")).isGreaterThan(0);
        assertThat(sample(scrape, "airlock_calls_total", "decision=\"allow\"", "tier=\"3\"")).isEqualTo(1.0);
    }

    @Test
    void probesAnswerWithoutATokenAndSayOnlyTheStatus() throws Exception {
        start("""
                ok:
                  command: /bin/true
                """);
        HttpResponse<String> health = admin("/healthz", null);
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(health.body()).path("status").asText()).isEqualTo("ok");
        HttpResponse<String> ready = admin("/readyz", null);
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
        assertThat(JSON.readTree(ready.body()).size()).isEqualTo(1);
        // The operator API still needs the token.
        assertThat(admin("/v1/status", null).statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(admin("/v1/status", token("admin-token")).body()).path("ready").asBoolean())
                .isTrue();
    }

    @Test
    void notReadyWhileAnUpstreamCannotStart() throws Exception {
        start("""
                ok:
                  command: /bin/true
                missing:
                  command: /nonexistent/airlock-test-server
                unknown:
                  command: airlock-no-such-command-on-path
                """);
        HttpResponse<String> ready = admin("/readyz", null);
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(JSON.readTree(ready.body()).path("status").asText()).isEqualTo("not ready");
        // Unauthenticated callers learn nothing about the config.
        assertThat(ready.body()).doesNotContain("missing").doesNotContain("nonexistent");
        // Alive all the same: a restart would not fix a config.
        assertThat(admin("/healthz", null).statusCode()).isEqualTo(200);

        JsonNode status = JSON.readTree(admin("/v1/status", token("admin-token")).body());
        assertThat(status.path("ready").asBoolean()).isFalse();
        assertThat(status.path("notReady").toString())
                .contains("server 'missing': command /nonexistent/airlock-test-server is not an executable file")
                .contains("server 'unknown': command airlock-no-such-command-on-path is not found on PATH")
                .doesNotContain("server 'ok'");
    }

    @Test
    void notReadyOnceTheReceiptLogFailed() throws Exception {
        start("""
                ok:
                  command: /bin/true
                """);
        assertThat(admin("/readyz", null).statusCode()).isEqualTo(200);
        // A receipt that cannot be built fails the log for good (fail closed), as a failed write does.
        ReceiptLog log = gateway.receiptLog();
        assertThat(log.appendLater(() -> {
            throw new IllegalStateException("cannot build this receipt");
        })).isInstanceOf(ReceiptLog.Append.Accepted.class);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !log.healthy());

        assertThat(admin("/readyz", null).statusCode()).isEqualTo(503);
        JsonNode status = JSON.readTree(admin("/v1/status", token("admin-token")).body());
        assertThat(status.path("notReady").toString()).contains("receipts:").contains("cannot build this receipt");
        String scrape = admin("/metrics", token("admin-token")).body();
        assertThat(sample(scrape, "airlock_receipts_healthy")).isEqualTo(0.0);
    }
}
