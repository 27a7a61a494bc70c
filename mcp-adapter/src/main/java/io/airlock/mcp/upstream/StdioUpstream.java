package io.airlock.mcp.upstream;

import io.airlock.mcp.io.BoundedLineReader;
import io.airlock.mcp.jsonrpc.JsonRpcException;
import io.airlock.mcp.jsonrpc.JsonRpcMessage;
import io.airlock.mcp.jsonrpc.JsonRpcParser;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stdio MCP server run as a child process in its own process group (via {@code setsid}), so that closing the
 * session kills everything it started, grandchildren included. Newline-delimited JSON on stdin/stdout; stderr goes to
 * the log. One virtual thread writes, one reads, one drains stderr; the write queue is bounded.
 */
public final class StdioUpstream implements Upstream {

    /** Variables a child inherits from the gateway, when set; everything else must be named in the config. */
    public static final List<String> BASE_ENVIRONMENT = List.of("PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL",
            "TMPDIR", "TZ", "TERM");

    private static final Logger log = LoggerFactory.getLogger(StdioUpstream.class);
    private static final int QUEUE_CAPACITY = 1024;
    private static final int STDERR_TAIL_LINES = 20;
    private static final byte[] POISON = new byte[0];

    private final String name;
    private final UpstreamSpec.Stdio spec;
    private final JsonRpcParser parser;
    private final BlockingQueue<byte[]> outbound = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean reportedClosed = new AtomicBoolean();
    private final Deque<String> stderrTail = new ArrayDeque<>();
    private volatile Process process;
    private volatile Thread stderrReader;
    private volatile UpstreamListener listener;

    public StdioUpstream(String name, UpstreamSpec.Stdio spec, JsonRpcParser parser) {
        this.name = Objects.requireNonNull(name, "name");
        this.spec = Objects.requireNonNull(spec, "spec");
        this.parser = Objects.requireNonNull(parser, "parser");
    }

