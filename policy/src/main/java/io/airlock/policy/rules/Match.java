package io.airlock.policy.rules;

import io.airlock.policy.Glob;
import io.airlock.policy.tags.Tag;
import java.util.List;

/**
 * The conditions of a rule; every condition given must hold (an empty list is no condition).
 *
 * @param anyTags  at least one of the call's tags matches one of these
 * @param allTags  each of these matches at least one of the call's tags
 * @param noTags   none of the call's tags matches any of these
 * @param onlyTags every one of the call's tags matches one of these (true for a call without tags)
 */
public record Match(List<Glob> servers, List<String> kinds, List<Glob> tools, List<Glob> agents,
                    List<TagPattern> anyTags, List<TagPattern> allTags, List<TagPattern> noTags,
                    List<TagPattern> onlyTags, List<ArgPredicate> args) {

    public Match {
        servers = List.copyOf(servers);
        kinds = List.copyOf(kinds);
        tools = List.copyOf(tools);
        agents = List.copyOf(agents);
        anyTags = List.copyOf(anyTags);
        allTags = List.copyOf(allTags);
        noTags = List.copyOf(noTags);
        onlyTags = List.copyOf(onlyTags);
        args = List.copyOf(args);
    }

    public boolean test(CallFacts call) {
        if (!servers.isEmpty() && servers.stream().noneMatch(g -> g.matches(call.server()))) {
            return false;
        }
        if (!kinds.isEmpty() && (call.kind() == null || !kinds.contains(call.kind()))) {
            return false;
        }
        if (!tools.isEmpty() && tools.stream().noneMatch(g -> g.matches(call.tool()))) {
            return false;
        }
        if (!agents.isEmpty() && agents.stream().noneMatch(g -> g.matches(call.agent()))) {
            return false;
        }
        List<Tag> tags = call.tags();
        if (!anyTags.isEmpty() && tags.stream().noneMatch(t -> anyTags.stream().anyMatch(p -> p.matches(t)))) {
            return false;
        }
        for (TagPattern pattern : allTags) {
            if (tags.stream().noneMatch(pattern::matches)) {
                return false;
            }
        }
        if (tags.stream().anyMatch(t -> noTags.stream().anyMatch(p -> p.matches(t)))) {
            return false;
        }
        if (!onlyTags.isEmpty() && !tags.stream().allMatch(t -> onlyTags.stream().anyMatch(p -> p.matches(t)))) {
            return false;
        }
        for (ArgPredicate predicate : args) {
            if (!predicate.test(call.arguments())) {
                return false;
            }
        }
        return true;
    }
}
