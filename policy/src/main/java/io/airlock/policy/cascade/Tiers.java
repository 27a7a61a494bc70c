package io.airlock.policy.cascade;

import io.airlock.policy.Decision;
import io.airlock.policy.rules.Evaluation;
import io.airlock.policy.tags.Tag;
import java.util.List;
import java.util.concurrent.CompletionStage;

/** The slow tiers the cascade can hand a call to. Each may be absent; then the call passes on. */
public final class Tiers {

    private Tiers() {}

    /** Tier 1: run the call in a sandboxed twin and decide on its effects. */
    public interface Sandbox {
        /** Whether this call's server has a sandboxed twin. */
        boolean available(ToolCall call);

        CompletionStage<Decision> run(ToolCall call, List<Tag> tags, Evaluation evaluation);
    }

    /** Tier 2: a model steered by the operator's policy text. */
    public interface Classifier {
        CompletionStage<Verdict> classify(ToolCall call, List<Tag> tags, Evaluation evaluation);
    }

    /** What the classifier said. */
    public sealed interface Verdict {
        record Allow(String reason, String model) implements Verdict {}

        /** Refuse for now, with a hint towards a safer way; the agent may retry differently. */
        record Retry(String reason, String model) implements Verdict {}

        record Ask(String reason, String model) implements Verdict {}
    }

    /** Tier 3: a person approves or denies the held call. */
    public interface Operator {
        CompletionStage<Decision> hold(ToolCall call, List<Tag> tags, Evaluation evaluation, String why);

        /**
         * A sandboxed run's effects for a person to commit (an {@code Allow}) or discard (a {@code Deny}). An operator
         * tier that cannot show effects discards them: never commit what nobody saw.
         */
        default CompletionStage<Decision> review(ToolCall call, List<Tag> tags, Evaluation evaluation, String why,
                                                 EffectReview effects) {
            return java.util.concurrent.CompletableFuture.completedFuture(new Decision.Deny("its sandboxed run "
                    + "changed files that need a person's review (" + why + "), and no operator can review them here,"
                    + " so the changes were discarded", "Ask the user to run it or to change the policy.",
                    "sandbox-review-unavailable"));
        }
    }

    /**
     * The effects of a sandboxed run, as a person reviews them.
     *
     * @param summary one line per change ("modified src/a.txt (120 bytes)")
     * @param diff    a unified diff of the changes against the real workspace, bounded in size
     * @param digest  SHA-256 of the change set: an approval names it, so it commits exactly what was shown
     */
    public record EffectReview(List<String> summary, String diff, String digest) {
        public EffectReview {
            summary = List.copyOf(summary);
            java.util.Objects.requireNonNull(diff, "diff");
            java.util.Objects.requireNonNull(digest, "digest");
        }
    }
}
