package io.airlock.sandbox;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs a command against a workspace without letting it touch the real one: kernel overlayfs (with
 * {@code userxattr}) in a private mount namespace puts a writable upper layer over the workspace, and bubblewrap runs
 * the command with a read-only root, the overlay mounted at the workspace's path, no network, its own PID/IPC/UTS
 * namespaces, every capability dropped (essential as root: with capabilities a process can remount a read-only bind
 * read-write), a scrubbed environment, secret locations hidden, resource limits, and death with its parent.
 *
 * <p>Debian's bubblewrap 0.8 has no overlay options, hence the {@code unshare} + {@code mount} step; as a non-root
 * user the same runs in a user namespace ({@code unshare --user --map-root-user}). The recipe is the one verified in
 * ARCHITECTURE-NOTES §3.
 */
public final class OverlaySandbox {

    private static final Path BWRAP = Path.of("/usr/bin/bwrap");
    private static final Path UNSHARE = Path.of("/usr/bin/unshare");
    private static final Path PRLIMIT = Path.of("/usr/bin/prlimit");

    /**
     * Mounts the overlay ($1 lower, $2 overlay dir), then execs bubblewrap with the remaining arguments. Paths come
     * in as positional parameters, never spliced into the script.
     */
    private static final String MOUNT_THEN_BWRAP = "L=\"$1\"; O=\"$2\"; shift 2; "
            + "mount -t overlay overlay -o \"userxattr,lowerdir=$L,upperdir=$O/upper,workdir=$O/work\" \"$O/merged\""
            + " && exec \"$@\"";

    private OverlaySandbox() {}

    /** Whether this machine has what the sandbox needs; null if so, else what is missing. */
    public static String unavailable() {
        for (Path tool : List.of(BWRAP, UNSHARE, PRLIMIT)) {
            if (!Files.isExecutable(tool)) {
                return tool + " is missing (Debian: apt-get install bubblewrap util-linux)";
            }
        }
        return null;
    }

    /**
     * Runs {@code command} in a sandboxed view of {@code workspace}. The changes stay in the returned run's overlay
     * (under {@code scratch}) until the caller commits or discards them.
     */
    public static SandboxRun run(Path workspace, List<String> command, SandboxSpec spec, Path scratch)
            throws IOException, InterruptedException {
        String missing = unavailable();
        if (missing != null) {
            throw new IOException("sandbox unavailable: " + missing);
        }
        Path lower = workspace.toAbsolutePath().normalize().toRealPath();
        Files.createDirectories(scratch);
        Path overlay = Files.createTempDirectory(scratch, "run-");
        for (String dir : List.of("upper", "work", "merged")) {
            Files.createDirectory(overlay.resolve(dir));
        }
        List<String> argv = new ArrayList<>();
        argv.add(UNSHARE.toString());
        if (!isRoot()) {
            argv.addAll(List.of("--user", "--map-root-user"));
        }
        argv.addAll(List.of("--mount", "--propagation", "private", "/bin/sh", "-c", MOUNT_THEN_BWRAP,
                "airlock-sandbox", lower.toString(), overlay.toString()));
        argv.addAll(List.of(BWRAP.toString(), "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc",
                "--tmpfs", "/tmp", "--bind", overlay.resolve("merged").toString(), lower.toString(),
                "--chdir", lower.toString(), "--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts",
                "--die-with-parent", "--new-session", "--cap-drop", "ALL", "--clearenv"));
        spec.environment().forEach((name, value) -> argv.addAll(List.of("--setenv", name, value)));
        for (Path hidden : spec.hidden()) {
            if (Files.isDirectory(hidden, LinkOption.NOFOLLOW_LINKS)) {
                argv.addAll(List.of("--tmpfs", hidden.toString()));
            } else if (Files.exists(hidden, LinkOption.NOFOLLOW_LINKS)) {
                argv.addAll(List.of("--ro-bind", "/dev/null", hidden.toString()));
            }
        }
        argv.add("--");
        argv.addAll(List.of(PRLIMIT.toString(), "--cpu=" + spec.cpuSeconds(), "--as=" + spec.memoryBytes(), "--"));
        argv.addAll(command);

        ProcessBuilder builder = new ProcessBuilder(argv);
        builder.environment().clear(); // the unshare/mount step needs nothing; bwrap sets the command's own
        builder.environment().put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        Process process = builder.start();
        process.getOutputStream().close();
        AtomicBoolean truncated = new AtomicBoolean();
        CompletableFuture<String> stdout = CompletableFuture.supplyAsync(
                () -> readBounded(process.getInputStream(), spec.maxOutputBytes(), truncated), OverlaySandbox::virtual);
        CompletableFuture<String> stderr = CompletableFuture.supplyAsync(
                () -> readBounded(process.getErrorStream(), spec.maxOutputBytes(), truncated), OverlaySandbox::virtual);
        boolean timedOut = !process.waitFor(spec.wallClock().toMillis(), TimeUnit.MILLISECONDS);
        if (timedOut) {
            // bwrap is the process (unshare and sh exec into it); --die-with-parent takes the command with it.
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
        String out = stdout.join();
        String err = stderr.join();
        EffectSet effects = EffectScanner.scan(overlay.resolve("upper"), lower);
        return new SandboxRun(process.exitValue(), timedOut, out, err, truncated.get(), effects, overlay);
    }

    private static String readBounded(InputStream in, int max, AtomicBoolean truncated) {
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try (in) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                int room = max - kept.size();
                if (room > 0) {
                    kept.write(buffer, 0, Math.min(room, n));
                }
                if (n > room) {
                    truncated.set(true);
                }
            }
        } catch (IOException e) {
            // The process was killed; what was read stays.
        }
        return kept.toString(StandardCharsets.UTF_8);
    }

    private static void virtual(Runnable task) {
        Thread.ofVirtual().name("sandbox-io").start(task);
    }

    private static boolean isRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }
}
