package io.airlock.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.airlock.policy.classifier.ClassifierConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The {@code classifier:} section: defaults, every setting, and errors that name the field. */
class ClassifierConfigTest {

    @TempDir
    Path base;

    private AirlockConfig parse(String classifier) throws Exception {
        Files.writeString(base.resolve("airlock-policy.md"), "# policy\n");
        Files.writeString(base.resolve("AGENTS.md"), "# agents\n");
        return ConfigLoader.parse(classifier + "\nservers: {a: {command: x}}", "airlock.yaml", base);
    }

    @Test
    void offUnlessConfigured() throws Exception {
        assertThat(parse("").classifier().enabled()).isFalse();
        assertThat(parse("classifier: {enabled: false, model: m}").classifier().enabled()).isFalse();
    }

    @Test
    void aLocalOllamaNeedsOnlyAModel() throws Exception {
        ClassifierConfig c = parse("classifier: {model: 'qwen2.5:7b', policyText: airlock-policy.md}").classifier()
                .config();
        assertThat(c.provider()).isEqualTo(ClassifierConfig.Provider.OLLAMA);
        assertThat(c.endpoint().toString()).isEqualTo("http://127.0.0.1:11434");
        assertThat(c.key()).isInstanceOf(ClassifierConfig.KeySource.None.class);
        assertThat(c.fast().model()).isEqualTo("qwen2.5:7b");
        assertThat(c.reasoning().model()).isEqualTo("qwen2.5:7b");
        assertThat(c.policyText()).containsExactly(base.resolve("airlock-policy.md"));
        assertThat(c.retriesBeforeAsk()).isEqualTo(ClassifierConfig.DEFAULT_RETRIES_BEFORE_ASK);
    }

    @Test
    void everySettingIsRead() throws Exception {
        ClassifierConfig c = parse("""
                classifier:
                  provider: openai
                  endpoint: http://127.0.0.1:8000/v1
                  model: big
                  key: {env: MY_MODEL_KEY}
                  policyText: [airlock-policy.md, AGENTS.md]
                  connectTimeoutMillis: 500
                  fast: {model: small, maxTokens: 20, timeoutMillis: 1500}
                  reasoning: {maxTokens: 800, timeoutMillis: 20000}
                  cache: {ttlSeconds: 60, maxEntries: 100}
                  circuit: {windowCalls: 10, minimumCalls: 4, failureRatePercent: 60, openSeconds: 5}
                  maxConcurrent: 2
                  retriesBeforeAsk: 5
                  recentCalls: 8
                """).classifier().config();
        assertThat(c.provider()).isEqualTo(ClassifierConfig.Provider.OPENAI);
        assertThat(c.key()).isEqualTo(new ClassifierConfig.KeySource.Env("MY_MODEL_KEY"));
        assertThat(c.fast()).isEqualTo(new ClassifierConfig.Stage("small", 20, Duration.ofMillis(1500)));
        assertThat(c.reasoning()).isEqualTo(new ClassifierConfig.Stage("big", 800, Duration.ofSeconds(20)));
        assertThat(c.policyText()).hasSize(2);
        assertThat(c.cacheTtl()).isEqualTo(Duration.ofSeconds(60));
        assertThat(c.cacheSize()).isEqualTo(100);
        assertThat(c.circuit()).isEqualTo(new ClassifierConfig.Circuit(10, 4, 60f, Duration.ofSeconds(5)));
        assertThat(c.maxConcurrent()).isEqualTo(2);
        assertThat(c.retriesBeforeAsk()).isEqualTo(5);
        assertThat(c.recentCalls()).isEqualTo(8);
        assertThat(c.connectTimeout()).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void theReasoningStageCanBeTurnedOff() throws Exception {
        assertThat(parse("classifier: {model: m, reasoning: off}").classifier().config().reasoning()).isNull();
        assertThat(parse("classifier: {model: m, reasoning: {enabled: false}}").classifier().config().reasoning())
                .isNull();
    }

    @Test
    void aKeyWrittenIntoTheConfigIsRefusedWithoutEchoingIt() {
        assertThatThrownBy(() -> parse("classifier: {provider: openai, endpoint: 'https://api.openai.com', "
                + "model: m, key: sk-live-abcdef123456}"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("classifier.key")
                .hasMessageNotContaining("sk-live-abcdef123456");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "no model            | 'classifier: {provider: ollama}'                                | classifier.model: missing",
        "bad provider        | 'classifier: {provider: gemini, model: m}'                      | classifier.provider: 'gemini'",
        "openai no endpoint  | 'classifier: {provider: openai, model: m}'                      | classifier.endpoint: missing",
        "bad endpoint        | 'classifier: {endpoint: ftp://h, model: m}'                     | classifier.endpoint: 'ftp://h'",
        "missing text        | 'classifier: {model: m, policyText: [nope.md]}'                 | classifier.policyText:",
        "unknown field       | 'classifier: {model: m, temperature: 1}'                        | classifier.temperature: unknown field",
        "two key sources     | 'classifier: {model: m, key: {env: A, file: b}}'                | classifier.key: give exactly one",
        "zero retries        | 'classifier: {model: m, retriesBeforeAsk: 0}'                   | classifier.retriesBeforeAsk: 0",
        "bad stage field     | 'classifier: {model: m, fast: {tokens: 3}}'                     | classifier.fast.tokens: unknown field",
    })
    void invalidSettingsNameTheField(String name, String yaml, String expected) {
        assertThatThrownBy(() -> parse(yaml)).isInstanceOf(ConfigException.class).hasMessageContaining(expected);
    }
}
