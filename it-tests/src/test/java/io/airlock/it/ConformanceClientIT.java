package io.airlock.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The official MCP conformance suite in <em>client</em> mode: for each scenario the suite starts a mock MCP server and
 * runs a client command against it. The client is {@code it-tests/node/conformance-client.mjs} (TypeScript SDK for
 * the 2025 wire, a small stateless client for 2026-07-28), run twice per scenario: directly, and through Airlock
 * ({@code conformance-client-via-airlock.sh}: a fresh Airlock process whose only upstream is the mock server, the
 * client talking to Airlock). What the mock server scores is then what Airlock, as the mock's client, did on the
 * client's behalf, so every scenario that passes directly must pass through Airlock (parity).
 *
 * <p>Scenarios: every client scenario the suite lists for the protocol version in question, except {@code auth/*}
 * (Airlock has no client-side OAuth towards its upstreams yet, and the client does not do OAuth) and extension
 * scenarios. One scenario per CLI run ({@code --scenario}), two runs at a time; {@code sse-retry}, which measures the
 * client's reconnect delay, runs alone afterwards, and once more if it fails. A per-scenario table goes to stdout for the CI log; each run's
 * console, {@code checks.json}, client stdout/stderr (with Airlock's log) are under
 * {@code it-tests/target/conformance-client/}.
 */
class ConformanceClientIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path NODE_DIR = NodeTools.PROJECT.resolve("it-tests/node");
    private static final Path OUT = NodeTools.PROJECT.resolve("it-tests/target/conformance-client");
    /** The suite kills a client after this long; through Airlock that includes the JVM start. */
    private static final int SCENARIO_TIMEOUT_MS = 60_000;
    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(120);
    private static final int PARALLEL = 2;
    /** Scenarios whose verdict depends on wall-clock timing: run alone, and once more if they fail. */
    private static final List<String> TIMING_SENSITIVE = List.of("sse-retry");
    private static final Pattern LISTED = Pattern.compile("^\\s+- (\\S+) \\[([^\\]]*)]\\s*$");
    /** Client mode's result directories: {@code <scenario>-<ISO timestamp with ':' and '.' replaced by '-'>}. */
    private static final Pattern RESULT_DIR =
            Pattern.compile("^(.+)-\\d{4}-\\d{2}-\\d{2}T\\d{2}-\\d{2}-\\d{2}-\\d{3}Z$");

    enum Mode {
        DIRECT("direct"), AIRLOCK("airlock");

        final String label;

        Mode(String label) {
            this.label = label;
        }
    }

    enum Status {
        PASS, FAIL, SKIP
    }

    record Outcome(String scenario, Mode mode, Status status, int exitCode, boolean timedOut, int success,
            int failure, int warning, int skipped, List<String> problems, Duration elapsed, Path dir, int attempts) {

        String cell() {
            String counts = success + "/" + (success + failure) + (warning > 0 ? " " + warning + "W" : "")
                    + (skipped > 0 ? " " + skipped + "S" : "");
            String text = switch (status) {
                case PASS -> "PASS " + counts;
                case FAIL -> "FAIL " + counts + (timedOut ? " TIMEOUT" : "");
                case SKIP -> "SKIP";
            };
            return text + " " + elapsed.toMillis() / 100 / 10.0 + "s" + (attempts > 1 ? " (try " + attempts + ")" : "");
        }
    }

    @Test
    void conformance0116ClientScenariosHaveParityThroughAirlock() throws Exception {
        Path cli = NodeTools.module("conformance-2025/dist/index.js");
        List<String> scenarios = clientScenarios(cli, null);
        assertThat(scenarios).as("0.1.16 client scenarios (non-auth)")
                .contains("initialize", "tools_call", "elicitation-sep1034-client-defaults", "sse-retry");
        Map<String, Outcome[]> results = runAll("0.1.16", cli, scenarios, null);
        report("conformance 0.1.16, client mode (core minus auth)", results);
        assertParity(results, List.of("initialize", "tools_call", "elicitation-sep1034-client-defaults"));
    }

    /**
     * alpha.12 at 2025-11-25: the scenarios 0.1.16 does not have, and {@code tools_call}, which alpha.12 serves from a
     * mock that validates every message the client (here: Airlock) sends against the 2025-11-25 JSON schema
     * ({@code wire-schema-valid}). The rest would repeat the 0.1.16 runs.
     */
    @Test
    void conformance020Alpha12ClientScenariosAt20251125HaveParityThroughAirlock() throws Exception {
        Path cli = NodeTools.module("conformance-2026/dist/index.js");
        List<String> in0116 = clientScenarios(NodeTools.module("conformance-2025/dist/index.js"), null);
        List<String> scenarios = clientScenarios(cli, "2025-11-25").stream()
                .filter(s -> s.equals("tools_call") || !in0116.contains(s)).toList();
        assertThat(scenarios).as("0.2.0-alpha.12 client scenarios at 2025-11-25 (non-auth, not in 0.1.16)")
                .contains("tools_call", "json-schema-2020-12-preservation");
        Map<String, Outcome[]> results = runAll("0.2.0-alpha.12-2025-11-25", cli, scenarios, "2025-11-25");
        report("conformance 0.2.0-alpha.12, client mode, --spec-version 2025-11-25", results);
        assertParity(results, List.of("tools_call", "json-schema-2020-12-preservation"));
    }

    /**
     * alpha.12 at 2026-07-28: the client speaks the stateless protocol to Airlock, and the mock server scores what
     * Airlock sends upstream. When this was written, four scenarios failed through Airlock only: its
     * {@code server/discover} probe carries neither {@code MCP-Protocol-Version} nor {@code Mcp-Method}, so a strict
     * 2026-07-28 server rejects it (-32020) and Airlock falls back to {@code initialize} (tools_call,
     * json-schema-2020-12-preservation); the probe does not retry on -32022 with a version from
     * {@code error.data.supported} (request-metadata); and {@code Mcp-Param-*} headers are not relayed upstream
     * (http-custom-headers).
     */
    @Test
    void conformance020Alpha12ClientScenariosAt20260728HaveParityThroughAirlock() throws Exception {
        Path cli = NodeTools.module("conformance-2026/dist/index.js");
        List<String> scenarios = clientScenarios(cli, "2026-07-28");
        assertThat(scenarios).as("0.2.0-alpha.12 client scenarios at 2026-07-28 (non-auth)")
                .contains("tools_call", "request-metadata", "http-standard-headers");
        Map<String, Outcome[]> results = runAll("0.2.0-alpha.12-2026-07-28", cli, scenarios, "2026-07-28");
        report("conformance 0.2.0-alpha.12, client mode, --spec-version 2026-07-28 (stateless)", results);
        assertParity(results, List.of("tools_call", "request-metadata", "http-standard-headers",
                "sep-2322-client-request-state"));
    }

    // ---------------------------------------------------------------- scenarios

    /**
     * The client scenarios {@code node <cli> list} shows for {@code version} (every listed one when null), minus
     * {@code auth/*}.
     */
    private static List<String> clientScenarios(Path cli, String version) throws Exception {
        Process process = new ProcessBuilder(NodeTools.node(), cli.toString(), "list")
                .directory(NODE_DIR.toFile()).redirectErrorStream(true).start();
        String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("conformance list finished").isTrue();
        List<String> out = new ArrayList<>();
        boolean inClient = false;
        for (String line : text.split("\\R")) {
            if (!line.startsWith(" ") && !line.isBlank()) {
                inClient = line.startsWith("Client scenarios");
                continue;
            }
            Matcher m = LISTED.matcher(line);
            if (!inClient || !m.matches()) {
                continue;
            }
            List<String> versions = List.of(m.group(2).split("\\s*,\\s*"));
            boolean dated = versions.stream().anyMatch(v -> v.matches("\\d{4}-\\d{2}-\\d{2}"));
            if (!m.group(1).startsWith("auth/") && dated && (version == null || versions.contains(version))) {
                out.add(m.group(1));
            }
        }
        assertThat(out).as("client scenarios parsed from `list`:\n%s", text).isNotEmpty();
        return out;
    }

    private static Map<String, Outcome[]> runAll(String label, Path cli, List<String> scenarios, String specVersion)
            throws Exception {
        Path dir = OUT.resolve(label);
        deleteTree(dir);
        Files.createDirectories(dir);
        Map<String, Outcome[]> results = new LinkedHashMap<>();
        scenarios.forEach(s -> results.put(s, new Outcome[Mode.values().length]));
        List<String> parallel = scenarios.stream().filter(s -> !TIMING_SENSITIVE.contains(s)).toList();
        try (ExecutorService pool = Executors.newFixedThreadPool(PARALLEL)) {
            List<Future<Outcome>> futures = new ArrayList<>();
            // The longer runs (a JVM start each) first, so that the two workers finish together.
            for (Mode mode : List.of(Mode.AIRLOCK, Mode.DIRECT)) {
                for (String scenario : parallel) {
                    futures.add(pool.submit(() -> runScenario(cli, scenario, specVersion, mode, dir, 1)));
                }
            }
            for (Future<Outcome> future : futures) {
                Outcome outcome = future.get();
                results.get(outcome.scenario())[outcome.mode().ordinal()] = outcome;
            }
        }
        for (String scenario : scenarios) {
            if (!TIMING_SENSITIVE.contains(scenario)) {
                continue;
            }
            for (Mode mode : Mode.values()) {
                Outcome outcome = runScenario(cli, scenario, specVersion, mode, dir, 1);
                if (outcome.status() == Status.FAIL) {
                    outcome = runScenario(cli, scenario, specVersion, mode, dir, 2);
                }
                results.get(scenario)[mode.ordinal()] = outcome;
            }
        }
        return results;
    }

    /**
     * {@code node <cli> client --command <client> --scenario <s> [--spec-version v] -o <dir>}. PASS when the CLI
     * exits 0 (it exits 1 on any FAILURE or WARNING, a client timeout, or a client error the scenario does not
     * allow) and {@code checks.json} holds no FAILURE or WARNING; SKIP when the CLI skipped the scenario.
     */
    private static Outcome runScenario(Path cli, String scenario, String specVersion, Mode mode, Path dir,
            int attempt) throws IOException, InterruptedException {
        String name = scenario + "-" + mode.label + (attempt > 1 ? "-try" + attempt : "");
        Path results = dir.resolve(name);
        Files.createDirectories(results);
        Path console = dir.resolve(name + ".console.txt");
        String command = switch (mode) {
            case DIRECT -> NodeTools.node() + " " + NODE_DIR.resolve("conformance-client.mjs");
            case AIRLOCK -> "bash " + NODE_DIR.resolve("conformance-client-via-airlock.sh");
        };
        List<String> args = new ArrayList<>(List.of(NodeTools.node(), cli.toString(), "client", "--command", command,
                "--scenario", scenario, "--timeout", String.valueOf(SCENARIO_TIMEOUT_MS), "-o", results.toString()));
        if (specVersion != null) {
            args.addAll(List.of("--spec-version", specVersion));
        }
        ProcessBuilder builder = new ProcessBuilder(args).directory(NODE_DIR.toFile()).redirectErrorStream(true)
                .redirectOutput(console.toFile());
        Map<String, String> env = builder.environment();
        env.put("NO_COLOR", "1");
        env.put("FORCE_COLOR", "0");
        env.put("AIRLOCK_NODE", NodeTools.node());
        env.put("AIRLOCK_JAVA", javaBinary());
        env.put("AIRLOCK_CP", System.getProperty("java.class.path"));
        // C1 only: halves the JVM start that every scenario through Airlock pays; behaviour is the same.
        env.put("AIRLOCK_JAVA_OPTS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC");
        for (String proxy : List.of("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy",
                "all_proxy", "NODE_USE_ENV_PROXY", "JAVA_TOOL_OPTIONS")) {
            env.remove(proxy);
        }
        long start = System.nanoTime();
        Process process = builder.start();
        boolean finished = process.waitFor(RUN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        if (!finished) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        String text = Files.readString(console, StandardCharsets.UTF_8);
        int exit = finished ? process.exitValue() : -1;
        boolean clientTimedOut = text.contains("CLIENT TIMED OUT") || text.contains("Client timed out");
        if (finished && exit == 0 && text.contains("SKIPPED: scenario")) {
            return new Outcome(scenario, mode, Status.SKIP, exit, false, 0, 0, 0, 0, List.of(), elapsed, results,
                    attempt);
        }
        int success = 0;
        int failure = 0;
        int warning = 0;
        int skipped = 0;
        List<String> problems = new ArrayList<>();
        JsonNode checks = readChecks(results, scenario);
        if (checks == null) {
            problems.add("no checks.json (exit " + exit + "); console: " + console);
        } else {
            for (JsonNode check : checks) {
                String status = check.path("status").asText();
                switch (status) {
                    case "SUCCESS" -> success++;
                    case "SKIPPED" -> skipped++;
                    case "FAILURE", "WARNING" -> {
                        if (status.equals("FAILURE")) {
                            failure++;
                        } else {
                            warning++;
                        }
                        String why = check.path("errorMessage").asText(
                                check.path("details").path("message").asText(check.path("description").asText()));
                        problems.add(status + " " + check.path("id").asText() + " (" + check.path("name").asText()
                                + "): " + abbreviate(why, 300));
                    }
                    default -> { }
                }
            }
        }
        String clientError = clientError(results);
        if (clientError != null) {
            problems.add("client: " + abbreviate(clientError, 400));
        }
        if (!finished) {
            problems.add("the conformance CLI did not finish within " + RUN_TIMEOUT.toSeconds() + " s");
        } else if (clientTimedOut) {
            problems.add("the client timed out");
        } else if (exit != 0 && failure == 0 && warning == 0) {
            problems.add("CLI exit " + exit + " (client error?); console: " + console);
        }
        boolean pass = finished && exit == 0 && failure == 0 && warning == 0;
        return new Outcome(scenario, mode, pass ? Status.PASS : Status.FAIL, exit, !finished || clientTimedOut,
                success, failure, warning, skipped, problems, elapsed, results, attempt);
    }

    private static JsonNode readChecks(Path results, String scenario) throws IOException {
        try (Stream<Path> dirs = Files.list(results)) {
            for (Path dir : dirs.sorted(Comparator.comparing(Path::toString).reversed()).toList()) {
                Matcher m = RESULT_DIR.matcher(dir.getFileName().toString());
                Path file = dir.resolve("checks.json");
                if (m.matches() && m.group(1).equals(scenario) && Files.isRegularFile(file)) {
                    return JSON.readTree(file.toFile());
                }
            }
        }
        return null;
    }

    /** The client's own account of why it failed (its {@code failed:} line in the saved stderr), or null. */
    private static String clientError(Path results) throws IOException {
        try (Stream<Path> files = Files.walk(results, 2)) {
            for (Path file : files.filter(f -> f.getFileName().toString().equals("stderr.txt")).toList()) {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    int at = line.indexOf("[conformance-client] failed: ");
                    if (at >= 0) {
                        return line.substring(at + "[conformance-client] failed: ".length());
                    }
                }
            }
        }
        return null;
    }

    private static String javaBinary() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    // ---------------------------------------------------------------- verdicts

    private static void assertParity(Map<String, Outcome[]> results, List<String> required) {
        for (String scenario : required) {
            Outcome direct = results.containsKey(scenario) ? results.get(scenario)[Mode.DIRECT.ordinal()] : null;
            assertThat(direct == null ? null : direct.status())
                    .as("%s passes directly: %s", scenario, direct == null ? "not run" : direct.problems())
                    .isEqualTo(Status.PASS);
        }
        List<String> broken = new ArrayList<>();
        results.forEach((scenario, outcomes) -> {
            Outcome direct = outcomes[Mode.DIRECT.ordinal()];
            Outcome relayed = outcomes[Mode.AIRLOCK.ordinal()];
            if (direct.status() == Status.PASS && relayed.status() != Status.PASS) {
                List<String> problems = relayed.problems();
                String shown = problems.size() <= 3 ? problems.toString()
                        : problems.subList(0, 3) + " and " + (problems.size() - 3) + " more";
                broken.add(scenario + " -> " + relayed.cell() + " " + shown + " (client stderr with Airlock's log: "
                        + relayed.dir() + "/*/stderr.txt)");
            }
        });
        assertThat(broken).as("client scenarios that pass directly but not through Airlock").isEmpty();
    }

    private static void report(String title, Map<String, Outcome[]> results) {
        int width = Math.max(8, results.keySet().stream().mapToInt(String::length).max().orElse(8));
        StringBuilder out = new StringBuilder("\n=== MCP ").append(title).append(": direct vs Airlock ===\n");
        out.append(String.format("%-" + width + "s  %-22s  %-22s%n", "scenario", "direct", "airlock"));
        int same = 0;
        long directMillis = 0;
        long airlockMillis = 0;
        for (Map.Entry<String, Outcome[]> entry : results.entrySet()) {
            Outcome d = entry.getValue()[Mode.DIRECT.ordinal()];
            Outcome a = entry.getValue()[Mode.AIRLOCK.ordinal()];
            directMillis += d.elapsed().toMillis();
            airlockMillis += a.elapsed().toMillis();
            boolean agree = d.status() == a.status();
            same += agree ? 1 : 0;
            out.append(String.format("%-" + width + "s  %-22s  %-22s%s%n", entry.getKey(), d.cell(), a.cell(),
                    agree ? "" : "  <-- differs"));
        }
        out.append(String.format("%d scenarios, %d with the same verdict; summed run time direct %.1fs, airlock "
                + "%.1fs%n", results.size(), same, directMillis / 1000.0, airlockMillis / 1000.0));
        results.forEach((scenario, outcomes) -> {
            for (Outcome outcome : outcomes) {
                for (String problem : outcome.problems()) {
                    out.append("  [").append(outcome.mode().label).append("] ").append(scenario).append(": ")
                            .append(problem).append('\n');
                }
            }
        });
        out.append("results: ").append(results.values().iterator().next()[0].dir().getParent()).append('\n');
        System.out.print(out);
        System.out.flush();
    }

    private static String abbreviate(String text, int max) {
        String flat = text.replaceAll("\\s+", " ").strip();
        return flat.length() <= max ? flat : flat.substring(0, max) + "…";
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
