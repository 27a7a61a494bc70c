package io.airlock.policy.rules;

import io.airlock.policy.tags.Capability;
import io.airlock.policy.tags.Scope;
import io.airlock.policy.tags.Tag;

/**
 * {@code capability} or {@code capability:scope} in a rule. A pattern without scope matches any scope; {@code :outside}
 * also matches {@code unknown} (a location nobody could determine is treated as outside).
 */
public record TagPattern(Capability capability, Scope scope) {

    public static TagPattern parse(String text) {
        int colon = text.indexOf(':');
        String id = colon < 0 ? text : text.substring(0, colon);
        Capability capability = Capability.fromId(id);
        if (capability == null) {
            throw new IllegalArgumentException("unknown capability '" + id + "' (expected one of "
                    + java.util.Arrays.stream(Capability.values()).map(Capability::id).toList() + ")");
        }
        if (colon < 0) {
            return new TagPattern(capability, null);
        }
        String scopeId = text.substring(colon + 1);
        for (Scope scope : Scope.values()) {
            if (scope.id().equals(scopeId) && scope != Scope.NONE) {
                return new TagPattern(capability, scope);
            }
        }
        throw new IllegalArgumentException("unknown scope '" + scopeId + "' in '" + text
                + "' (expected inside, outside or unknown)");
    }

    public boolean matches(Tag tag) {
        if (tag.capability() != capability) {
            return false;
        }
        if (scope == null || tag.scope() == scope) {
            return true;
        }
        return scope == Scope.OUTSIDE && tag.scope() == Scope.UNKNOWN;
    }

    @Override
    public String toString() {
        return scope == null ? capability.id() : capability.id() + ":" + scope.id();
    }
}
