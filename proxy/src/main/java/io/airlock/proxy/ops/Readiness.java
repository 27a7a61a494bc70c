package io.airlock.proxy.ops;

import io.airlock.proxy.config.AirlockConfig;
import io.airlock.proxy.config.ServerConfig;
import io.airlock.workbench.WorkbenchServer;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Whether this Airlock can serve: every configured upstream can start (a stdio command resolves to an executable
 * file, its working directory exists; an HTTP upstream accepts a TCP connection) and the receipt log records. Runs on
 * a virtual thread (file checks and connects block), never on an event loop.
 *
 * <p>It checks what can be checked without starting a server: a stdio command that exists may still fail at
 * {@code initialize}. Such a failure shows in the calls (and their receipts), not here.
 */
public final class Readiness {

    /** The verdict and, for the operator (never for unauthenticated probes), what is wrong. */
    public record Report(boolean ready, List<String> problems) {
        public Report {
            problems = List.copyOf(problems);
        }
    }

    private static final int CONNECT_MILLIS = 2000;
    /** Probes come every few seconds: an HTTP upstream's answer is reused this long. */
    private static final long CACHE_NANOS = 5_000_000_000L;

    private final AirlockConfig config;
    private final Supplier<String> receiptsProblem;
    private final Map<String, Cached> reachable = new ConcurrentHashMap<>();

    private record Cached(long atNanos, String problem) {}

    /** @param receiptsProblem null while receipts record (or are off by choice); otherwise why not */
    public Readiness(AirlockConfig config, Supplier<String> receiptsProblem) {
        this.config = config;
        this.receiptsProblem = receiptsProblem;
    }

    public CompletableFuture<Report> check() {
        CompletableFuture<Report> report = new CompletableFuture<>();
        Thread.ofVirtual().name("airlock-readyz").start(() -> {
            try {
                report.complete(checkNow());
            } catch (RuntimeException e) {
                report.complete(new Report(false, List.of("the readiness check failed: " + e)));
            }
        });
        return report;
    }

    /** Blocking; for tests and {@link #check()}. */
    public Report checkNow() {
        List<String> problems = new ArrayList<>();
        String receipts = receiptsProblem.get();
        if (receipts != null) {
            problems.add("receipts: " + receipts);
        }
        // HTTP upstreams are probed at once, each on its own virtual thread: N unreachable hosts cost one timeout.
        List<java.util.concurrent.Future<String>> checks = new ArrayList<>();
        try (var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (ServerConfig server : config.servers().values()) {
                checks.add(switch (server.transport()) {
                    case ServerConfig.Stdio stdio -> CompletableFuture.completedFuture(stdio(stdio.command(),
                            stdio.cwd()));
                    case ServerConfig.Workbench w -> CompletableFuture.completedFuture(
                            stdio(WorkbenchServer.command(Path.of(".")), null));
                    case ServerConfig.Http http -> threads.submit(() -> http(server.name(), http.url()));
                });
            }
        }
        int i = 0;
        for (ServerConfig server : config.servers().values()) {
            String problem;
            try {
                problem = checks.get(i++).get();
            } catch (java.util.concurrent.ExecutionException e) {
                problem = "the check failed: " + e.getCause();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                problem = "the check was interrupted";
            }
            if (problem != null) {
                problems.add("server '" + server.name() + "': " + problem);
            }
        }
        return new Report(problems.isEmpty(), problems);
    }

    /** The command as the JDK's process launcher resolves it: a path as given, a bare name on this PATH. */
    static String stdio(List<String> command, Path cwd) {
        if (command.isEmpty()) {
            return "no command";
        }
        if (cwd != null && !Files.isDirectory(cwd)) {
            return "working directory " + cwd + " does not exist";
        }
        String program = command.getFirst();
        if (program.contains("/")) {
            Path path = Path.of(program);
            if (!path.isAbsolute() && cwd != null) {
                path = cwd.resolve(path);
            }
            return executable(path) ? null : "command " + program + " is not an executable file";
        }
        String pathVariable = System.getenv("PATH");
        if (pathVariable != null) {
            for (String dir : pathVariable.split(File.pathSeparator)) {
                if (!dir.isEmpty() && executable(Path.of(dir, program))) {
                    return null;
                }
            }
        }
        return "command " + program + " is not found on PATH";
    }

    private static boolean executable(Path path) {
        return Files.isRegularFile(path) && Files.isExecutable(path);
    }

    private String http(String name, URI url) {
        long now = System.nanoTime();
        Cached cached = reachable.get(name);
        if (cached != null && now - cached.atNanos() < CACHE_NANOS) {
            return cached.problem();
        }
        String problem = connect(url);
        reachable.put(name, new Cached(now, problem));
        return problem;
    }

    private static String connect(URI url) {
        String host = url.getHost();
        if (host == null) {
            return "url " + url + " has no host";
        }
        int port = url.getPort() >= 0 ? url.getPort() : "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), CONNECT_MILLIS);
            return null;
        } catch (IOException e) {
            return "cannot connect to " + host + ":" + port + " (" + e.getMessage() + ")";
        }
    }
}
