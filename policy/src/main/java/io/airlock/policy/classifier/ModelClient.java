package io.airlock.policy.classifier;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * One chat call to a model endpoint. An implementation per API; {@link #of} picks it from the config. Implementations
 * never block the caller (the JDK client's async send), never put the key into an exception or a log line, and fail
 * the stage with a {@link ModelException} for any HTTP error or unreadable response.
 */
public interface ModelClient {

    /**
     * @param model     the model name as the endpoint knows it
     * @param system    the instructions and the operator's policy (the same for every call, so servers can reuse
     *                  their prompt cache)
     * @param user      the data to judge, delimited
     * @param maxTokens the output budget
     * @param timeout   the request's own timeout (the time limiter around it is the one that decides)
     */
    record Request(String model, String system, String user, int maxTokens, Duration timeout) {}

    /** The model's text and the token counts from the API's usage fields (0 when the API did not say). */
    record Reply(String text, long inputTokens, long outputTokens) {}

    CompletableFuture<Reply> complete(Request request);

    static ModelClient of(ClassifierConfig.Provider provider, java.net.URI endpoint, ApiKey key, HttpClient http) {
        return switch (provider) {
            case OLLAMA -> new OllamaClient(http, endpoint, key);
            case OPENAI -> new OpenAiClient(http, endpoint, key);
            case ANTHROPIC -> new AnthropicClient(http, endpoint, key);
        };
    }
}
