package io.airlock.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.airlock.proxy.Gateway;
import io.airlock.proxy.config.ConfigLoader;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The agent-facing HTTP front over real sockets, in front of a small shell MCP server. */
class AirlockServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String INIT = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"
            + "\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}";
    private static Gateway gateway;
    private static String base;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        Path fake = Path.of(AirlockServerTest.class.getResource("/fake-mcp-server.sh").toURI());
        gateway = new Gateway(ConfigLoader.parse("""
                listen: 127.0.0.1:0
                limits: {maxFrameBytes: 4096}
                servers:
                  fake:
                    command: %s
                    tools: {deny: [forbidden]}
                    tags: {"*": []}
                  broken:
                    command: /nonexistent/server
                """.formatted(fake), "test", Path.of(".")));
        base = "http://127.0.0.1:" + gateway.startHttp().getPort();
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void aSessionIsMintedAndCallsAreAnsweredWithJson() throws Exception {
        String session = initialize();
        assertThat(session).matches("[A-Za-z0-9_-]{22}");

        HttpResponse<String> notified = post("fake", session,
                "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        assertThat(notified.statusCode()).isEqualTo(202);

        HttpResponse<String> call = post("fake", session, call(2, "echo"));
        assertThat(call.statusCode()).isEqualTo(200);
        assertThat(call.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(call.body()).contains("\"id\":2", "\"text\":\"ok\"");

        HttpResponse<String> denied = post("fake", session, call(3, "forbidden"));
        assertThat(JSON.readTree(denied.body()).path("result").path("isError").asBoolean()).isTrue();
    }

    @Test
    void malformedAndInvalidMessagesGetJsonRpcErrors() throws Exception {
        String session = initialize();
        HttpResponse<String> malformed = post("fake", session, "{\"jsonrpc\":\"2.0\",");
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(error(malformed).path("code").asInt()).isEqualTo(-32700);

        HttpResponse<String> invalid = post("fake", session, "{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"ping\"}");
        assertThat(invalid.statusCode()).isEqualTo(400);
        assertThat(error(invalid).path("code").asInt()).isEqualTo(-32600);

        HttpResponse<String> duplicate = post("fake", session,
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\","
                        + "\"name\":\"forbidden\"}}");
        assertThat(duplicate.statusCode()).isEqualTo(400);
        assertThat(error(duplicate).path("code").asInt()).isEqualTo(-32700);
    }

    @Test
    void sessionsAreRequiredAndUnknownOnesAre404() throws Exception {
        HttpResponse<String> missing = post("fake", null, call(1, "echo"));
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(missing.body()).contains("Mcp-Session-Id header is required");

        HttpResponse<String> unknown = post("fake", "no-such-session", call(1, "echo"));
        assertThat(unknown.statusCode()).isEqualTo(404);
    }

    @Test
    void unknownServersAndPathsAre404WithAClearBody() throws Exception {
        HttpResponse<String> server = post("nope", null, INIT);
        assertThat(server.statusCode()).isEqualTo(404);
        assertThat(server.body()).contains("unknown server 'nope'", "fake", "broken");

        HttpResponse<String> path = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/other")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(path.statusCode()).isEqualTo(404);
        assertThat(path.body()).contains("/mcp/{server}");
    }

    @Test
    void foreignOriginsAndHostsAreRefused() throws Exception {
        HttpResponse<String> evil = HTTP.send(request("fake", null, INIT).header("Origin", "https://evil.example")
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(evil.statusCode()).isEqualTo(403);
        assertThat(evil.body()).contains("evil.example");

        HttpResponse<String> local = HTTP.send(request("fake", null, INIT).header("Origin", "http://localhost:6274")
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(local.statusCode()).isEqualTo(200);

        String rebinding = rawExchange("POST /mcp/fake HTTP/1.1\r\nHost: attacker.example:80\r\n"
                + "Content-Type: application/json\r\nAccept: application/json\r\nContent-Length: " + INIT.length()
                + "\r\nConnection: close\r\n\r\n" + INIT);
        assertThat(rebinding).startsWith("HTTP/1.1 403");
    }

    @Test
    void transportViolationsGetTheirStatusCodes() throws Exception {
        String big = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"pad\":\"" + "x".repeat(5000)
                + "\"}}";
        assertThat(post("fake", null, big).statusCode()).isEqualTo(413);

        HttpResponse<String> version = HTTP.send(request("fake", null, INIT).header("MCP-Protocol-Version",
                "1999-01-01").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(version.statusCode()).isEqualTo(400);
        assertThat(version.body()).contains("unsupported MCP-Protocol-Version");

        HttpResponse<String> type = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/mcp/fake"))
                .header("Content-Type", "text/plain").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(INIT)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(type.statusCode()).isEqualTo(415);

        HttpResponse<String> accept = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/mcp/fake"))
                .header("Content-Type", "application/json").header("Accept", "text/html")
                .POST(HttpRequest.BodyPublishers.ofString(INIT)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(accept.statusCode()).isEqualTo(406);

        HttpResponse<String> put = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/mcp/fake"))
                .PUT(HttpRequest.BodyPublishers.ofString(INIT)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).isEqualTo(405);
    }

    @Test
    void aBatchIsAnsweredWithAnArrayUnder2025_03_26() throws Exception {
        String session = initialize();
        HttpResponse<String> batch = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/mcp/fake"))
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .header("Mcp-Session-Id", session).header("MCP-Protocol-Version", "2025-03-26")
                .POST(HttpRequest.BodyPublishers.ofString("[{\"jsonrpc\":\"2.0\",\"id\":10,\"method\":\"ping\"},"
                        + "{\"jsonrpc\":\"2.0\",\"id\":11,\"method\":\"ping\"},{\"bad\":true}]")).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode answers = JSON.readTree(batch.body());
        assertThat(answers.isArray()).isTrue();
        assertThat(answers).hasSize(3);
        assertThat(batch.body()).contains("\"id\":10", "\"id\":11", "-32600");

        HttpResponse<String> modern = post("fake", session, "[{\"jsonrpc\":\"2.0\",\"id\":12,\"method\":\"ping\"}]");
        assertThat(modern.statusCode()).isEqualTo(400);
        assertThat(modern.body()).contains("batches are not part of protocol 2025-06-18");
    }

    @Test
    void anUpstreamCrashMidCallIsReportedAndTheNextSessionGetsAFreshServer() throws Exception {
        String session = initialize();
        HttpResponse<String> crashed = post("fake", session, call(5, "crash"));
        assertThat(crashed.statusCode()).isEqualTo(200);
        JsonNode error = error(crashed);
        assertThat(error.path("code").asInt()).isEqualTo(-32000);
        assertThat(error.path("message").asText()).contains("exited with code 3", "boom: crashing on purpose");

        assertThat(post("fake", session, call(6, "echo")).statusCode()).isEqualTo(404);
        String fresh = initialize();
        assertThat(post("fake", fresh, call(7, "echo")).body()).contains("\"text\":\"ok\"");
    }

    @Test
    void anUpstreamThatCannotStartIsA502WithTheReason() throws Exception {
        HttpResponse<String> response = post("broken", null, INIT);
        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(error(response).path("message").asText())
                .contains("could not start the upstream server", "/nonexistent/server");
    }

    @Test
    void deleteEndsTheSessionAndAGetStreamIsExclusive() throws Exception {
        String session = initialize();
        HttpResponse<InputStream> stream = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/mcp/fake"))
                .header("Accept", "text/event-stream").header("Mcp-Session-Id", session).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(stream.headers().firstValue("Content-Type")).hasValue("text/event-stream");
        HttpResponse<String> second = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/mcp/fake"))
                .header("Accept", "text/event-stream").header("Mcp-Session-Id", session).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(second.statusCode()).isEqualTo(409);

        HttpResponse<String> deleted = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/mcp/fake"))
                .header("Mcp-Session-Id", session).DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(deleted.statusCode()).isEqualTo(200);
        assertThat(post("fake", session, call(2, "echo")).statusCode()).isEqualTo(404);
        stream.body().close();
    }

    // ---- helpers ----

    private static String initialize() throws Exception {
        HttpResponse<String> response = post("fake", null, INIT);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.body()).contains("\"serverInfo\"");
        return response.headers().firstValue("Mcp-Session-Id").orElseThrow();
    }

    private static String call(int id, String tool) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool
                + "\",\"arguments\":{}}}";
    }

    private static HttpRequest.Builder request(String server, String session, String body) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + "/mcp/" + server))
                .timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (session != null) {
            builder.header("Mcp-Session-Id", session);
        }
        return builder;
    }

    private static HttpResponse<String> post(String server, String session, String body) throws Exception {
        return HTTP.send(request(server, session, body).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode error(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body()).path("error");
    }

    private static String rawExchange(String request) throws Exception {
        URI uri = URI.create(base);
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.UTF_8));
            out.flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
