package io.airlock.policy.cascade;

import io.airlock.policy.Decision;
import io.airlock.policy.rules.Evaluation;
import io.airlock.policy.tags.Tag;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;

/**
 * Tiers that execute nothing: each stops the call where the real tier would take it, so {@code airlock eval} and
 * {@code airlock explain} run the real {@link Cascade} and report the tier a call would reach.
 */
public final class DryRun {

    /** The rule id a dry-run tier puts on its placeholder decision. */
    public static final String STOPPED = "dry-run";

    private DryRun() {}

    /** Where the call ended, in eval's words: allow, deny, sandbox, classify or ask. */
    public static String outcome(CascadeResult result) {
        return switch (result.tier()) {
            case 0 -> result.decision() instanceof Decision.Deny ? "deny" : "allow";
            case 1 -> "sandbox";
            case 2 -> "classify";
            default -> "ask";
        };
    }

    public static Cascade cascade(Predicate<ToolCall> sandboxable) {
        // The classifier stops the call at tier 2 ("classify"), resolved or not: eval does not call models.
        return cascade(sandboxable, (call, tags, evaluation) -> CompletableFuture.completedFuture(
                new Tiers.Verdict.Retry("not classified", STOPPED)));
    }

    /**
     * With a real classifier ({@code airlock eval --classifier}): tiers 0 and 2 decide for real, the sandbox and the
     * operator still execute nothing.
     */
    public static Cascade cascade(Predicate<ToolCall> sandboxable, Tiers.Classifier classifier) {
        Tiers.Sandbox sandbox = new Tiers.Sandbox() {
            @Override
            public boolean available(ToolCall call) {
                return sandboxable.test(call);
            }

            @Override
            public CompletionStage<Decision> run(ToolCall call, List<Tag> tags, Evaluation evaluation) {
                return CompletableFuture.completedFuture(new Decision.Deny("not executed", "", STOPPED));
            }
        };
        Tiers.Operator operator = (call, tags, evaluation, why) -> CompletableFuture.completedFuture(
                new Decision.Deny("not held", "", STOPPED));
        return new Cascade(sandbox, classifier, operator);
    }
}
