package io.airlock.proxy.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.airlock.proxy.Gateway;
import io.airlock.proxy.config.ConfigLoader;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The operator tier end to end inside the gateway: an agent's call is held, and the admin API decides it. */
class AdminServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final AtomicInteger IDS = new AtomicInteger(10);

    @TempDir
    Path dir;

    private Gateway gateway;
    private String agentBase;
    private String adminBase;
    private String token;

    @BeforeEach
    void start() throws Exception {
        Path fake = Path.of(AdminServerTest.class.getResource("/fake-mcp-server.sh").toURI());
        Path policy = Files.writeString(dir.resolve("policy.yaml"), """
                default: ask
                rules:
                  - {id: ask-echo, match: {tools: [echo]}, action: ask, reason: echo needs a person}
                  - {id: hard-ask-secret, match: {tools: [secret]}, action: ask, hard: true, reason: reads secrets}
                """);
        gateway = new Gateway(ConfigLoader.parse("""
                listen: 127.0.0.1:0
                servers:
                  fake:
                    command: %s
                    tags: {"*": []}
                policy: {file: %s}
                admin: {listen: "127.0.0.1:0", tokenFile: %s}
                operator: {holdTimeoutSeconds: 4, rememberFile: %s}
                """.formatted(fake, policy, dir.resolve("state/token"), dir.resolve("state/remembered.yaml")),
                "test", dir));
        agentBase = "http://127.0.0.1:" + gateway.startHttp().getPort();
        adminBase = "http://127.0.0.1:" + gateway.startAdmin(0).getPort();
        token = Files.readString(dir.resolve("state/token")).strip();
    }

    @AfterEach
    void stop() {
        gateway.close();
    }

    // ---- agent side ----

    private String initialize() throws Exception {
        HttpResponse<String> init = HTTP.send(agent(null, """
                {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18",
                "capabilities":{},"clientInfo":{"name":"t","version":"1"}}}""").build(),
                HttpResponse.BodyHandlers.ofString());
        String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
        HTTP.send(agent(session, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}").build(),
                HttpResponse.BodyHandlers.ofString());
        return session;
    }

    private HttpRequest.Builder agent(String session, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(agentBase + "/mcp/fake"))
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        return session == null ? b : b.header("Mcp-Session-Id", session);
    }

    private CompletableFuture<HttpResponse<String>> call(String session, int id, String tool, String args) {
        return HTTP.sendAsync(agent(session, "{\"jsonrpc\":\"2.0\",\"id\":" + id
                + ",\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool + "\",\"arguments\":" + args + "}}")
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    // ---- operator side ----

    private HttpResponse<String> admin(String method, String path, String body, String bearer) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(adminBase + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> response = admin("GET", path, null, token);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private JsonNode awaitHeld(String tool) {
        return Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
            for (JsonNode held : get("/v1/held").path("held")) {
                if (held.path("tool").asText().equals(tool)) {
                    return held;
                }
            }
            return null;
        }, java.util.Objects::nonNull);
    }

    private HttpResponse<String> decide(JsonNode held, String outcome, String extra) throws Exception {
        return admin("POST", "/v1/held/" + held.path("id").asText() + "/decision", "{\"outcome\":\"" + outcome
                + "\",\"callHash\":\"" + held.path("callHash").asText() + "\",\"operator\":\"alice\"" + extra + "}",
                token);
    }

    private static JsonNode result(HttpResponse<String> response) throws Exception {
        String body = response.body();
        if (body.startsWith("event:") || body.startsWith("data:") || body.startsWith("id:")) {
            String last = null;
            for (String line : body.split("\n")) {
                if (line.startsWith("data:") && line.contains("\"result\"")) {
                    last = line.substring(5).strip();
                }
            }
            body = last;
        }
        return JSON.readTree(body).path("result");
    }

    @Test
    void withoutTheRightTokenNothingIsAnsweredAndBrowsersAreRefused() throws Exception {
        for (String bearer : new String[] {null, "wrong-token-wrong-token", token + "x"}) {
            HttpResponse<String> response = admin("GET", "/v1/held", null, bearer);
            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(response.body()).isEmpty();
        }
        HttpResponse<String> unknownHeld = admin("POST", "/v1/held/h-guess/decision", "{}", null);
        assertThat(unknownHeld.statusCode()).isEqualTo(401);
        assertThat(unknownHeld.body()).isEmpty();
        HttpResponse<String> browser = HTTP.send(HttpRequest.newBuilder(URI.create(adminBase + "/v1/held"))
                .header("Authorization", "Bearer " + token).header("Origin", "http://127.0.0.1:3000").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(browser.statusCode()).isEqualTo(403);
        assertThat(Files.getPosixFilePermissions(dir.resolve("state/token")))
                .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    void anApprovedCallIsForwardedAndItsApprovalCannotBeReplayed() throws Exception {
        String session = initialize();
        CompletableFuture<HttpResponse<String>> answer = call(session, IDS.incrementAndGet(), "echo",
                "{\"text\":\"hello\"}");
        JsonNode held = awaitHeld("echo");
        assertThat(held.path("why").asText()).isEqualTo("echo needs a person");
        JsonNode detail = get("/v1/held/" + held.path("id").asText());
        assertThat(detail.path("arguments").path("text").asText()).isEqualTo("hello");
        assertThat(detail.path("matchedRules").get(0).path("id").asText()).isEqualTo("ask-echo");
        assertThat(detail.path("remember").path("rule").asText()).contains("action: allow");
        assertThat(answer).isNotDone();

        HttpResponse<String> wrongHash = admin("POST", "/v1/held/" + held.path("id").asText() + "/decision",
                "{\"outcome\":\"approve\",\"callHash\":\"sha256:00\"}", token);
        assertThat(wrongHash.statusCode()).isEqualTo(409);
        assertThat(answer).isNotDone();

        assertThat(decide(held, "approve", "").statusCode()).isEqualTo(200);
        HttpResponse<String> response = answer.get(10, TimeUnit.SECONDS);
        assertThat(result(response).path("content").get(0).path("text").asText()).isEqualTo("ok");

        HttpResponse<String> replay = decide(held, "approve", "");
        assertThat(replay.statusCode()).isEqualTo(409);
        assertThat(JSON.readTree(replay.body()).path("operator").asText()).isEqualTo("alice");
        // A changed call is a new hold; the old approval's hash does not fit it.
        CompletableFuture<HttpResponse<String>> changed = call(session, IDS.incrementAndGet(), "echo",
                "{\"text\":\"hello, changed\"}");
        JsonNode next = awaitHeld("echo");
        HttpResponse<String> reused = admin("POST", "/v1/held/" + next.path("id").asText() + "/decision",
                "{\"outcome\":\"approve\",\"callHash\":\"" + held.path("callHash").asText() + "\"}", token);
        assertThat(reused.statusCode()).isEqualTo(409);
        assertThat(changed).isNotDone();
        decide(next, "deny", "");
        changed.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aDeniedCallIsAToolErrorWithTheOperatorsReason() throws Exception {
        String session = initialize();
        CompletableFuture<HttpResponse<String>> answer = call(session, IDS.incrementAndGet(), "echo", "{}");
        JsonNode held = awaitHeld("echo");
        assertThat(decide(held, "deny", ",\"reason\":\"not on a Friday\"").statusCode()).isEqualTo(200);
        JsonNode result = result(answer.get(10, TimeUnit.SECONDS));
        assertThat(result.path("isError").asBoolean()).isTrue();
        assertThat(result.path("content").get(0).path("text").asText()).contains("not on a Friday");
    }

    @Test
    void aHardStopCannotBeRememberedAndAnExpiredHoldIsGone() throws Exception {
        String session = initialize();
        CompletableFuture<HttpResponse<String>> answer = call(session, IDS.incrementAndGet(), "secret", "{}");
        JsonNode held = awaitHeld("secret");
        assertThat(held.path("hard").asBoolean()).isTrue();
        assertThat(held.path("rememberable").asBoolean()).isFalse();
        assertThat(decide(held, "remember", "").statusCode()).isEqualTo(422);
        // Nobody decides: after holdTimeoutSeconds the agent is told, and the operator can no longer approve.
        JsonNode result = result(answer.get(15, TimeUnit.SECONDS));
        assertThat(result.path("content").get(0).path("text").asText()).contains("timed out waiting for approval");
        assertThat(decide(held, "approve", "").statusCode()).isEqualTo(410);
    }

    @Test
    void rememberedApprovalsSpareTheNextPrompt() throws Exception {
        String session = initialize();
        CompletableFuture<HttpResponse<String>> first = call(session, IDS.incrementAndGet(), "echo",
                "{\"text\":\"same\"}");
        JsonNode held = awaitHeld("echo");
        HttpResponse<String> remembered = decide(held, "remember", "");
        assertThat(remembered.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(remembered.body()).path("rule").asText()).startsWith("remembered-");
        assertThat(result(first.get(10, TimeUnit.SECONDS)).path("isError").asBoolean()).isFalse();
        // The same call again is allowed without a hold, in a new session too.
        HttpResponse<String> again = call(initialize(), IDS.incrementAndGet(), "echo", "{\"text\":\"same\"}")
                .get(10, TimeUnit.SECONDS);
        assertThat(result(again).path("content").get(0).path("text").asText()).isEqualTo("ok");
        assertThat(dir.resolve("state/remembered.yaml")).content().contains("approved and remembered by alice");
    }

    @Test
    void theEventStreamStartsWithTheStateThenReportsHoldsAndDecisions() throws Exception {
        HttpResponse<java.io.InputStream> stream = HTTP.send(HttpRequest.newBuilder(URI.create(adminBase
                + "/v1/events")).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(stream.statusCode()).isEqualTo(200);
        BufferedReader events = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8));
        assertThat(nextEvent(events)).isEqualTo("hello");
        String session = initialize();
        CompletableFuture<HttpResponse<String>> answer = call(session, IDS.incrementAndGet(), "echo", "{}");
        assertThat(nextEvent(events)).isEqualTo("held");
        decide(awaitHeld("echo"), "approve", "");
        assertThat(nextEvent(events)).isEqualTo("decided");
        assertThat(nextEvent(events)).isEqualTo("decision");
        answer.get(10, TimeUnit.SECONDS);
        stream.body().close();
    }

    private static String nextEvent(BufferedReader events) throws Exception {
        CompletableFuture<String> next = CompletableFuture.supplyAsync(() -> {
            try {
                String line;
                while ((line = events.readLine()) != null) {
                    if (line.startsWith("event:")) {
                        return line.substring(6).strip();
                    }
                }
                return null;
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        return next.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aCancelledCallLeavesTheQueueAndAWaitingClientHearsProgress() throws Exception {
        String session = initialize();
        int id = IDS.incrementAndGet();
        CompletableFuture<HttpResponse<String>> answer = HTTP.sendAsync(agent(session, "{\"jsonrpc\":\"2.0\",\"id\":"
                + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{},"
                + "\"_meta\":{\"progressToken\":\"p-1\"}}}").build(), HttpResponse.BodyHandlers.ofString());
        awaitHeld("echo");
        Thread.sleep(io.airlock.proxy.relay.RelaySession.PROGRESS_FIRST.toMillis() + 1000);
        HTTP.send(agent(session, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":"
                + "{\"requestId\":" + id + ",\"reason\":\"user pressed stop\"}}").build(),
                HttpResponse.BodyHandlers.ofString());
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> get("/v1/held").path("held").isEmpty());
        // The held POST switched to SSE to carry the progress notification.
        HttpResponse<String> response = answer.get(10, TimeUnit.SECONDS);
        assertThat(response.body()).contains("notifications/progress", "\"progressToken\":\"p-1\"",
                "waiting for an operator");
    }

    @Test
    void aSecondAirlockOnTheSameAdminPortFailsClearlyAndRefusesHeldCalls() throws Exception {
        int taken = Integer.parseInt(adminBase.substring(adminBase.lastIndexOf(':') + 1));
        Path fake = Path.of(AdminServerTest.class.getResource("/fake-mcp-server.sh").toURI());
        try (Gateway second = new Gateway(ConfigLoader.parse("""
                listen: 127.0.0.1:0
                servers:
                  fake: {command: %s, tags: {"*": []}}
                policy: {file: %s}
                admin: {listen: "127.0.0.1:%d", tokenFile: %s}
                """.formatted(fake, dir.resolve("policy.yaml"), taken, dir.resolve("state/token")), "second", dir))) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> second.startAdmin(0))
                    .isInstanceOf(io.airlock.proxy.config.ConfigException.class)
                    .hasMessageContaining("admin.listen: cannot bind");
            var decision = second.gate().decide(new io.airlock.policy.GateRequest("fake", "tools/call", "echo",
                    null, "s", null)).toCompletableFuture().get(5, TimeUnit.SECONDS);
            assertThat(decision).isInstanceOfSatisfying(io.airlock.policy.Decision.Deny.class,
                    deny -> assertThat(deny.reason()).contains("no operator is connected"));
        }
    }

    @Test
    void whenTheDefaultAdminPortIsTakenTheApiListensOnAFreeOneAndPublishesIt() throws Exception {
        Path fake = Path.of(AdminServerTest.class.getResource("/fake-mcp-server.sh").toURI());
        java.net.ServerSocket next = null;
        int agentPort = 0;
        for (int attempt = 0; attempt < 50 && next == null; attempt++) {
            try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1,
                    java.net.InetAddress.getLoopbackAddress())) {
                agentPort = probe.getLocalPort();
                try {
                    next = new java.net.ServerSocket(agentPort + 1, 1, java.net.InetAddress.getLoopbackAddress());
                } catch (java.io.IOException taken) {
                    // agentPort + 1 is in use already: try another pair
                }
            }
        }
        assertThat(next).as("a free pair of adjacent ports").isNotNull();
        try (java.net.ServerSocket occupied = next; Gateway third = new Gateway(ConfigLoader.parse("""
                listen: 127.0.0.1:%d
                servers:
                  fake: {command: %s, tags: {"*": []}}
                admin: {tokenFile: %s}
                """.formatted(agentPort, fake, dir.resolve("third/token")), "third", dir))) {
            int bound = third.startHttp().getPort();
            java.net.InetSocketAddress admin = third.startAdmin(bound);
            assertThat(admin.getPort()).isNotEqualTo(occupied.getLocalPort());
            assertThat(dir.resolve("third/admin-address")).hasContent("http://127.0.0.1:" + admin.getPort());
        }
    }
}
