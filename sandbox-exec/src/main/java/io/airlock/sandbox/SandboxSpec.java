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
 * @param cpuSeconds      CPU time limit (RLIMIT_CPU)
 * @param memoryBytes     address-space limit (RLIMIT_AS)
 * @param wallClock       the run is killed after this long
 * @param maxOutputBytes  stdout and stderr are each kept up to this size (the rest is read and dropped)
 */
public record SandboxSpec(Map<String, String> environment, List<Path> hidden, long cpuSeconds, long memoryBytes,
                          Duration wallClock, int maxOutputBytes) {

    public SandboxSpec {
        environment = Map.copyOf(environment);
        hidden = List.copyOf(hidden);
    }

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
                1 << 20);
    }
}
