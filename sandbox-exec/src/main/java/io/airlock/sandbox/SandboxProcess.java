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
    private final FileTime baseline;
    private final CgroupLimits limits;

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

    /** Whether a memory cgroup bounds this process (else the address-space rlimit does). */
    public boolean memoryBounded() {
        return limits != null && limits.memoryBounded();
    }

    /**
     * Ends the process and everything it started: bubblewrap is the process (unshare and sh exec into it), it is the
     * parent of the PID namespace, and {@code --die-with-parent} takes the rest; the cgroups catch any straggler.
     */
    public void stop() {
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (limits != null) {
            limits.close();
        }
    }

    /** What the process changed so far; stop it first for a settled answer. */
    public EffectSet effects() throws IOException {
        return EffectScanner.scan(upper(), workspace);
    }

    /** Stops the process and throws its changes away. */
    public void discard() throws IOException {
        stop();
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
