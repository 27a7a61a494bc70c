package io.airlock.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Child processes of the benchmark: started with their output in a log file, stopped with their descendants. */
final class Procs {

    private Procs() {}

    /** A started process whose stdout and stderr go to {@code log}. */
    static final class Managed implements AutoCloseable {
        final String name;
        final Process process;
        final Path log;

        private Managed(String name, Process process, Path log) {
            this.name = name;
            this.process = process;
            this.log = log;
        }

        static Managed start(String name, List<String> command, Path log, Map<String, String> env)
                throws IOException {
            Files.createDirectories(log.getParent());
            Files.deleteIfExists(log);
            ProcessBuilder pb = new ProcessBuilder(command);
            pb.environment().putAll(env);
            pb.redirectErrorStream(true);
            pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            // stdin stays an open pipe: supergateway exits when its stdin closes.
            return new Managed(name, pb.start(), log);
        }

        /** Waits until the log has a line matching {@code pattern}; returns its first group. */
        String awaitLog(Pattern pattern, Duration timeout) throws IOException, InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                String text = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
                Matcher m = pattern.matcher(text);
                if (m.find()) {
                    return m.group(1);
                }
                if (!process.isAlive()) {
                    throw new IOException(name + " exited with code " + process.exitValue() + ": " + tail(12));
                }
                Thread.sleep(50);
            }
            throw new IOException(name + " did not start within " + timeout.toSeconds() + " s: " + tail(12));
        }

        /** Waits until something accepts connections on the port. */
        void awaitPort(String host, int port, Duration timeout) throws IOException, InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IOException(name + " exited with code " + process.exitValue() + ": " + tail(12));
                }
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(host, port), 200);
                    return;
                } catch (IOException notYet) {
                    Thread.sleep(100);
                }
            }
            throw new IOException(name + " did not listen on " + host + ":" + port + " within "
                    + timeout.toSeconds() + " s: " + tail(12));
        }

        String tail(int lines) {
            try {
                List<String> all = Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
                return all.isEmpty() ? "(no output)"
                        : String.join(" | ", all.subList(Math.max(0, all.size() - lines), all.size()));
            } catch (IOException e) {
                return "(log unreadable: " + e.getMessage() + ")";
            }
        }

        @Override
        public void close() {
            stop(process.toHandle());
        }
    }

    /** SIGTERM, then SIGKILL after 5 s; the same for every descendant still alive afterwards. */
    static void stop(ProcessHandle handle) {
        List<ProcessHandle> descendants = new ArrayList<>(handle.descendants().toList());
        terminate(handle);
        for (ProcessHandle d : descendants) {
            terminate(d);
        }
    }

    private static void terminate(ProcessHandle h) {
        if (!h.isAlive()) {
            return;
        }
        h.destroy();
        try {
            h.onExit().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            h.destroyForcibly();
            try {
                h.onExit().get(2, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // nothing more to do
            }
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        }
    }

    /** Total CPU time of the processes (user + system), in nanoseconds; processes already gone count 0. */
    static long cpuNanos(List<ProcessHandle> handles) {
        long sum = 0;
        for (ProcessHandle h : handles) {
            sum += h.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
        }
        return sum;
    }

    static String shellQuote(String s) {
        if (s.matches("[A-Za-z0-9_./=:+,@%-]+")) {
            return s;
        }
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
