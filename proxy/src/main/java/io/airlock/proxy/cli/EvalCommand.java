package io.airlock.proxy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.airlock.policy.GateRequest;
import io.airlock.policy.PolicyGate;
import io.airlock.policy.cascade.CascadeResult;
import io.airlock.policy.cascade.DryRun;
import io.airlock.policy.cascade.Tiers;
import io.airlock.policy.classifier.ModelClassifier;
import io.airlock.policy.tags.Tag;
import io.airlock.proxy.PolicyEngine;
import io.airlock.proxy.config.AirlockConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code airlock eval}: runs corpus rows through tagging and the cascade without executing anything, one JSON line
 * per row on stdout, a summary per label on stderr. With {@code --classifier}, tier 2 is the configured model for
 * real (tier 1 dry, or absent with {@code --no-sandbox}; the operator stays dry), and the summary adds what the model did
 * per label, its false-positive and false-negative rates, latency, cache hit rate and tokens: how a user picks and
 * swaps a model.
 */
@Command(name = "eval", description = "Evaluate a corpus of tool calls (JSON Lines: id, server, tool, arguments) "
        + "against the policy without executing anything.")
final class EvalCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Mixin
    AirlockCli.ConfigOption configOption = new AirlockCli.ConfigOption();

    @Option(names = "--corpus", required = true, description = "JSON Lines file of calls.")
    Path corpus;

    @Option(names = "--workspace", description = "Workspace directory (overrides the config's policy.workspace).")
    Path workspace;

    @Option(names = "--home", description = "Home directory for ~ and home secrets (default: the user's).")
    Path home;

    @Option(names = "--group-by", description = "Also summarise by this row field (e.g. category), within labels.")
    String groupBy;

    @Option(names = "--classifier", description = "Run tier 2 for real with the config's classifier: model (tiers "
            + "0 and 2; nothing is executed and no operator is asked).")
    boolean classifier;

    @Option(names = "--no-sandbox", description = "With --classifier: as a gateway without the sandbox tier (no "
            + "bubblewrap, or sandbox.enabled: false), calls the policy sends to the sandbox go on to the model "
            + "(default: they stop at a dry tier 1).")
    boolean noSandbox;

    @Option(names = "--limit", description = "Evaluate at most this many rows (a slice, e.g. to try a model).")
    int limit;

    @Override
    public Integer call() throws Exception {
        return run(new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false,
                StandardCharsets.UTF_8), System.err);
    }

    int run(PrintStream out, PrintStream err) {
        AirlockConfig config;
        try {
            config = PolicyEngine.withContext(configOption.load(), workspace, home);
        } catch (Exception e) {
            err.println("airlock eval: " + e.getMessage());
            return 2;
        }
        ModelClassifier model = null;
        Recording recording = null;
        PolicyGate gate;
        try {
            if (classifier) {
                model = PolicyEngine.classifier(config);
                if (model == null) {
                    err.println("airlock eval: --classifier needs a classifier: section in the config (see the "
                            + "README, \"Classifier\")");
                    return 2;
                }
                recording = new Recording(model);
                gate = PolicyEngine.dryRun(config, recording, !noSandbox);
            } else {
                gate = PolicyEngine.dryRun(config);
            }
        } catch (Exception e) {
            err.println("airlock eval: invalid policy: " + e.getMessage());
            if (model != null) {
                model.close();
            }
            return 2;
        }
        Summary summary = new Summary(groupBy);
        summary.classified = recording != null;
        try (gate; BufferedReader lines = Files.newBufferedReader(corpus, StandardCharsets.UTF_8)) {
            String line;
            int number = 0;
            int rows = 0;
            while ((line = lines.readLine()) != null && (limit <= 0 || rows < limit)) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                rows++;
                out.println(evaluateRow(gate, line, number, summary, recording));
            }
        } catch (IOException e) {
            err.println("airlock eval: cannot read " + corpus + ": " + e.getMessage());
            return 2;
        } finally {
            if (model != null) {
                model.close();
            }
        }
        out.flush();
        summary.print(err, gate.policy().revision());
        if (recording != null) {
            recording.print(err, config.classifier().config(), model.stats());
        }
        err.flush();
        return 0;
    }

    static String evaluateRow(PolicyGate gate, String line, int number, Summary summary) {
        return evaluateRow(gate, line, number, summary, null);
    }

    static String evaluateRow(PolicyGate gate, String line, int number, Summary summary, Recording recording) {
        JsonNode row;
        try {
            row = JSON.readTree(line);
        } catch (IOException e) {
            summary.errors++;
            return error("line " + number, "not JSON: " + e.getMessage());
        }
        String id = row.path("id").isTextual() ? row.get("id").textValue() : "line " + number;
        String server = row.path("server").asText(null);
        String tool = row.path("tool").asText(null);
        if (server == null || tool == null || !row.path("arguments").isObject()) {
            summary.errors++;
            return error(id, "a row needs string 'server' and 'tool' and an object 'arguments'");
        }
        CascadeResult result;
        if (recording != null) {
            recording.last = null;
        }
        try {
            // With a real classifier each row is its own session: no row's retries or history bear on another's.
            result = gate.evaluate(new GateRequest(server, "tools/call", tool, row.get("arguments"),
                    recording == null ? "eval" : "eval-" + number, "eval")).toCompletableFuture().join();
        } catch (RuntimeException e) {
            summary.errors++;
            return error(id, "evaluation failed: " + e);
        }
        String label = row.path("label").asText("unlabelled");
        Recording.Judged judged = recording == null ? null : recording.last;
        String decision = judged == null ? DryRun.outcome(result) : switch (judged.verdict()) {
            case Tiers.Verdict.Allow ignored -> "allow";
            case Tiers.Verdict.Retry ignored -> "retry";
            case Tiers.Verdict.Ask ignored -> "ask";
        };
        if (judged != null) {
            recording.add(label, judged);
        }
        summary.add(label, decision, result.hard());
        if (summary.groupBy != null) {
            summary.add(label + " / " + row.path(summary.groupBy).asText("-"), decision, result.hard());
        }
        ObjectNode out = JSON.createObjectNode();
        out.put("id", id);
        out.put("decision", decision);
        out.put("tier", result.tier());
        out.put("hard", result.hard());
        ArrayNode tags = out.putArray("tags");
        result.tags().stream().map(Tag::label).distinct().forEach(tags::add);
        out.put("rule", result.evaluation().ruleId());
        if (judged != null) {
            ObjectNode c = out.putObject("classifier");
            c.put("verdict", decision);
            c.put("model", switch (judged.verdict()) {
                case Tiers.Verdict.Allow a -> a.model();
                case Tiers.Verdict.Retry r -> r.model();
                case Tiers.Verdict.Ask a -> a.model();
            });
            c.put("reason", switch (judged.verdict()) {
                case Tiers.Verdict.Allow a -> a.reason();
                case Tiers.Verdict.Retry r -> r.reason();
                case Tiers.Verdict.Ask a -> a.reason();
            });
            c.put("millis", Math.round(judged.nanos() / 1e4) / 100.0);
        }
        return out.toString();
    }

    private static String error(String id, String message) {
        return JSON.createObjectNode().put("id", id).put("error", message).toString();
    }

    /** Decisions per label, for the stderr summary. */
    static final class Summary {
        final String groupBy;
        final Map<String, Map<String, Integer>> byLabel = new TreeMap<>();
        final Map<String, Integer> hardByLabel = new TreeMap<>();
        int errors;
        boolean classified;

        Summary(String groupBy) {
            this.groupBy = groupBy;
        }

        void add(String label, String decision, boolean hard) {
            byLabel.computeIfAbsent(label, l -> new TreeMap<>()).merge(decision, 1, Integer::sum);
            if (hard) {
                hardByLabel.merge(label, 1, Integer::sum);
            }
        }

        void print(PrintStream err, String revision) {
            err.println("policy revision " + revision);
            for (Map.Entry<String, Map<String, Integer>> entry : byLabel.entrySet()) {
                int total = entry.getValue().values().stream().mapToInt(Integer::intValue).sum();
                StringBuilder line = new StringBuilder(String.format("%-34s %6d rows:", entry.getKey(), total));
                // With a real classifier nothing stops at "classify": its verdicts are allow, retry or ask.
                for (String decision : classified ? List.of("allow", "sandbox", "retry", "ask", "deny")
                        : List.of("allow", "sandbox", "classify", "ask", "deny")) {
                    int n = entry.getValue().getOrDefault(decision, 0);
                    line.append(String.format("  %s %d (%.1f%%)", decision, n, 100.0 * n / total));
                }
                int hard = hardByLabel.getOrDefault(entry.getKey(), 0);
                line.append(String.format("  | hard %d (%.1f%%)", hard, 100.0 * hard / total));
                err.println(line);
            }
            if (errors > 0) {
                err.println(errors + " row(s) could not be evaluated (see their error lines)");
            }
        }
    }

    /**
     * The classifier as eval runs it: the real one, timed, remembering its verdict for the row being evaluated (rows
     * run one at a time), and counting per label.
     */
    static final class Recording implements Tiers.Classifier {

        record Judged(Tiers.Verdict verdict, long nanos) {}

        private final Tiers.Classifier inner;
        private final Map<String, int[]> byLabel = new TreeMap<>(); // judged, allowed, retried, asked
        private final List<Long> nanos = new java.util.ArrayList<>();
        volatile Judged last;

        Recording(Tiers.Classifier inner) {
            this.inner = inner;
        }

        @Override
        public java.util.concurrent.CompletionStage<Tiers.Verdict> classify(io.airlock.policy.cascade.ToolCall call,
                                                                              List<Tag> tags,
                                                                              io.airlock.policy.rules.Evaluation e) {
            long start = System.nanoTime();
            return inner.classify(call, tags, e).whenComplete((verdict, error) -> {
                long took = System.nanoTime() - start;
                synchronized (nanos) {
                    nanos.add(took);
                }
                // A failed stage is what the cascade turns into ask; record it the same way.
                last = new Judged(verdict != null ? verdict : new Tiers.Verdict.Ask("failed: " + error, "none"),
                        took);
            });
        }

        void add(String label, Judged judged) {
            int[] counts = byLabel.computeIfAbsent(label, l -> new int[4]);
            counts[0]++;
            switch (judged.verdict()) {
                case Tiers.Verdict.Allow ignored -> counts[1]++;
                case Tiers.Verdict.Retry ignored -> counts[2]++;
                case Tiers.Verdict.Ask ignored -> counts[3]++;
            }
        }

        /** A label whose calls a gate should stop; a benign call stopped is a false positive. */
        private static boolean shouldStop(String label) {
            return label.equals("dangerous") || label.equals("risky");
        }

        void print(PrintStream err, io.airlock.policy.classifier.ClassifierConfig config,
                   io.airlock.policy.classifier.ClassifierStats stats) {
            err.println("classifier: " + config.provider().id() + " " + config.endpoint() + ", fast stage "
                    + config.fast().model() + ", reasoning stage "
                    + (config.reasoning() == null ? "off" : config.reasoning().model()));
            for (Map.Entry<String, int[]> entry : byLabel.entrySet()) {
                int[] c = entry.getValue();
                String label = entry.getKey();
                StringBuilder line = new StringBuilder(String.format("  %-32s judged %5d:  allowed %d (%.1f%%)  "
                        + "retried %d (%.1f%%)  asked %d (%.1f%%)", label, c[0], c[1], pct(c[1], c[0]), c[2],
                        pct(c[2], c[0]), c[3], pct(c[3], c[0])));
                if (label.equals("benign")) {
                    line.append(String.format("  | false positives (not allowed) %.1f%%", pct(c[2] + c[3], c[0])));
                } else if (shouldStop(label)) {
                    line.append(String.format("  | false negatives (allowed) %.1f%%", pct(c[1], c[0])));
                }
                err.println(line);
            }
            long[] sorted;
            synchronized (nanos) {
                sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
            }
            long hits = stats.cacheHits();
            long lookups = hits + stats.cacheMisses();
            long requests = stats.fastRequests() + stats.reasoningRequests();
            err.println(String.format("  latency over %d classified calls: p50 %.1f ms, p99 %.1f ms", sorted.length,
                    quantile(sorted, 0.50) / 1e6, quantile(sorted, 0.99) / 1e6));
            err.println(String.format("  cache hit rate %.1f%% (%d of %d); model requests: fast %d, reasoning %d "
                    + "(%d escalated); failures %d, malformed answers %d", pct(hits, lookups), hits, lookups,
                    stats.fastRequests(), stats.reasoningRequests(), stats.escalated(), stats.failures(),
                    stats.malformed()));
            err.println(String.format("  tokens: %d in, %d out (%.0f in / %.1f out per request)",
                    stats.inputTokens(), stats.outputTokens(), requests == 0 ? 0.0 : (double) stats.inputTokens()
                    / requests, requests == 0 ? 0.0 : (double) stats.outputTokens() / requests));
        }

        private static double pct(long n, long of) {
            return of == 0 ? 0 : 100.0 * n / of;
        }

        private static double quantile(long[] sorted, double q) {
            if (sorted.length == 0) {
                return 0;
            }
            int index = (int) Math.ceil(q * sorted.length) - 1;
            return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
        }
    }
}
