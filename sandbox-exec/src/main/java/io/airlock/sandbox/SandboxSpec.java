package io.airlock.sandbox;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The limits and hiding rules of one sandboxed run.
 *
 * @param environment     the whole environment the sandboxed process sees (nothing else is passed through)
 * @param hidden          paths covered by an empty tmpfs (directories) or {@code /dev/null} (files), e.g. ~/.ssh
 * @param cpuSeconds      CPU time limit per process (RLIMIT_CPU)
 * @param memoryBytes     memory limit: a memory cgroup when Airlock can create one (root), else the address-space
 *                        rlimit (which runtimes reserving address space, such as the JVM, may not start under)
 * @param wallClock       a command run is killed after this long (a twin's call has its own timeout)
 * @param maxOutputBytes  stdout and stderr are each kept up to this size (the rest is read and dropped)
 * @param maxProcesses    processes and threads at once, by a pids cgroup when Airlock can create one (root)
 */
public record SandboxSpec(Map<String, String> environment, List<Path> hidden, long cpuSeconds, long memoryBytes,
                          Duration wallClock, int maxOutputBytes, int maxProcesses) {

    public SandboxSpec {
        environment = Map.copyOf(environment);
        hidden = List.copyOf(hidden);
        if (cpuSeconds <= 0 || memoryBytes <= 0 || maxOutputBytes <= 0 || maxProcesses <= 0
                || wallClock.isNegative() || wallClock.isZero()) {
            throw new IllegalArgumentException("sandbox limits must be positive");
        }
    }

    public SandboxSpec(Map<String, String> environment, List<Path> hidden, long cpuSeconds, long memoryBytes,
                       Duration wallClock, int maxOutputBytes) {
        this(environment, hidden, cpuSeconds, memoryBytes, wallClock, maxOutputBytes, DEFAULT_MAX_PROCESSES);
    }

    public static final int DEFAULT_MAX_PROCESSES = 512;

    /** Secret locations hidden by default, under {@code home}. */
    public static List<Path> defaultHidden(Path home) {
        return List.of(home.resolve(".ssh"), home.resolve(".aws"), home.resolve(".config/gh"),
                home.resolve(".docker"), home.resolve(".kube"), home.resolve(".gnupg"), home.resolve(".netrc"),
                home.resolve(".npmrc"), home.resolve(".pypirc"), home.resolve(".git-credentials"),
                home.resolve(".config/gcloud"), home.resolve(".azure"));
    }

    /** A minimal environment, the default secret locations hidden, 60 s CPU, 2 GiB, 120 s, 1 MiB of output. */
    public static SandboxSpec defaults(Path home) {
        return new SandboxSpec(Map.of("PATH", "/usr/local/bin:/usr/bin:/bin", "HOME", home.toString(),
                "LANG", "C.UTF-8", "TERM", "dumb"), defaultHidden(home), 60, 2L << 30, Duration.ofSeconds(120),
                1 << 20, DEFAULT_MAX_PROCESSES);
    }

    public SandboxSpec withEnvironment(Map<String, String> env) {
        return new SandboxSpec(env, hidden, cpuSeconds, memoryBytes, wallClock, maxOutputBytes, maxProcesses);
    }

    public SandboxSpec withLimits(long cpuSeconds, long memoryBytes, Duration wallClock, int maxProcesses) {
        return new SandboxSpec(environment, hidden, cpuSeconds, memoryBytes, wallClock, maxOutputBytes, maxProcesses);
    }
}
