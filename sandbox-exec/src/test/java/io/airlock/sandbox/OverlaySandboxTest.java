package io.airlock.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real bubblewrap, real overlayfs, real files. In CI (CI=true) a missing bubblewrap fails the build instead of
 * skipping: the sandbox's guarantees are only worth what these tests show.
 */
class OverlaySandboxTest {

    @TempDir
    Path dir;

    private Path workspace;
    private Path home;

    @BeforeEach
    void workspace() throws Exception {
        SandboxTools.requireSandbox();
        workspace = Files.createDirectories(dir.resolve("ws"));
        Files.writeString(workspace.resolve("a.txt"), "hello\n");
        Files.writeString(workspace.resolve("b.txt"), "keep\n");
        Files.createDirectories(workspace.resolve("build"));
        Files.writeString(workspace.resolve("build/old.o"), "obj\n");
        home = Files.createDirectories(dir.resolve("home"));
    }

    private SandboxRun run(String script) throws Exception {
        return run(script, SandboxSpec.defaults(home));
    }

    private SandboxRun run(String script, SandboxSpec spec) throws Exception {
        return OverlaySandbox.run(workspace, List.of("/bin/sh", "-c", script), spec, dir.resolve("scratch"));
    }

    @Test
    void changesLandInTheOverlayAndTheWorkspaceIsUntouched() throws Exception {
        SandboxRun run = run("echo new > c.txt; echo more >> a.txt; rm b.txt; rm -rf build; mkdir build;"
                + " echo obj2 > build/new.o; mkdir -p src/gen && echo x > src/gen/x.java");
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.effects().added()).containsExactlyInAnyOrder(Path.of("c.txt"), Path.of("src"),
                Path.of("src/gen"), Path.of("src/gen/x.java"), Path.of("build/new.o"));
        assertThat(run.effects().modified()).containsExactly(Path.of("a.txt"));
        assertThat(run.effects().deleted()).containsExactly(Path.of("b.txt"));
        assertThat(run.effects().replaced()).containsExactly(Path.of("build"));
        // The real workspace is as it was.
        assertThat(workspace.resolve("a.txt")).hasContent("hello");
        assertThat(workspace.resolve("b.txt")).exists();
        assertThat(workspace.resolve("c.txt")).doesNotExist();
        assertThat(workspace.resolve("build/old.o")).exists();
        assertThat(run.upper().resolve("a.txt")).hasContent("hello\nmore");
        run.discard();
        assertThat(run.overlay()).doesNotExist();
    }

    @Test
    void aRunThatChangesNothingHasAnEmptyEffectSet() throws Exception {
        SandboxRun run = run("cat a.txt; ls");
        assertThat(run.exitCode()).isZero();
        assertThat(run.stdout()).contains("hello", "b.txt", "build");
        assertThat(run.effects().isEmpty()).isTrue();
    }

    @Test
    void thereIsNoNetworkButLoopback() throws Exception {
        // /proc/net shows the reader's network namespace (/sys is the host's, bound read-only).
        SandboxRun run = run("tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '");
        assertThat(run.stdout().strip().lines().toList()).containsExactly("lo");
    }

    @Test
    void theRestOfTheFileSystemIsReadOnlyEvenForRoot() throws Exception {
        Path outside = dir.resolve("outside.txt");
        SandboxRun run = run("echo pwned > " + outside + "; echo pwned > /etc/airlock-sandbox-test;"
                + " mount -o remount,rw / 2>&1; echo done");
        assertThat(run.stdout()).contains("done");
        assertThat(outside).doesNotExist();
        assertThat(Path.of("/etc/airlock-sandbox-test")).doesNotExist();
        assertThat(run.effects().isEmpty()).isTrue();
    }

    @Test
    void secretsAreHiddenAndTheEnvironmentIsScrubbed() throws Exception {
        Files.createDirectories(home.resolve(".ssh"));
        Files.writeString(home.resolve(".ssh/id_ed25519"), "PRIVATE KEY");
        Files.writeString(home.resolve(".netrc"), "machine x password y");
        SandboxRun run = run("cat " + home + "/.ssh/id_ed25519 2>&1; cat " + home + "/.netrc; echo; env");
        assertThat(run.stdout()).doesNotContain("PRIVATE KEY", "password y");
        assertThat(run.stdout()).contains("PATH=/usr/local/bin:/usr/bin:/bin", "HOME=" + home);
        // Nothing of this JVM's environment (CI tokens, cloud credentials, ...) reaches the command.
        for (String name : System.getenv().keySet()) {
            if (!List.of("PATH", "HOME", "LANG", "TERM", "PWD", "SHLVL", "_").contains(name)) {
                assertThat(run.stdout()).doesNotContain(name + "=");
            }
        }
        assertThat(home.resolve(".ssh/id_ed25519")).hasContent("PRIVATE KEY");
    }

    @Test
    void aRunPastItsWallClockIsKilled() throws Exception {
        SandboxSpec quick = new SandboxSpec(Map.of("PATH", "/usr/bin:/bin"), List.of(), 60, 1L << 30,
                Duration.ofSeconds(1), 1 << 20);
        long start = System.nanoTime();
        SandboxRun run = run("echo started; sleep 30; echo never", quick);
        assertThat(run.timedOut()).isTrue();
        assertThat(run.stdout()).contains("started").doesNotContain("never");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
    }

    @Test
    void outputBeyondTheLimitIsDroppedAndSaidSo() throws Exception {
        SandboxSpec small = new SandboxSpec(Map.of("PATH", "/usr/bin:/bin"), List.of(), 60, 1L << 30,
                Duration.ofSeconds(30), 1000);
        SandboxRun run = run("head -c 100000 /dev/zero | tr '\\\\0' x", small);
        assertThat(run.truncated()).isTrue();
        assertThat(run.stdout()).hasSize(1000);
    }
}
