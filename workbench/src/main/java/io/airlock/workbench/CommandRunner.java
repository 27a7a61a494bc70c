package io.airlock.workbench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code sh -c <command>} in the workspace with stdin closed and stdout/stderr merged, keeping at most
 * {@link #MAX_OUTPUT_BYTES} of output. On timeout the whole process tree is killed.
 */
final class CommandRunner {

    /** Output kept per command; the rest is drained and counted. */
    static final int MAX_OUTPUT_BYTES = 64 * 1024;

    /** How long to keep reading output after the shell has exited (background jobs may hold the pipe open). */
    private static final Duration OUTPUT_GRACE = Duration.ofSeconds(2);

    /** How long to wait for a killed process tree to go away. */
    private static final Duration KILL_GRACE = Duration.ofSeconds(5);

    private final Path workingDirectory;
    private final Set<Process> running = ConcurrentHashMap.newKeySet();

    CommandRunner(Path workingDirectory) {
        this.workingDirectory = workingDirectory;
    }

    /**
     * The outcome of one command.
     *
     * @param exitCode the shell's exit code, or -1 if it timed out
     * @param timedOut whether the command hit its timeout and was killed
     * @param output the first {@link #MAX_OUTPUT_BYTES} bytes of combined output
     * @param totalOutputBytes how many bytes of output were seen in all
     * @param outputIncomplete whether reading stopped before end-of-stream (a background process kept it open)
     */
    record Result(int exitCode, boolean timedOut, byte[] output, long totalOutputBytes, boolean outputIncomplete) {

        boolean truncated() {
            return totalOutputBytes > output.length;
        }

        String outputText() {
            return new String(output, StandardCharsets.UTF_8);
        }
    }

    Result run(String command, Duration timeout) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder("sh", "-c", command)
                .directory(workingDirectory.toFile())
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.PIPE);
        Process process = builder.start();
        running.add(process);
        try {
            process.getOutputStream().close(); // stdin: immediate end-of-file
            OutputCollector collector = new OutputCollector(process.getInputStream());
            Thread.ofPlatform().daemon().name("workbench-output-" + process.pid()).start(collector);

            boolean exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!exited) {
                killTree(process);
                process.waitFor(KILL_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            }
            boolean complete = collector.await(OUTPUT_GRACE);
            Snapshot out = collector.snapshot();
            int exitCode = exited ? process.exitValue() : -1;
            return new Result(exitCode, !exited, out.bytes(), out.total(), !complete);
        } catch (InterruptedException e) {
            killTree(process);
            throw e;
        } finally {
            running.remove(process);
        }
    }

    /** Kills every command still running (used on shutdown). */
    void killAll() {
        for (Process p : List.copyOf(running)) {
            killTree(p);
        }
    }

    private static void killTree(Process process) {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroyForcibly();
        for (ProcessHandle h : descendants) {
            h.destroyForcibly();
        }
        // Anything forked between the snapshot and the parent's death.
        process.descendants().forEach(ProcessHandle::destroyForcibly);
    }

    private record Snapshot(byte[] bytes, long total) {}

    /** Drains a stream to end-of-file, keeping the first {@link #MAX_OUTPUT_BYTES}. */
    private static final class OutputCollector implements Runnable {

        private final InputStream in;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private final CountDownLatch finished = new CountDownLatch(1);
        private long total;

        OutputCollector(InputStream in) {
            this.in = in;
        }

        @Override
        public void run() {
            byte[] chunk = new byte[8192];
            try (in) {
                int n;
                while ((n = in.read(chunk)) != -1) {
                    synchronized (this) {
                        int keep = Math.min(n, MAX_OUTPUT_BYTES - kept.size());
                        if (keep > 0) {
                            kept.write(chunk, 0, keep);
                        }
                        total += n;
                    }
                }
            } catch (IOException e) {
                // Stream closed under us: the process is gone; keep what we have.
            } finally {
                finished.countDown();
            }
        }

        boolean await(Duration grace) throws InterruptedException {
            return finished.await(grace.toMillis(), TimeUnit.MILLISECONDS);
        }

        synchronized Snapshot snapshot() {
            return new Snapshot(kept.toByteArray(), total);
        }
    }
}
