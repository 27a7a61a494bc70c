package io.airlock.policy;

import java.util.List;

/**
 * An allowlist and a denylist of name patterns. The denylist wins; a non-empty allowlist admits only what it names.
 */
public record NameLists(List<Glob> allow, List<Glob> deny) {

    public static final NameLists OPEN = new NameLists(List.of(), List.of());

    public NameLists {
        allow = List.copyOf(allow);
        deny = List.copyOf(deny);
    }

    public static NameLists of(List<String> allow, List<String> deny) {
        return new NameLists(allow.stream().map(Glob::of).toList(), deny.stream().map(Glob::of).toList());
    }

    /** The deny entry matching {@code name}, or null. */
    Glob denying(String name) {
        for (Glob glob : deny) {
            if (glob.matches(name)) {
                return glob;
            }
        }
        return null;
    }

    /** Whether the allowlist admits {@code name} (an empty allowlist admits everything). */
    boolean admits(String name) {
        return allow.isEmpty() || admitting(name) != null;
    }

    /** The allow entry matching {@code name}, or null (also when the allowlist is empty). */
    Glob admitting(String name) {
        for (Glob glob : allow) {
            if (glob.matches(name)) {
                return glob;
            }
        }
        return null;
    }
}