    @Override
    public void start(UpstreamListener listener) throws UpstreamException {
        this.listener = Objects.requireNonNull(listener, "listener");
        Map<String, String> env = childEnvironment(System.getenv(), spec.env());
        String program = resolveProgram(spec.command().getFirst(), env.get("PATH"), spec.cwd());
        List<String> command = new ArrayList<>();
        if (SETSID != null) {
            command.add(SETSID);
        }
        command.add(program);
        command.addAll(spec.command().subList(1, spec.command().size()));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().clear();
        builder.environment().putAll(env);
        if (spec.cwd() != null) {
            if (!Files.isDirectory(spec.cwd())) {
                throw new UpstreamException("upstream '" + name + "': cwd " + spec.cwd() + " is not a directory");
            }
            builder.directory(spec.cwd().toFile());
        }
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UpstreamException("upstream '" + name + "': cannot start " + spec.command() + ": "
                    + e.getMessage(), e);
        }
        log.info("upstream '{}' started: {} (pid {})", name, spec.command(), process.pid());
        // stderr first: the stdout reader joins it when the child exits, so it must be known by then
        stderrReader = Thread.ofVirtual().name("upstream-" + name + "-stderr").start(this::stderrLoop);
        Thread.ofVirtual().name("upstream-" + name + "-stdout").start(this::readLoop);
        Thread.ofVirtual().name("upstream-" + name + "-stdin").start(this::writeLoop);
    }

    @Override
    public void send(JsonRpcMessage message) throws UpstreamException {
        if (closed.get()) {
            throw new UpstreamException("upstream '" + name + "' is closed");
        }
        if (!outbound.offer(message.raw())) {
            throw new UpstreamException("upstream '" + name + "' is not keeping up: " + QUEUE_CAPACITY
                    + " messages already queued");
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        outbound.clear();
        outbound.offer(POISON);
        Process p = process;
        if (p != null) {
            killProcessGroup(p);
        }
    }

    @Override
    public String describe() {
        Process p = process;
        return "stdio " + spec.command() + (p == null ? "" : " (pid " + p.pid() + ")");
    }

    /** The process, for tests and diagnostics; null before start. */
    public Process process() {
        return process;
    }

    private void writeLoop() {
        OutputStream out = process.getOutputStream();
        try (out) {
            while (true) {
                byte[] frame = outbound.take();
                if (frame == POISON) {
                    return;
                }
                writeLine(out, frame);
                // Coalesce: flush once per burst rather than once per message.
                byte[] next;
                while ((next = outbound.poll()) != null) {
                    if (next == POISON) {
                        out.flush();
                        return;
                    }
                    writeLine(out, next);
                }
                out.flush();
            }
        } catch (IOException e) {
            log.debug("upstream '{}': stdin closed: {}", name, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Newlines in a JSON frame are whitespace; the stdio transport forbids them inside a message, so fold them. */
    private static void writeLine(OutputStream out, byte[] frame) throws IOException {
        int start = 0;
        for (int i = 0; i < frame.length; i++) {
            if (frame[i] == '\n' || frame[i] == '\r') {
                out.write(frame, start, i - start);
                out.write(' ');
                start = i + 1;
            }
        }
        out.write(frame, start, frame.length - start);
        out.write('\n');
    }

    private void readLoop() {
        BoundedLineReader reader = new BoundedLineReader(process.getInputStream(), parser.limits().maxFrameBytes());
        String reason;
        try {
            byte[] line;
            while ((line = reader.readLine()) != null) {
                if (isBlank(line)) {
                    continue;
                }
                try {
                    listener.onMessage(parser.parseMessage(line), null);
                } catch (JsonRpcException e) {
                    // Servers sometimes print stray text to stdout; it is not a message, so it is not relayed.
                    log.warn("upstream '{}' wrote a line that is not a JSON-RPC message ({}): {}", name,
                            e.getMessage(), preview(line));
                }
            }
            reason = exitDescription();
        } catch (BoundedLineReader.LineTooLongException e) {
            reason = "upstream '" + name + "' sent a message over " + parser.limits().maxFrameBytes()
                    + " bytes; the server was stopped";
        } catch (IOException e) {
            reason = closed.get() ? "upstream '" + name + "' closed" : "upstream '" + name + "' stdout failed: "
                    + e.getMessage();
        }
        close();
        reportClosed(reason);
    }

    private String exitDescription() {
        Process p = process;
        try {
            if (!p.waitFor(2, TimeUnit.SECONDS)) {
                return "upstream '" + name + "' closed its stdout";
            }
            // Stdout and stderr are separate pipes: let the stderr reader catch up, so the last lines (usually the
            // reason for the exit) make it into the report. Bounded: a grandchild may hold stderr open.
            Thread stderr = stderrReader;
            if (stderr != null) {
                stderr.join(Duration.ofSeconds(1));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        String tail;
        synchronized (stderrTail) {
            tail = String.join("\n", stderrTail);
        }
        return "upstream '" + name + "' exited with code " + p.exitValue()
                + (tail.isBlank() ? "" : "; its last stderr lines:\n" + tail);
    }

    private void reportClosed(String reason) {
        if (reportedClosed.compareAndSet(false, true)) {
            if (!closed.get() || !reason.endsWith("closed")) {
                log.info("{}", reason);
            }
            listener.onClosed(reason);
        }
    }

    private void stderrLoop() {
        BoundedLineReader reader = new BoundedLineReader(process.getErrorStream(), 64 * 1024);
        try {
            byte[] line;
            while ((line = reader.readLine()) != null) {
                String text = new String(line, StandardCharsets.UTF_8);
                log.info("[{} stderr] {}", name, text);
                synchronized (stderrTail) {
                    stderrTail.addLast(text);
                    if (stderrTail.size() > STDERR_TAIL_LINES) {
                        stderrTail.removeFirst();
                    }
                }
            }
        } catch (IOException e) {
            log.debug("upstream '{}': stderr ended: {}", name, e.getMessage());
        }
    }

    private void killProcessGroup(Process p) {
        long pid = p.pid();
        if (SETSID != null && p.isAlive()) {
            signalGroup(pid, "TERM");
        }
        p.descendants().forEach(ProcessHandle::destroy);
        p.destroy();
        Thread.ofVirtual().name("upstream-" + name + "-reaper").start(() -> {
            try {
                if (!p.waitFor(2, TimeUnit.SECONDS)) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                }
                if (SETSID != null) {
                    signalGroup(pid, "KILL"); // whatever of the group outlived its leader
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    private static void signalGroup(long pgid, String signal) {
        try {
            new ProcessBuilder("kill", "-" + signal, "--", "-" + pgid).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(2, TimeUnit.SECONDS);
        } catch (IOException e) {
            log.debug("kill -{} -{} failed: {}", signal, pgid, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The child's environment: the base variables the gateway has, then the configured ones. */
    static Map<String, String> childEnvironment(Map<String, String> gateway, Map<String, String> configured) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String key : BASE_ENVIRONMENT) {
            String value = gateway.get(key);
            if (value != null) {
                env.put(key, value);
            }
        }
        env.putIfAbsent("PATH", "/usr/local/bin:/usr/bin:/bin");
        env.putAll(configured);
        return env;
    }

    /** Finds the program up front so a typo gives "not found on PATH", not a silent early exit. */
    static String resolveProgram(String program, String path, Path cwd) throws UpstreamException {
        if (program.contains("/")) {
            Path candidate = Path.of(program);
            if (!candidate.isAbsolute() && cwd != null) {
                candidate = cwd.resolve(candidate);
            }
            if (!Files.isExecutable(candidate)) {
                throw new UpstreamException("command '" + program + "' is not an executable file");
            }
            return candidate.toString();
        }
        for (String dir : (path == null ? "" : path).split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
                return candidate.toString();
            }
        }
        throw new UpstreamException("command '" + program + "' not found on PATH " + path
                + " (set 'env: {PATH: ...}' for this server or give an absolute path)");
    }

    private static boolean isBlank(byte[] line) {
        for (byte b : line) {
            if (b != ' ' && b != '\t' && b != '\r') {
                return false;
            }
        }
        return true;
    }

    private static String preview(byte[] line) {
        String text = new String(line, 0, Math.min(line.length, 200), StandardCharsets.UTF_8);
        return line.length > 200 ? text + "…" : text;
    }

    private static final String SETSID = findSetsid();

    private static String findSetsid() {
        for (String candidate : List.of("/usr/bin/setsid", "/bin/setsid")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        log.warn("setsid not found: stdio upstreams will not run in their own process group");
        return null;
    }
}
