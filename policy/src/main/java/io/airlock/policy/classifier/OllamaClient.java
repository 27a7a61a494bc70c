package io.airlock.policy.classifier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;

/**
 * Ollama's {@code POST /api/chat}, not streamed, with {@code format: json} so the model is held to JSON output.
 * Ollama's cloud takes a bearer key; a local server takes none.
 */
final class OllamaClient extends HttpModelClient {

    OllamaClient(HttpClient http, URI endpoint, ApiKey key) {
        super(http, resolve(endpoint, "/api/chat"), key);
    }

    @Override
    ObjectNode body(Request request) {
        ObjectNode body = JSON.createObjectNode();
        body.put("model", request.model());
        messages(body, request);
        body.put("stream", false);
        body.put("format", "json");
        body.putObject("options").put("num_predict", request.maxTokens()).put("temperature", 0);
        return body;
    }

    @Override
    Reply parse(JsonNode answer) {
        return new Reply(text(answer.path("message").get("content"), "message.content"),
                answer.path("prompt_eval_count").asLong(0), answer.path("eval_count").asLong(0));
    }
}
