package io.airlock.policy.tags;

import java.util.Objects;

/**
 * One capability a call has, with where it lands and the evidence that produced it (shown by {@code airlock explain}
 * and kept in receipts), e.g. {@code delete:outside <- rm -rf ~/old}.
 */
public record Tag(Capability capability, Scope scope, String evidence) {

    public Tag {
        Objects.requireNonNull(capability, "capability");
        Objects.requireNonNull(scope, "scope");
        evidence = evidence == null ? "" : evidence;
    }

    public static Tag of(Capability capability, String evidence) {
        return new Tag(capability, Scope.NONE, evidence);
    }

    public static Tag of(Capability capability, Scope scope, String evidence) {
        return new Tag(capability, scope, evidence);
    }

    /** {@code capability} or {@code capability:scope}. */
    public String label() {
        return scope == Scope.NONE ? capability.id() : capability.id() + ":" + scope.id();
    }

    @Override
    public String toString() {
        return label() + (evidence.isEmpty() ? "" : " <- " + evidence);
    }
}
