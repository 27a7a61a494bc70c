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
    }
}
