package io.airlock.tui.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * A blocking client of the admin API (docs/ADMIN-API.md). Every method blocks on the network, so the TUI calls it from
 * virtual threads only. Failures are values ({@link Reply}, {@link DecideResult}), not exceptions: each caller must
 * say what it does when Airlock is unreachable or refuses.
 */
public final class AdminClient {

    public static final URI DEFAULT_ADDRESS = URI.create("http://127.0.0.1:8788");

    private final URI base;
    private final String token;
    private final HttpClient http;
    private final Duration requestTimeout;

    public AdminClient(URI base, String token) {
        this(base, token, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build(),
                Duration.ofSeconds(10));
    }

    public AdminClient(URI base, String token, HttpClient http, Duration requestTimeout) {
        this.base = withoutTrailingSlash(Objects.requireNonNull(base, "base"));
        this.token = Objects.requireNonNull(token, "token");
        this.http = Objects.requireNonNull(http, "http");
        this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
    }

    public URI base() {
        return base;
    }

    /** {@code GET /v1/held}: the held calls, newest first. */
    public Reply<List<HeldCall>> held() {
        return heldJson().map(body -> Json.list(body, "held", HeldCall::from));
    }

    /** {@code GET /v1/held} as the server sent it, for {@code --json} output. */
    public Reply<JsonNode> heldJson() {
        return get("/v1/held", Function.identity());
    }

    /** {@code GET /v1/held/{id}}. */
    public Reply<HeldCallDetail> detail(String id) {
        return detailJson(id).map(HeldCallDetail::from);
    }

    /** {@code GET /v1/held/{id}} as the server sent it. */
    public Reply<JsonNode> detailJson(String id) {
        return get("/v1/held/" + pathSegment(id), Function.identity());
    }

    /** {@code GET /v1/decisions?limit=N}: the latest gate decisions, newest first. */
    public Reply<List<GateDecision>> decisions(int limit) {
        return get("/v1/decisions?limit=" + limit, body -> Json.list(body, "decisions", GateDecision::from));
    }

    /** {@code GET /v1/status}, as the server sent it. */
    public Reply<JsonNode> status() {
        return get("/v1/status", Function.identity());
    }

    /** {@code POST /v1/held/{id}/decision}, with the hash of the call the operator saw. */
    public DecideResult decide(Decision decision) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        switch (decision) {
            case Decision.Approve approve -> body.put("outcome", "approve");
            case Decision.Deny deny -> {
                body.put("outcome", "deny");
                if (!deny.reason().isBlank()) {
                    body.put("reason", deny.reason());
                }
            }
            case Decision.Remember remember -> body.put("outcome", "remember").put("scope", remember.scope());
        }
        body.put("callHash", decision.call().callHash());
        if (decision.operator() != null && !decision.operator().isBlank()) {
            body.put("operator", decision.operator());
        }
        String id = decision.call().id();
        HttpRequest request = request("/v1/held/" + pathSegment(id) + "/decision")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8))
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new DecideResult.Unreachable(describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new DecideResult.Unreachable("interrupted");
        }
        JsonNode answer = readOrEmpty(response.body());
        String message = message(answer, response.body());
        return switch (response.statusCode()) {
            case 200 -> new DecideResult.Decided(Json.text(answer, "id").isEmpty() ? id : Json.text(answer, "id"),
                    Json.text(answer, "outcome"), Json.text(answer, "operator"), Json.text(answer, "rule"));
            case 400 -> new DecideResult.BadRequest(message);
            case 401 -> new DecideResult.Unauthorized();
            case 404 -> new DecideResult.NotFound(id);
            case 409 -> new DecideResult.Conflict(Json.text(answer, "error"), Json.text(answer, "outcome"),
                    Json.text(answer, "operator"));
            case 410 -> new DecideResult.Gone(message);
            case 422 -> new DecideResult.HardStop(message);
            default -> new DecideResult.Unexpected(response.statusCode(), response.body().strip());
        };
    }

    /** Opens {@code GET /v1/events}; the caller owns (and must close) the body. */
    HttpResponse<InputStream> openEvents() throws IOException, InterruptedException {
        // No request timeout: the stream is meant to stay open; EventStream watches for silence instead.
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/v1/events"))
                .header("Authorization", "Bearer " + token)
                .header("Accept", "text/event-stream")
                .GET()
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    }

    private <T> Reply<T> get(String path, Function<JsonNode, T> read) {
        HttpResponse<String> response;
        try {
            response = http.send(request(path).GET().build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Reply.Unreachable<>(describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Reply.Unreachable<>("interrupted");
        }
        int status = response.statusCode();
        if (status == 401) {
            return new Reply.Unauthorized<>();
        }
        if (status != 200) {
            return new Reply.Refused<>(status, message(readOrEmpty(response.body()), response.body()));
        }
        try {
            return new Reply.Ok<>(read.apply(Json.MAPPER.readTree(response.body())));
        } catch (IOException e) {
            return new Reply.Refused<>(status, "unreadable answer: " + e.getMessage());
        }
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base + path))
                .timeout(requestTimeout)
                .header("Authorization", "Bearer " + token)
                .header("Accept", "application/json");
    }

    private static JsonNode readOrEmpty(String body) {
        try {
            JsonNode node = body.isBlank() ? null : Json.MAPPER.readTree(body);
            return node == null ? Json.MAPPER.createObjectNode() : node;
        } catch (IOException e) {
            return Json.MAPPER.createObjectNode();
        }
    }

    /** The server's words: its {@code error} field if it sent JSON, else the body itself. */
    private static String message(JsonNode answer, String body) {
        String error = Json.text(answer, "error");
        return error.isEmpty() ? body.strip() : error;
    }

    static String describe(IOException e) {
        if (e instanceof ConnectException) {
            return "connection refused";
        }
        if (e instanceof HttpTimeoutException) {
            return "timed out";
        }
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    private static String pathSegment(String id) {
        // Held-call ids are opaque; encode them so an odd id cannot change the path it is sent to.
        return java.net.URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static URI withoutTrailingSlash(URI uri) {
        String text = uri.toString();
        return text.endsWith("/") ? URI.create(text.substring(0, text.length() - 1)) : uri;
    }
}
