package io.airlock.proxy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.airlock.policy.GateRequest;
import io.airlock.policy.PolicyGate;
import io.airlock.policy.cascade.CascadeResult;
import io.airlock.policy.cascade.DryRun;
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
 * per row on stdout, a summary per label on stderr.
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

    @Override
    public Integer call() throws Exception {
        AirlockConfig config;
        try {
            config = PolicyEngine.withContext(configOption.load(), workspace, home);
        } catch (Exception e) {
            System.err.println("airlock eval: " + e.getMessage());
            return 2;
        }
        PolicyGate gate;
        try {
            gate = PolicyEngine.dryRun(config);
        } catch (Exception e) {
            System.err.println("airlock eval: invalid policy: " + e.getMessage());
            return 2;
        }
        Summary summary = new Summary(groupBy);
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false,
                StandardCharsets.UTF_8);
        try (gate; BufferedReader lines = Files.newBufferedReader(corpus, StandardCharsets.UTF_8)) {
            String line;
            int number = 0;
            while ((line = lines.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                out.println(evaluateRow(gate, line, number, summary));
            }
        } catch (IOException e) {
            System.err.println("airlock eval: cannot read " + corpus + ": " + e.getMessage());
            return 2;
        }
        out.flush();
        summary.print(System.err, gate.policy().revision());
        return 0;
    }

    static String evaluateRow(PolicyGate gate, String line, int number, Summary summary) {
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
        try {
            result = gate.evaluate(new GateRequest(server, "tools/call", tool, row.get("arguments"), "eval",
                    "eval")).toCompletableFuture().join();
        } catch (RuntimeException e) {
            summary.errors++;
            return error(id, "evaluation failed: " + e);
        }
        String decision = DryRun.outcome(result);
        String label = row.path("label").asText("unlabelled");
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
                for (String decision : List.of("allow", "sandbox", "classify", "ask", "deny")) {
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
}
