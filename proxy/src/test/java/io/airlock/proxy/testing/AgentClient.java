package io.airlock.proxy.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The agent's side in gateway tests: a plain Streamable HTTP MCP client (initialize, tools/call) over the JDK
 * HttpClient, reading answers sent as JSON or as SSE. Real clients are exercised in it-tests; this one keeps the
 * proxy tests free of a Node dependency.
 */
public final class AgentClient {

    public static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private final String endpoint;
    private final AtomicInteger ids = new AtomicInteger(10);

    /** @param endpoint e.g. {@code http://127.0.0.1:PORT/mcp/NAME} */
    public AgentClient(String endpoint) {
        this.endpoint = endpoint;
    }

    /** Opens a session (initialize + notifications/initialized) and returns its id. */
    public String initialize() throws Exception {
        HttpResponse<String> init = HTTP.send(request(null, """
                {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18",
                "capabilities":{},"clientInfo":{"name":"t","version":"1"}}}""").build(),
                HttpResponse.BodyHandlers.ofString());
        String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow(
                () -> new AssertionError("no session: " + init.statusCode() + " " + init.body()));
        HTTP.send(request(session, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}").build(),
                HttpResponse.BodyHandlers.ofString());
        return session;
    }

    public HttpRequest.Builder request(String session, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(endpoint))
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        return session == null ? b : b.header("Mcp-Session-Id", session);
    }

    /** Sends {@code tools/call}; the answer arrives when the gateway gives it (a held call waits). */
    public CompletableFuture<HttpResponse<String>> callAsync(String session, String tool, String arguments) {
        return HTTP.sendAsync(request(session, "{\"jsonrpc\":\"2.0\",\"id\":" + ids.incrementAndGet()
                + ",\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool + "\",\"arguments\":" + arguments
                + "}}").build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Sends {@code tools/call} and returns its {@code result}. */
    public JsonNode call(String session, String tool, String arguments) throws Exception {
        return result(callAsync(session, tool, arguments).get(60, java.util.concurrent.TimeUnit.SECONDS));
    }

    /** The {@code result} of an answer sent as JSON or as an SSE stream (its last event with a result). */
    public static JsonNode result(HttpResponse<String> response) throws Exception {
        String body = response.body();
        if (!body.startsWith("{")) {
            String last = null;
            for (String line : body.split("\n")) {
                if (line.startsWith("data:") && line.contains("\"result\"")) {
                    last = line.substring(5).strip();
                }
            }
            body = last;
        }
        if (body == null) {
            throw new AssertionError("no result in: " + response.body());
        }
        return JSON.readTree(body).path("result");
    }

    /** The text of a tool result's first content item. */
    public static String text(JsonNode result) {
        return result.path("content").path(0).path("text").asText();
    }
}
