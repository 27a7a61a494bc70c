package io.airlock.policy.classifier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;

/**
 * OpenAI-compatible {@code POST /v1/chat/completions} (vLLM, llama.cpp server, LM Studio, OpenAI and most hosts),
 * asking for a JSON object ({@code response_format}).
 */
final class OpenAiClient extends HttpModelClient {

    OpenAiClient(HttpClient http, URI endpoint, ApiKey key) {
        super(http, resolve(endpoint, "/v1/chat/completions"), key);
    }

    @Override
    ObjectNode body(Request request) {
        ObjectNode body = JSON.createObjectNode();
        body.put("model", request.model());
        messages(body, request);
        body.put("max_tokens", request.maxTokens());
        body.put("temperature", 0);
        body.putObject("response_format").put("type", "json_object");
        return body;
    }

    @Override
    Reply parse(JsonNode answer) {
        JsonNode usage = answer.path("usage");
        return new Reply(text(answer.path("choices").path(0).path("message").get("content"),
                "choices[0].message.content"), usage.path("prompt_tokens").asLong(0),
                usage.path("completion_tokens").asLong(0));
    }
}
