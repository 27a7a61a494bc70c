package io.airlock.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The official MCP conformance suite in server mode, run twice against the same fixture server
 * ({@code it-tests/node/conformance-fixture.mjs}: TypeScript SDK for the 2025 revisions, its own raw JSON-RPC path
 * for 2026-07-28): once directly over its own Streamable HTTP, once through Airlock fronting it over stdio. Airlock
 * is a transparent relay, so every scenario that passes directly must pass through Airlock (parity). A per-scenario
 * table goes to stdout for the CI log.
 */
class ConformanceIT {

    private static final String SERVER = "conformance";
    /** Scenarios that must pass directly, so that parity cannot hold vacuously. */
    private static final List<String> REQUIRED_2025 = List.of("dns-rebinding-protection", "tools-call-with-logging",
            "tools-call-with-progress", "tools-call-sampling", "tools-call-elicitation");
    /**
     * 2026-07-28 scenarios that must pass directly: the stateless lifecycle (per-request {@code _meta}, header/body
     * validation, error-to-status mapping, subscriptions/listen), Host/Origin checks, streamed progress, caching hints
     * and integrity-protected MRTR state.
     */
    private static final List<String> REQUIRED_2026 = List.of("server-stateless", "dns-rebinding-protection",
            "tools-call-with-progress", "caching", "input-required-result-multi-round",
            "input-required-result-tampered-state");
    private static final Duration SUITE_TIMEOUT = Duration.ofMinutes(3);
    private static final Path OUT = NodeTools.PROJECT.resolve("it-tests/target/conformance");

    static Process fixture;
    static String directUrl;
    static Path script;

    @BeforeAll
    static void start() throws Exception {
        script = NodeTools.PROJECT.resolve("it-tests/node/conformance-fixture.mjs");
        Files.createDirectories(OUT);
        fixture = new ProcessBuilder(NodeTools.node(), script.toString(), "--http", "0")
                .directory(NodeTools.PROJECT.resolve("it-tests/node").toFile())
                .redirectError(OUT.resolve("fixture-http.log").toFile())
                .start();
        int port = awaitListening(fixture, Duration.ofSeconds(30));
        directUrl = "http://127.0.0.1:" + port + "/mcp";
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (fixture != null) {
            fixture.destroy();
            if (!fixture.waitFor(5, TimeUnit.SECONDS)) {
                fixture.destroyForcibly();
            }
        }
    }

    @Test
    void conformance0116ActiveSuiteHasParityThroughAirlock() throws Exception {
        Path cli = NodeTools.module("conformance-2025/dist/index.js");
        ConformanceRun direct = ConformanceRun.run("direct", cli, directUrl, OUT.resolve("0.1.16-direct"),
                SUITE_TIMEOUT, "--suite", "active");
        ConformanceRun relayed = throughAirlock(cli, OUT.resolve("0.1.16-airlock"), "--suite", "active");
        report("conformance 0.1.16, server --suite active", direct, relayed);
        assertParity(direct, relayed, REQUIRED_2025, 30);
    }

    @Test
    void conformance020Alpha12At20251125HasParityThroughAirlock() throws Exception {
        Path cli = NodeTools.module("conformance-2026/dist/index.js");
        String[] args = {"--requirements", "2025-11-25", "--timeout", "20000"};
        ConformanceRun direct = ConformanceRun.run("direct", cli, directUrl, OUT.resolve("0.2.0-alpha.12-direct"),
                SUITE_TIMEOUT, args);
        ConformanceRun relayed = throughAirlock(cli, OUT.resolve("0.2.0-alpha.12-airlock"), args);
        report("conformance 0.2.0-alpha.12, server --requirements 2025-11-25", direct, relayed);
        List<String> required = new ArrayList<>(REQUIRED_2025);
        required.add("server-session-lifecycle");
        assertParity(direct, relayed, required, 33);
    }

    /**
     * The 2026-07-28 ("stateless") requirement set: 37 scored scenarios plus the not-scored extension and pending ones,
     * all at the 2026-07-28 wire. Directly the fixture serves them over its own HTTP, validating the SEP-2243 headers
     * itself; through Airlock it is a stdio upstream that Airlock's stateless bridge finds modern via
     * {@code server/discover}, so Airlock validates the headers and relays the requests unchanged.
     */
    @Test
    void conformance020Alpha12At20260728HasParityThroughAirlock() throws Exception {
        Path cli = NodeTools.module("conformance-2026/dist/index.js");
        String[] args = {"--requirements", "2026-07-28", "--timeout", "20000"};
        ConformanceRun direct = ConformanceRun.run("direct", cli, directUrl,
                OUT.resolve("0.2.0-alpha.12-2026-07-28-direct"), SUITE_TIMEOUT, args);
        ConformanceRun relayed = throughAirlock(cli, OUT.resolve("0.2.0-alpha.12-2026-07-28-airlock"), args);
        report("conformance 0.2.0-alpha.12, server --requirements 2026-07-28", direct, relayed);
        assertParity(direct, relayed, REQUIRED_2026, 37);
    }

