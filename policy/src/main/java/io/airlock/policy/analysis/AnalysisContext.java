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
 * @param workingDirectory where relative paths resolve (the first root unless a tool names another directory)
 */
public record AnalysisContext(List<Path> workspaceRoots, Path home, Set<String> allowedHosts,
                              Path workingDirectory) {

    public AnalysisContext {
        workspaceRoots = workspaceRoots.stream().map(p -> p.toAbsolutePath().normalize()).toList();
        if (workspaceRoots.isEmpty()) {
            throw new IllegalArgumentException("workspaceRoots: empty (expected: at least the working directory)");
        }
        home = Objects.requireNonNull(home, "home").toAbsolutePath().normalize();
        allowedHosts = Set.copyOf(allowedHosts);
        workingDirectory = workingDirectory == null ? workspaceRoots.getFirst()
                : workingDirectory.toAbsolutePath().normalize();
    }

    public AnalysisContext(List<Path> workspaceRoots, Path home, Set<String> allowedHosts) {
        this(workspaceRoots, home, allowedHosts, null);
    }

    /** The same perimeter, with relative paths resolving against {@code directory}. */
    public AnalysisContext withWorkingDirectory(Path directory) {
        return new AnalysisContext(workspaceRoots, home, allowedHosts, directory);
    }
}
