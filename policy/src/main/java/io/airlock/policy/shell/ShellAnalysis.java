package io.airlock.policy.shell;

import io.airlock.policy.tags.Capability;
import io.airlock.policy.tags.Scope;
import io.airlock.policy.tags.Tag;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a shell command line does.
 *
 * @param command  the command line analysed
 * @param parsed   whether it parsed (false: syntax error or no parser; the tags then say {@code unknown})
 * @param tags     de-duplicated capabilities with scope and evidence; never empty for a non-blank command
 * @param commands the simple commands seen, argv after unwrapping (wrappers and inner commands both listed; words
 *                 that are not literal are rendered like {@code $dir} or {@code $(…)}), for {@code airlock explain}
 * @param error    why it did not parse, or null
 */
public record ShellAnalysis(String command, boolean parsed, List<Tag> tags, List<List<String>> commands,
        String error) {

    public ShellAnalysis {
        tags = List.copyOf(tags);
        commands = commands.stream().map(List::copyOf).toList();
    }

    /** Whether any tag has the capability. */
    public boolean has(Capability capability) {
        return tags.stream().anyMatch(t -> t.capability() == capability);
    }

    /** Whether any tag has the capability with the scope. */
    public boolean has(Capability capability, Scope scope) {
        return tags.stream().anyMatch(t -> t.capability() == capability && t.scope() == scope);
    }

    /** The distinct labels, e.g. {@code delete:outside}, in first-seen order. */
    public Set<String> labels() {
        Set<String> out = new LinkedHashSet<>();
        for (Tag t : tags) {
            out.add(t.label());
        }
        return out;
    }

    /** The distinct capabilities, in first-seen order. */
    public Set<Capability> capabilities() {
        Set<Capability> out = new LinkedHashSet<>();
        for (Tag t : tags) {
            out.add(t.capability());
        }
        return out;
    }
}