    /**
     * A fresh Airlock per suite: each agent session gets its own stdio child, and 0.1.16 never DELETEs its sessions,
     * so closing the gateway afterwards is what ends those children.
     */
    private static ConformanceRun throughAirlock(Path cli, Path dir, String... args) throws Exception {
        try (Airlock airlock = Airlock.start(Airlock.nodeServer(SERVER, script, "--stdio"))) {
            return ConformanceRun.run("airlock", cli, airlock.url(SERVER), dir, SUITE_TIMEOUT, args);
        }
    }

    private static void assertParity(ConformanceRun direct, ConformanceRun relayed, List<String> required,
            int minimumScenarios) {
        assertThat(direct.timedOut).as("direct run timed out:\n%s", direct.consoleTail(60)).isFalse();
        assertThat(direct.outcomes).as("scenarios run directly; console:\n%s", direct.consoleTail(60))
                .hasSizeGreaterThanOrEqualTo(minimumScenarios);
        for (String scenario : required) {
            assertThat(direct.status(scenario)).as("%s passes directly: %s", scenario, direct.outcomes.get(scenario))
                    .isEqualTo(ConformanceRun.Status.PASS);
        }
        List<String> broken = new ArrayList<>();
        for (ConformanceRun.Outcome outcome : direct.outcomes.values()) {
            if (outcome.status() == ConformanceRun.Status.PASS
                    && relayed.status(outcome.scenario()) != ConformanceRun.Status.PASS) {
                ConformanceRun.Outcome through = relayed.outcomes.get(outcome.scenario());
                broken.add(outcome.scenario() + " -> "
                        + (through == null ? "MISSING" : through.cell() + " " + through.failures()));
            }
        }
        assertThat(broken).as("scenarios that pass directly but not through Airlock (airlock console: %s)",
                relayed.output).isEmpty();
    }

    private static void report(String title, ConformanceRun direct, ConformanceRun relayed) {
        Set<String> scenarios = new LinkedHashSet<>(direct.outcomes.keySet());
        scenarios.addAll(relayed.outcomes.keySet());
        int width = Math.max(8, scenarios.stream().mapToInt(String::length).max().orElse(8));
        StringBuilder out = new StringBuilder("\n=== MCP ").append(title).append(": direct vs Airlock ===\n");
        out.append(String.format("%-" + width + "s  %-14s  %-14s%n", "scenario", "direct", "airlock"));
        int parity = 0;
        for (String scenario : scenarios) {
            ConformanceRun.Outcome d = direct.outcomes.get(scenario);
            ConformanceRun.Outcome a = relayed.outcomes.get(scenario);
            boolean same = direct.status(scenario) == relayed.status(scenario);
            parity += same ? 1 : 0;
            String note = !same ? "  <-- differs"
                    : d != null && a != null && d.passed() != a.passed() ? "  (verdict same, fewer checks applied)"
                    : "";
            out.append(String.format("%-" + width + "s  %-14s  %-14s%s%n", scenario,
                    d == null ? "MISSING" : d.cell(), a == null ? "MISSING" : a.cell(), note));
        }
        out.append(String.format("%d scenarios, %d with the same verdict; direct %ds (exit %d%s), airlock %ds "
                        + "(exit %d%s)%n", scenarios.size(), parity, direct.elapsed.toSeconds(), direct.exitCode,
                direct.timedOut ? ", TIMED OUT" : "", relayed.elapsed.toSeconds(), relayed.exitCode,
                relayed.timedOut ? ", TIMED OUT" : ""));
        for (ConformanceRun run : List.of(direct, relayed)) {
            for (ConformanceRun.Outcome outcome : run.outcomes.values()) {
                for (String failure : outcome.failures()) {
                    out.append("  [").append(run.label).append("] ").append(outcome.scenario()).append(": ")
                            .append(failure).append('\n');
                }
            }
        }
        out.append("console output: ").append(direct.output).append(", ").append(relayed.output).append('\n');
        System.out.print(out);
        System.out.flush();
    }

    /** Reads the fixture's {@code LISTENING <port>} line. */
    private static int awaitListening(Process process, Duration timeout) throws Exception {
        CompletableFuture<Integer> port = CompletableFuture.supplyAsync(() -> {
            try {
                BufferedReader reader = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                for (String line; (line = reader.readLine()) != null; ) {
                    if (line.startsWith("LISTENING ")) {
                        return Integer.parseInt(line.substring("LISTENING ".length()).strip());
                    }
                }
                throw new IllegalStateException("the fixture exited before listening (exit "
                        + process.waitFor() + "); see " + OUT.resolve("fixture-http.log"));
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            return port.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            process.destroyForcibly();
            throw new IllegalStateException("the conformance fixture did not start; see "
                    + OUT.resolve("fixture-http.log"), e);
        }
    }
}
