package io.airlock.bench.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.airlock.policy.Decision;
import io.airlock.policy.cascade.ToolCall;
import io.airlock.policy.rules.Action;
import io.airlock.policy.rules.CommitPolicy;
import io.airlock.policy.rules.Evaluation;
import io.airlock.policy.rules.Match;
import io.airlock.policy.rules.Rule;
import io.airlock.sandbox.SandboxSpec;
import io.airlock.sandbox.tier.SandboxTier;
import io.airlock.sandbox.twin.TwinLauncher;
import io.airlock.sandbox.twin.TwinPool;
import io.airlock.workbench.WorkbenchServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Per-call cost of tier 1 against the same server called directly, in the same run: each call writes one file.
 * <ul>
 *   <li>direct: the server runs unsandboxed and answers write_file (the baseline);</li>
 *   <li>warm: a twin from the pool (started before the call) answers it; effects scanned and committed;</li>
 *   <li>cold: no pool, the twin starts for the call.</li>
 * </ul>
 * Usage: {@code SandboxTierBench --server filesystem|workbench [--node PATH --filesystem-js PATH] [--calls N]}.
 */
public final class SandboxTierBench {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        String server = "workbench";
        String node = "node";
        String filesystemJs = null;
        int calls = 20;
        boolean command = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--server" -> server = args[++i];
                case "--node" -> node = args[++i];
                case "--filesystem-js" -> filesystemJs = args[++i];
                case "--calls" -> calls = Integer.parseInt(args[++i]);
                case "--run-command" -> command = true;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Path root = Files.createTempDirectory("airlock-sandbox-bench-");
        Path workspace = Files.createDirectories(root.resolve("ws"));
        Path home = Files.createDirectories(root.resolve("home"));
        List<String> serverCommand = switch (server) {
            case "workbench" -> WorkbenchServer.command(workspace);
            case "filesystem" -> List.of(node, filesystemJs, workspace.toString());
            default -> throw new IllegalArgumentException("--server workbench|filesystem");
        };
        String tool = command ? "run_command" : "write_file";
        if (command && !server.equals("workbench")) {
            throw new IllegalArgumentException("--run-command is the workbench's tool");
        }
        System.out.printf("sandbox tier benchmark: server %s, tool %s%s, %d calls each, %d cores%n", server, tool,
                command ? " (run directly in the sandbox, no twin)" : "", calls,
                Runtime.getRuntime().availableProcessors());

        List<Long> direct = direct(serverCommand, workspace, tool, calls);
        TwinLauncher launcher = new TwinLauncher(server, serverCommand, null, workspace, SandboxSpec.defaults(home)
                .withLimits(120, 4L << 30, Duration.ofSeconds(120), 512), root.resolve("scratch"),
                Duration.ofSeconds(60));
        report("direct (unsandboxed server)", direct, null);
        if (command) {
            List<Long> sandboxed = sandboxed(launcher, 0, tool, calls, workspace, true);
            report("sandbox, command run directly", sandboxed, direct);
            return;
        }
        List<Long> warm = sandboxed(launcher, 1, tool, calls, workspace, false);
        List<Long> cold = sandboxed(launcher, 0, tool, Math.max(5, calls / 2), workspace, false);
        report("sandbox, warm twin", warm, direct);
        report("sandbox, cold twin", cold, direct);
    }

    private static List<Long> direct(List<String> command, Path workspace, String tool, int calls) throws Exception {
        Process process = new ProcessBuilder(command).directory(workspace.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8)); OutputStream in = process.getOutputStream()) {
            send(in, "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                    + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"bench\",\"version\":\"1\"}}}");
            await(out, 0);
            send(in, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
            List<Long> times = new ArrayList<>();
            for (int i = 1; i <= calls + 3; i++) {
                ObjectNode call = JSON.createObjectNode().put("jsonrpc", "2.0").put("id", i).put("method",
                        "tools/call");
                call.putObject("params").put("name", tool).set("arguments",
                        arguments(tool.equals("run_command") ? "command" : "direct", i, workspace));
                long start = System.nanoTime();
                send(in, JSON.writeValueAsString(call));
                await(out, i);
                if (i > 3) {
                    times.add(System.nanoTime() - start); // the first calls warm the server up
                }
            }
            return times;
        } finally {
            process.destroyForcibly();
        }
    }

    private static List<Long> sandboxed(TwinLauncher launcher, int warm, String tool, int calls, Path workspace,
                                        boolean directExec) throws Exception {
        List<Long> times = new ArrayList<>();
        try (TwinPool pool = new TwinPool(launcher, warm, Duration.ofHours(1), Clock.systemUTC());
             SandboxTier tier = new SandboxTier(Map.of(launcher.server(), pool), directExec
                     ? Map.of(launcher.server(), new io.airlock.proxy.SandboxEngine.WorkbenchCommands()) : Map.of(),
                     CommitPolicy::defaults, null, Duration.ofSeconds(60))) {
            pool.prestart();
            for (int i = 0; i < calls; i++) {
                pool.awaitWarm(Duration.ofSeconds(120)); // measure the warm path, not a drained pool
                ToolCall call = new ToolCall(launcher.server(), null, "tools/call", tool,
                        arguments(directExec ? "command" : warm > 0 ? "warm" : "cold", i, workspace), "bench", "s");
                long start = System.nanoTime();
                Decision decision = tier.run(call, List.of(), EVALUATION).toCompletableFuture()
                        .get(120, TimeUnit.SECONDS);
                times.add(System.nanoTime() - start);
                if (!(decision instanceof Decision.Answer)) {
                    throw new IllegalStateException("expected a committed answer, got " + decision);
                }
            }
        }
        return times;
    }

    private static final Rule RULE = new Rule("bench/sandbox", "", new Match(List.of(), List.of(), List.of(),
            List.of(), List.of(), List.of(), List.of(), List.of(), List.of()), Action.SANDBOX, false, "", "");
    private static final Evaluation EVALUATION = new Evaluation(Action.SANDBOX, false, RULE, List.of(RULE), "bench",
            "");

    private static JsonNode arguments(String prefix, int i, Path workspace) {
        ObjectNode args = JSON.createObjectNode();
        if (prefix.equals("command")) {
            return args.put("command", "echo line " + i + " > command-" + i + ".txt");
        }
        args.put("path", workspace.resolve(prefix + "-" + i + ".txt").toString());
        args.put("content", "line " + i + "\n");
        return args;
    }

    private static void send(OutputStream in, String line) throws Exception {
        in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    private static void await(BufferedReader out, int id) throws Exception {
        for (String line; (line = out.readLine()) != null; ) {
            JsonNode message = JSON.readTree(line);
            if (message.path("id").asInt(-1) == id && !message.has("method")) {
                if (message.has("error")) {
                    throw new IllegalStateException("server error: " + message);
                }
                return;
            }
        }
        throw new IllegalStateException("the server ended");
    }

    private static void report(String name, List<Long> nanos, List<Long> baseline) {
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        double p50 = ms(percentile(sorted, 50));
        String overhead = "";
        if (baseline != null) {
            List<Long> base = new ArrayList<>(baseline);
            Collections.sort(base);
            overhead = String.format("   overhead vs direct: p50 +%.1f ms", p50 - ms(percentile(base, 50)));
        }
        System.out.printf("%-30s n=%3d  p50 %8.1f ms  p90 %8.1f ms  max %8.1f ms%s%n", name, sorted.size(), p50,
                ms(percentile(sorted, 90)), ms(sorted.getLast()), overhead);
    }

    private static long percentile(List<Long> sorted, int p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
