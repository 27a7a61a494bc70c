package io.airlock.sandbox;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
     * Joins the given cgroups ($3, ':'-separated, may be empty), mounts the overlay ($1 lower, $2 overlay dir), then
     * execs bubblewrap with the remaining arguments. Paths come in as positional parameters, never spliced into the
     * script. Joining first means nothing the sandbox starts is ever outside its limits.
     */
    private static final String JOIN_MOUNT_THEN_BWRAP = "L=\"$1\"; O=\"$2\"; C=\"$3\"; S=\"$4\"; shift 4; "
            + "IFS=:; for f in $C; do echo $$ > \"$f\" || exit 97; done; unset IFS; "
            + "if [ -n \"$S\" ]; then exec 9<\"$S\" || exit 96; fi; "
            + "mount -t overlay overlay -o \"userxattr,lowerdir=$L,upperdir=$O/upper,workdir=$O/work\" \"$O/merged\""
            + " && exec \"$@\"";

    private static final long OUTPUT_GRACE_MILLIS = 2_000;
    /**
     * Host directories replaced by empty ones in the sandbox: scratch space the command may write, and where host
     * services keep their sockets (Docker, ssh-agent, D-Bus, databases, the user's runtime directory).
     */
    private static final List<Path> PRIVATE_DIRS = List.of(Path.of("/tmp"), Path.of("/var/tmp"), Path.of("/run"));

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
     * Runs {@code command} in a sandboxed view of {@code workspace} to its end (its stdin is closed). The changes stay
     * in the returned run's overlay (under {@code scratch}) until the caller commits or discards them.
     */
    public static SandboxRun run(Path workspace, List<String> command, SandboxSpec spec, Path scratch)
            throws IOException, InterruptedException {
        return run(workspace, command, spec, scratch, false);
    }

    /**
     * @param mergeOutput stderr goes into stdout, interleaved as written (as a terminal or {@code 2>&1} shows it);
     *                    {@link SandboxRun#stderr()} is then empty
     */
    public static SandboxRun run(Path workspace, List<String> command, SandboxSpec spec, Path scratch,
                                 boolean mergeOutput) throws IOException, InterruptedException {
        SandboxProcess sandboxed = start(workspace, command, spec, scratch, null, mergeOutput);
        try {
            sandboxed.stdin().close();
            AtomicBoolean truncated = new AtomicBoolean();
            java.util.concurrent.atomic.AtomicLong outputBytes = new java.util.concurrent.atomic.AtomicLong();
            CompletableFuture<String> stdout = CompletableFuture.supplyAsync(() -> readBounded(sandboxed.stdout(),
                    spec.maxOutputBytes(), truncated, outputBytes), OverlaySandbox::virtual);
            CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> readBounded(sandboxed.stderr(),
                    spec.maxOutputBytes(), truncated, new java.util.concurrent.atomic.AtomicLong()),
                    OverlaySandbox::virtual);
            boolean timedOut = !sandboxed.waitFor(spec.wallClock().toMillis());
            if (!timedOut) {
                // Read to the end before stopping: stopping (Process.destroy) closes the pipes, and output the
                // readers have not reached yet would be lost. The PID namespace dies with bubblewrap, so the end
                // comes at once; the grace only bounds a writer that somehow outlives it.
                try {
                    CompletableFuture.allOf(stdout, stderr).get(OUTPUT_GRACE_MILLIS,
                            java.util.concurrent.TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                    // Stop it below; what was read stays.
                }
            }
            sandboxed.stop();
            sandboxed.releaseLimits();
            String out = stdout.join();
            String err = stderr.join();
            return new SandboxRun(sandboxed.exitValue(), timedOut, out, outputBytes.get(), err, truncated.get(),
                    sandboxed.workspace(), sandboxed.overlay(), sandboxed.baseline());
        } catch (IOException | InterruptedException | RuntimeException e) {
            sandboxed.discard();
            throw e;
        }
    }

    /**
     * Starts {@code command} in a sandboxed view of {@code workspace} with its pipes open and returns at once. The
     * caller owns the process: it must {@link SandboxProcess#stop() stop} it and commit or discard its overlay.
     *
     * @param cwd the working directory inside the sandbox (null: the workspace)
     */
    public static SandboxProcess start(Path workspace, List<String> command, SandboxSpec spec, Path scratch,
                                       Path cwd) throws IOException {
        return start(workspace, command, spec, scratch, cwd, false);
    }

    private static SandboxProcess start(Path workspace, List<String> command, SandboxSpec spec, Path scratch,
                                        Path cwd, boolean mergeOutput) throws IOException {
        String missing = unavailable();
        if (missing != null) {
            throw new IOException("sandbox unavailable: " + missing);
        }
        Path lower = workspace.toAbsolutePath().normalize().toRealPath();
        Files.createDirectories(scratch);
        Path overlay = Files.createTempDirectory(scratch, "run-");
        CgroupLimits limits = null;
        try {
            for (String dir : List.of("upper", "work", "merged")) {
                Files.createDirectory(overlay.resolve(dir));
            }
            // Written before the process starts, so any later change to a real file has a change time at or after.
            Path marker = Files.createFile(overlay.resolve("baseline"));
            FileTime baseline = (FileTime) Files.getAttribute(marker, "unix:ctime");
            limits = isRoot() ? CgroupLimits.create(spec.maxProcesses(), spec.memoryBytes()).orElse(null) : null;
            List<String> argv = new ArrayList<>();
            argv.add(UNSHARE.toString());
            if (!isRoot()) {
                argv.addAll(List.of("--user", "--map-root-user"));
            }
            byte[] filter = UnixSocketFilter.program();
            Path seccomp = null;
            if (filter != null) {
                seccomp = Files.write(overlay.resolve("seccomp.bpf"), filter);
            }
            argv.addAll(List.of("--mount", "--propagation", "private", "/bin/sh", "-c", JOIN_MOUNT_THEN_BWRAP,
                    "airlock-sandbox", lower.toString(), overlay.toString(),
                    limits == null ? "" : limits.procsFiles(), seccomp == null ? "" : seccomp.toString()));
            argv.addAll(List.of(BWRAP.toString(), "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"));
            for (Path dir : PRIVATE_DIRS) {
                if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                    argv.addAll(List.of("--tmpfs", dir.toString()));
                }
            }
            for (Path needed : neededUnder(PRIVATE_DIRS, command)) {
                argv.addAll(List.of("--ro-bind", needed.toString(), needed.toString()));
            }
            if (seccomp != null) {
                argv.addAll(List.of("--seccomp", "9"));
            }
            argv.addAll(List.of("--bind", overlay.resolve("merged").toString(), lower.toString(),
                    "--chdir", (cwd == null ? lower : cwd).toString(), "--unshare-net", "--unshare-pid",
                    "--unshare-ipc", "--unshare-uts", "--die-with-parent", "--new-session", "--cap-drop", "ALL",
                    "--clearenv"));
            spec.environment().forEach((name, value) -> argv.addAll(List.of("--setenv", name, value)));
            for (Path hidden : spec.hidden()) {
                if (Files.isDirectory(hidden, LinkOption.NOFOLLOW_LINKS)) {
                    argv.addAll(List.of("--tmpfs", hidden.toString()));
                } else if (Files.exists(hidden, LinkOption.NOFOLLOW_LINKS)) {
                    argv.addAll(List.of("--ro-bind", "/dev/null", hidden.toString()));
                }
            }
            argv.add("--");
            argv.add(PRLIMIT.toString());
            argv.add("--cpu=" + spec.cpuSeconds());
            if (limits == null || !limits.memoryBounded()) {
                argv.add("--as=" + spec.memoryBytes());
            }
            argv.add("--");
            argv.addAll(command);

            ProcessBuilder builder = new ProcessBuilder(argv);
            builder.environment().clear(); // the unshare/mount step needs nothing; bwrap sets the command's own
            builder.environment().put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
            builder.redirectErrorStream(mergeOutput);
            return new SandboxProcess(builder.start(), lower, overlay, baseline, limits);
        } catch (IOException | RuntimeException e) {
            if (limits != null) {
                limits.close();
            }
            SandboxProcess.deleteTree(overlay);
            throw e;
        }
    }

    /**
     * What the command itself needs from the directories the sandbox replaces: an executable, a script or a class
     * path entry there (a checkout under /tmp, say) is bound back read-only. For a path inside a {@code node_modules}
     * directory the whole {@code node_modules} is bound (a script imports its siblings); anything else is bound as it
     * is. Nothing else of those directories is visible.
     */
    static List<Path> neededUnder(List<Path> roots, List<String> command) {
        java.util.Set<Path> needed = new java.util.LinkedHashSet<>();
        for (String arg : command) {
            for (String part : arg.split(":")) {
                if (!part.startsWith("/")) {
                    continue;
                }
                Path path = Path.of(part).normalize();
                if (roots.stream().noneMatch(root -> path.startsWith(root) && !path.equals(root))
                        || !Files.exists(path)) {
                    continue;
                }
                Path bind = path;
                for (Path p = path; p != null; p = p.getParent()) {
                    if (p.getFileName() != null && p.getFileName().toString().equals("node_modules")) {
                        bind = p;
                        break;
                    }
                }
                needed.add(bind);
            }
        }
        return List.copyOf(needed);
    }

    private static String readBounded(InputStream in, int max, AtomicBoolean truncated,
                                      java.util.concurrent.atomic.AtomicLong total) {
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try (in) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                total.addAndGet(n);
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
