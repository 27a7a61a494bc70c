package io.airlock.policy.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.airlock.policy.tags.Tag;
import java.util.ArrayList;
import java.util.List;

/**
 * A tool the catalog knows: the tags it always has, the arguments to analyse, and the variants selected by argument
 * values ({@code when}).
 *
 * <p>A call's tags are {@link #baseTags()} + {@link #conditionalTags(JsonNode)} + the analysis of each of
 * {@link #argValues(JsonNode)} by its role. A tool with no base tags, no args and no conditions is vouched by the
 * catalog to have no capability of the taxonomy (an uncatalogued tool is {@code unknown} instead).
 */
public record ToolSpec(String name, List<Tag> baseTags, List<ArgSpec> args, List<ArgCondition> when) {
    public ToolSpec {
        baseTags = List.copyOf(baseTags);
        args = List.copyOf(args);
        when = List.copyOf(when);
    }

    public ToolSpec(String name, List<Tag> baseTags, List<ArgSpec> args) {
        this(name, baseTags, args, List.of());
    }

    /** The conditions that hold for these arguments (a JSON object; null or non-objects match nothing). */
    public List<ArgCondition> matchingConditions(JsonNode arguments) {
        List<ArgCondition> out = new ArrayList<>();
        for (ArgCondition condition : when) {
            for (ArgPointer.Match m : ArgPointer.resolve(arguments, condition.pointer())) {
                JsonNode v = m.value();
                String text = v.isValueNode() ? v.asText() : v.toString();
                if (condition.values().contains(text)) {
                    out.add(condition);
                    break;
                }
            }
        }
        return out;
    }

    /** The tags added by the conditions that hold for these arguments. */
    public List<Tag> conditionalTags(JsonNode arguments) {
        List<Tag> out = new ArrayList<>();
        for (ArgCondition condition : matchingConditions(arguments)) {
            out.addAll(condition.tags());
        }
        return out;
    }

    /**
     * The argument values to analyse: every value at each of {@link #args()} and at the args of the matching
     * conditions (wildcards expanded), or the spec's {@link ArgSpec#absent() default} when it has none.
     */
    public List<ArgValue> argValues(JsonNode arguments) {
        List<ArgSpec> specs = new ArrayList<>(args);
        for (ArgCondition condition : matchingConditions(arguments)) {
            specs.addAll(condition.args());
        }
        List<ArgValue> out = new ArrayList<>();
        for (ArgSpec spec : specs) {
            List<ArgPointer.Match> matches = ArgPointer.resolve(arguments, spec.pointer());
            if (matches.isEmpty() && spec.absent() != null) {
                out.add(new ArgValue(spec, spec.pointer(), TextNode.valueOf(spec.absent())));
            }
            for (ArgPointer.Match m : matches) {
                out.add(new ArgValue(spec, m.pointer(), m.value()));
            }
        }
        return out;
    }
}
