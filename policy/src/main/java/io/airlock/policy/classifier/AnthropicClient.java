package io.airlock.policy.classifier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;

/** Anthropic's {@code POST /v1/messages}: the system prompt is a field, the answer the first text block. */
final class AnthropicClient extends HttpModelClient {

    AnthropicClient(HttpClient http, URI endpoint, ApiKey key) {
        super(http, resolve(endpoint, "/v1/messages"), key);
    }

    @Override
    ObjectNode body(Request request) {
        ObjectNode body = JSON.createObjectNode();
        body.put("model", request.model());
        body.put("max_tokens", request.maxTokens());
        body.put("temperature", 0);
        body.put("system", request.system());
        body.putArray("messages").addObject().put("role", "user").put("content", request.user());
        return body;
    }

    @Override
    void headers(HttpRequest.Builder builder) {
        builder.header("anthropic-version", "2023-06-01");
        if (key.present()) {
            builder.header("x-api-key", key.value());
        }
    }

    @Override
    Reply parse(JsonNode answer) {
        for (JsonNode block : answer.path("content")) {
            if ("text".equals(block.path("type").asText())) {
                JsonNode usage = answer.path("usage");
                return new Reply(text(block.get("text"), "content[].text"), usage.path("input_tokens").asLong(0),
                        usage.path("output_tokens").asLong(0));
            }
        }
        throw new ModelException("the response has no text block");
    }
}
