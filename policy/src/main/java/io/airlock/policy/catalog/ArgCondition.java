package io.airlock.policy.catalog;

import io.airlock.policy.tags.Tag;
import java.util.List;
import java.util.Objects;

/**
 * A variant of a tool selected by an argument's value, e.g. {@code git_reset} with {@code mode: hard} or
 * {@code create_gist} with {@code public: true}: when any value at {@code pointer} equals one of {@code values}
 * (compared as text: {@code true}, {@code hard}, {@code 3}), the call also has {@code tags} and its {@code args} are
 * analysed too.
 */
public record ArgCondition(String pointer, List<String> values, List<Tag> tags, List<ArgSpec> args) {
    public ArgCondition {
        Objects.requireNonNull(pointer, "pointer");
        if (!pointer.startsWith("/")) {
            throw new IllegalArgumentException("pointer: '" + pointer + "' (expected: a JSON pointer such as /mode)");
        }
        values = List.copyOf(values);
        tags = List.copyOf(tags);
        args = List.copyOf(args);
    }
}
