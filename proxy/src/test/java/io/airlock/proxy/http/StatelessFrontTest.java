package io.airlock.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.airlock.proxy.Gateway;
import io.airlock.proxy.config.ConfigLoader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Protocol 2026-07-28 on the HTTP front, bridged to a pre-2026 stdio server. */
class StatelessFrontTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String META = "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"%s\","
            + "\"io.modelcontextprotocol/clientCapabilities\":{}}";
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static Gateway gateway;
    private static String url;

    @BeforeAll
    static void start() throws Exception {
        Path fake = Path.of(StatelessFrontTest.class.getResource("/fake-mcp-server.sh").toURI());
        gateway = new Gateway(ConfigLoader.parse("""
                listen: 127.0.0.1:0
                servers:
                  fake:
                    command: %s
                    tools: {deny: [forbidden]}
                    tags: {"*": []}
                """.formatted(fake), "test", Path.of(".")));
        url = "http://127.0.0.1:" + gateway.startHttp().getPort() + "/mcp/fake";
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void discoverIsAnsweredForALegacyServerInTheNewShape() throws Exception {
        HttpResponse<String> response = send(request("\"d1\"", "server/discover", "{" + meta() + "}", null));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Mcp-Session-Id")).isEmpty();
        JsonNode result = JSON.readTree(response.body()).path("result");
        assertThat(result.path("resultType").asText()).isEqualTo("complete");
        assertThat(result.path("supportedVersions").toString()).contains("2026-07-28");
        assertThat(result.path("_meta").path("io.modelcontextprotocol/serverInfo").path("name").asText())
                .isEqualTo("fake");
        assertThat(JSON.readTree(response.body()).path("id").asText()).isEqualTo("d1");
    }

    @Test
    void aCallIsRelayedWithTheClientsOwnIdRestored() throws Exception {
        HttpResponse<String> response = send(request("1.0", "tools/call",
                "{\"name\":\"echo\",\"arguments\":{}," + meta() + "}", "echo"));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).startsWith("{\"jsonrpc\":\"2.0\",\"id\":1.0,\"result\":{\"resultType\":\"complete\"");
        assertThat(response.body()).contains("\"text\":\"ok\"");
    }

    @Test
    void concurrentClientsUsingTheSameIdEachGetTheirOwnAnswer() throws Exception {
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            calls.add(HTTP.sendAsync(request("7", "tools/call", "{\"name\":\"echo\",\"arguments\":{}," + meta() + "}",
                    "echo").build(), HttpResponse.BodyHandlers.ofString()));
        }
        for (CompletableFuture<HttpResponse<String>> call : calls) {
            HttpResponse<String> response = call.join();
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(response.body()).path("id").asInt()).isEqualTo(7);
            assertThat(response.body()).contains("\"text\":\"ok\"");
        }
    }

    @Test
    void theGateAppliesToStatelessCalls() throws Exception {
        HttpResponse<String> response = send(request("2", "tools/call",
                "{\"name\":\"forbidden\",\"arguments\":{}," + meta() + "}", "forbidden"));
        JsonNode result = JSON.readTree(response.body()).path("result");
        assertThat(result.path("isError").asBoolean()).isTrue();
        assertThat(result.path("content").path(0).path("text").asText()).contains("Airlock denied this call");
    }

    @Test
    void missingMetaIsInvalidParamsEvenWithHeaders() throws Exception {
        HttpResponse<String> response = send(request("3", "tools/list",
                "{\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\"}}", null));
        assertThat(response.statusCode()).isEqualTo(400);
        assertError(response, -32602, 3);
    }

    @Test
    void headersMustAgreeWithTheBody() throws Exception {
        HttpResponse<String> version = send(request("4", "tools/list", "{" + meta("v999.0.0") + "}", null));
        assertThat(version.statusCode()).isEqualTo(400);
        assertError(version, -32020, 4);

        HttpResponse<String> method = send(request("5", "tools/list", "{" + meta() + "}", null)
                .setHeader("Mcp-Method", "prompts/list"));
        assertError(method, -32020, 5);

        HttpResponse<String> name = send(request("6", "tools/call", "{\"name\":\"echo\",\"arguments\":{},"
                + meta() + "}", "other"));
        assertThat(name.statusCode()).isEqualTo(400);
        assertError(name, -32020, 6);

        String encoded = "=?base64?" + Base64.getEncoder().encodeToString("echo".getBytes(StandardCharsets.UTF_8))
                + "?=";
        HttpResponse<String> base64 = send(request("7", "tools/call", "{\"name\":\"echo\",\"arguments\":{},"
                + meta() + "}", encoded));
        assertThat(base64.statusCode()).isEqualTo(200);

        HttpResponse<String> badBase64 = send(request("8", "tools/call", "{\"name\":\"echo\",\"arguments\":{},"
                + meta() + "}", "=?base64?ZWNo!!!8=?="));
        assertError(badBase64, -32020, 8);
    }

    @Test
    void mcpParamHeadersMustMirrorTheArgumentsTheToolDeclares() throws Exception {
        String body = "{\"name\":\"regional\",\"arguments\":{\"region\":\"Hello\"}," + meta() + "}";
        HttpResponse<String> good = send(request("20", "tools/call", body, "regional")
                .header("Mcp-Param-Region", "=?base64?SGVsbG8=?="));
        assertThat(good.statusCode()).as(good.body()).isEqualTo(200);

        HttpResponse<String> missing = send(request("21", "tools/call", body, "regional"));
        assertThat(missing.statusCode()).isEqualTo(400);
        assertError(missing, -32020, 21);

        HttpResponse<String> padding = send(request("22", "tools/call", body, "regional")
                .header("Mcp-Param-Region", "=?base64?SGVsbG8?="));
        assertError(padding, -32020, 22);

        HttpResponse<String> wrong = send(request("23", "tools/call", body, "regional")
                .header("mcp-param-region", "World"));
        assertError(wrong, -32020, 23);
    }

    @Test
    void anUnsupportedVersionListsTheSupportedOnes() throws Exception {
        HttpResponse<String> response = send(request("9", "tools/list", "{" + meta("v999.0.0") + "}", null)
                .setHeader("MCP-Protocol-Version", "v999.0.0"));
        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = assertError(response, -32022, 9);
        assertThat(error.path("data").path("supported").toString()).contains("2026-07-28");
        assertThat(error.path("data").path("requested").asText()).isEqualTo("v999.0.0");
    }

    @Test
    void removedMethodsAreNotFoundAndSessionVerbsAreNotAllowed() throws Exception {
        HttpResponse<String> init = send(request("10", "initialize", "{" + meta() + "}", null));
        assertThat(init.statusCode()).isEqualTo(404);
        assertError(init, -32601, 10);

        HttpResponse<String> get = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                .header("Accept", "text/event-stream").header("MCP-Protocol-Version", "2026-07-28").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(405);
        HttpResponse<String> delete = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                .header("MCP-Protocol-Version", "2026-07-28").DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(delete.statusCode()).isEqualTo(405);
    }

    private static String meta() {
        return meta("2026-07-28");
    }

    private static String meta(String version) {
        return META.formatted(version);
    }

    private static HttpRequest.Builder request(String id, String method, String params, String name) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .header("MCP-Protocol-Version", "2026-07-28")
                .header("Mcp-Method", method)
                .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\""
                        + method + "\",\"params\":" + params + "}"));
        if (name != null) {
            builder.header("Mcp-Name", name);
        }
        return builder;
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode assertError(HttpResponse<String> response, int code, int id) throws Exception {
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.path("error").path("code").asInt()).as(response.body()).isEqualTo(code);
        assertThat(body.path("id").asInt()).isEqualTo(id);
        return body.path("error");
    }
}
