package io.airlock.policy.cascade;

import io.airlock.policy.Decision;
import io.airlock.policy.rules.Evaluation;
import io.airlock.policy.tags.Tag;
import java.util.List;

/**
 * The outcome of the cascade for one call: the decision, the tier that made it, and the path through the tiers in
 * words (for {@code airlock explain} and receipts).
 */
public record CascadeResult(Decision decision, int tier, boolean hard, List<Tag> tags, Evaluation evaluation,
                            List<String> path) {
    public CascadeResult {
        tags = List.copyOf(tags);
        path = List.copyOf(path);
    }
}
