package io.airlock.policy.catalog;

import java.util.Objects;

/**
 * One analysed argument: where it is ({@code pointer}, a JSON pointer into the arguments; {@code *} as a segment
 * means every element of an array or every value of an object) and what it means.
 */
public record ArgSpec(String pointer, ArgRole role) {
    public ArgSpec {
        Objects.requireNonNull(pointer, "pointer");
        Objects.requireNonNull(role, "role");
        if (!pointer.startsWith("/")) {
            throw new IllegalArgumentException("pointer: '" + pointer + "' (expected: a JSON pointer such as /path)");
        }
    }
}
