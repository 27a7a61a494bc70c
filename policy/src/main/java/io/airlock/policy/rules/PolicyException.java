package io.airlock.policy.rules;

/** An invalid policy; the message names the file, the rule and the field. */
public final class PolicyException extends Exception {
    public PolicyException(String message) {
        super(message);
    }
}
