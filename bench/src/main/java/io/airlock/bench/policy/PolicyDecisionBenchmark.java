package io.airlock.bench.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.airlock.mcp.jsonrpc.JsonRpcException;
import io.airlock.mcp.jsonrpc.JsonRpcMessage;
import io.airlock.mcp.jsonrpc.JsonRpcParser;
import io.airlock.mcp.jsonrpc.ParseLimits;
import io.airlock.policy.Decision;
import io.airlock.policy.GateRequest;
import io.airlock.policy.PolicyGate;
import io.airlock.policy.cascade.CascadeResult;
import io.airlock.policy.shell.ShellParser;
import io.airlock.policy.tags.Capability;
import io.airlock.proxy.PolicyEngine;
import io.airlock.proxy.config.AirlockConfig;
import io.airlock.proxy.config.ConfigLoader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The policy engine on the path a real gated call takes: a parsed {@code tools/call} request → the
 * {@link GateRequest} (as {@code RelaySession} builds it) → {@link PolicyGate#decide} → {@link Decision}. The gate is
 * the one the gateway runs ({@link PolicyEngine#live}: the built-in default policy, the built-in catalog, the shell
 * analyser with its cache and shfmt) over a config with a filesystem server and a {@code kind: shell} server and a
 * workspace. The baseline is parsing the same JSON-RPC request alone, the step the front does before the gate.
 *
 * <p>Mode {@link Mode#SampleTime}: every figure is a distribution (p50, p99, p99.9). Run with {@code bench/policy.sh},
 * which prints the figures against the policy issue's targets. Deny decisions log at INFO in the gateway; the forks run
 * with {@code AIRLOCK_LOG_LEVEL=WARN} so that console I/O is not counted as policy work.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 2, jvmArgsAppend = {"-Xms256m", "-Xmx256m", "-DAIRLOCK_LOG_LEVEL=WARN", "--sun-misc-unsafe-memory-access=allow"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 4, time = 1)
@State(Scope.Benchmark)
public class PolicyDecisionBenchmark {

    /** A command an agent repeats (answered from the analyser's cache after the first time). */
    static final String REPEATED_COMMAND = "git status --short && ls -la src";

    /** A command an agent has not run before: {@code n} makes it unique, so neither cache nor shfmt has seen it. */
    static String coldCommand(long n) {
        return "grep -rn 'TODO-" + n + "' src | head -20";
    }

    private Path workspace;
    private JsonRpcParser parser;
    private PolicyGate gate;
    private byte[] readFrame;
    private JsonRpcMessage.Request read;
    private JsonRpcMessage.Request write;
    private JsonRpcMessage.Request repeated;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        workspace = newWorkspace();
        AirlockConfig config = config(workspace);
        // The gateway's own parse limits (Gateway's constructor).
        AirlockConfig.Limits limits = config.limits();
        parser = new JsonRpcParser(new ParseLimits(limits.maxFrameBytes(), limits.maxDepth(),
                limits.maxFrameBytes(), 64));
        gate = PolicyEngine.live(config, null);

        readFrame = frame("read_text_file", "{\"path\":" + quote(workspace + "/src/main/App.java") + "}");
        read = request(readFrame);
        write = request(frame("write_file", "{\"path\":" + quote(workspace + "/src/main/Notes.md")
                + ",\"content\":\"# Notes\\n\\nTo do: split App into modules.\\n\"}"));
        repeated = request(commandFrame(REPEATED_COMMAND));

        // What is measured must be the intended path, not a fast failure: reads are allowed at tier 0, the write goes
        // the sandbox way (no sandbox tier yet: denied at the end of the cascade), and the commands were really
        // analysed by shfmt (an unavailable parser would fail closed with an `unknown` tag, much faster).
        expect(gate, "fs", read, true);
        expect(gate, "fs", write, false);
        expect(gate, "shell", repeated, false);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        if (gate != null) {
            gate.close(); // the shell parser's pre-started shfmt processes
        }
        deleteTree(workspace);
    }

    /**
     * The gate for the cold benchmarks, with the shell parser's pre-started shfmt processes as the gateway runs them
     * ({@code default}) and turned off ({@code 0}: a new shfmt per command, as before the pool), so that both are
     * measured in the same run under the same machine load.
     */
    @State(Scope.Benchmark)
    public static class ColdGate {
        @Param({"default", "0"})
        public String shfmtPool;

        private Path workspace;
        PolicyGate gate;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            workspace = newWorkspace();
            String previous = System.getProperty(ShellParser.POOL_PROPERTY);
            try {
                if (shfmtPool.equals("default")) {
                    System.clearProperty(ShellParser.POOL_PROPERTY);
                } else {
                    System.setProperty(ShellParser.POOL_PROPERTY, shfmtPool);
                }
                gate = PolicyEngine.live(config(workspace), null);
            } finally {
                if (previous == null) {
                    System.clearProperty(ShellParser.POOL_PROPERTY);
                } else {
                    System.setProperty(ShellParser.POOL_PROPERTY, previous);
                }
            }
            expect(gate, "shell", request(commandFrame(coldCommand(-1))), false);
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            if (gate != null) {
                gate.close();
            }
            deleteTree(workspace);
        }
    }

    private static Path newWorkspace() throws IOException {
        Path workspace = Files.createTempDirectory("airlock-jmh-ws").toRealPath();
        Files.createDirectories(workspace.resolve("src/main"));
        Files.writeString(workspace.resolve("src/main/App.java"), "class App {}\n");
        return workspace;
    }

    /** A filesystem server and a shell server over the workspace; the built-in default policy. */
    private static AirlockConfig config(Path workspace) throws Exception {
        String yaml = """
                servers:
                  fs: {command: npx, args: ["-y", "@modelcontextprotocol/server-filesystem", "%1$s"], kind: filesystem}
                  shell: {command: sh, kind: shell}
                policy:
                  workspace: ["%1$s"]
                  home: /home/dev
                """.formatted(workspace);
        return ConfigLoader.parse(yaml, "jmh", workspace);
    }

    private static void deleteTree(Path root) throws IOException {
        if (root == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Baseline: the front's step before the gate, strict parsing of the read request's bytes. */
    @Benchmark
    public JsonRpcMessage baselineParseRequest() throws JsonRpcException {
        return parser.parseMessage(readFrame);
    }

    /** Tier 0, non-exec: {@code read_text_file} of a file inside the workspace (allowed at tier 0). */
    @Benchmark
    public Decision nonExecRead() {
        return decide(gate, "fs", read);
    }

    /** Tier 0, non-exec: {@code write_file} inside the workspace (rule sandbox; no sandbox tier yet, so it ends denied). */
    @Benchmark
    public Decision nonExecWrite() {
        return decide(gate, "fs", write);
    }

    /** Exec, a command seen before: the shell analysis comes from the analyser's cache. */
    @Benchmark
    public Decision execRepeated() {
        return decide(gate, "shell", repeated);
    }

    /** A unique command per invocation, prepared outside the measurement. */
    @State(Scope.Thread)
    public static class ColdCommand {
        private long counter;
        JsonRpcMessage.Request request;

        @Setup(Level.Invocation)
        public void next() throws JsonRpcException {
            request = request(commandFrame(coldCommand(counter++)));
        }
    }

    /** Like {@link ColdCommand}, after a pause: agents think between commands, they do not fire them back-to-back. */
    @State(Scope.Thread)
    public static class SpacedColdCommand {
        static final long PAUSE_MS = 20;
        private long counter = 1_000_000_000L;
        JsonRpcMessage.Request request;

        @Setup(Level.Invocation)
        public void next() throws JsonRpcException, InterruptedException {
            request = request(commandFrame(coldCommand(counter++)));
            Thread.sleep(PAUSE_MS);
        }
    }

    /** Exec, cold, back-to-back: each invocation runs shfmt on a command never seen before. */
    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"-Xms256m", "-Xmx256m", "-DAIRLOCK_LOG_LEVEL=WARN", "--sun-misc-unsafe-memory-access=allow"})
    @Warmup(iterations = 1, time = 2)
    @Measurement(iterations = 5, time = 3)
    public Decision execColdBackToBack(ColdGate gate, ColdCommand cold) {
        return decide(gate.gate, "shell", cold.request);
    }

    /** Exec, cold, one command every ~20 ms plus its own time (the pause is not measured). */
    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"-Xms256m", "-Xmx256m", "-DAIRLOCK_LOG_LEVEL=WARN", "--sun-misc-unsafe-memory-access=allow"})
    @Warmup(iterations = 1, time = 2)
    @Measurement(iterations = 5, time = 4)
    public Decision execColdSpaced(ColdGate gate, SpacedColdCommand cold) {
        return decide(gate.gate, "shell", cold.request);
    }

    /**
     * A started shfmt, waiting on its stdin for 20 ms (as a pooled one waits between commands), and a unique command
     * for it: the floor under {@link #execColdSpaced} on this machine, with no Airlock code at all.
     */
    @State(Scope.Thread)
    public static class IdleShfmt {
        private long counter = 2_000_000_000L;
        Process process;
        byte[] command;

        @Setup(Level.Invocation)
        public void next() throws IOException, InterruptedException {
            process = new ProcessBuilder(ShellParser.defaultShfmt().toString(), "--to-json", "-ln", "bash").start();
            command = coldCommand(counter++).getBytes(StandardCharsets.UTF_8);
            Thread.sleep(SpacedColdCommand.PAUSE_MS);
        }

        @TearDown(Level.Invocation)
        public void reap() {
            process.destroyForcibly();
        }
    }

    /** Control: shfmt alone parses one command (write, read the JSON to its end, wait for exit), no JVM-side analysis. */
    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"-Xms256m", "-Xmx256m", "-DAIRLOCK_LOG_LEVEL=WARN",
            "--sun-misc-unsafe-memory-access=allow"})
    @Warmup(iterations = 1, time = 2)
    @Measurement(iterations = 5, time = 4)
    public int controlShfmtAloneSpaced(IdleShfmt shfmt) throws IOException, InterruptedException {
        try (var stdin = shfmt.process.getOutputStream()) {
            stdin.write(shfmt.command);
        }
        int read = shfmt.process.getInputStream().readAllBytes().length;
        return shfmt.process.waitFor() == 0 ? read : -1;
    }

    /** What {@code RelaySession} does with a gated request: build the {@link GateRequest}, ask the gate, wait. */
    private static Decision decide(PolicyGate gate, String server, JsonRpcMessage.Request request) {
        return gate.decide(gateRequest(server, request)).toCompletableFuture().join();
    }

    private static GateRequest gateRequest(String server, JsonRpcMessage.Request request) {
        ObjectNode params = request.params();
        JsonNode name = params.get("name");
        return new GateRequest(server, request.method(), name.textValue(), params.get("arguments"), "jmh-session",
                "anonymous");
    }

    private static void expect(PolicyGate gate, String server, JsonRpcMessage.Request request, boolean allowed) {
        Decision decision = decide(gate, server, request);
        if ((decision instanceof Decision.Allow) != allowed) {
            throw new IllegalStateException("unexpected decision for " + new String(request.raw(),
                    StandardCharsets.UTF_8) + ": " + decision);
        }
        CascadeResult result = gate.evaluate(gateRequest(server, request)).toCompletableFuture().join();
        if (result.tags().stream().anyMatch(t -> t.capability() == Capability.UNKNOWN)) {
            throw new IllegalStateException("the call was tagged unknown (is shfmt installed?): " + result.tags());
        }
    }

    private static byte[] commandFrame(String command) {
        return frame("run_command", "{\"command\":" + quote(command) + "}");
    }

    private static byte[] frame(String tool, String arguments) {
        return ("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool
                + "\",\"arguments\":" + arguments + "}}").getBytes(StandardCharsets.UTF_8);
    }

    private static final JsonRpcParser SETUP_PARSER = new JsonRpcParser(new ParseLimits(4 * 1024 * 1024, 64,
            4 * 1024 * 1024, 64));

    private static JsonRpcMessage.Request request(byte[] frame) throws JsonRpcException {
        return (JsonRpcMessage.Request) SETUP_PARSER.parseMessage(frame);
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
