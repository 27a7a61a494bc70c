package io.airlock.policy.rules;

import java.util.Locale;

/**
 * What a rule does with a call it matches. When several rules match, precedence decides (see {@link Precedence}).
 */
public enum Action {
    /** Forward at once (tier 0). */
    ALLOW,
    /** Run in a sandboxed twin, observe, commit or discard (tier 1). */
    SANDBOX,
    /** Ask the classifier, steered by the operator's policy text (tier 2). */
    CLASSIFY,
    /** Hold for a person to decide (tier 3). */
    ASK,
    /** Refuse with a reason the agent can act on (tier 0). */
    DENY;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Action fromId(String id) {
        for (Action a : values()) {
            if (a.id().equals(id)) {
                return a;
            }
        }
        return null;
    }
}
