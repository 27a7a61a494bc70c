package io.airlock.policy.rules;

import java.util.List;

/**
 * What tier 0 concluded for a call.
 *
 * @param action   the winning action (after precedence and the unknown-never-allow rule)
 * @param hard     whether a hard rule matched: then only ask or deny are possible and the call stays at tier 0/3
 * @param deciding the rule that won, or null when the default applied
 * @param matched  every rule that matched, in file order
 * @param note     why the action differs from the deciding rule's, or empty
 */
public record Evaluation(Action action, boolean hard, Rule deciding, List<Rule> matched, String revision,
                         String note) {

    public Evaluation {
        matched = List.copyOf(matched);
        note = note == null ? "" : note;
    }

    /** The deciding rule's id, {@code default} when no rule matched. */
    public String ruleId() {
        return deciding == null ? "default" : deciding.id();
    }
}
