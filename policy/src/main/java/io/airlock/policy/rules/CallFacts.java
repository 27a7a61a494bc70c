package io.airlock.policy.rules;

import com.fasterxml.jackson.databind.JsonNode;
import io.airlock.policy.tags.Tag;
import java.util.List;

/** What rules match on: the call and the tags tagging gave it. */
public record CallFacts(String server, String kind, String tool, String agent, JsonNode arguments, List<Tag> tags) {
    public CallFacts {
        tags = List.copyOf(tags);
    }
}
