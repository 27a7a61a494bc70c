package io.airlock.policy.classifier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/** What the three JSON-over-HTTP clients share: POST a body, read a 200 JSON answer, scrub errors. */
abstract class HttpModelClient implements ModelClient {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final int ERROR_BODY_MAX = 200;

    private final HttpClient http;
    private final URI url;
    /** The URL as messages show it: no user info, no query (where some hosts take a key). */
    private final String shown;
    protected final ApiKey key;

    HttpModelClient(HttpClient http, URI url, ApiKey key) {
        this.http = http;
        this.url = url;
        this.shown = shown(url);
        this.key = key;
    }

    static String shown(URI uri) {
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
                + (uri.getRawPath() == null ? "" : uri.getRawPath());
    }

    /** {@code base} + {@code path}, without doubling a {@code /v1} the user already put on the base. */
    static URI resolve(URI base, String path) {
        String b = base.toString();
        while (b.endsWith("/")) {
            b = b.substring(0, b.length() - 1);
        }
        if (path.startsWith("/v1/") && b.endsWith("/v1")) {
            path = path.substring(3);
        }
        return URI.create(b + path);
    }

    abstract ObjectNode body(Request request);

    /** The key as a bearer token (Ollama, OpenAI-compatible endpoints); APIs that take it otherwise override this. */
    void headers(HttpRequest.Builder builder) {
        if (key.present()) {
            builder.header("Authorization", "Bearer " + key.value());
        }
    }

    abstract Reply parse(JsonNode answer);

    @Override
    public CompletableFuture<Reply> complete(Request request) {
        byte[] body;
        try {
            body = JSON.writeValueAsBytes(body(request));
        } catch (IOException e) {
            return CompletableFuture.failedFuture(new ModelException("cannot encode the request: " + e.getMessage()));
        }
        HttpRequest.Builder builder = HttpRequest.newBuilder(url).timeout(request.timeout())
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers(builder);
        CompletableFuture<HttpResponse<byte[]>> sent = http.sendAsync(builder.build(),
                HttpResponse.BodyHandlers.ofByteArray());
        CompletableFuture<Reply> reply = sent
                .exceptionally(error -> {
                    // Transport errors carry the URL at most; the key is only ever in a header.
                    Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause()
                            != null ? error.getCause() : error;
                    throw new ModelException(shown + ": " + cause.getClass().getSimpleName()
                            + (cause.getMessage() == null ? "" : ": " + key.scrub(cause.getMessage())));
                })
                .thenApply(response -> {
                    if (response.statusCode() != 200) {
                        String text = new String(response.body(), StandardCharsets.UTF_8);
                        text = key.scrub(text.length() > ERROR_BODY_MAX ? text.substring(0, ERROR_BODY_MAX) + "…"
                                : text).replaceAll("\\s+", " ");
                        throw new ModelException(shown + ": HTTP " + response.statusCode() + ": " + text);
                    }
                    JsonNode answer;
                    try {
                        answer = JSON.readTree(response.body());
                    } catch (IOException e) {
                        throw new ModelException(shown + ": the response is not JSON");
                    }
                    if (answer == null || !answer.isObject()) {
                        throw new ModelException(shown + ": the response is not a JSON object");
                    }
                    return parse(answer);
                });
        // The time limiter cancels what it was given: pass that on, so a late model's exchange is aborted too.
        reply.whenComplete((r, error) -> {
            if (reply.isCancelled()) {
                sent.cancel(true);
            }
        });
        return reply;
    }

    /** The system and user messages in the chat format the OpenAI and Ollama APIs share. */
    static void messages(ObjectNode body, Request request) {
        var messages = body.putArray("messages");
        messages.addObject().put("role", "system").put("content", request.system());
        messages.addObject().put("role", "user").put("content", request.user());
    }

    static String text(JsonNode node, String what) {
        if (node == null || !node.isTextual()) {
            throw new ModelException("the response has no " + what);
        }
        return node.textValue();
    }
}
