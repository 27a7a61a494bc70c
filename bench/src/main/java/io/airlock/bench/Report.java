package io.airlock.bench;

import io.airlock.bench.RelayBenchmark.Options;
import io.airlock.bench.RelayBenchmark.Phase;
import io.airlock.bench.RelayBenchmark.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The markdown report. */
final class Report {

    private Report() {}

    static String markdown(RelayBenchmark bench) {
        Options o = bench.options();
        Map<String, Result> r = bench.results();
        StringBuilder md = new StringBuilder();
        md.append("# Airlock relay benchmark\n\n");
        md.append("- Run: ").append(RelayBenchmark.now())
                .append(o.quick() ? " (**--quick**: short phases, rough figures)" : "").append('\n');
        md.append("- Machine: ").append(cpuModel()).append(", ").append(Runtime.getRuntime().availableProcessors())
                .append(" cores shared by the client, the gateway and the server(s); loopback only\n");
        md.append("- Java: ").append(System.getProperty("java.vm.name")).append(' ')
                .append(System.getProperty("java.runtime.version")).append("; Node: ").append(nodeVersion(o))
                .append('\n');
        md.append(String.format(Locale.ROOT, "- Call: `tools/call echo` with a %d-byte message (request body %d bytes);"
                        + " protocol %s%n", LoadClient.MESSAGE.length(),
                LoadClient.writeCall(new byte[LoadClient.maxCallLength()], 0, 5L << 32 | 1),
                LoadClient.PROTOCOL_VERSION));
        md.append(String.format(Locale.ROOT, "- Latency: open loop at %d calls/s for %s s over %d connections of one"
                        + " session; Throughput: %d closed-loop workers (one connection each) over %d sessions for"
                        + " %s s; before them a warm-up at saturation of %s-%s s (at least %d calls, until the rate"
                        + " stops rising)%n", o.rate(), num(o.latencySeconds()),
                o.latencyConns(), o.workers(), o.sessions(), num(o.throughputSeconds()), num(o.warmupSeconds()),
                num(o.warmupMaxSeconds()), o.warmupCalls()));
        md.append('\n');

        md.append("| Scenario | Path | p50 ms | p99 ms | p99.9 ms | max ms | +p50 ms | +p99 ms | calls/s"
                + " | × direct HTTP | errors |\n");
        md.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        Result httpDirect = r.get("http-direct");
        for (Result res : r.values()) {
            String path = RelayBenchmark.PATHS.get(res.name());
            if (res.failure() != null) {
                md.append("| ").append(res.name()).append(" | ").append(path).append(" | **failed**: ")
                        .append(escape(RelayBenchmark.abbreviate(res.failure(), 300)))
                        .append(" | | | | | | | | |\n");
                continue;
            }
            Phase l = res.latency();
            Phase t = res.throughput();
            Result base = baseline(r, res.name());
            String addP50 = base == null ? "" : signed(l.pctMs(50) - base.latency().pctMs(50));
            String addP99 = base == null ? "" : signed(l.pctMs(99) - base.latency().pctMs(99));
            String ratio = ok(httpDirect) ? String.format(Locale.ROOT, "%.2f",
                    t.callsPerSecond() / httpDirect.throughput().callsPerSecond()) : "";
            md.append("| ").append(res.name()).append(busy(res) ? " †" : "").append(" | ").append(path)
                    .append(" | ").append(ms(l.pctMs(50))).append(" | ").append(ms(l.pctMs(99)))
                    .append(" | ").append(ms(l.pctMs(99.9))).append(" | ").append(ms(l.maxMs()))
                    .append(" | ").append(addP50).append(" | ").append(addP99)
                    .append(" | ").append(String.format(Locale.ROOT, "%.0f", t.callsPerSecond()))
                    .append(" | ").append(ratio)
                    .append(" | ").append(l.errors() + t.errors()).append(" |\n");
        }
        if (r.values().stream().anyMatch(Report::busy)) {
            md.append("\n† While this row was measured, the benchmark lost over 0.2 cores on average, or over 0.5 in"
                    + " some second, to other processes or to the hypervisor (steal; see the CPU table). Its figures,"
                    + " tails above all, are not reliable.\n");
        }
        md.append("\n+p50 / +p99: this scenario's percentile minus its direct baseline's (stdio-direct for the stdio"
                + " paths and the peers, http-direct for http-airlock); differences of percentiles, not percentiles"
                + " of differences. The stdio baseline has no HTTP hop at all, so its difference includes one"
                + " loopback HTTP exchange plus the gateway.\n\n");

        md.append("## Summary\n\n");
        List<String> summary = new ArrayList<>();
        added(summary, r, "stdio-airlock", "Airlock in front of a stdio server");
        added(summary, r, "http-airlock", "Airlock in front of an HTTP server");
        Result withReceipts = r.get("http-airlock");
        Result withoutReceipts = r.get("http-airlock-no-receipts");
        if (ok(withReceipts) && ok(withoutReceipts)) {
            summary.add(String.format(Locale.ROOT, "Receipts (http-airlock vs http-airlock-no-receipts): p50 %s ms,"
                            + " p99 %s ms, throughput %.2f ×", signed(withReceipts.latency().pctMs(50)
                            - withoutReceipts.latency().pctMs(50)), signed(withReceipts.latency().pctMs(99)
                            - withoutReceipts.latency().pctMs(99)), withReceipts.throughput().callsPerSecond()
                            / withoutReceipts.throughput().callsPerSecond()));
        }
        added(summary, r, "supergateway", "supergateway in front of a stdio server");
        added(summary, r, "mcp-proxy", "mcp-proxy in front of a stdio server");
        if (ok(httpDirect)) {
            for (String name : List.of("stdio-direct", "stdio-airlock", "http-airlock", "supergateway", "mcp-proxy")) {
                Result res = r.get(name);
                if (ok(res)) {
                    summary.add(String.format(Locale.ROOT, "Throughput %s: %.0f calls/s = %.2f × direct HTTP (%.0f"
                                    + " calls/s)", name, res.throughput().callsPerSecond(),
                            res.throughput().callsPerSecond() / httpDirect.throughput().callsPerSecond(),
                            httpDirect.throughput().callsPerSecond()));
                }
            }
        }
        Result airlock = r.get("stdio-airlock");
        for (String peer : List.of("supergateway", "mcp-proxy")) {
            Result p = r.get(peer);
            if (ok(airlock) && ok(p)) {
                summary.add(String.format(Locale.ROOT, "Airlock p50 / %s p50 (both in front of the stdio server):"
                                + " %s / %s ms = %.2f", peer, ms(airlock.latency().pctMs(50)),
                        ms(p.latency().pctMs(50)),
                        airlock.latency().pctMs(50) / p.latency().pctMs(50)));
            } else if (p != null && p.failure() != null) {
                summary.add(peer + ": not measured (" + p.failure() + ")");
            }
        }
        for (String s : summary) {
            md.append("- ").append(s).append('\n');
        }
        md.append('\n');

        md.append("## Saturation detail and CPU per call\n\n");
        md.append("CPU is user+system time of each process during the throughput phase divided by the calls made;"
                + " on 2 shared cores it shows where the time goes.\n\n");
        md.append("| Scenario | calls/s | p50 ms | p99 ms | client CPU µs/call | gateway CPU µs/call |"
                + " server CPU µs/call | late sends at fixed rate | other processes, cores | steal, cores |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Result res : r.values()) {
            if (!ok(res)) {
                continue;
            }
            Phase t = res.throughput();
            md.append("| ").append(res.name())
                    .append(" | ").append(String.format(Locale.ROOT, "%.0f", t.callsPerSecond()))
                    .append(" | ").append(ms(t.pctMs(50))).append(" | ").append(ms(t.pctMs(99)))
                    .append(" | ").append(us(res.clientCpuUs()))
                    .append(" | ").append(Double.isNaN(res.gatewayCpuUs()) ? "–" : us(res.gatewayCpuUs()))
                    .append(" | ").append(us(res.serverCpuUs()))
                    .append(" | ").append(res.latency().lateSends())
                    .append(" | ").append(pair(res.interference().processesAvg(), res.interference().processesPeak()))
                    .append(" | ").append(pair(res.interference().stealAvg(), res.interference().stealPeak()))
                    .append(" |\n");
        }
        md.append("\n\"late sends\": calls of the fixed-rate phase sent more than 1 ms after their due time because"
                + " their connection was still busy; their latency counts from the due time. \"other processes\" and"
                + " \"steal\" (CPU the hypervisor gave to others while this VM wanted it): cores the benchmark did not"
                + " get while the scenario was measured, from /proc/stat, as average / busiest second. Anything well"
                + " above 0 makes that row unreliable (per-second samples: bench/target/bench-logs/<scenario>-load.csv)"
                + ".\n");

        List<String> notes = new ArrayList<>();
        for (Result res : r.values()) {
            if (res.latency() != null && res.latency().firstError() != null) {
                notes.add(res.name() + ": first error at fixed rate: " + res.latency().firstError());
            }
            if (res.throughput() != null && res.throughput().firstError() != null) {
                notes.add(res.name() + ": first error at saturation: " + res.throughput().firstError());
            }
            for (String n : res.notes()) {
                notes.add(res.name() + ": " + n);
            }
        }
        if (!notes.isEmpty()) {
            md.append("\n## Notes\n\n");
            for (String n : notes) {
                md.append("- ").append(escape(n)).append('\n');
            }
        }
        return md.toString();
    }

