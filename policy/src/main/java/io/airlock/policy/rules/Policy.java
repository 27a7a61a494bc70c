package io.airlock.policy.rules;

import io.airlock.policy.tags.Capability;
import java.util.ArrayList;
import java.util.List;

/**
 * A loaded, validated rule set with its revision (a content hash unless the file names one). Immutable: reloading
 * builds a new Policy and swaps the reference, so each decision sees one whole revision.
 */
public record Policy(String revision, List<Rule> rules, Action defaultAction, String source, CommitPolicy commit) {

    public Policy(String revision, List<Rule> rules, Action defaultAction, String source) {
        this(revision, rules, defaultAction, source, CommitPolicy.defaults());
    }

    public Policy {
        rules = List.copyOf(rules);
        commit = commit == null ? CommitPolicy.defaults() : commit;
        if (defaultAction == Action.ALLOW) {
            throw new IllegalArgumentException("defaultAction: allow is not permitted: an unmatched call must not "
                    + "be forwarded unexamined (use classify, ask or deny)");
        }
    }

    /** Tier 0: every rule is tested; precedence picks the winner (see {@link Precedence}). */
    public Evaluation evaluate(CallFacts call) {
        List<Rule> matched = new ArrayList<>();
        Rule best = null;
        for (Rule rule : rules) {
            if (rule.match().test(call)) {
                matched.add(rule);
                if (best == null || rule.rank() > best.rank()) {
                    best = rule;
                }
            }
        }
        Action action = best == null ? defaultAction : best.action();
        boolean hard = best != null && best.hard();
        String note = "";
        if (action == Action.ALLOW && call.tags().stream().anyMatch(t -> t.capability() == Capability.UNKNOWN)) {
            action = Action.CLASSIFY;
            note = "an unknown tool or command is never allowed at tier 0";
        }
        return new Evaluation(action, hard, best, matched, revision, note);
    }
}
