package io.airlock.policy.analysis;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What argument analysis needs to know about the agent's world. Nothing here is read from the live filesystem at
 * analysis time: decisions must be reproducible from the call and this context.
 *
 * @param workspaceRoots absolute, normalised directories the agent works in; the first is the working directory
 * @param home           the user's home directory (for {@code ~} and home secrets)
 * @param allowedHosts   hosts (exact or {@code *.suffix}) network access to which is expected (registries, docs)
 */
public record AnalysisContext(List<Path> workspaceRoots, Path home, Set<String> allowedHosts) {

    public AnalysisContext {
        workspaceRoots = workspaceRoots.stream().map(p -> p.toAbsolutePath().normalize()).toList();
        if (workspaceRoots.isEmpty()) {
            throw new IllegalArgumentException("workspaceRoots: empty (expected: at least the working directory)");
        }
        home = Objects.requireNonNull(home, "home").toAbsolutePath().normalize();
        allowedHosts = Set.copyOf(allowedHosts);
    }

    /** The directory relative paths resolve against. */
    public Path workingDirectory() {
        return workspaceRoots.getFirst();
    }
}