    private static void added(List<String> summary, Map<String, Result> r, String name, String what) {
        Result res = r.get(name);
        Result base = baseline(r, name);
        if (ok(res) && base != null) {
            summary.add(String.format(Locale.ROOT, "%s (%s): p50 %s ms (%s vs %s), p99 %s ms (%s)", what, name,
                    ms(res.latency().pctMs(50)), signed(res.latency().pctMs(50) - base.latency().pctMs(50)),
                    base.name(), ms(res.latency().pctMs(99)),
                    signed(res.latency().pctMs(99) - base.latency().pctMs(99))));
        }
    }

    private static Result baseline(Map<String, Result> r, String name) {
        String b = RelayBenchmark.BASELINE.get(name);
        Result base = b == null ? null : r.get(b);
        return ok(base) ? base : null;
    }

    static boolean busy(Result r) {
        return r.failure() == null && r.interference() != null && r.interference().busy();
    }

    private static boolean ok(Result r) {
        return r != null && r.failure() == null && r.latency() != null && r.latency().calls() > 0
                && r.throughput() != null && r.throughput().calls() > 0;
    }

    private static String pair(double avg, double peak) {
        return Double.isNaN(avg) ? "?" : String.format(Locale.ROOT, "%.2f / %.2f", avg, peak);
    }

    private static String ms(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.3f", v);
    }

    private static String us(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.0f", v);
    }

    private static String signed(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%+.3f", v);
    }

    private static String num(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }

    private static String escape(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            // not Linux
        }
        return System.getProperty("os.arch");
    }

    private static String nodeVersion(Options o) {
        if (o.node() == null) {
            return "not configured";
        }
        try {
            Process p = new ProcessBuilder(o.node(), "--version").redirectErrorStream(true).start();
            String v = new String(p.getInputStream().readAllBytes()).trim();
            p.waitFor(5, TimeUnit.SECONDS);
            return v;
        } catch (IOException | InterruptedException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }
}
