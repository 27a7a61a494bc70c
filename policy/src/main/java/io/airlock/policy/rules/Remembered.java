package io.airlock.policy.rules;

/**
 * Approvals an operator chose to remember. Consulted after tier 0 for calls that are not hard and not denied: a match
 * turns ask, classify or sandbox into allow. Hard boundaries are never remembered (they stay per call), and an
 * explicit deny rule is never overridden; see {@link Precedence}.
 */
public interface Remembered {

    /** The remembered rule that approves this call, or null. */
    Rule approves(CallFacts facts, String sessionId);

    Remembered NONE = (facts, sessionId) -> null;
}
