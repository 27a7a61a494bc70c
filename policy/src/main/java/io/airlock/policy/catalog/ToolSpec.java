package io.airlock.policy.catalog;

import io.airlock.policy.tags.Tag;
import java.util.List;

/** A tool the catalog knows: the tags it always has, and the arguments to analyse. */
public record ToolSpec(String name, List<Tag> baseTags, List<ArgSpec> args) {
    public ToolSpec {
        baseTags = List.copyOf(baseTags);
        args = List.copyOf(args);
    }
}
