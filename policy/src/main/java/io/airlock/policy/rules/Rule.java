package io.airlock.policy.rules;

import java.util.Objects;

/**
 * One policy rule. {@code hard} marks a hard boundary: only {@code ask} or {@code deny} may be hard, and a call a
 * hard rule matches is decided at tier 0 and never reaches the sandbox or the classifier.
 *
 * @param reason what the agent and the operator are told when this rule decides
 * @param hint   a safer path the agent could take (denials), or empty
 */
public record Rule(String id, String description, Match match, Action action, boolean hard, String reason,
                   String hint) {

    public Rule {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(match, "match");
        Objects.requireNonNull(action, "action");
        if (hard && action != Action.ASK && action != Action.DENY) {
            throw new IllegalArgumentException("rule '" + id + "': hard: true needs action ask or deny, not "
                    + action.id());
        }
        description = description == null ? "" : description;
        reason = reason == null || reason.isBlank() ? description : reason;
        hint = hint == null ? "" : hint;
    }

    public int rank() {
        return Precedence.rank(action, hard);
    }
}
