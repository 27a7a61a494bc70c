package io.airlock.bench.policy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.util.Statistics;

/**
 * Runs {@link PolicyDecisionBenchmark} with JMH and prints its figures against the policy issue's targets as a
 * markdown table. Arguments: {@code --out FILE} (also write the table there), {@code --json FILE} (JMH's own result
 * file); everything else is passed to JMH as on its command line (e.g. {@code -f 2}, {@code -prof gc}, a regex of
 * benchmarks to run). Prints figures; asserts nothing.
 */
public final class PolicyBench {

    private record Target(String what, String percentile, double limitMicros) {}

    /** Benchmark method → its row label and (optionally) the target it is held against. */
    private static final Map<String, String> LABELS = new LinkedHashMap<>();
    private static final Map<String, Target> TARGETS = new LinkedHashMap<>();

    static {
        LABELS.put("baselineParseRequest", "baseline: parse the JSON-RPC request (read_text_file)");
        LABELS.put("nonExecRead", "non-exec: filesystem read_text_file, inside the workspace");
        LABELS.put("nonExecWrite", "non-exec: filesystem write_file, inside the workspace");
        LABELS.put("execRepeated", "exec: shell run_command, repeated command (cache hit)");
        LABELS.put("execColdBackToBack", "exec: shell run_command, cold (unique command), back-to-back");
        LABELS.put("execColdSpaced", "exec: shell run_command, cold (unique command), 20 ms apart");
        LABELS.put("controlShfmtAloneSpaced", "control: a started shfmt alone parses a unique command, 20 ms apart");
        TARGETS.put("nonExecRead", new Target("tier-0 non-exec", "p50", 20));
        TARGETS.put("nonExecWrite", new Target("tier-0 non-exec", "p50", 20));
        TARGETS.put("execRepeated", new Target("exec, repeated command", "p99", 50));
        TARGETS.put("execColdBackToBack", new Target("exec, cold", "p99", 10_000));
        TARGETS.put("execColdSpaced", new Target("exec, cold", "p99", 10_000));
    }

    private PolicyBench() {}

    public static void main(String[] args) throws Exception {
        Path out = null;
        Path json = null;
        List<String> jmhArgs = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out" -> out = Path.of(args[++i]);
                case "--json" -> json = Path.of(args[++i]);
                default -> jmhArgs.add(args[i]);
            }
        }
        CommandLineOptions cli = new CommandLineOptions(jmhArgs.toArray(String[]::new));
        ChainedOptionsBuilder options = new OptionsBuilder().parent(cli);
        if (cli.getIncludes().isEmpty()) {
            options.include(PolicyDecisionBenchmark.class.getName() + "\\.");
        }
        if (json != null) {
            options.result(json.toString()).resultFormat(ResultFormatType.JSON);
        }
        Collection<RunResult> results = new Runner(options.build()).run();
        String table = table(results);
        System.out.println();
        System.out.println(table);
        if (out != null) {
            if (out.getParent() != null) {
                Files.createDirectories(out.getParent());
            }
            Files.writeString(out, table, StandardCharsets.UTF_8);
        }
    }

    static String table(Collection<RunResult> results) {
        // Rows keyed "method" or "method shfmtPool=N" (the cold benchmarks also run without pre-started processes).
        Map<String, Statistics> measured = new LinkedHashMap<>();
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark();
            String pool = r.getParams().getParam("shfmtPool");
            measured.put(name.substring(name.lastIndexOf('.') + 1)
                    + (pool == null || pool.equals("default") ? "" : " shfmtPool=" + pool),
                    r.getPrimaryResult().getStatistics());
        }
        Map<String, Statistics> byMethod = new LinkedHashMap<>(); // in the order of LABELS, then any others
        for (String method : LABELS.keySet()) {
            measured.forEach((key, stats) -> {
                if (key.equals(method) || key.startsWith(method + " ")) {
                    byMethod.put(key, stats);
                }
            });
        }
        measured.forEach(byMethod::putIfAbsent);
        Statistics baseline = byMethod.get("baselineParseRequest");
        double base50 = baseline == null ? Double.NaN : baseline.getPercentile(50);
        StringBuilder sb = new StringBuilder();
        sb.append("## Policy engine (JMH), run of ")
                .append(ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")))
                .append(" UTC, ").append(Runtime.getRuntime().availableProcessors()).append(" CPUs, JDK ")
                .append(Runtime.version()).append("\n\n");
        sb.append("| benchmark | samples | p50 µs | p99 µs | p99.9 µs | max µs | p50 / baseline p50 | target | |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|---|---|\n");
        for (Map.Entry<String, Statistics> e : byMethod.entrySet()) {
            Statistics s = e.getValue();
            String method = e.getKey().split(" ")[0];
            String variant = e.getKey().contains(" shfmtPool=0") ? ", **no pre-started shfmt** (as before the pool)"
                    : e.getKey().contains(" ") ? ", " + e.getKey().substring(e.getKey().indexOf(' ') + 1) : "";
            String label = LABELS.getOrDefault(method, method) + variant;
            Target target = TARGETS.get(method);
            double p50 = s.getPercentile(50);
            String verdict = "";
            String targetText = "";
            if (target != null) {
                double value = target.percentile().equals("p50") ? p50 : s.getPercentile(99);
                targetText = target.percentile() + " ≤ " + micros(target.limitMicros()) + " µs";
                verdict = value <= target.limitMicros() ? "met" : "**missed**";
            }
            sb.append(String.format(Locale.ROOT, "| %s (`%s`) | %d | %s | %s | %s | %s | %s | %s | %s |%n", label,
                    method, s.getN(), micros(p50), micros(s.getPercentile(99)), micros(s.getPercentile(99.9)),
                    micros(s.getMax()), e.getKey().equals("baselineParseRequest") ? "1" : ratio(p50 / base50),
                    targetText, verdict));
        }
        sb.append("\nSampleTime mode: each sample is one invocation; percentiles over all measurement iterations. ")
                .append("Rows without a variant run the gate as the gateway assembles it (2 pre-started shfmt ")
                .append("processes).\n");
        return sb.toString();
    }

    private static String ratio(double r) {
        if (Double.isNaN(r) || Double.isInfinite(r)) {
            return "";
        }
        return String.format(Locale.ROOT, r >= 100 ? "%,.0f×" : "%.1f×", r);
    }

    private static String micros(double v) {
        if (v >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        return String.format(Locale.ROOT, v >= 10 ? "%.1f" : "%.2f", v);
    }
}
