package io.airlock.policy.shell;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.airlock.policy.shell.ShellAst.ArithmCmd;
import io.airlock.policy.shell.ShellAst.ArithmExp;
import io.airlock.policy.shell.ShellAst.Assign;
import io.airlock.policy.shell.ShellAst.BinaryCmd;
import io.airlock.policy.shell.ShellAst.BinaryOp;
import io.airlock.policy.shell.ShellAst.Block;
import io.airlock.policy.shell.ShellAst.CallExpr;
import io.airlock.policy.shell.ShellAst.CaseClause;
import io.airlock.policy.shell.ShellAst.CaseItem;
import io.airlock.policy.shell.ShellAst.CmdSubst;
import io.airlock.policy.shell.ShellAst.Command;
import io.airlock.policy.shell.ShellAst.CoprocClause;
import io.airlock.policy.shell.ShellAst.DblQuoted;
import io.airlock.policy.shell.ShellAst.DeclClause;
import io.airlock.policy.shell.ShellAst.ExtGlob;
import io.airlock.policy.shell.ShellAst.ForClause;
import io.airlock.policy.shell.ShellAst.FuncDecl;
import io.airlock.policy.shell.ShellAst.IfClause;
import io.airlock.policy.shell.ShellAst.LetClause;
import io.airlock.policy.shell.ShellAst.Lit;
import io.airlock.policy.shell.ShellAst.ParamExp;
import io.airlock.policy.shell.ShellAst.ProcSubst;
import io.airlock.policy.shell.ShellAst.RedirOp;
import io.airlock.policy.shell.ShellAst.Redirect;
import io.airlock.policy.shell.ShellAst.Script;
import io.airlock.policy.shell.ShellAst.SglQuoted;
import io.airlock.policy.shell.ShellAst.Stmt;
import io.airlock.policy.shell.ShellAst.Subshell;
import io.airlock.policy.shell.ShellAst.TestClause;
import io.airlock.policy.shell.ShellAst.TimeClause;
import io.airlock.policy.shell.ShellAst.Unmodelled;
import io.airlock.policy.shell.ShellAst.UnmodelledPart;
import io.airlock.policy.shell.ShellAst.WhileClause;
import io.airlock.policy.shell.ShellAst.Word;
import io.airlock.policy.shell.ShellAst.WordPart;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Parses shell command lines by running {@code shfmt --to-json} (mvdan/sh, Debian package {@code shfmt}) as a
 * subprocess with the command on stdin, and converts the printed tree into {@link ShellAst}. Bash dialect: it accepts
 * everything POSIX sh does plus the bashisms agents use ({@code [[ ]]}, {@code <( )}, {@code $'..'}).
 *
 * <p>Outcomes are explicit: {@link Parsed}, {@link SyntaxError} (shfmt exit 1) or {@link Unavailable} (shfmt missing,
 * crashed, timed out, or printed something unreadable). Callers must fail closed on the last two. Thread-safe: each
 * call runs its own process.
 *
 * <p><b>Pre-started processes.</b> Starting shfmt (fork/exec plus the Go runtime) is most of a cold parse. A parser
 * with a pool size above 0 keeps up to that many shfmt processes started and blocked on their stdin; a parse takes one,
 * writes the command, closes stdin and reads the answer, and a virtual thread starts a replacement. Each process still
 * parses exactly one command. When the pool is empty (first use, a burst) a parse starts its own process as before; a
 * pooled process found dead is discarded. The timeout runs from the moment the command is written. {@link #close()}
 * kills the pooled processes and those still parsing, and later parses are {@link Unavailable}. A pooled process
 * whose JVM dies gets end-of-file on its stdin, parses nothing and exits, so none outlives the gateway.
 */
public final class ShellParser implements AutoCloseable {

    /** Where Debian installs shfmt. */
    public static final Path DEFAULT_SHFMT = Path.of("/usr/bin/shfmt");
    /** System property and environment variable that override the shfmt path. */
    public static final String SHFMT_PROPERTY = "airlock.shfmt";
    public static final String SHFMT_ENV = "AIRLOCK_SHFMT";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);
    /**
     * Pre-started processes kept by {@link #ShellParser()}: one for the next command and one for a command nested in
     * it ({@code sh -c '..'}) or arriving at the same time.
     */
    public static final int DEFAULT_POOL_SIZE = 2;
    /** The largest pool accepted: each pooled process is a few MB of memory that does nothing. */
    public static final int MAX_POOL_SIZE = 16;
    /** System property that overrides {@link #DEFAULT_POOL_SIZE} for {@link #ShellParser()}; 0 turns the pool off. */
    public static final String POOL_PROPERTY = "airlock.shfmt.pool";
    /** Longer input is not parsed (and so fails closed). */
    public static final int MAX_INPUT_CHARS = 256 * 1024;
    /** Deeper trees are cut with an {@link Unmodelled} node. */
    static final int MAX_DEPTH = 400;

    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(4000).build()).build());

    /** The result of a parse. */
    public sealed interface Result permits Parsed, SyntaxError, Unavailable {}

    public record Parsed(Script script) implements Result {}

    /** The input is not valid shell; {@code message} is shfmt's, e.g. {@code 1:5: reached EOF without closing quote}. */
    public record SyntaxError(String message) implements Result {}

    /** The parser could not run or its output could not be read; the input's meaning is unknown. */
    public record Unavailable(String reason) implements Result {}

    private final Path shfmt;
    private final Duration timeout;
    private final int poolSize;
    /** Started processes waiting on stdin, oldest first. */
    private final ConcurrentLinkedQueue<Process> ready = new ConcurrentLinkedQueue<>();
    /** Processes in {@link #ready} plus those being started for it; never above {@link #poolSize}. */
    private final AtomicInteger slots = new AtomicInteger();
    private final AtomicBoolean refilling = new AtomicBoolean();
    /** Every process this parser started that has not been parsed to the end: pooled, starting or parsing. */
    private final Set<Process> live = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;
    private final AtomicLong takenFromPool = new AtomicLong();
    private final AtomicLong startedOnDemand = new AtomicLong();
    private final AtomicLong discardedDead = new AtomicLong();

    /** Uses {@link #defaultShfmt()}, a 2 s timeout and {@link #defaultPoolSize()} pre-started processes. */
    public ShellParser() {
        this(defaultShfmt(), DEFAULT_TIMEOUT, defaultPoolSize());
    }

    /** No pre-started processes: every parse starts its own shfmt. */
    public ShellParser(Path shfmt, Duration timeout) {
        this(shfmt, timeout, 0);
    }

    /**
     * @param poolSize how many shfmt processes to keep started and waiting (0 to {@value #MAX_POOL_SIZE}); the pool
     *                 fills on the first parse or on {@link #prestart()}
     */
    public ShellParser(Path shfmt, Duration timeout, int poolSize) {
        this.shfmt = Objects.requireNonNull(shfmt, "shfmt");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        if (poolSize < 0 || poolSize > MAX_POOL_SIZE) {
            throw new IllegalArgumentException("poolSize: " + poolSize + " (expected: 0 to " + MAX_POOL_SIZE + ")");
        }
        this.poolSize = poolSize;
    }

    /** The shfmt to run: {@code -Dairlock.shfmt}, else {@code $AIRLOCK_SHFMT}, else {@code /usr/bin/shfmt}. */
    public static Path defaultShfmt() {
        String configured = System.getProperty(SHFMT_PROPERTY);
        if (configured == null || configured.isBlank()) {
            configured = System.getenv(SHFMT_ENV);
        }
        return configured == null || configured.isBlank() ? DEFAULT_SHFMT : Path.of(configured);
    }

    /** {@code -Dairlock.shfmt.pool}, else {@value #DEFAULT_POOL_SIZE}. */
    public static int defaultPoolSize() {
        String configured = System.getProperty(POOL_PROPERTY);
        if (configured == null || configured.isBlank()) {
            return DEFAULT_POOL_SIZE;
        }
        try {
            return Integer.parseInt(configured.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(POOL_PROPERTY + ": '" + configured + "' (expected: 0 to "
                    + MAX_POOL_SIZE + ")");
        }
    }

    public Path shfmt() {
        return shfmt;
    }

    /** Whether the configured shfmt exists and is executable (it may still fail to run). */
    public boolean available() {
        return Files.isExecutable(shfmt);
    }

    public int poolSize() {
        return poolSize;
    }

    /** Starts filling the pool now (in the background), so that the first command does not wait for a process. */
    public void prestart() {
        if (available()) {
            refillAsync();
        }
    }

    public Result parse(String source) {
        if (source.length() > MAX_INPUT_CHARS) {
            return new Unavailable("command too long to analyse (" + source.length() + " characters)");
        }
        if (source.indexOf('\0') >= 0) {
            return new SyntaxError("NUL character in command");
        }
        if (closed) {
            return new Unavailable("shell parser closed");
        }
        if (!available()) {
            return new Unavailable("shell parser not available: " + shfmt + " is missing or not executable");
        }
        Process process = takePooled();
        boolean pooled = process != null;
        if (process == null) {
            try {
                process = start();
            } catch (IOException e) {
                return new Unavailable("shell parser failed to start: " + e.getMessage());
            }
            startedOnDemand.incrementAndGet();
        }
        try {
            Result result = run(process, source);
            if (pooled && !closed && result instanceof Unavailable unavailable
                    && unavailable.reason().startsWith("shell parser exited with ") && process.exitValue() > 128) {
                // Killed by a signal we did not send (isAlive can lag the kill): it never parsed the command. Count it
                // as the dead process it was and parse once more with a fresh one.
                takenFromPool.decrementAndGet();
                discardedDead.incrementAndGet();
                live.remove(process);
                return parseWithNewProcess(source);
            }
            return result;
        } finally {
            live.remove(process);
            // Replace what was taken only now: starting a process costs CPU, which this parse should not compete with
            // (on 2 cores it did, adding milliseconds). Commands come seconds apart; the second pooled one covers a
            // nested or concurrent parse meanwhile.
            refillAsync();
        }
    }

    private Result parseWithNewProcess(String source) {
        Process process;
        try {
            process = start();
        } catch (IOException e) {
            return new Unavailable("shell parser failed to start: " + e.getMessage());
        }
        startedOnDemand.incrementAndGet();
        try {
            return run(process, source);
        } finally {
            live.remove(process);
        }
    }

    /** Closes the pool: kills the waiting processes and those still parsing; later parses are unavailable. */
    @Override
    public void close() {
        closed = true;
        for (Process p; (p = ready.poll()) != null; ) {
            slots.decrementAndGet();
            live.remove(p);
            p.destroyForcibly();
        }
        for (Process p : live) { // parsing now (their parse fails closed), or being started by a refill
            p.destroyForcibly();
        }
    }

    private Process start() throws IOException {
        Process process = new ProcessBuilder(shfmt.toString(), "--to-json", "-ln", "bash").start();
        live.add(process);
        return process;
    }

    /** A live pre-started process, or null when there is none; dead ones are discarded on the way. */
    private Process takePooled() {
        for (Process p; (p = ready.poll()) != null; ) {
            slots.decrementAndGet();
            if (p.isAlive()) {
                takenFromPool.incrementAndGet();
                return p;
            }
            discardedDead.incrementAndGet();
            live.remove(p);
            p.destroyForcibly(); // already gone; reaps nothing but keeps the intent plain
        }
        return null;
    }

    /** Tops the pool up on a virtual thread; at most one refill runs at a time. */
    private void refillAsync() {
        if (poolSize == 0 || closed || slots.get() >= poolSize || !refilling.compareAndSet(false, true)) {
            return;
        }
        Thread.ofVirtual().name("shfmt-pool").start(() -> {
            try {
                refill();
            } finally {
                refilling.set(false);
            }
            // A take between refill's last look and the flag's reset would otherwise wait for the next parse.
            if (!closed && slots.get() < poolSize && available()) {
                refillAsync();
            }
        });
    }

    private void refill() {
        while (!closed) {
            int n = slots.get();
            if (n >= poolSize) {
                return;
            }
            if (!slots.compareAndSet(n, n + 1)) {
                continue;
            }
            Process process;
            try {
                process = start();
            } catch (IOException e) {
                slots.decrementAndGet();
                return; // parses start their own and report the failure; retried after the next parse
            }
            if (closed) { // close() may have run before start() registered the process
                slots.decrementAndGet();
                live.remove(process);
                process.destroyForcibly();
                return;
            }
            ready.add(process);
        }
    }

    /** Processes waiting in the pool (visible for tests). */
    List<ProcessHandle> pooledProcesses() {
        return ready.stream().map(Process::toHandle).toList();
    }

    /** Every process started and not yet parsed to the end, pooled or not (visible for tests). */
    List<ProcessHandle> liveProcesses() {
        return live.stream().map(Process::toHandle).toList();
    }

    long takenFromPool() {
        return takenFromPool.get();
    }

    long startedOnDemand() {
        return startedOnDemand.get();
    }

    long discardedDead() {
        return discardedDead.get();
    }

    private Result run(Process process, String source) {
        try {
            byte[] input = source.getBytes(StandardCharsets.UTF_8);
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try (OutputStream stdin = process.getOutputStream()) {
                    stdin.write(input);
                } catch (IOException ignored) {
                    // The process died early; its exit status tells.
                }
            }, ShellParser::virtual);
            CompletableFuture<byte[]> stdout = CompletableFuture.supplyAsync(
                    () -> readAll(process.getInputStream()), ShellParser::virtual);
            CompletableFuture<byte[]> stderr = CompletableFuture.supplyAsync(
                    () -> readAll(process.getErrorStream()), ShellParser::virtual);
            long deadline = System.nanoTime() + timeout.toNanos();
            if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                process.destroyForcibly();
                return new Unavailable("shell parser timed out after " + timeout.toMillis() + " ms");
            }
            long left = Math.max(1, deadline - System.nanoTime()) + TimeUnit.MILLISECONDS.toNanos(200);
            byte[] out = stdout.get(left, TimeUnit.NANOSECONDS);
            byte[] err = stderr.get(left, TimeUnit.NANOSECONDS);
            writer.get(left, TimeUnit.NANOSECONDS);
            int exit = process.exitValue();
            if (exit == 1) {
                return new SyntaxError(cleanError(new String(err, StandardCharsets.UTF_8)));
            }
            if (exit != 0) {
                return new Unavailable("shell parser exited with " + exit + ": "
                        + cleanError(new String(err, StandardCharsets.UTF_8)));
            }
            return fromJson(out);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            return new Unavailable("interrupted while parsing");
        } catch (ExecutionException | TimeoutException e) {
            process.destroyForcibly();
            return new Unavailable("shell parser I/O failed: " + e);
        }
    }

    /** Converts shfmt's JSON output into the tree (visible for tests). */
    static Result fromJson(byte[] json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            return new Unavailable("unreadable parser output: " + e.getMessage());
        }
        if (root == null || !"File".equals(root.path("Type").asText())) {
            return new Unavailable("unexpected parser output (no File node)");
        }
        return new Parsed(new Converter().script(root));
    }

    private static void virtual(Runnable task) {
        Thread.ofVirtual().name("shfmt-io").start(task);
    }

    private static byte[] readAll(InputStream in) {
        try (in) {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            in.transferTo(buffer);
            return buffer.toByteArray();
        } catch (IOException e) {
            return new byte[0];
        }
    }

    private static String cleanError(String stderr) {
        String text = stderr.strip();
        if (text.startsWith("<standard input>:")) {
            text = text.substring("<standard input>:".length());
        }
        int newline = text.indexOf('\n');
        return newline > 0 ? text.substring(0, newline) : text.isEmpty() ? "syntax error" : text;
    }

    /** JSON to AST. shfmt 3.6 numbers operators; the tables below were read off its output. */
    private static final class Converter {

        private static final Map<Integer, RedirOp> REDIR_OPS = Map.ofEntries(Map.entry(54, RedirOp.OUT),
                Map.entry(55, RedirOp.APPEND), Map.entry(56, RedirOp.IN), Map.entry(57, RedirOp.RDWR),
                Map.entry(58, RedirOp.DUP_IN), Map.entry(59, RedirOp.DUP_OUT), Map.entry(60, RedirOp.CLOBBER),
                Map.entry(61, RedirOp.HEREDOC), Map.entry(62, RedirOp.HEREDOC_TABS),
                Map.entry(63, RedirOp.HERESTRING), Map.entry(64, RedirOp.ALL_OUT),
                Map.entry(65, RedirOp.ALL_APPEND));
        private static final Map<Integer, BinaryOp> BINARY_OPS = Map.of(10, BinaryOp.AND, 11, BinaryOp.OR,
                12, BinaryOp.PIPE, 13, BinaryOp.PIPE_ALL);
        private static final Map<Integer, String> GLOB_OPS = Map.of(122, "?(", 123, "*(", 124, "+(", 125, "@(",
                126, "!(");

        private int depth;

        Script script(JsonNode file) {
            return new Script(stmts(file.path("Stmts")));
        }

        List<Stmt> stmts(JsonNode array) {
            List<Stmt> out = new ArrayList<>();
            for (JsonNode node : array) {
                out.add(stmt(node));
            }
            return out;
        }

        Stmt stmt(JsonNode node) {
            if (node == null || node.isMissingNode() || node.isNull()) {
                return null;
            }
            if (++depth > MAX_DEPTH) {
                depth--;
                return new Stmt(new Unmodelled("nesting deeper than " + MAX_DEPTH), List.of(), false, false);
            }
            try {
                List<Redirect> redirects = new ArrayList<>();
                for (JsonNode r : node.path("Redirs")) {
                    redirects.add(redirect(r));
                }
                JsonNode cmd = node.get("Cmd");
                Command command = cmd == null || cmd.isNull() ? null : command(cmd);
                return new Stmt(command, redirects, node.path("Negated").asBoolean(false),
                        node.path("Background").asBoolean(false) || node.path("Coprocess").asBoolean(false));
            } finally {
                depth--;
            }
        }

        Redirect redirect(JsonNode node) {
            RedirOp op = REDIR_OPS.getOrDefault(node.path("Op").asInt(-1), RedirOp.UNKNOWN);
            String fd = node.has("N") ? node.path("N").path("Value").asText(null) : null;
            Word target = node.has("Word") ? word(node.get("Word")) : new Word(List.of());
            Word heredoc = node.has("Hdoc") ? word(node.get("Hdoc")) : null;
            if ((op == RedirOp.HEREDOC || op == RedirOp.HEREDOC_TABS) && heredoc == null) {
                heredoc = new Word(List.of());
            }
            return new Redirect(fd, op, target, heredoc);
        }

        Command command(JsonNode node) {
            String type = node.path("Type").asText("");
            return switch (type) {
                case "CallExpr" -> new CallExpr(assigns(node.path("Assigns")), words(node.path("Args")));
                case "BinaryCmd" -> {
                    BinaryOp op = BINARY_OPS.get(node.path("Op").asInt(-1));
                    yield op == null ? new Unmodelled("BinaryCmd op " + node.path("Op").asInt(-1))
                            : new BinaryCmd(op, stmt(node.get("X")), stmt(node.get("Y")));
                }
                case "Subshell" -> new Subshell(stmts(node.path("Stmts")));
                case "Block" -> new Block(stmts(node.path("Stmts")));
                case "IfClause" -> ifClause(node);
                case "WhileClause" -> new WhileClause(node.path("Until").asBoolean(false), stmts(node.path("Cond")),
                        stmts(node.path("Do")));
                case "ForClause" -> forClause(node);
                case "CaseClause" -> {
                    List<CaseItem> items = new ArrayList<>();
                    for (JsonNode item : node.path("Items")) {
                        items.add(new CaseItem(words(item.path("Patterns")), stmts(item.path("Stmts"))));
                    }
                    yield new CaseClause(word(node.get("Word")), items);
                }
                case "FuncDecl" -> new FuncDecl(node.path("Name").path("Value").asText(""), stmt(node.get("Body")));
                case "DeclClause" -> new DeclClause(node.path("Variant").path("Value").asText("declare"),
                        assigns(node.path("Args")));
                case "TestClause" -> new TestClause(collectWords(node.get("X")));
                case "ArithmCmd" -> new ArithmCmd(collectWords(node.get("X")));
                case "LetClause" -> new LetClause(collectWords(node.get("Exprs")));
                case "TimeClause" -> new TimeClause(stmt(node.get("Stmt")));
                case "CoprocClause" -> {
                    Word name = node.has("Name") ? word(node.get("Name")) : null;
                    String text = name == null ? null : Words.rawText(name);
                    yield new CoprocClause(text, stmt(node.get("Stmt")));
                }
                default -> new Unmodelled(type.isEmpty() ? "untyped command" : type);
            };
        }

        IfClause ifClause(JsonNode node) {
            JsonNode elseNode = node.get("Else");
            IfClause elseBranch = elseNode == null || elseNode.isNull() ? null : ifClause(elseNode);
            return new IfClause(stmts(node.path("Cond")), stmts(node.path("Then")), elseBranch);
        }

        Command forClause(JsonNode node) {
            JsonNode loop = node.path("Loop");
            boolean select = node.path("Select").asBoolean(false);
            List<Stmt> body = stmts(node.path("Do"));
            String loopType = loop.path("Type").asText("");
            if (loopType.equals("WordIter")) {
                String var = loop.path("Name").path("Value").asText("");
                List<Word> items = loop.has("Items") || loop.has("InPos") ? words(loop.path("Items")) : null;
                return new ForClause(select, var, items, List.of(), body);
            }
            if (loopType.equals("CStyleLoop")) {
                List<Word> words = new ArrayList<>();
                words.addAll(collectWords(loop.get("Init")));
                words.addAll(collectWords(loop.get("Cond")));
                words.addAll(collectWords(loop.get("Post")));
                return new ForClause(select, null, List.of(), words, body);
            }
            return new Unmodelled("ForClause loop " + loopType);
        }

        List<Assign> assigns(JsonNode array) {
            List<Assign> out = new ArrayList<>();
            for (JsonNode a : array) {
                String name = a.has("Name") ? a.path("Name").path("Value").asText(null) : null;
                Word value = a.has("Value") ? word(a.get("Value")) : null;
                List<Word> array2 = null;
                if (a.has("Array")) {
                    array2 = new ArrayList<>();
                    for (JsonNode elem : a.path("Array").path("Elems")) {
                        if (elem.has("Value")) {
                            array2.add(word(elem.get("Value")));
                        }
                        if (elem.has("Index")) {
                            array2.addAll(collectWords(elem.get("Index")));
                        }
                    }
                }
                Word index = null;
                if (a.has("Index")) {
                    List<Word> indexWords = collectWords(a.get("Index"));
                    index = indexWords.isEmpty() ? null : indexWords.getFirst();
                }
                out.add(new Assign(name, a.path("Append").asBoolean(false), a.path("Naked").asBoolean(false), value,
                        array2, index));
            }
            return out;
        }

        List<Word> words(JsonNode array) {
            List<Word> out = new ArrayList<>();
            for (JsonNode w : array) {
                out.add(word(w));
            }
            return out;
        }

        Word word(JsonNode node) {
            if (node == null || node.isNull() || node.isMissingNode()) {
                return new Word(List.of());
            }
            return new Word(parts(node.path("Parts")));
        }

        List<WordPart> parts(JsonNode array) {
            List<WordPart> out = new ArrayList<>();
            for (JsonNode p : array) {
                out.add(part(p));
            }
            return out;
        }

        WordPart part(JsonNode node) {
            if (++depth > MAX_DEPTH) {
                depth--;
                return new UnmodelledPart("nesting deeper than " + MAX_DEPTH);
            }
            try {
                String type = node.path("Type").asText("");
                return switch (type) {
                    case "Lit" -> new Lit(node.path("Value").asText(""));
                    case "SglQuoted" -> new SglQuoted(node.path("Value").asText(""),
                            node.path("Dollar").asBoolean(false));
                    case "DblQuoted" -> new DblQuoted(parts(node.path("Parts")), node.path("Dollar").asBoolean(false));
                    case "ParamExp" -> paramExp(node);
                    case "CmdSubst" -> new CmdSubst(stmts(node.path("Stmts")), node.path("Backquotes").asBoolean(false));
                    case "ProcSubst" -> new ProcSubst(node.path("Op").asInt(66) == 67, stmts(node.path("Stmts")));
                    case "ArithmExp" -> new ArithmExp(collectWords(node.get("X")));
                    case "ExtGlob" -> new ExtGlob(GLOB_OPS.getOrDefault(node.path("Op").asInt(-1), "?("),
                            node.path("Pattern").path("Value").asText(""));
                    default -> new UnmodelledPart(type.isEmpty() ? "untyped word part" : type);
                };
            } finally {
                depth--;
            }
        }

        ParamExp paramExp(JsonNode node) {
            String name = node.path("Param").path("Value").asText("");
            List<Word> nested = new ArrayList<>();
            StringBuilder op = new StringBuilder();
            if (node.path("Excl").asBoolean(false)) {
                op.append('!');
            }
            if (node.path("Length").asBoolean(false)) {
                op.append('#');
            }
            if (node.path("Width").asBoolean(false)) {
                op.append('%');
            }
            if (node.has("Names")) {
                op.append("names");
            }
            if (node.has("Index")) {
                op.append("[]");
                nested.addAll(collectWords(node.get("Index")));
            }
            if (node.has("Slice")) {
                op.append(':');
                nested.addAll(collectWords(node.get("Slice")));
            }
            if (node.has("Repl")) {
                op.append('/');
                JsonNode repl = node.get("Repl");
                if (repl.has("Orig")) {
                    nested.add(word(repl.get("Orig")));
                }
                if (repl.has("With")) {
                    nested.add(word(repl.get("With")));
                }
            }
            if (node.has("Exp")) {
                op.append("op").append(node.path("Exp").path("Op").asInt(-1));
                if (node.path("Exp").has("Word")) {
                    nested.add(word(node.path("Exp").get("Word")));
                }
            }
            return new ParamExp(name, op.isEmpty(), op.isEmpty() ? null : op.toString(), nested);
        }

        /**
         * Every word under an arithmetic or test expression, in order. A node is a word when its type is "Word" or
         * it has parts and no type; anything else is descended into.
         */
        List<Word> collectWords(JsonNode node) {
            List<Word> out = new ArrayList<>();
            collect(node, out, 0);
            return out;
        }

        private void collect(JsonNode node, List<Word> out, int level) {
            if (node == null || node.isNull() || level > MAX_DEPTH) {
                return;
            }
            if (node.isArray()) {
                for (JsonNode child : node) {
                    collect(child, out, level + 1);
                }
                return;
            }
            if (!node.isObject()) {
                return;
            }
            String type = node.path("Type").asText("");
            if (type.equals("Word") || (type.isEmpty() && node.has("Parts"))) {
                out.add(word(node));
                return;
            }
            var fields = node.properties();
            for (var field : fields) {
                String key = field.getKey();
                if (key.equals("Pos") || key.equals("End") || key.endsWith("Pos")) {
                    continue;
                }
                collect(field.getValue(), out, level + 1);
            }
        }
    }
}
