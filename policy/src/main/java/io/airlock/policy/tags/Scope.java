package io.airlock.policy.tags;

import java.util.Locale;

/**
 * Whether an effect stays inside the perimeter the operator trusts: the workspace roots for files, the allowlisted
 * hosts for network access.
 */
public enum Scope {
    /** Not about a location. */
    NONE,
    /** Inside a workspace root; for network, an allowlisted host. */
    INSIDE,
    /** Outside every workspace root (home, system paths, other projects); for network, any other host. */
    OUTSIDE,
    /** Could not be determined (variables, command substitution): rules treat it like OUTSIDE. */
    UNKNOWN;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
