package io.airlock.policy.classifier;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;

/**
 * WireMock playing a model endpoint: Ollama's /api/chat, OpenAI's /v1/chat/completions or Anthropic's /v1/messages.
 * A stub answers one stage (matched by its instructions) or any request whose prompt contains a given text.
 */
final class ModelStub {

    static final ObjectMapper JSON = new ObjectMapper();
    /** A phrase only the fast stage's instructions contain, and one only the reasoning stage's contain. */
    static final String FAST = "Decide quickly";
    static final String REASONING = "flagged this call";

    private ModelStub() {}

    static String path(ClassifierConfig.Provider provider) {
        return switch (provider) {
            case OLLAMA -> "/api/chat";
            case OPENAI -> "/v1/chat/completions";
            case ANTHROPIC -> "/v1/messages";
        };
    }

    /** A request to the provider's path whose system prompt contains {@code systemText}. */
    static MappingBuilder when(ClassifierConfig.Provider provider, String systemText) {
        String system = switch (provider) {
            case OLLAMA, OPENAI -> "$.messages[0].content";
            case ANTHROPIC -> "$.system";
        };
        return post(urlEqualTo(path(provider))).withRequestBody(matchingJsonPath(system, containing(systemText)));
    }

    /** The provider's success envelope around the model's text. */
    static ResponseDefinitionBuilder says(ClassifierConfig.Provider provider, String modelText) {
        var body = JSON.createObjectNode();
        switch (provider) {
            case OLLAMA -> {
                body.put("model", "m");
                body.putObject("message").put("role", "assistant").put("content", modelText);
                body.put("done", true).put("prompt_eval_count", 100).put("eval_count", 10);
            }
            case OPENAI -> {
                body.putArray("choices").addObject().put("index", 0).putObject("message").put("role", "assistant")
                        .put("content", modelText);
                body.putObject("usage").put("prompt_tokens", 100).put("completion_tokens", 10);
            }
            case ANTHROPIC -> {
                body.putArray("content").addObject().put("type", "text").put("text", modelText);
                body.putObject("usage").put("input_tokens", 100).put("output_tokens", 10);
            }
        }
        return okJson(body.toString());
    }

    static String verdict(String verdict, String reason) {
        return JSON.createObjectNode().put("verdict", verdict).put("reason", reason).toString();
    }

    static ResponseDefinitionBuilder status(int code, String body) {
        return aResponse().withStatus(code).withHeader("Content-Type", "application/json").withBody(body);
    }

    static WireMockServer start() {
        WireMockServer server = new WireMockServer(com.github.tomakehurst.wiremock.core.WireMockConfiguration
                .options().dynamicPort());
        server.start();
        return server;
    }
}
