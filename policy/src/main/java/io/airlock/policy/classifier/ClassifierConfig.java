package io.airlock.policy.classifier;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Tier 2's settings ({@code classifier:} in {@code airlock.yaml}). Holds where the key comes from, never the key
 * itself, so printing a config can never leak it.
 *
 * @param provider         which API the endpoint speaks
 * @param endpoint         the server's base URL, e.g. {@code http://127.0.0.1:11434} for a local Ollama
 * @param key              where the API key comes from (environment variable or file), or {@link KeySource.None}
 * @param fast             the first stage: a short verdict that clears plainly fine calls
 * @param reasoning        the second stage for what the first flags, or null (off: the first stage's verdict stands)
 * @param connectTimeout   TCP connect timeout to the endpoint
 * @param cacheTtl         how long a verdict is reused for the same call, policy revision and policy text
 * @param cacheSize        at most this many cached verdicts
 * @param circuit          when to stop calling a failing endpoint
 * @param maxConcurrent    model requests in flight at once; more are refused at once (ask), never queued
 * @param retriesBeforeAsk after this many retry verdicts in a row in one session, the next call goes to a person
 * @param policyText       the operator's Markdown policy files, in prompt order
 * @param recentCalls      how many of the session's previous calls the model sees
 */
public record ClassifierConfig(Provider provider, URI endpoint, KeySource key, Stage fast, Stage reasoning,
                               Duration connectTimeout, Duration cacheTtl, long cacheSize, Circuit circuit,
                               int maxConcurrent, int retriesBeforeAsk, List<Path> policyText, int recentCalls) {

    /** The API an endpoint speaks. */
    public enum Provider {
        /** Ollama's {@code /api/chat}, local or cloud. */
        OLLAMA("ollama"),
        /** OpenAI-compatible {@code /v1/chat/completions}: vLLM, llama.cpp server, LM Studio, OpenAI, most hosts. */
        OPENAI("openai"),
        /** Anthropic's messages API. */
        ANTHROPIC("anthropic");

        private final String id;

        Provider(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        public static Provider of(String id) {
            for (Provider p : values()) {
                if (p.id.equals(id)) {
                    return p;
                }
            }
            throw new IllegalArgumentException("'" + id + "' (expected: ollama, openai or anthropic)");
        }
    }

    /** One stage: its model, its output budget and its own time limit. */
    public record Stage(String model, int maxTokens, Duration timeout) {
        public Stage {
            Objects.requireNonNull(model, "model");
            if (maxTokens < 1) {
                throw new IllegalArgumentException("maxTokens: " + maxTokens + " (expected: >= 1)");
            }
            Objects.requireNonNull(timeout, "timeout");
        }
    }

    /**
     * The circuit breaker: opens when {@code failureRatePercent} of the last {@code windowCalls} model requests
     * failed (after at least {@code minimumCalls}); while open every call goes to a person without a request; after
     * {@code openFor} one trial request decides whether it closes again.
     */
    public record Circuit(int windowCalls, int minimumCalls, float failureRatePercent, Duration openFor) {
        public static Circuit defaults() {
            return new Circuit(20, 5, 50f, Duration.ofSeconds(30));
        }
    }

    /** Where the API key comes from. The key is read when the classifier starts and kept out of every message. */
    public sealed interface KeySource {
        /** No key (a local Ollama or llama.cpp server). */
        record None() implements KeySource {}

        record Env(String variable) implements KeySource {
            public Env {
                Objects.requireNonNull(variable, "variable");
            }
        }

        record File(Path path) implements KeySource {
            public File {
                Objects.requireNonNull(path, "path");
            }
        }
    }

    public ClassifierConfig {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(endpoint, "endpoint");
        key = key == null ? new KeySource.None() : key;
        Objects.requireNonNull(fast, "fast");
        policyText = List.copyOf(policyText);
        circuit = circuit == null ? Circuit.defaults() : circuit;
        if (maxConcurrent < 1) {
            throw new IllegalArgumentException("maxConcurrent: " + maxConcurrent + " (expected: >= 1)");
        }
        if (retriesBeforeAsk < 1) {
            throw new IllegalArgumentException("retriesBeforeAsk: " + retriesBeforeAsk + " (expected: >= 1)");
        }
    }

    /** Settings with the defaults for everything but the provider, endpoint, model and policy text. */
    public static ClassifierConfig defaults(Provider provider, URI endpoint, String model, List<Path> policyText) {
        return new ClassifierConfig(provider, endpoint, new KeySource.None(),
                new Stage(model, DEFAULT_FAST_TOKENS, DEFAULT_FAST_TIMEOUT),
                new Stage(model, DEFAULT_REASONING_TOKENS, DEFAULT_REASONING_TIMEOUT), DEFAULT_CONNECT_TIMEOUT,
                DEFAULT_CACHE_TTL, DEFAULT_CACHE_SIZE, Circuit.defaults(), DEFAULT_MAX_CONCURRENT,
                DEFAULT_RETRIES_BEFORE_ASK, policyText, DEFAULT_RECENT_CALLS);
    }

    public static final int DEFAULT_FAST_TOKENS = 64;
    public static final Duration DEFAULT_FAST_TIMEOUT = Duration.ofSeconds(5);
    public static final int DEFAULT_REASONING_TOKENS = 400;
    public static final Duration DEFAULT_REASONING_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
    public static final Duration DEFAULT_CACHE_TTL = Duration.ofMinutes(10);
    public static final long DEFAULT_CACHE_SIZE = 10_000;
    public static final int DEFAULT_MAX_CONCURRENT = 4;
    public static final int DEFAULT_RETRIES_BEFORE_ASK = 3;
    public static final int DEFAULT_RECENT_CALLS = 5;

    public ClassifierConfig withPolicyText(List<Path> files) {
        return new ClassifierConfig(provider, endpoint, key, fast, reasoning, connectTimeout, cacheTtl, cacheSize,
                circuit, maxConcurrent, retriesBeforeAsk, files, recentCalls);
    }

    public ClassifierConfig withKey(KeySource source) {
        return new ClassifierConfig(provider, endpoint, source, fast, reasoning, connectTimeout, cacheTtl, cacheSize,
                circuit, maxConcurrent, retriesBeforeAsk, policyText, recentCalls);
    }

    public ClassifierConfig withStages(Stage first, Stage second) {
        return new ClassifierConfig(provider, endpoint, key, first, second, connectTimeout, cacheTtl, cacheSize,
                circuit, maxConcurrent, retriesBeforeAsk, policyText, recentCalls);
    }

    public ClassifierConfig withCircuit(Circuit breaker) {
        return new ClassifierConfig(provider, endpoint, key, fast, reasoning, connectTimeout, cacheTtl, cacheSize,
                breaker, maxConcurrent, retriesBeforeAsk, policyText, recentCalls);
    }

    public ClassifierConfig withMaxConcurrent(int n) {
        return new ClassifierConfig(provider, endpoint, key, fast, reasoning, connectTimeout, cacheTtl, cacheSize,
                circuit, n, retriesBeforeAsk, policyText, recentCalls);
    }

    public ClassifierConfig withRetriesBeforeAsk(int n) {
        return new ClassifierConfig(provider, endpoint, key, fast, reasoning, connectTimeout, cacheTtl, cacheSize,
                circuit, maxConcurrent, n, policyText, recentCalls);
    }

    public ClassifierConfig withCache(Duration ttl, long size) {
        return new ClassifierConfig(provider, endpoint, key, fast, reasoning, connectTimeout, ttl, size,
                circuit, maxConcurrent, retriesBeforeAsk, policyText, recentCalls);
    }
}
