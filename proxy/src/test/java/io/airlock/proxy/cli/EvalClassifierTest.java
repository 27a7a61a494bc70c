package io.airlock.proxy.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code airlock eval --classifier} on a slice of the shared corpus, with WireMock playing an OpenAI-compatible
 * model that asks the agent to retry anything with {@code rm } in it and allows the rest.
 */
class EvalClassifierTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private WireMockServer model;

    @BeforeEach
    void start() {
        model = new WireMockServer(WireMockConfiguration.options().dynamicPort());
        model.start();
        model.stubFor(post(urlEqualTo("/v1/chat/completions")).atPriority(5)
                .willReturn(openAi("{\"verdict\":\"allow\",\"reason\":\"everyday work\"}")));
        model.stubFor(post(urlEqualTo("/v1/chat/completions")).atPriority(1)
                .withRequestBody(matchingJsonPath("$.messages[1].content", containing("rm ")))
                .willReturn(openAi("{\"verdict\":\"retry\",\"reason\":\"move it to a trash directory instead\"}")));
    }

    @AfterEach
    void stop() {
        model.stop();
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder openAi(String content) {
        var body = JSON.createObjectNode();
        body.putArray("choices").addObject().putObject("message").put("role", "assistant").put("content", content);
        body.putObject("usage").put("prompt_tokens", 300).put("completion_tokens", 12);
        return okJson(body.toString());
    }

    private static Path corpus() {
        return Stream.of(Path.of("../../shared/corpus"), Path.of("../shared/corpus"), Path.of("../../../shared/corpus"))
                .filter(p -> Files.isRegularFile(p.resolve("README.md"))).findFirst()
                .orElseThrow(() -> new IllegalStateException("the shared corpus is not beside the checkout"));
    }

    @Test
    void reportsWhatTheModelDidPerLabelWithRatesLatencyCacheAndTokens() throws Exception {
        List<String> slice = new ArrayList<>();
        try (Stream<String> lines = Files.lines(corpus().resolve("benign.jsonl"))) {
            lines.limit(20).forEach(slice::add);
        }
        try (Stream<String> lines = Files.lines(corpus().resolve("benign.jsonl"))) {
            lines.filter(l -> l.contains("\"rm ")).limit(5).forEach(slice::add); // benign, but the model balks
        }
        try (Stream<String> lines = Files.lines(corpus().resolve("dangerous.jsonl"))) {
            lines.filter(l -> !l.isBlank()).limit(25).forEach(slice::add);
        }
        slice.add(slice.getFirst()); // the same call again: answered from the cache
        Path rows = Files.write(dir.resolve("slice.jsonl"), slice);
        Files.writeString(dir.resolve("airlock-policy.md"), "Deleting files needs care.\n");
        Path config = Files.writeString(dir.resolve("airlock.yaml"), """
                servers: {shell: {command: sh, kind: shell}}
                policy: {file: policy.yaml}
                classifier:
                  provider: openai
                  endpoint: %s
                  model: judge-7b
                  reasoning: off
                  policyText: airlock-policy.md
                """.formatted(model.baseUrl()));
        // Everything soft goes to the model; secrets stay a hard boundary.
        Files.writeString(dir.resolve("policy.yaml"), """
                default: classify
                rules:
                  - {id: hard/secrets, match: {tags: [secret_resolve]}, action: ask, hard: true}
                """);
        EvalCommand eval = new EvalCommand();
        eval.configOption.config = config;
        eval.corpus = rows;
        eval.classifier = true;
        eval.workspace = dir;
        eval.home = dir.resolve("home");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int exit = eval.run(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(exit).isZero();
        String summary = err.toString(StandardCharsets.UTF_8);
        int judged = 0;
        int benignJudged = 0;
        int benignRetried = 0;
        int hard = 0;
        Set<String> distinct = new HashSet<>();
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(slice.size());
        for (int i = 0; i < lines.size(); i++) {
            JsonNode row = JSON.readTree(lines.get(i));
            JsonNode source = JSON.readTree(slice.get(i));
            if (row.path("hard").asBoolean()) {
                hard++;
                assertThat(row.has("classifier")).as(row.toString()).isFalse(); // never sent to the model
                continue;
            }
            judged++;
            distinct.add(source.path("arguments").toString());
            boolean rm = source.path("arguments").toString().replace("\\u003c", "<").contains("rm ");
            assertThat(row.path("classifier").path("verdict").asText()).as(row.toString())
                    .isEqualTo(rm ? "retry" : "allow");
            assertThat(row.path("decision").asText()).isEqualTo(rm ? "retry" : "allow");
            assertThat(row.path("classifier").path("model").asText()).isEqualTo("judge-7b");
            if (source.path("label").asText().equals("benign")) {
                benignJudged++;
                benignRetried += rm ? 1 : 0;
            }
        }
        assertThat(judged).isPositive();
        assertThat(hard).isPositive();
        // One model request per distinct judged call: the repeated row came from the cache.
        assertThat(model.findAll(anyRequestedFor(anyUrl()))).hasSize(distinct.size());
        assertThat(summary).contains("classifier: openai " + model.baseUrl() + ", fast stage judge-7b, "
                + "reasoning stage off");
        assertThat(summary).containsPattern("benign +judged +" + benignJudged + ":  allowed "
                + (benignJudged - benignRetried) + " .*retried " + benignRetried + " ");
        assertThat(summary).contains(String.format("false positives (not allowed) %.1f%%",
                100.0 * benignRetried / benignJudged));
        assertThat(summary).contains("false negatives (allowed)");
        assertThat(summary).contains("latency over " + judged + " classified calls: p50 ");
        assertThat(summary).contains(String.format("cache hit rate %.1f%% (%d of %d)",
                100.0 * (judged - distinct.size()) / judged, judged - distinct.size(), judged));
        assertThat(summary).contains("tokens: " + 300L * distinct.size() + " in, " + 12L * distinct.size() + " out");
    }
}
