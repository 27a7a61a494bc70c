package io.airlock.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Per-run control groups for what rlimits cannot bound well: the number of processes (a fork bomb; RLIMIT_NPROC
 * counts every process of the uid on the machine) and memory (RLIMIT_AS breaks runtimes that reserve address space,
 * such as the JVM and V8). Only root can create them; {@link #create} returns empty when they cannot be made, and the
 * sandbox falls back to rlimits.
 *
 * <p>The sandbox's first process writes its own pid into each {@code cgroup.procs} before it execs bubblewrap, so
 * nothing it starts is ever outside the group.
 */
final class CgroupLimits implements AutoCloseable {

    private static final Path V1_ROOT = Path.of("/sys/fs/cgroup");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final List<Path> groups;
    private final boolean memoryBounded;

    private CgroupLimits(List<Path> groups, boolean memoryBounded) {
        this.groups = List.copyOf(groups);
        this.memoryBounded = memoryBounded;
    }

    /** Groups limiting processes and memory, or empty when this process cannot create them (not root, no cgroupfs). */
    static Optional<CgroupLimits> create(int maxProcesses, long memoryBytes) {
        String name = "airlock-sandbox-" + HexFormat.of().formatHex(randomBytes());
        List<Path> made = new ArrayList<>();
        try {
            Path pids = parentOf("pids").map(p -> p.resolve(name)).orElse(null);
            if (pids == null) {
                return Optional.empty();
            }
            Files.createDirectory(pids);
            made.add(pids);
            Files.writeString(pids.resolve("pids.max"), Integer.toString(maxProcesses));
            boolean memory = false;
            Path mem = parentOf("memory").map(p -> p.resolve(name)).orElse(null);
            if (mem != null && memoryBytes > 0) {
                try {
                    Files.createDirectory(mem);
                    made.add(mem);
                    Files.writeString(mem.resolve("memory.limit_in_bytes"), Long.toString(memoryBytes));
                    memory = true;
                } catch (IOException e) {
                    // No memory controller for us: the address-space rlimit stays the bound.
                }
            }
            return Optional.of(new CgroupLimits(made, memory));
        } catch (IOException | RuntimeException e) {
            new CgroupLimits(made, false).close();
            return Optional.empty();
        }
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[8];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    /** The cgroup v1 directory this process is in for {@code controller}, if it is mounted and writable. */
    private static Optional<Path> parentOf(String controller) throws IOException {
        Path mount = V1_ROOT.resolve(controller);
        if (!Files.isDirectory(mount) || !Files.isWritable(mount)) {
            return Optional.empty();
        }
        for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
            String[] parts = line.split(":", 3);
            if (parts.length == 3 && List.of(parts[1].split(",")).contains(controller)) {
                Path own = mount.resolve(parts[2].replaceFirst("^/", ""));
                return Files.isWritable(own) ? Optional.of(own) : Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** The {@code cgroup.procs} files the sandbox's first process joins, joined with ':' for the launch script. */
    String procsFiles() {
        return String.join(":", groups.stream().map(g -> g.resolve("cgroup.procs").toString()).toList());
    }

    boolean memoryBounded() {
        return memoryBounded;
    }

    /** Sends SIGKILL to every process in the groups. */
    void killAll() {
        for (Path group : groups) {
            try {
                kill(group);
            } catch (IOException | RuntimeException e) {
                // Gone already.
            }
        }
    }

    private static void kill(Path group) throws IOException {
        for (String pid : Files.readAllLines(group.resolve("cgroup.procs"))) {
            ProcessHandle.of(Long.parseLong(pid.strip())).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    /**
     * Waits until no process is left in the groups (killing stragglers), so nothing writes to the overlay any more;
     * false if some survive {@code millis}.
     */
    boolean awaitEmpty(long millis) {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() < deadline) {
            boolean empty = true;
            for (Path group : groups) {
                try {
                    if (!Files.readString(group.resolve("cgroup.procs")).isBlank()) {
                        empty = false;
                    }
                } catch (IOException e) {
                    // Removed: empty.
                }
            }
            if (empty) {
                return true;
            }
            killAll();
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    /** Kills what is left in the groups and removes them. */
    @Override
    public void close() {
        for (Path group : groups) {
            for (int attempt = 0; attempt < 50 && Files.isDirectory(group); attempt++) {
                try {
                    kill(group);
                    Files.delete(group);
                } catch (IOException | RuntimeException e) {
                    try {
                        Thread.sleep(10); // processes still exiting; rmdir needs an empty group
                    } catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }
    }
}
