package io.airlock.policy.catalog;

import java.util.Objects;

/**
 * One analysed argument: where it is ({@code pointer}, a JSON pointer into the arguments; {@code *} as a segment
 * means every element of an array or every value of an object) and what it means.
 *
 * @param absent the value to analyse when the argument is missing, i.e. the server's own default (e.g. {@code "."}
 *               for a repository path that defaults to the working directory); null when a missing argument is
 *               simply not analysed
 */
public record ArgSpec(String pointer, ArgRole role, String absent) {
    public ArgSpec {
        Objects.requireNonNull(pointer, "pointer");
        Objects.requireNonNull(role, "role");
        if (!pointer.startsWith("/")) {
            throw new IllegalArgumentException("pointer: '" + pointer + "' (expected: a JSON pointer such as /path)");
        }
    }

    public ArgSpec(String pointer, ArgRole role) {
        this(pointer, role, null);
    }
}
