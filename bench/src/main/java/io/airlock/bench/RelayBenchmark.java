package io.airlock.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.airlock.bench.LoadClient.Conn;
import io.airlock.bench.LoadClient.Session;
import io.airlock.bench.LoadClient.Target;
import io.airlock.bench.Procs.Managed;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Pattern;

/**
 * Relay benchmark: the same load client against an echo MCP server directly (stdio and HTTP), through Airlock, and
 * through two peer gateways (supergateway, mcp-proxy). For every scenario: warm-up, then latency at a fixed open-loop
 * rate, then throughput at saturation. Prints a markdown report; asserts nothing. Run it with {@code bench/run.sh}.
 */
public final class RelayBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** All scenarios, in run order. */
    static final List<String> ALL = List.of("stdio-direct", "stdio-airlock", "http-direct", "http-airlock",
            "http-airlock-no-receipts", "supergateway", "mcp-proxy");

    static final Map<String, String> PATHS = Map.of(
            "stdio-direct", "client → EchoServer --stdio (pipe)",
            "stdio-airlock", "client → Airlock (HTTP) → EchoServer --stdio",
            "http-direct", "client → EchoServer --http",
            "http-airlock", "client → Airlock (HTTP) → EchoServer --http",
            "http-airlock-no-receipts", "client → Airlock (HTTP, receipts off) → EchoServer --http",
            "supergateway", "client → supergateway 4.0.0 (stateful) → EchoServer --stdio",
            "mcp-proxy", "client → mcp-proxy 6.7.19 → EchoServer --stdio");

    /** The matching direct baseline for "added latency". */
    static final Map<String, String> BASELINE = Map.of(
            "stdio-airlock", "stdio-direct",
            "http-airlock", "http-direct",
            "http-airlock-no-receipts", "http-direct",
            "supergateway", "stdio-direct",
            "mcp-proxy", "stdio-direct");

    record Options(boolean quick, List<String> scenarios, Path out, Path logs, String node, Path nodeModules,
                   int rate, double warmupSeconds, double warmupMaxSeconds, int warmupCalls, double latencySeconds,
                   double throughputSeconds, int latencyConns, int sessions, int workers, double quietWait,
                   int retries, List<String> airlockJvmArgs) {}

    /** What one phase measured. */
    record Phase(long calls, long errors, String firstError, long elapsedNanos, long[] sortedLatencies,
                 long lateSends, Timeline timeline) {

        Phase(long calls, long errors, String firstError, long elapsedNanos, long[] sortedLatencies, long lateSends) {
            this(calls, errors, firstError, elapsedNanos, sortedLatencies, lateSends, null);
        }

        double callsPerSecond() {
            return elapsedNanos == 0 ? 0 : calls * 1e9 / elapsedNanos;
        }

        /** Nearest-rank percentile in milliseconds, NaN when empty. */
        double pctMs(double p) {
            if (sortedLatencies.length == 0) {
                return Double.NaN;
            }
            int rank = (int) Math.ceil(p / 100.0 * sortedLatencies.length);
            return sortedLatencies[Math.max(0, Math.min(sortedLatencies.length - 1, rank - 1))] / 1e6;
        }

        double maxMs() {
            return sortedLatencies.length == 0 ? Double.NaN : sortedLatencies[sortedLatencies.length - 1] / 1e6;
        }
    }

    /** Per call of the fixed-rate phase, in due order: sent at (ms since the epoch), latency (ns; -1: error). */
    record Timeline(double[] sentEpochMillis, long[] latencyNanos) {

        void write(Path file) throws IOException {
            StringBuilder csv = new StringBuilder("sent_epoch_ms,latency_ms\n");
            for (int i = 0; i < latencyNanos.length; i++) {
                csv.append(String.format(Locale.ROOT, "%.3f,%.3f%n", sentEpochMillis[i],
                        latencyNanos[i] < 0 ? -1.0 : latencyNanos[i] / 1e6));
            }
            Files.writeString(file, csv);
        }
    }

    /** One scenario's outcome; {@code failure} non-null when it could not be measured. */
    record Result(String name, Phase latency, Phase throughput, double clientCpuUs, double gatewayCpuUs,
                  double serverCpuUs, Interference interference, String failure, List<String> notes) {}

    /**
     * CPU the benchmark did not get while a scenario was measured, in cores: used by other processes, taken by the
     * hypervisor (steal), and both together; averages and the busiest second.
     */
    record Interference(double processesAvg, double processesPeak, double stealAvg, double stealPeak,
                        double totalAvg, double totalPeak) {

        /** Over 0.2 cores on average or 0.5 in some second: the figures are not reliable. */
        boolean busy() {
            return totalAvg > 0.2 || totalPeak > 0.5;
        }
    }

    /** A running deployment of one scenario. */
    static final class Deployment implements AutoCloseable {
        Target target;
        final List<Managed> processes = new ArrayList<>();
        final List<Process> stdioChildren = new CopyOnWriteArrayList<>();
        Managed gateway;
        Managed httpServer;
        final List<String> notes = new ArrayList<>();

        List<ProcessHandle> gatewayHandles() {
            return gateway == null ? List.of() : List.of(gateway.process.toHandle());
        }

        List<ProcessHandle> serverHandles() {
            List<ProcessHandle> handles = new ArrayList<>();
            if (httpServer != null) {
                handles.add(httpServer.process.toHandle());
            }
            stdioChildren.forEach(p -> handles.add(p.toHandle()));
            if (gateway != null && httpServer == null) {
                handles.addAll(gateway.process.toHandle().descendants().toList());
            }
            return handles;
        }

        @Override
        public void close() {
            for (Process p : stdioChildren) {
                Procs.stop(p.toHandle());
            }
            for (int i = processes.size() - 1; i >= 0; i--) {
                processes.get(i).close();
            }
        }
    }

    private final Options options;
    private final String java;
    private final String classpath;
    private final Map<String, Result> results = new LinkedHashMap<>();
    private final List<Managed> everything = new CopyOnWriteArrayList<>();

    RelayBenchmark(Options options) {
        this.options = options;
        this.java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // Absolute entries: Airlock and the peers start the echo server from their own working directories.
        this.classpath = String.join(File.pathSeparator, Arrays.stream(System.getProperty("java.class.path")
                .split(File.pathSeparator)).map(e -> Path.of(e).toAbsolutePath().toString()).toList());
    }

    public static void main(String[] args) throws Exception {
        Options options = parse(args);
        RelayBenchmark bench = new RelayBenchmark(options);
        Runtime.getRuntime().addShutdownHook(new Thread(bench::stopAll, "bench-cleanup"));
        String report = bench.run();
        System.out.println(report);
        if (options.out() != null) {
            Files.createDirectories(options.out().toAbsolutePath().getParent());
            Files.writeString(options.out(), report, StandardCharsets.UTF_8);
            System.err.println("bench: wrote " + options.out());
        }
        System.exit(0);
    }

    private void stopAll() {
        for (Managed m : everything) {
            m.close();
        }
    }

    String run() throws Exception {
        long start = System.nanoTime();
        Files.createDirectories(options.logs());
        for (String name : options.scenarios()) {
            log("=== " + name + ": " + PATHS.get(name));
            Result result;
            try {
                result = runScenario(name);
            } catch (Exception e) {
                String why = e.getMessage() == null ? e.toString() : e.getMessage();
                log(name + " FAILED: " + why);
                result = new Result(name, null, null, 0, 0, 0, null, why, List.of());
            }
            results.put(name, result);
        }
        log(String.format(Locale.ROOT, "done in %.0f s", (System.nanoTime() - start) / 1e9));
        return Report.markdown(this);
    }

    // ---- scenarios ----

    private Result runScenario(String name) throws Exception {
        try (Deployment d = deploy(name)) {
            List<Session> sessions = new ArrayList<>();
            List<Conn> throughputConns = new ArrayList<>();
            List<Conn> latencyConns = new ArrayList<>();
            try {
                log("  started");
                // Opened concurrently: with a stdio server behind, each one starts a JVM.
                List<String> openMs = new ArrayList<>();
                List<Future<Session>> opening = new ArrayList<>();
                try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
                    for (int i = 0; i < options.sessions(); i++) {
                        opening.add(pool.submit(() -> {
                            long t = System.nanoTime();
                            Session session = d.target.open();
                            synchronized (openMs) {
                                openMs.add(String.valueOf((System.nanoTime() - t) / 1_000_000));
                            }
                            return session;
                        }));
                    }
                    IOException failed = null;
                    for (var f : opening) {
                        try {
                            sessions.add(f.get());
                        } catch (ExecutionException e) {
                            Throwable cause = e.getCause();
                            failed = failed != null ? failed : cause instanceof IOException io ? io
                                    : new IOException(cause.toString(), cause);
                        }
                    }
                    if (failed != null) {
                        throw failed;
                    }
                }
                for (int i = 0; i < options.workers(); i++) {
                    throughputConns.add(sessions.get(i % sessions.size()).connect());
                }
                for (int i = 0; i < options.latencyConns(); i++) {
                    latencyConns.add(sessions.getFirst().connect());
                }
                log("  " + sessions.size() + " sessions open (ms each: " + String.join(", ", openMs) + ")");
                // Warm-up: saturation on all conns, then a few calls on each latency conn.
                Phase warm = warmUp(throughputConns);
                Phase warmLat = closedLoop(latencyConns, 0, 100L * latencyConns.size(), false);
                if (warm.calls() == 0 || warmLat.calls() == 0) {
                    throw new IOException("no call succeeded in the warm-up: " + (warm.calls() == 0
                            ? warm.firstError() : warmLat.firstError()));
                }
                if (warm.errors() + warmLat.errors() > 0) {
                    log("  warm-up errors: " + (warm.errors() + warmLat.errors()) + ", first: "
                            + (warm.firstError() != null ? warm.firstError() : warmLat.firstError()));
                }
                Result best = null;
                for (int attempt = 0; ; attempt++) {
                    Result result = measure(name, attempt == 0 ? name : name + "-" + (attempt + 1), d, latencyConns,
                            throughputConns, sessions.size());
                    if (best == null || result.interference().totalAvg() < best.interference().totalAvg()) {
                        best = result;
                    }
                    if (!result.interference().busy() || attempt >= options.retries()) {
                        break;
                    }
                    log("  the machine was busy: measuring again (" + (attempt + 1) + " of " + options.retries()
                            + ")");
                }
                List<String> notes = new ArrayList<>(d.notes);
                double achieved = best.latency().callsPerSecond();
                if (achieved < 0.95 * options.rate()) {
                    notes.add(String.format(Locale.ROOT, "could not sustain %d calls/s in the fixed-rate phase"
                            + " (achieved %.0f/s): its latencies include queueing behind a saturated path",
                            options.rate(), achieved));
                }
                notes.addAll(logFindings(d));
                return new Result(name, best.latency(), best.throughput(), best.clientCpuUs(), best.gatewayCpuUs(),
                        best.serverCpuUs(), best.interference(), null, notes);
            } finally {
                latencyConns.forEach(Conn::close);
                throughputConns.forEach(Conn::close);
                sessions.forEach(Session::close);
            }
        }
    }

    /** The measured phases: fixed-rate latency, then throughput at saturation, with the CPU each process used. */
    private Result measure(String name, String files, Deployment d, List<Conn> latencyConns,
                           List<Conn> throughputConns, int sessions) throws Exception {
        awaitQuiet();
        try (LoadMonitor load = new LoadMonitor()) {
            Phase latency = openLoop(latencyConns, options.rate(), options.latencySeconds());
            latency.timeline().write(options.logs().resolve(files + "-latency.csv"));
            log(String.format(Locale.ROOT, "  latency @%d/s: p50 %.3f  p99 %.3f  p99.9 %.3f  max %.3f ms"
                            + " (%d calls, %d errors)", options.rate(), latency.pctMs(50), latency.pctMs(99),
                    latency.pctMs(99.9), latency.maxMs(), latency.calls(), latency.errors()));
            List<ProcessHandle> gw = d.gatewayHandles();
            List<ProcessHandle> servers = d.serverHandles();
            List<ProcessHandle> self = List.of(ProcessHandle.current());
            long c0 = Procs.cpuNanos(self);
            long g0 = Procs.cpuNanos(gw);
            long s0 = Procs.cpuNanos(servers);
            Phase thr = closedLoop(throughputConns, seconds(options.throughputSeconds()), 0, true);
            long c1 = Procs.cpuNanos(self);
            long g1 = Procs.cpuNanos(gw);
            long s1 = Procs.cpuNanos(servers);
            double per = Math.max(1, thr.calls());
            double[] avg = load.average();
            double[] peak = load.peak();
            Interference interference = new Interference(avg[0], peak[0], avg[1], peak[1], avg[0] + avg[1],
                    peak[2]);
            load.write(options.logs().resolve(files + "-load.csv"));
            log(String.format(Locale.ROOT, "  throughput (%d workers, %d sessions): %.0f calls/s, p50 %.3f ms,"
                            + " %d errors", options.workers(), sessions, thr.callsPerSecond(), thr.pctMs(50),
                    thr.errors()));
            if (interference.busy()) {
                log(String.format(Locale.ROOT, "  NOTE: the machine was busy while this was measured: other"
                                + " processes %.2f cores on average (%.2f in the busiest second), hypervisor steal %.2f"
                                + " (%.2f)", interference.processesAvg(), interference.processesPeak(),
                        interference.stealAvg(), interference.stealPeak()));
            }
            return new Result(name, latency, thr, (c1 - c0) / per / 1e3, gw.isEmpty() ? Double.NaN
                    : (g1 - g0) / per / 1e3, (s1 - s0) / per / 1e3, interference, null, List.of());
        }
    }

    /**
     * Closed loop on all conns in 1 s slices until the rate stops rising: at least {@code warmupSeconds} and
     * {@code warmupCalls}, then until four slices in a row set no new high (+5%), at most {@code warmupMaxSeconds}.
     * Fresh JVMs on 2 busy cores take a while to reach their steady JIT state.
     */
    private Phase warmUp(List<Conn> conns) throws InterruptedException {
        long start = System.nanoTime();
        long calls = 0;
        long errors = 0;
        String firstError = null;
        double best = 0;
        int flat = 0;
        StringBuilder rates = new StringBuilder();
        while (true) {
            Phase slice = closedLoop(conns, seconds(1), 0, false);
            calls += slice.calls();
            errors += slice.errors();
            firstError = firstError != null ? firstError : slice.firstError();
            double rate = slice.callsPerSecond();
            rates.append(rates.isEmpty() ? "" : " ").append(Math.round(rate));
            flat = rate > best * 1.05 ? 0 : flat + 1;
            best = Math.max(best, rate);
            long elapsed = System.nanoTime() - start;
            if (calls == 0 && elapsed > seconds(5)) {
                break;
            }
            if (elapsed >= seconds(options.warmupSeconds()) && calls >= options.warmupCalls() && flat >= 4) {
                break;
            }
            if (elapsed >= seconds(options.warmupMaxSeconds())) {
                break;
            }
        }
        long elapsed = System.nanoTime() - start;
        log(String.format(Locale.ROOT, "  warm-up: %.0f s, %d calls, %d errors; calls/s per second: %s",
                elapsed / 1e9, calls, errors, rates));
        return new Phase(calls, errors, firstError, elapsed, new long[0], 0);
    }

    /** With --quiet-wait: waits for a 1 s window in which other processes and steal take under 0.25 cores. */
    private void awaitQuiet() throws InterruptedException {
        if (options.quietWait() <= 0) {
            return;
        }
        long deadline = System.nanoTime() + seconds(options.quietWait());
        double other;
        do {
            SystemLoad window = SystemLoad.start();
            Thread.sleep(1_000);
            other = window.otherCores();
            if (Double.isNaN(other) || other < 0.25) {
                return;
            }
        } while (System.nanoTime() < deadline);
        log(String.format(Locale.ROOT, "  machine still busy (other processes and steal: %.1f cores); measuring"
                + " anyway", other));
    }

    private Deployment deploy(String name) throws Exception {
        Deployment d = new Deployment();
        try {
            Path logs = options.logs();
            switch (name) {
                case "stdio-direct" -> d.target = new LoadClient.StdioTarget(echoStdioCommand(),
                        logs.resolve(name + "-echo.log"), d.stdioChildren);
                case "http-direct" -> {
                    int port = startEchoHttp(d, name);
                    d.target = new LoadClient.HttpTarget("127.0.0.1", port, "/mcp");
                }
                case "stdio-airlock" -> {
                    Map<String, Object> server = new LinkedHashMap<>();
                    List<String> cmd = echoStdioCommand();
                    server.put("command", cmd.getFirst());
                    server.put("args", cmd.subList(1, cmd.size()));
                    int port = startAirlock(d, name, server);
                    d.target = new LoadClient.HttpTarget("127.0.0.1", port, "/mcp/echo");
                }
                case "http-airlock", "http-airlock-no-receipts" -> {
                    int echoPort = startEchoHttp(d, name);
                    int port = startAirlock(d, name, Map.of("url", "http://127.0.0.1:" + echoPort + "/mcp"));
                    d.target = new LoadClient.HttpTarget("127.0.0.1", port, "/mcp/echo");
                }
                case "supergateway" -> {
                    Path entry = nodeModule("supergateway", "dist/index.js");
                    int port = Procs.freePort();
                    String stdio = String.join(" ", echoStdioCommand().stream().map(Procs::shellQuote).toList());
                    // No host option: supergateway listens on all interfaces (this machine is loopback-only).
                    List<String> cmd = List.of(options.node(), entry.toString(), "--stdio", stdio,
                            "--outputTransport", "streamableHttp", "--stateful", "--port", String.valueOf(port),
                            "--logLevel", "none");
                    d.gateway = start(d, "supergateway", cmd, logs.resolve(name + ".log"), Map.of());
                    d.gateway.awaitPort("127.0.0.1", port, Duration.ofSeconds(30));
                    d.target = new LoadClient.HttpTarget("127.0.0.1", port, "/mcp");
                    d.notes.add("--stateful --logLevel none; binds all interfaces (no host option);"
                            + " one child per session");
                }
                case "mcp-proxy" -> {
                    Path entry = nodeModule("mcp-proxy", "dist/bin/mcp-proxy.mjs");
                    int port = Procs.freePort();
                    List<String> cmd = new ArrayList<>(List.of(options.node(), entry.toString(), "--host",
                            "127.0.0.1", "--port", String.valueOf(port), "--server", "stream", "--"));
                    cmd.addAll(echoStdioCommand());
                    d.gateway = start(d, "mcp-proxy", cmd, logs.resolve(name + ".log"), Map.of());
                    d.gateway.awaitPort("127.0.0.1", port, Duration.ofSeconds(30));
                    d.target = new LoadClient.HttpTarget("127.0.0.1", port, "/mcp");
                    d.notes.add("defaults (event store on); all sessions share one stdio child");
                }
                default -> throw new IllegalArgumentException("unknown scenario " + name);
            }
            return d;
        } catch (Exception e) {
            d.close();
            throw e;
        }
    }

    private Managed start(Deployment d, String what, List<String> cmd, Path log, Map<String, String> env)
            throws IOException {
        Managed m = Managed.start(what, cmd, log, env);
        d.processes.add(m);
        everything.add(m);
        return m;
    }

    private int startEchoHttp(Deployment d, String scenario) throws Exception {
        List<String> cmd = new ArrayList<>(echoJvm());
        cmd.addAll(List.of(EchoServer.class.getName(), "--http", "0"));
        d.httpServer = start(d, "echo server", cmd, options.logs().resolve(scenario + "-echo.log"), Map.of());
        return Integer.parseInt(d.httpServer.awaitLog(Pattern.compile("echo-server listening on [^:]+:(\\d+)"),
                Duration.ofSeconds(30)));
    }

    private int startAirlock(Deployment d, String scenario, Map<String, Object> server) throws Exception {
        Path config = options.logs().resolve(scenario + "-airlock.yaml");
        Path policy = options.logs().resolve(scenario + "-policy.yaml");
        // The whole gate stays in the path. The echo tool is not in Airlock's catalog, so its call would be tagged
        // `unknown` and held for a person: the config declares it effect-free (no tags) and the policy allows it.
        Files.writeString(policy, """
                # generated by the relay benchmark
                default: classify
                rules:
                  - id: bench/echo
                    description: The benchmark's echo tool returns its argument and has no effects
                    match: {servers: [echo], tools: [echo]}
                    action: allow
                """, StandardCharsets.UTF_8);
        Map<String, Object> echo = new LinkedHashMap<>(server);
        echo.put("tags", Map.of("echo", List.of()));
        // Receipts on (the default) except in the scenario that measures their cost; state stays in the logs dir.
        Path state = options.logs().resolve(scenario + "-state");
        String yaml = "# generated by the relay benchmark\nlisten: 127.0.0.1:0\npolicy:\n  file: "
                + JSON.writeValueAsString(policy.toString()) + "\nservers:\n  echo: "
                + JSON.writeValueAsString(echo) + "\nreceipts: {enabled: " + !scenario.endsWith("-no-receipts")
                + ", dir: " + JSON.writeValueAsString(state.resolve("receipts").toString()) + ", keyDir: "
                + JSON.writeValueAsString(state.resolve("keys").toString()) + "}\nadmin: {tokenFile: "
                + JSON.writeValueAsString(state.resolve("admin-token").toString()) + "}\noperator: {rememberFile: "
                + JSON.writeValueAsString(state.resolve("remembered.yaml").toString()) + "}\n"
                // Its own (empty) agent token store: tokens in the user's ~/.airlock must not turn on 401s here.
                + "agents: {tokenFile: " + JSON.writeValueAsString(state.resolve("agent-tokens.json").toString())
                + "}\n";
        Files.writeString(config, yaml, StandardCharsets.UTF_8);
        // As ./airlock runs it: default JVM settings plus native access for Netty's epoll transport.
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED"));
        cmd.addAll(options.airlockJvmArgs());
        cmd.addAll(List.of("-cp", classpath, "io.airlock.proxy.cli.AirlockCli", "serve", "-c", config.toString()));
        d.gateway = start(d, "airlock", cmd, options.logs().resolve(scenario + "-airlock.log"), Map.of());
        d.notes.add("Airlock runs with its gate in the path: a generated policy rule allows echo, tagged []"
                + " in the config");
        return Integer.parseInt(d.gateway.awaitLog(Pattern.compile("Airlock listening on http://[^\\s]*:(\\d+)"),
                Duration.ofSeconds(60)));
    }

    /** The echo server JVM: small heap, serial GC (one more JVM per session must fit 2 cores). */
    private List<String> echoJvm() {
        return List.of(java, "-XX:+UseSerialGC", "-Xms32m", "-Xmx256m", "-XX:TieredStopAtLevel=4", "-cp", classpath);
    }

    private List<String> echoStdioCommand() {
        List<String> cmd = new ArrayList<>(echoJvm());
        cmd.addAll(List.of(EchoServer.class.getName(), "--stdio"));
        return cmd;
    }

    private Path nodeModule(String pkg, String file) throws IOException {
        if (options.node() == null || options.nodeModules() == null) {
            throw new IOException("no Node runtime configured (AIRLOCK_NODE / AIRLOCK_NODE_MODULES unset; run "
                    + "scripts/setup-test-deps.sh)");
        }
        Path p = options.nodeModules().resolve(pkg).resolve(file);
        if (!Files.isRegularFile(p)) {
            throw new IOException(pkg + " is not installed (" + p + " missing; run scripts/setup-test-deps.sh)");
        }
        return p;
    }

    /** WARN/ERROR lines in the gateway's log (Airlock, peers) and the echo servers' logs. */
    private List<String> logFindings(Deployment d) {
        List<String> notes = new ArrayList<>();
        List<Managed> logged = new ArrayList<>(d.processes);
        for (Managed m : logged) {
            try {
                List<String> lines = Files.readAllLines(m.log, StandardCharsets.UTF_8);
                List<String> bad = lines.stream().filter(l -> l.contains(" WARN ") || l.contains(" ERROR ")
                        || l.contains("Exception") || l.toLowerCase(Locale.ROOT).contains("error")).toList();
                if (!bad.isEmpty()) {
                    notes.add(m.name + " log: " + bad.size() + " warning/error line(s), first: "
                            + abbreviate(bad.getFirst(), 240) + " (" + m.log + ")");
                }
            } catch (IOException e) {
                // no log
            }
        }
        return notes;
    }

    /**
     * CPU the benchmark did not get between {@link #start()} and now: what processes outside its own tree (this JVM
     * and its descendants) used, and what the hypervisor took ("steal": a virtual CPU ready to run but not
     * running). Both come from /proc/stat. The machine is shared, and 2 cores leave no slack.
     */
    record SystemLoad(long[] startJiffies, long ownNanos, long startNanos) {
        private static final long JIFFY_NANOS = 10_000_000L; // USER_HZ = 100 on Linux

        static SystemLoad start() {
            return new SystemLoad(readJiffies(), readOwnCpu(), System.nanoTime());
        }

        /** {other processes, steal} in average cores since start; NaN when /proc/stat is unreadable. */
        double[] cores() {
            long[] now = readJiffies();
            if (now == null || startJiffies == null) {
                return new double[] {Double.NaN, Double.NaN};
            }
            double elapsed = System.nanoTime() - startNanos;
            long other = (now[0] - startJiffies[0]) * JIFFY_NANOS - (readOwnCpu() - ownNanos);
            long steal = (now[1] - startJiffies[1]) * JIFFY_NANOS;
            return new double[] {Math.max(0, other) / elapsed, steal / elapsed};
        }

        /** Other processes and steal together. */
        double otherCores() {
            double[] c = cores();
            return c[0] + c[1];
        }

        private static long readOwnCpu() {
            ProcessHandle self = ProcessHandle.current();
            List<ProcessHandle> all = new ArrayList<>();
            all.add(self);
            all.addAll(self.descendants().toList());
            return Procs.cpuNanos(all);
        }

        /** {busy without steal, steal} in jiffies, or null. */
        private static long[] readJiffies() {
            try {
                String[] f = Files.readAllLines(Path.of("/proc/stat")).getFirst().trim().split("\\s+");
                // cpu user nice system idle iowait irq softirq steal ...
                long busy = 0;
                for (int i : new int[] {1, 2, 3, 6, 7}) {
                    busy += Long.parseLong(f[i]);
                }
                return new long[] {busy, Long.parseLong(f[8])};
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }
    }

    /** Samples {@link SystemLoad} every second on a daemon thread: the average hides short bursts. */
    static final class LoadMonitor implements AutoCloseable {
        private final SystemLoad whole = SystemLoad.start();
        private final List<double[]> samples = new CopyOnWriteArrayList<>(); // {epoch ms, other, steal}
        private final Thread thread;

        LoadMonitor() {
            thread = Thread.ofPlatform().daemon().name("load-monitor").start(() -> {
                try {
                    while (true) {
                        SystemLoad window = SystemLoad.start();
                        Thread.sleep(1_000);
                        double[] c = window.cores();
                        samples.add(new double[] {System.currentTimeMillis(), c[0], c[1]});
                    }
                } catch (InterruptedException e) {
                    // stopped
                }
            });
        }

        /** {other processes, steal}: averages over the whole window. */
        double[] average() {
            return whole.cores();
        }

        /** {other processes, steal, both}: the highest one-second sample of each. */
        double[] peak() {
            double[] peak = {0, 0, 0};
            for (double[] x : samples) {
                if (!Double.isNaN(x[1])) {
                    peak[0] = Math.max(peak[0], x[1]);
                    peak[1] = Math.max(peak[1], x[2]);
                    peak[2] = Math.max(peak[2], x[1] + x[2]);
                }
            }
            return peak;
        }

        void write(Path file) throws IOException {
            StringBuilder csv = new StringBuilder("end_epoch_ms,other_processes_cores,steal_cores\n");
            for (double[] x : samples) {
                csv.append(String.format(Locale.ROOT, "%.0f,%.2f,%.2f%n", x[0], x[1], x[2]));
            }
            Files.writeString(file, csv);
        }

        @Override
        public void close() {
            thread.interrupt();
        }
    }

    // ---- load phases ----

    /**
     * Closed loop: every conn on its own thread, call after call, until {@code durationNanos} has passed and at
     * least {@code minCalls} calls succeeded (warm-up), or at most 4x the duration + 60 s.
     */
    static Phase closedLoop(List<Conn> conns, long durationNanos, long minCalls, boolean record)
            throws InterruptedException {
        int n = conns.size();
        AtomicLong total = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>();
        long[][] lat = new long[n][];
        int[] counts = new int[n];
        CountDownLatch ready = new CountDownLatch(n);
        CountDownLatch go = new CountDownLatch(1);
        long[] finished = new long[n];
        long[] startAt = new long[1];
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < n; w++) {
            int worker = w;
            Conn conn = conns.get(w);
            threads.add(Thread.ofPlatform().name("load-" + w).start(() -> {
                long[] mine = new long[record ? 1 << 16 : 0];
                int count = 0;
                ready.countDown();
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                long deadline = startAt[0] + durationNanos;
                long hardDeadline = startAt[0] + 4 * durationNanos + 60_000_000_000L;
                int consecutiveErrors = 0;
                while (true) {
                    long now = System.nanoTime();
                    if (now >= hardDeadline || (now >= deadline && total.get() >= minCalls)) {
                        break;
                    }
                    try {
                        conn.call();
                        long end = System.nanoTime();
                        total.incrementAndGet();
                        consecutiveErrors = 0;
                        if (record) {
                            if (count == mine.length) {
                                mine = Arrays.copyOf(mine, mine.length * 2);
                            }
                            mine[count++] = end - now;
                        }
                    } catch (IOException e) {
                        errors.incrementAndGet();
                        firstError.compareAndSet(null, e.getMessage());
                        if (++consecutiveErrors >= 50) {
                            break; // the target is gone; do not spin
                        }
                        LockSupport.parkNanos(1_000_000);
                    }
                }
                finished[worker] = System.nanoTime();
                lat[worker] = mine;
                counts[worker] = count;
            }));
        }
        ready.await();
        startAt[0] = System.nanoTime();
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        long end = Arrays.stream(finished).max().orElse(startAt[0]);
        return new Phase(total.get(), errors.get(), firstError.get(), end - startAt[0], merge(lat, counts), 0);
    }

    /**
     * Open loop at {@code rate} calls/s for {@code seconds}: call i is due at t0 + i/rate and is made by conn
     * i mod k, so each conn has k/rate seconds per call. Latency runs from the actual send; when a conn is still busy
     * with its previous call at the due time, from the due time (no coordinated omission).
     */
    static Phase openLoop(List<Conn> conns, int rate, double seconds) throws InterruptedException {
        int k = conns.size();
        int total = (int) Math.round(rate * seconds);
        long interval = 1_000_000_000L / rate;
        long t0 = System.nanoTime() + 50_000_000L;
        double wallT0 = System.currentTimeMillis() + (t0 - System.nanoTime()) / 1e6;
        double[] sentAt = new double[total];
        long[] latencyAt = new long[total];
        long[][] lat = new long[k][];
        int[] counts = new int[k];
        AtomicLong errors = new AtomicLong();
        AtomicLong late = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>();
        long[] finished = new long[k];
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < k; w++) {
            int worker = w;
            Conn conn = conns.get(w);
            threads.add(Thread.ofPlatform().name("paced-" + w).start(() -> {
                long[] mine = new long[total / k + 1];
                int count = 0;
                for (int i = worker; i < total; i += k) {
                    long due = t0 + i * interval;
                    long now = System.nanoTime();
                    long from;
                    if (now > due) {
                        from = due; // still busy with the previous call: count the wait
                        if (now - due > 1_000_000) {
                            late.incrementAndGet();
                        }
                    } else {
                        while ((now = System.nanoTime()) < due) {
                            LockSupport.parkNanos(due - now);
                        }
                        from = now;
                    }
                    sentAt[i] = wallT0 + (from - t0) / 1e6;
                    try {
                        conn.call();
                        long took = System.nanoTime() - from;
                        mine[count++] = took;
                        latencyAt[i] = took;
                    } catch (IOException e) {
                        latencyAt[i] = -1;
                        errors.incrementAndGet();
                        firstError.compareAndSet(null, e.getMessage());
                    }
                }
                finished[worker] = System.nanoTime();
                lat[worker] = mine;
                counts[worker] = count;
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        long end = Arrays.stream(finished).max().orElse(t0);
        long[] merged = merge(lat, counts);
        return new Phase(merged.length, errors.get(), firstError.get(), end - t0, merged, late.get(),
                new Timeline(sentAt, latencyAt));
    }

    private static long[] merge(long[][] parts, int[] counts) {
        int size = 0;
        for (int c : counts) {
            size += c;
        }
        long[] all = new long[size];
        int at = 0;
        for (int i = 0; i < parts.length; i++) {
            if (parts[i] != null) {
                System.arraycopy(parts[i], 0, all, at, counts[i]);
                at += counts[i];
            }
        }
        Arrays.sort(all);
        return all;
    }

    // ---- options ----

    static Options parse(String[] args) {
        boolean quick = false;
        Set<String> scenarios = new LinkedHashSet<>();
        Path out = null;
        Path logs = Path.of("bench", "target", "bench-logs");
        String node = System.getenv("AIRLOCK_NODE");
        String nodeModules = System.getenv("AIRLOCK_NODE_MODULES");
        Integer rate = null;
        Double warmup = null;
        Double warmupMax = null;
        Double latency = null;
        Double throughput = null;
        int latencyConns = 4;
        int sessions = 4;
        int workers = 16;
        Double quietWait = null;
        int retries = 0;
        List<String> airlockJvmArgs = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--quick" -> quick = true;
                case "--scenario" -> {
                    for (String s : value(args, ++i, a).split(",")) {
                        if (!s.isBlank()) {
                            scenarios.add(s.trim());
                        }
                    }
                }
                case "--out" -> out = Path.of(value(args, ++i, a));
                case "--logs" -> logs = Path.of(value(args, ++i, a));
                case "--node" -> node = value(args, ++i, a);
                case "--node-modules" -> nodeModules = value(args, ++i, a);
                case "--rate" -> rate = Integer.parseInt(value(args, ++i, a));
                case "--warmup-seconds" -> warmup = Double.parseDouble(value(args, ++i, a));
                case "--warmup-max-seconds" -> warmupMax = Double.parseDouble(value(args, ++i, a));
                case "--latency-seconds" -> latency = Double.parseDouble(value(args, ++i, a));
                case "--throughput-seconds" -> throughput = Double.parseDouble(value(args, ++i, a));
                case "--latency-conns" -> latencyConns = Integer.parseInt(value(args, ++i, a));
                case "--sessions" -> sessions = Integer.parseInt(value(args, ++i, a));
                case "--workers" -> workers = Integer.parseInt(value(args, ++i, a));
                case "--quiet-wait" -> quietWait = Double.parseDouble(value(args, ++i, a));
                case "--retries" -> retries = Integer.parseInt(value(args, ++i, a));
                case "--airlock-jvm-arg" -> airlockJvmArgs.add(value(args, ++i, a));
                case "--list" -> {
                    ALL.forEach(s -> System.out.println(s + "\t" + PATHS.get(s)));
                    System.exit(0);
                }
                case "-h", "--help" -> {
                    System.out.println(USAGE);
                    System.exit(0);
                }
                default -> usage("unknown argument: " + a);
            }
        }
        for (String s : scenarios) {
            if (!ALL.contains(s)) {
                usage("unknown scenario '" + s + "' (scenarios: " + String.join(", ", ALL) + ")");
            }
        }
        List<String> chosen = scenarios.isEmpty() ? ALL : ALL.stream().filter(scenarios::contains).toList();
        if (latencyConns < 1 || sessions < 1 || workers < 1) {
            usage("--latency-conns, --sessions and --workers must be at least 1");
        }
        return new Options(quick, chosen, out, logs.toAbsolutePath(), blankToNull(node),
                blankToNull(nodeModules) == null ? null : Path.of(nodeModules),
                rate != null ? rate : 500,
                warmup != null ? warmup : quick ? 1 : 6,
                Math.max(warmup != null ? warmup : 0, warmupMax != null ? warmupMax : quick ? 2 : 15),
                quick ? 1_000 : 3_000,
                latency != null ? latency : quick ? 1.5 : 10,
                throughput != null ? throughput : quick ? 1.5 : 10,
                latencyConns, sessions, workers, quietWait != null ? quietWait : quick ? 0 : 10, retries,
                List.copyOf(airlockJvmArgs));
    }

    static final String USAGE = """
            usage: RelayBenchmark [--quick] [--scenario NAME[,NAME...]] [--out FILE] [--list]
                                  [--rate N] [--warmup-seconds S] [--warmup-max-seconds S]
                                  [--latency-seconds S] [--throughput-seconds S]
                                  [--latency-conns N] [--sessions N] [--workers N] [--logs DIR]
                                  [--node PATH] [--node-modules DIR] [--quiet-wait S] [--retries N]
                                  [--airlock-jvm-arg ARG]...
            Scenarios: %s
            Defaults: 500 calls/s for 10 s on 4 conns of one session; 16 workers over 4 sessions for 10 s;
            warm-up at saturation for 6-15 s (at least 3000 calls; it ends once the rate stops rising);
            --quiet-wait 10.
            --quick: 1-2 s warm-up (at least 1000 calls), 1.5 s, 1.5 s.
            --quiet-wait S: before measuring each scenario, wait up to S seconds for a second in which other
            processes and hypervisor steal take less than 0.25 cores (for shared machines; 0 turns it off).
            --retries N: measure a scenario again, up to N times, when the machine was busy meanwhile; the
            quietest attempt counts.
            --airlock-jvm-arg: extra JVM option for Airlock (e.g. -XX:StartFlightRecording=...), repeatable.
            Node and its packages come from AIRLOCK_NODE / AIRLOCK_NODE_MODULES (scripts/setup-test-deps.sh).
            """.formatted(String.join(", ", ALL));

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            usage(option + " needs a value");
        }
        return args[i];
    }

    private static void usage(String problem) {
        System.err.println("bench: " + problem);
        System.err.println(USAGE);
        System.exit(2);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    static long seconds(double s) {
        return (long) (s * 1e9);
    }

    static String abbreviate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "...";
    }

    private static final long T0 = System.nanoTime();

    static void log(String line) {
        System.err.printf(Locale.ROOT, "bench: [%6.1fs] %s%n", (System.nanoTime() - T0) / 1e9, line);
    }

    Options options() {
        return options;
    }

    Map<String, Result> results() {
        return results;
    }

    String javaCommand() {
        return java;
    }

    static String now() {
        return ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    }
}
