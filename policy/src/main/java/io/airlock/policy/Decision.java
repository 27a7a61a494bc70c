package io.airlock.policy;

import java.util.Objects;

/**
 * What the gate decided for one call. A closed set: the relay handles every variant, and a new variant is a compile
 * error everywhere it must be handled.
 */
public sealed interface Decision {

    /** The id of the rule (or list entry) that decided, for receipts and error messages. */
    String rule();

    /** Forward the call upstream as it is. */
    record Allow(String rule) implements Decision {
        public Allow {
            Objects.requireNonNull(rule, "rule");
        }
    }

    /**
     * Refuse the call. The agent receives {@code reason} and {@code hint} as a tool error it can act on.
     *
     * @param hint a safer path the agent could take, or empty
     */
    record Deny(String reason, String hint, String rule) implements Decision {
        public Deny {
            Objects.requireNonNull(reason, "reason");
            hint = hint == null ? "" : hint;
            Objects.requireNonNull(rule, "rule");
        }

        /** The text the agent sees. */
        public String message() {
            return "Airlock denied this call: " + reason + (hint.isEmpty() ? "" : "\n" + hint);
        }
    }

    /**
     * Answer the call with a result a tier already produced, instead of forwarding it: a sandboxed twin ran the call
     * and its effects were committed to the real workspace. Forwarding it as well would run it twice.
     *
     * @param result the JSON-RPC {@code result} object as the twin's server encoded it
     * @param note   what happened to the effects, for receipts and the operator ("committed 3 files")
     */
    record Answer(String result, String rule, String note) implements Decision {
        public Answer {
            Objects.requireNonNull(result, "result");
            Objects.requireNonNull(rule, "rule");
            note = note == null ? "" : note;
        }
    }
}
