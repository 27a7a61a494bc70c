package io.airlock.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A process running in the sandbox over its own overlay of the workspace, with its pipes open: a sandboxed twin of
 * an MCP server speaks JSON-RPC over them. The caller owns it: {@link #stop()} ends the process tree, then the
 * effects can be read from the overlay and committed or {@linkplain #discard() discarded}.
 */
public final class SandboxProcess implements AutoCloseable {

    private final Process process;
    private final Path workspace;
    private final Path overlay;
    private volatile FileTime baseline;
    private final CgroupLimits limits;
    private volatile boolean settled;

    SandboxProcess(Process process, Path workspace, Path overlay, FileTime baseline, CgroupLimits limits) {
        this.process = process;
        this.workspace = workspace;
        this.overlay = overlay;
        this.baseline = baseline;
        this.limits = limits;
    }

    public OutputStream stdin() {
        return process.getOutputStream();
    }

    public InputStream stdout() {
        return process.getInputStream();
    }

    public InputStream stderr() {
        return process.getErrorStream();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Waits for the process to end; false on timeout. */
    public boolean waitFor(long millis) throws InterruptedException {
        return process.waitFor(millis, TimeUnit.MILLISECONDS);
    }

    public int exitValue() {
        return process.exitValue();
    }

    /** The real workspace this process sees through its overlay. */
    public Path workspace() {
        return workspace;
    }

    /** The overlay directory; {@code upper} holds the changes. */
    public Path overlay() {
        return overlay;
    }

    public Path upper() {
        return overlay.resolve("upper");
    }

    /**
     * The change time of a marker written just before the process started, by the same kernel clock that stamps the
     * workspace's files: a real file with a change time at or after it was changed while this process ran.
     */
    public FileTime baseline() {
        return baseline;
    }

    /**
     * Moves the baseline to now: call it when the process is given its work. A warm twin reads the real workspace
     * through the overlay's lower layer, so what changed between its start and its call is what it sees, not a
     * conflict; what changes after this point is.
     */
    public FileTime rebaseline() throws IOException {
        Path marker = overlay.resolve("baseline");
        Files.deleteIfExists(marker);
        Files.createFile(marker);
        baseline = (FileTime) Files.getAttribute(marker, "unix:ctime");
        return baseline;
    }

    /** Whether a memory cgroup bounds this process (else the address-space rlimit does). */
    public boolean memoryBounded() {
        return limits != null && limits.memoryBounded();
    }

    /**
     * Ends the process and everything it started: every process in its cgroups is killed, then bubblewrap (the
     * process: unshare and sh exec into it; its PID namespace and {@code --die-with-parent} take the rest), and it
     * waits until the cgroups are empty. The cgroups are removed by {@link #discard()}.
     */
    public void stop() {
        if (limits != null) {
            limits.killAll();
        }
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        settled = limits == null || limits.awaitEmpty(5_000);
        if (!settled) {
            org.slf4j.LoggerFactory.getLogger(SandboxProcess.class).warn(
                    "sandboxed processes outlived their kill by 5 s (overlay {})", overlay);
        }
    }

    /**
     * Whether, after {@link #stop()}, nothing of the sandbox runs any more, so its effects cannot change under a
     * commit. With per-run cgroups (root) this is checked; without them, bubblewrap's exit and the PID namespace's
     * teardown are relied on.
     */
    public boolean settled() {
        return settled;
    }

    /** What the process changed so far; stop it first for a settled answer. */
    public EffectSet effects() throws IOException {
        return EffectScanner.scan(upper(), workspace);
    }

    /** Removes the run's cgroups (after {@link #stop()}); the overlay stays for its effects to be read. */
    public void releaseLimits() {
        if (limits != null) {
            limits.close();
        }
    }

    /** Stops the process and throws its changes away. */
    public void discard() throws IOException {
        stop();
        if (limits != null) {
            limits.close();
        }
        deleteTree(overlay);
    }

    @Override
    public void close() throws IOException {
        discard();
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
