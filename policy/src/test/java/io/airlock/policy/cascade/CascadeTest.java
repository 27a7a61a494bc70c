package io.airlock.policy.cascade;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.airlock.policy.Decision;
import io.airlock.policy.rules.CallFacts;
import io.airlock.policy.rules.Evaluation;
import io.airlock.policy.rules.Policy;
import io.airlock.policy.rules.PolicyLoader;
import io.airlock.policy.tags.Capability;
import io.airlock.policy.tags.Tag;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CascadeTest {

    private static final Policy POLICY = PolicyLoader.builtinDefault();
    private static final ToolCall CALL = new ToolCall("shell", "shell", "tools/call", "run_command",
            JsonNodeFactory.instance.objectNode().put("command", "x"), "agent", "s1");

    private final AtomicInteger sandboxCalls = new AtomicInteger();
    private final AtomicInteger classifierCalls = new AtomicInteger();
    private final AtomicInteger operatorCalls = new AtomicInteger();

    @Test
    void allowAndDenyEndAtTierZero() {
        CascadeResult allow = run(full(), List.of(Tag.of(Capability.READ_FILE, io.airlock.policy.tags.Scope.INSIDE,
                "cat a")));
        assertThat(allow.decision()).isInstanceOf(Decision.Allow.class);
        assertThat(allow.tier()).isZero();

        CascadeResult deny = run(full(), tags("remote_code exec_command"));
        assertThat(deny.decision()).isInstanceOf(Decision.Deny.class);
        assertThat(deny.tier()).isZero();
        assertThat(((Decision.Deny) deny.decision()).hint()).contains("inspect it");
        assertThat(sandboxCalls.get() + classifierCalls.get() + operatorCalls.get()).isZero();
    }

    @Test
    void hardCallsGoStraightToTheOperatorNeverToSandboxOrClassifier() {
        CascadeResult result = run(full(), tags("secret_resolve exec_command"));
        assertThat(result.tier()).isEqualTo(3);
        assertThat(result.hard()).isTrue();
        assertThat(operatorCalls.get()).isEqualTo(1);
        assertThat(sandboxCalls.get()).isZero();
        assertThat(classifierCalls.get()).isZero();
    }

    @Test
    void sandboxedWorkRunsAtTierOne() {
        CascadeResult result = run(full(), tags("exec_command"));
        assertThat(result.tier()).isEqualTo(1);
        assertThat(sandboxCalls.get()).isEqualTo(1);
    }

    @Test
    void withoutASandboxTheCallPassesToTheClassifierThenTheOperator() {
        CascadeResult classified = run(new Cascade(null, classifier(new Tiers.Verdict.Allow("fine", "m")), operator()),
                tags("exec_command"));
        assertThat(classified.tier()).isEqualTo(2);
        assertThat(classified.decision()).isInstanceOf(Decision.Allow.class);

        CascadeResult held = run(new Cascade(null, null, operator()), tags("exec_command"));
        assertThat(held.tier()).isEqualTo(3);
        assertThat(held.path()).anyMatch(p -> p.contains("no sandboxed twin"))
                .anyMatch(p -> p.contains("no classifier"));
    }

    @Test
    void classifierVerdictsAndFailuresAreHandled() {
        CascadeResult retry = run(new Cascade(null, classifier(new Tiers.Verdict.Retry("use a mirror", "m")),
                operator()), tags("network_egress"));
        assertThat(retry.decision()).isInstanceOfSatisfying(Decision.Deny.class,
                d -> assertThat(d.reason()).isEqualTo("use a mirror"));
        assertThat(retry.tier()).isEqualTo(2);

        CascadeResult ask = run(new Cascade(null, classifier(new Tiers.Verdict.Ask("unsure", "m")), operator()),
                tags("network_egress"));
        assertThat(ask.tier()).isEqualTo(3);

        Tiers.Classifier broken = (c, t, e) -> {
            throw new IllegalStateException("model down");
        };
        CascadeResult failed = run(new Cascade(null, broken, operator()), tags("network_egress"));
        assertThat(failed.tier()).isEqualTo(3);
        assertThat(failed.path()).anyMatch(p -> p.contains("classifier failed") && p.contains("model down"));

        Tiers.Classifier failing = (c, t, e) -> CompletableFuture.failedFuture(new RuntimeException("timeout"));
        assertThat(run(new Cascade(null, failing, operator()), tags("network_egress")).tier()).isEqualTo(3);
    }

    @Test
    void withoutAnOperatorAHeldCallIsDeniedWithAClearMessage() {
        CascadeResult result = run(new Cascade(null, null, null), tags("deploy"));
        assertThat(result.decision()).isInstanceOfSatisfying(Decision.Deny.class,
                d -> assertThat(d.reason()).contains("needs a person's approval", "no operator is connected"));
        assertThat(result.tier()).isEqualTo(3);
    }

    @Test
    void anOperatorFailureIsADenial() {
        Tiers.Operator broken = (c, t, e, w) -> CompletableFuture.failedFuture(new RuntimeException("queue full"));
        CascadeResult result = run(new Cascade(null, null, broken), tags("deploy"));
        assertThat(result.decision()).isInstanceOfSatisfying(Decision.Deny.class,
                d -> assertThat(d.reason()).contains("queue full"));
    }

    @Test
    void aSandboxFailureGoesToTheOperator() {
        Tiers.Sandbox broken = new Tiers.Sandbox() {
            @Override
            public boolean available(ToolCall call) {
                return true;
            }

            @Override
            public java.util.concurrent.CompletionStage<Decision> run(ToolCall c, List<Tag> t, Evaluation e) {
                return CompletableFuture.failedFuture(new RuntimeException("bwrap missing"));
            }
        };
        CascadeResult result = run(new Cascade(broken, null, operator()), tags("exec_command"));
        assertThat(result.tier()).isEqualTo(3);
        assertThat(operatorCalls.get()).isEqualTo(1);
    }

    private CascadeResult run(Cascade cascade, List<Tag> tags) {
        Evaluation evaluation = POLICY.evaluate(new CallFacts(CALL.server(), CALL.kind(), CALL.tool(), CALL.agent(),
                CALL.arguments(), tags));
        return cascade.run(CALL, tags, evaluation).toCompletableFuture().join();
    }

    private Cascade full() {
        return new Cascade(sandbox(), classifier(new Tiers.Verdict.Allow("ok", "m")), operator());
    }

    private Tiers.Sandbox sandbox() {
        return new Tiers.Sandbox() {
            @Override
            public boolean available(ToolCall call) {
                return true;
            }

            @Override
            public java.util.concurrent.CompletionStage<Decision> run(ToolCall c, List<Tag> t, Evaluation e) {
                sandboxCalls.incrementAndGet();
                return CompletableFuture.completedFuture(new Decision.Allow("sandbox"));
            }
        };
    }

    private Tiers.Classifier classifier(Tiers.Verdict verdict) {
        return (c, t, e) -> {
            classifierCalls.incrementAndGet();
            return CompletableFuture.completedFuture(verdict);
        };
    }

    private Tiers.Operator operator() {
        return (c, t, e, why) -> {
            operatorCalls.incrementAndGet();
            return CompletableFuture.completedFuture(new Decision.Deny("operator said no", "", "operator:test"));
        };
    }

    private static List<Tag> tags(String ids) {
        return java.util.Arrays.stream(ids.split("\\s+")).map(id -> Tag.of(Capability.fromId(id), "t")).toList();
    }
}
