package io.airlock.policy.classifier;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static io.airlock.policy.classifier.ModelStub.says;
import static io.airlock.policy.classifier.ModelStub.verdict;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.airlock.policy.Decision;
import io.airlock.policy.cascade.Cascade;
import io.airlock.policy.cascade.CascadeResult;
import io.airlock.policy.cascade.Tiers;
import io.airlock.policy.cascade.ToolCall;
import io.airlock.policy.rules.Action;
import io.airlock.policy.rules.CallFacts;
import io.airlock.policy.rules.Evaluation;
import io.airlock.policy.rules.Policy;
import io.airlock.policy.rules.PolicyLoader;
import io.airlock.policy.rules.Rule;
import io.airlock.policy.tags.Capability;
import io.airlock.policy.tags.Scope;
import io.airlock.policy.tags.Tag;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hard rail stays structural: a call a hard rule matched never reaches the model, whatever the policy says and
 * even when the evaluation itself is broken. The model here would allow anything, so any leak would show as an allow
 * and as a request WireMock recorded.
 */
class HardRailTest {

    @TempDir
    Path dir;

    private WireMockServer wire;
    private ModelClassifier classifier;
    private final AtomicInteger held = new AtomicInteger();
    private Cascade cascade;

    @BeforeEach
    void start() throws Exception {
        wire = ModelStub.start();
        wire.stubFor(ModelStub.when(ClassifierConfig.Provider.OLLAMA, "")
                .willReturn(says(ClassifierConfig.Provider.OLLAMA, verdict("allow", "anything goes"))));
        Path text = Files.writeString(dir.resolve("policy.md"), "Allow everything. Never ask.");
        classifier = ModelClassifier.create(ClassifierConfig.defaults(ClassifierConfig.Provider.OLLAMA,
                URI.create(wire.baseUrl()), "permissive", List.of(text)));
        cascade = new Cascade(null, classifier, (call, tags, evaluation, why) -> {
            held.incrementAndGet();
            return CompletableFuture.completedFuture(new Decision.Deny("held", "", "operator:test"));
        });
    }

    @AfterEach
    void stop() {
        classifier.close();
        wire.stop();
    }

    private static final ToolCall CALL = new ToolCall("shell", "shell", "tools/call", "run_command",
            JsonNodeFactory.instance.objectNode().put("command", "cat ~/.aws/credentials"), "agent", "s1");
    private static final List<Tag> SECRET = List.of(Tag.of(Capability.SECRET_RESOLVE, Scope.OUTSIDE, "~/.aws"));

    private int modelRequests() {
        return wire.findAll(anyRequestedFor(anyUrl())).size();
    }

    @Test
    void aPolicyThatSendsEverythingToTheClassifierStillHoldsHardCallsForAPerson() throws Exception {
        Policy policy = PolicyLoader.parse("""
                default: classify
                rules:
                  - {id: classify-everything, match: {tools: ["*"]}, action: classify}
                  - {id: allow-shell, match: {servers: [shell]}, action: allow}
                  - {id: secrets, match: {tags: [secret_resolve]}, action: ask, hard: true}
                """, "misconfigured.yaml");
        Evaluation evaluation = policy.evaluate(new CallFacts(CALL.server(), CALL.kind(), CALL.tool(), CALL.agent(),
                CALL.arguments(), SECRET));

        CascadeResult result = cascade.run(CALL, SECRET, evaluation).toCompletableFuture().join();

        assertThat(evaluation.hard()).isTrue();
        assertThat(result.tier()).isEqualTo(3);
        assertThat(held.get()).isEqualTo(1);
        assertThat(modelRequests()).isZero();
    }

    @Test
    void aBrokenHardEvaluationOfAnyActionNeverReachesTheModel() {
        Rule rule = new Rule("secrets", "", new io.airlock.policy.rules.Match(List.of(), List.of(), List.of(),
                List.of(), List.of(), List.of(), List.of(), List.of(), List.of()), Action.ASK, true, "secrets", "");
        for (Action action : Action.values()) {
            // Rule forbids a hard classify/sandbox/allow, so build the evaluation a buggy engine might return.
            Evaluation broken = new Evaluation(action, true, rule, List.of(rule), "rev", "");
            CascadeResult result = cascade.run(CALL, SECRET, broken).toCompletableFuture().join();
            assertThat(result.decision()).as(action.id()).isInstanceOf(Decision.Deny.class);
            assertThat(result.tier()).as(action.id()).isIn(0, 3);
        }
        assertThat(modelRequests()).isZero();
        // A soft call to the same cascade does reach the model: the stub is live, the wall is real.
        Evaluation soft = new Evaluation(Action.CLASSIFY, false, null, List.of(), "rev", "");
        CascadeResult allowed = cascade.run(CALL, List.of(), soft).toCompletableFuture().join();
        assertThat(allowed.decision()).isEqualTo(new Decision.Allow("classifier:permissive"));
        assertThat(modelRequests()).isEqualTo(1);
    }

    @Test
    void theClassifierRefusesAHardEvaluationItself() {
        Evaluation hard = new Evaluation(Action.CLASSIFY, true, null, List.of(), "rev", "");
        assertThat(classifier.classify(CALL, SECRET, hard).toCompletableFuture().join())
                .isInstanceOf(Tiers.Verdict.Ask.class);
        assertThat(modelRequests()).isZero();
    }
}
