package io.airlock.proxy.agents;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.airlock.proxy.Gateway;
import io.airlock.proxy.config.ConfigLoader;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Agent tokens through the real gateway: the HTTP front refuses missing, wrong and revoked tokens before anything is
 * forwarded; a valid token's agent reaches the gate (rules match it) and the receipts; the agent's Authorization
 * header never reaches the upstream.
 */
class AgentIdentityTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final AtomicInteger IDS = new AtomicInteger(10);

    @TempDir
    Path dir;

    private HttpServer upstream;
    /** Every request the upstream received: its headers (lower-case names) and body. */
    private final List<Map<String, List<String>>> upstreamHeaders = new CopyOnWriteArrayList<>();
    private final List<String> upstreamBodies = new CopyOnWriteArrayList<>();
    private Gateway gateway;
    private String base;
    private AgentTokenStore store;

    @BeforeEach
    void start() throws Exception {
        upstream = recordingUpstream();
        Path fake = Path.of(AgentIdentityTest.class.getResource("/fake-mcp-server.sh").toURI());
        Path policy = Files.writeString(dir.resolve("policy.yaml"), """
                default: deny
                rules:
                  - {id: ci-bot-may-echo, match: {tools: [echo], agents: [ci-bot]}, action: allow}
                """);
        store = new AgentTokenStore(dir.resolve("state/agent-tokens.json"));
        gateway = new Gateway(ConfigLoader.parse("""
                listen: 127.0.0.1:0
                servers:
                  fake:
                    command: %s
                    tags: {"*": []}
                  remote:
                    url: http://127.0.0.1:%d/mcp
                    headers: {X-Upstream-Key: configured-by-operator}
                    tags: {"*": []}
                policy: {file: %s}
                admin: {listen: "off"}
                receipts: {dir: %s, keyDir: %s}
                agents: {tokenFile: %s}
                """.formatted(fake, upstream.getAddress().getPort(), policy, dir.resolve("receipts"),
                dir.resolve("keys"), store.file()), "test", dir));
        base = "http://127.0.0.1:" + gateway.startHttp().getPort();
    }

    @AfterEach
    void stop() {
        gateway.close();
        upstream.stop(0);
    }

    @Test
    void withoutAnyTokenTheFrontStaysOpenAndCallersAreAnonymous() throws Exception {
        assertThat(gateway.agents().tokensRequired()).isFalse();
        HttpResponse<String> init = send("fake", null, null, initialize());
        assertThat(init.statusCode()).isEqualTo(200);
    }

    @Test
    void aFrontBeyondLoopbackRequiresATokenBeforeAnyExists() throws Exception {
        Path fake = Path.of(AgentIdentityTest.class.getResource("/fake-mcp-server.sh").toURI());
        try (Gateway open = new Gateway(ConfigLoader.parse("""
                listen: 0.0.0.0:0
                servers:
                  fake: {command: %s}
                admin: {listen: "off"}
                receipts: {enabled: false}
                agents: {tokenFile: %s}
                """.formatted(fake, dir.resolve("none/agent-tokens.json")), "test", dir))) {
            assertThat(open.agents().tokensRequired()).isTrue();
            int port = open.startHttp().getPort();
            HttpResponse<String> refused = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                            + "/mcp/fake")).header("Content-Type", "application/json")
                    .header("Accept", "application/json, text/event-stream")
                    .POST(HttpRequest.BodyPublishers.ofString(initialize())).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).isEqualTo(401);
        }
    }

    @Test
    void onceATokenExistsMissingWrongAndRevokedTokensGet401AndNothingIsForwarded() throws Exception {
        AgentTokenStore.Created ci = store.create("ci-bot");
        gateway.agents().refresh();
        assertThat(gateway.agents().tokensRequired()).isTrue();

        HttpResponse<String> missing = send("remote", null, null, initialize());
        assertThat(missing.statusCode()).isEqualTo(401);
        assertThat(missing.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"airlock\"");
        assertThat(missing.body()).contains("requires an agent token").doesNotContain("remote");

        HttpResponse<String> wrong = send("remote", "alk_not-a-real-token", null, initialize());
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.body()).contains("unknown or revoked");

        HttpResponse<String> basic = sendRaw("remote", "Basic Y2k6Ym90", null, initialize());
        assertThat(basic.statusCode()).isEqualTo(401);

        // An unknown server is not revealed to a caller without a token either.
        assertThat(send("nosuch", null, null, initialize()).statusCode()).isEqualTo(401);
        assertThat(upstreamBodies).as("nothing reached the upstream").isEmpty();

        String session = open("remote", ci.token());
        assertThat(call("remote", ci.token(), session, "echo").path("result").path("isError").asBoolean())
                .isFalse();
        int forwarded = upstreamBodies.size();

        store.revoke("ci-bot", null);
        gateway.agents().refresh();
        HttpResponse<String> revoked = send("remote", ci.token(), session, toolsCall("echo"));
        assertThat(revoked.statusCode()).isEqualTo(401);
        assertThat(upstreamBodies).as("the revoked token's call was never forwarded").hasSize(forwarded);
    }

    @Test
    void theAgentsAuthorizationHeaderNeverReachesTheUpstream() throws Exception {
        AgentTokenStore.Created ci = store.create("ci-bot");
        gateway.agents().refresh();
        String session = open("remote", ci.token());
        JsonNode answer = call("remote", ci.token(), session, "echo");
        assertThat(answer.path("result").path("content").get(0).path("text").asText()).isEqualTo("upstream ok");
        // 2026-07-28 stateless traffic takes another path through the front: check it too.
        HttpResponse<String> stateless = HTTP.send(request("remote", ci.token(), null, """
                {"jsonrpc":"2.0","id":77,"method":"tools/list","params":{"_meta":{
                "io.modelcontextprotocol/protocolVersion":"2026-07-28",
                "io.modelcontextprotocol/clientCapabilities":{}}}}""")
                .header("MCP-Protocol-Version", "2026-07-28").header("Mcp-Method", "tools/list").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(stateless.statusCode()).as(stateless.body()).isEqualTo(200);

        assertThat(upstreamHeaders).hasSizeGreaterThanOrEqualTo(4);
        for (Map<String, List<String>> headers : upstreamHeaders) {
            assertThat(headers).doesNotContainKey("authorization");
            assertThat(headers.values().stream().flatMap(List::stream)).noneMatch(v -> v.contains(ci.token()));
            assertThat(headers.get("x-upstream-key")).containsExactly("configured-by-operator");
        }
    }

    @Test
    void theAgentsNameReachesTheGateRulesAndTheReceipts() throws Exception {
        AgentTokenStore.Created ci = store.create("ci-bot");
        AgentTokenStore.Created intern = store.create("intern");
        gateway.agents().refresh();

        String ciSession = open("fake", ci.token());
        JsonNode allowed = call("fake", ci.token(), ciSession, "echo");
        assertThat(allowed.path("result").path("isError").asBoolean()).as(allowed.toString()).isFalse();
        assertThat(allowed.path("result").path("content").get(0).path("text").asText()).isEqualTo("ok");

        String internSession = open("fake", intern.token());
        JsonNode denied = call("fake", intern.token(), internSession, "echo");
        assertThat(denied.path("result").path("isError").asBoolean()).as(denied.toString()).isTrue();

        // A session belongs to the agent that opened it: another agent's valid token cannot use it.
        HttpResponse<String> hijack = send("fake", intern.token(), ciSession, toolsCall("echo"));
        assertThat(hijack.statusCode()).isEqualTo(404);

        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            List<JsonNode> receipts = receipts();
            assertThat(receipts).anySatisfy(r -> {
                assertThat(r.path("agent").asText()).isEqualTo("ci-bot");
                assertThat(r.path("target").asText()).isEqualTo("echo");
                assertThat(r.path("decision").asText()).isEqualTo("allow");
            });
            assertThat(receipts).anySatisfy(r -> {
                assertThat(r.path("agent").asText()).isEqualTo("intern");
                assertThat(r.path("decision").asText()).isEqualTo("deny");
            });
        });
    }

    // ---- helpers ----

    private List<JsonNode> receipts() throws IOException {
        List<JsonNode> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir.resolve("receipts"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                for (String line : Files.readAllLines(file)) {
                    if (line.startsWith("{")) {
                        JsonNode node = JSON.readTree(line);
                        out.add(node.has("receipt") ? node.get("receipt") : node);
                    }
                }
            }
        }
        return out;
    }

    private String open(String server, String token) throws Exception {
        HttpResponse<String> init = send(server, token, null, initialize());
        assertThat(init.statusCode()).as(init.body()).isEqualTo(200);
        String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
        send(server, token, session, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        return session;
    }

    private JsonNode call(String server, String token, String session, String tool) throws Exception {
        HttpResponse<String> response = send(server, token, session, toolsCall(tool));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        String body = response.body();
        if (!body.startsWith("{")) { // an SSE answer: the last data line
            String last = null;
            for (String line : body.split("\n")) {
                if (line.startsWith("data:")) {
                    last = line.substring(5).strip();
                }
            }
            body = last;
        }
        return JSON.readTree(body);
    }

    private static String initialize() {
        return """
                {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18",
                "capabilities":{},"clientInfo":{"name":"t","version":"1"}}}""";
    }

    private static String toolsCall(String tool) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + IDS.incrementAndGet() + ",\"method\":\"tools/call\",\"params\":"
                + "{\"name\":\"" + tool + "\",\"arguments\":{}}}";
    }

    private HttpResponse<String> send(String server, String token, String session, String body) throws Exception {
        return sendRaw(server, token == null ? null : "Bearer " + token, session, body);
    }

    private HttpResponse<String> sendRaw(String server, String authorization, String session, String body)
            throws Exception {
        HttpRequest.Builder b = request(server, null, session, body);
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String server, String token, String session, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/mcp/" + server))
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (session != null) {
            b.header("Mcp-Session-Id", session);
        }
        return b;
    }

    /** A minimal Streamable HTTP MCP server (JSON answers) that records what it receives. */
    private HttpServer recordingUpstream() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/mcp", exchange -> {
            Map<String, List<String>> headers = new java.util.TreeMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT),
                    List.copyOf(v)));
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            upstreamHeaders.add(headers);
            upstreamBodies.add(body);
            if (!"POST".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                exchange.close();
                return;
            }
            JsonNode message = JSON.readTree(body);
            if (!message.has("id")) {
                exchange.sendResponseHeaders(202, -1);
                exchange.close();
                return;
            }
            String result = switch (message.path("method").asText()) {
                case "initialize" -> "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{\"tools\":{}},"
                        + "\"serverInfo\":{\"name\":\"recorder\",\"version\":\"1\"}}";
                case "tools/list" -> "{\"tools\":[{\"name\":\"echo\",\"inputSchema\":{\"type\":\"object\"}}]}";
                case "tools/call" -> "{\"content\":[{\"type\":\"text\",\"text\":\"upstream ok\"}]}";
                default -> null;
            };
            String answer = result == null
                    ? "{\"jsonrpc\":\"2.0\",\"id\":" + message.get("id") + ",\"error\":{\"code\":-32601,"
                    + "\"message\":\"Method not found\"}}"
                    : "{\"jsonrpc\":\"2.0\",\"id\":" + message.get("id") + ",\"result\":" + result + "}";
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            if ("initialize".equals(message.path("method").asText())) {
                exchange.getResponseHeaders().set("Mcp-Session-Id", "upstream-session-1");
            }
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        return server;
    }
}
