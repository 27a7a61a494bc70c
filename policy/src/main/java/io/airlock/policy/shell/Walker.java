package io.airlock.policy.shell;

import io.airlock.policy.analysis.Access;
import io.airlock.policy.analysis.AnalysisContext;
import io.airlock.policy.analysis.PathAnalyzer;
import io.airlock.policy.analysis.UrlAnalyzer;
import io.airlock.policy.shell.ShellAst.ArithmCmd;
import io.airlock.policy.shell.ShellAst.ArithmExp;
import io.airlock.policy.shell.ShellAst.Assign;
import io.airlock.policy.shell.ShellAst.BinaryCmd;
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
import io.airlock.policy.tags.Capability;
import io.airlock.policy.tags.Scope;
import io.airlock.policy.tags.Tag;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Walks one parsed command line, evaluating words as far as they are known, following data flow (pipes, variables,
 * files written earlier in the same line), and handing every simple command to {@link CommandTable}. Not thread-safe:
 * one walker per analysis.
 */
final class Walker {

    static final int MAX_NESTING = 8;
    static final int MAX_SIMPLE_COMMANDS = 3000;
    static final int MAX_LOOP_ITEMS = 16;
    static final int MAX_NESTED_PARSES = 48;
    static final int MAX_RECORDED_COMMANDS = 400;
    static final int MAX_TAGS = 400;

    private static final Set<String> SYSTEM_BIN_DIRS = Set.of("/bin", "/usr/bin", "/sbin", "/usr/sbin",
            "/usr/local/bin", "/usr/local/sbin", "/opt/homebrew/bin", "/opt/homebrew/sbin", "/usr/libexec",
            "/run/current-system/sw/bin", "/snap/bin");
    /** Files that run or grant access at login wherever they are (e.g. /root/.ssh/authorized_keys). */
    private static final Set<String> LOGIN_FILES = Set.of("authorized_keys", "authorized_keys2", ".bashrc",
            ".bash_profile", ".bash_login", ".profile", ".zshrc", ".zprofile", ".zshenv", ".zlogin", ".shrc",
            ".kshrc", ".mkshrc", ".cshrc", ".tcshrc", ".login", ".logout", ".bash_logout", ".xinitrc", ".xprofile",
            "rc.local", ".pam_environment", ".forward", ".rhosts", "hosts.equiv");

    /** Names that, run by path from a project, are the project's own scripts rather than the system tool. */
    private static final Set<String> LOCAL_SCRIPT_NAMES = Set.of("script", "run", "start", "test", "build", "install",
            "deploy", "setup", "main", "app", "server", "task", "release", "publish", "update", "clean", "check",
            "lint", "format", "dev", "serve", "init", "bootstrap", "migrate", "seed", "console", "shell", "cli", "tool",
            "exec", "command", "watch", "time", "env", "open", "kill", "stop", "restart", "status", "sync", "backup",
            "restore", "debug", "db", "make", "ci", "cd");
    private static final Pattern BLOCK_DEVICE = Pattern.compile(
            "/dev/(sd[a-z]+\\d*|hd[a-z]+\\d*|vd[a-z]+\\d*|xvd[a-z]+\\d*|nvme\\d+n\\d+(p\\d+)?|mmcblk\\d+(p\\d+)?"
                    + "|disk\\d+(s\\d+)?|rdisk\\d+(s\\d+)?|mapper/.*|md\\d+|dm-\\d+|loop\\d+|sr\\d+)");
    private static final Set<String> HARMLESS_DEVICES = Set.of("/dev/null", "/dev/stdout", "/dev/stderr",
            "/dev/stdin", "/dev/tty", "/dev/zero", "/dev/console", "/dev/random", "/dev/urandom", "/dev/full",
            "/dev/ptmx");
    /** Variables whose value is a command some program runs, or code injected into every program. */
    private static final Set<String> INJECTION_VARS = Set.of("LD_PRELOAD", "LD_LIBRARY_PATH", "LD_AUDIT",
            "DYLD_INSERT_LIBRARIES", "DYLD_LIBRARY_PATH", "BASH_ENV", "ENV", "PROMPT_COMMAND", "PERL5OPT", "PERL5LIB",
            "PERLLIB", "PYTHONSTARTUP", "PYTHONPATH", "PYTHONHOME", "NODE_OPTIONS", "RUBYOPT", "RUBYLIB",
            "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "GIT_SSH", "GIT_SSH_COMMAND", "GIT_EXTERNAL_DIFF", "GIT_PROXY_COMMAND",
            "GIT_ASKPASS", "SSH_ASKPASS", "SUDO_ASKPASS", "LESSOPEN", "LESSCLOSE", "AUTOM4TE", "PAGER", "MANPAGER",
            "GIT_PAGER", "EDITOR", "VISUAL", "GIT_EDITOR", "SYSTEMD_EDITOR", "KUBE_EDITOR", "BROWSER", "SHELL",
            "TAR_OPTIONS", "GZIP", "MANOPT", "GIT_CONFIG_PARAMETERS", "LD_BIND_NOW", "IFS");
    private static final Set<String> SAFE_EDITORS = Set.of("vi", "vim", "nvim", "nano", "emacs", "code", "less",
            "more", "cat", "true", "false", "most", "bat", "subl", "micro", "ed", "code --wait", "vim -u NONE",
            "cat -", "less -R", "less -FRX", "delta", "diff-so-fancy", "mate", "gedit", "kate", "pico", "joe", "mg",
            "nvim -u NONE", "hx", "helix", "zed", "zed --wait", "subl -w", "emacsclient", "nano -w");
    private static final Set<String> INDIRECT_COMMAND_VARS = Set.of("PAGER", "MANPAGER", "GIT_PAGER", "EDITOR",
            "VISUAL", "GIT_EDITOR", "SYSTEMD_EDITOR", "KUBE_EDITOR", "BROWSER", "SHELL");
    private static final Pattern SECRET_VAR = Pattern.compile(
            "(?i).*(token|secret|passw(or)?d|passwd|api_?key|access_?key|private_?key|credential|auth|session"
                    + "|cookie|_pat$|_key$|^key$).*");
    private static final Set<String> NOT_SECRET_VARS = Set.of("AUTHOR", "GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL",
            "GIT_AUTHOR_DATE", "SSH_AUTH_SOCK", "XAUTHORITY", "KEY", "SORT_KEY", "AUTHORS");

    final AnalysisContext ctx;
    private final ShellParser parser;
    private final Map<String, Tag> tags = new LinkedHashMap<>();
    final List<List<String>> commands = new ArrayList<>();
    /** Content known for files written earlier in this command line. */
    final Map<Path, Flow> files = new HashMap<>();
    final Set<String> functions = new HashSet<>();
    private int simpleCommands;
    private int nestedParses;
    private boolean exhausted;

    Walker(AnalysisContext ctx, ShellParser parser) {
        this.ctx = ctx;
        this.parser = parser;
    }

    List<Tag> tags() {
        return List.copyOf(tags.values());
    }

    void tag(Capability capability, Scope scope, String evidence) {
        Tag tag = Tag.of(capability, scope, Words.abbreviate(evidence, 200));
        String key = tag.label() + "\u0000" + tag.evidence();
        if (tags.size() >= MAX_TAGS && !tags.containsKey(key)) {
            // Keep one tag per label once the list is long: the policy acts on labels.
            for (Tag t : tags.values()) {
                if (t.label().equals(tag.label())) {
                    return;
                }
            }
        }
        tags.putIfAbsent(key, tag);
    }

    void tag(Capability capability, String evidence) {
        tag(capability, Scope.NONE, evidence);
    }

    void addAll(List<Tag> list) {
        for (Tag t : list) {
            tag(t.capability(), t.scope(), t.evidence());
        }
    }

    // ---------------------------------------------------------------------------------------------------- entry

    void walkScript(Script script) {
        walkStmts(script.stmts(), new Env(ctx.workingDirectory()), Flow.TERMINAL, 0);
    }

    /**
     * Parses and walks shell text found inside the command line ({@code sh -c}, {@code eval}, heredocs fed to a
     * shell, commands inside interpreter code). Unparseable text fails closed.
     */
    Flow walkText(String text, Env env, Flow stdin, int depth, String origin) {
        if (depth > MAX_NESTING) {
            tag(Capability.OBFUSCATED, Scope.UNKNOWN, "commands nested more than " + MAX_NESTING + " levels deep: "
                    + origin);
            return Flow.tainted(Set.of(Taint.DYNAMIC));
        }
        if (text.isBlank()) {
            return Flow.TERMINAL;
        }
        if (++nestedParses > MAX_NESTED_PARSES) {
            tag(Capability.UNKNOWN, Scope.UNKNOWN, "too many nested command strings to analyse: " + origin);
            return Flow.tainted(Set.of(Taint.DYNAMIC));
        }
        ShellParser.Result result = parser.parse(text);
        switch (result) {
            case ShellParser.Parsed parsed -> {
                return walkStmts(parsed.script().stmts(), env, stdin, depth);
            }
            case ShellParser.SyntaxError error -> {
                tag(Capability.UNKNOWN, Scope.UNKNOWN, "cannot parse " + origin + ": " + error.message());
                return Flow.tainted(Set.of(Taint.DYNAMIC));
            }
            case ShellParser.Unavailable unavailable -> {
                tag(Capability.UNKNOWN, Scope.UNKNOWN, "cannot analyse " + origin + ": " + unavailable.reason());
                return Flow.tainted(Set.of(Taint.DYNAMIC));
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------- statements

    Flow walkStmts(List<Stmt> stmts, Env env, Flow stdin, int depth) {
        Flow out = Flow.TERMINAL;
        for (Stmt stmt : stmts) {
            out = Flow.concat(out, walkStmt(stmt, env, stdin, depth));
        }
        return out;
    }

    Flow walkStmt(Stmt stmt, Env env, Flow stdin, int depth) {
        if (stmt == null) {
            return Flow.TERMINAL;
        }
        Flow in = stdin;
        for (Redirect r : stmt.redirects()) {
            Flow redirected = inputRedirect(r, env, depth);
            if (redirected != null) {
                in = redirected;
            }
        }
        Flow out = walkCommand(stmt.cmd(), env, in, depth);
        boolean stdoutRedirected = false;
        for (Redirect r : stmt.redirects()) {
            if (outputRedirect(r, env, depth, out, stmt.cmd() == null)) {
                stdoutRedirected = true;
            }
        }
        return stdoutRedirected ? Flow.TERMINAL : out;
    }

    /** Handles an input redirection; returns the new stdin, or null when this one does not change stdin. */
    private Flow inputRedirect(Redirect r, Env env, int depth) {
        boolean stdinFd = r.fd() == null || r.fd().equals("0");
        switch (r.op()) {
            case HEREDOC, HEREDOC_TABS -> {
                boolean quoted = r.target().parts().stream()
                        .anyMatch(p -> !(p instanceof Lit lit) || lit.value().contains("\\"));
                Word body = r.heredoc() == null ? new Word(List.of()) : r.heredoc();
                String text;
                EnumSet<Taint> taint = EnumSet.noneOf(Taint.class);
                if (quoted) {
                    text = body.parts().stream().map(p -> p instanceof Lit l ? l.value() : "").reduce("", String::concat);
                } else {
                    Arg arg = eval(body, env, depth, true);
                    taint.addAll(arg.taint());
                    text = arg.value();
                    if (!arg.literal()) {
                        taint.add(Taint.DYNAMIC);
                    }
                }
                Flow f = new Flow(true, taint, text, null, null);
                return stdinFd ? f : null;
            }
            case HERESTRING -> {
                Arg arg = eval(r.target(), env, depth, false);
                EnumSet<Taint> taint = EnumSet.noneOf(Taint.class);
                taint.addAll(arg.taint());
                if (!arg.literal()) {
                    taint.add(Taint.DYNAMIC);
                }
                Flow f = new Flow(true, taint, arg.value() + "\n", null, null);
                return stdinFd ? f : null;
            }
            case IN, RDWR -> {
                Arg target = eval(r.target(), env, depth, false);
                Flow f = readTarget(target, env, r.op() == RedirOp.RDWR);
                return stdinFd ? f : null;
            }
            case DUP_IN -> {
                eval(r.target(), env, depth, false);
                return null;
            }
            default -> {
                return null;
            }
        }
    }

    private Flow readTarget(Arg target, Env env, boolean alsoWrite) {
        String value = target.value();
        if (target.literal() && (value.startsWith("/dev/tcp/") || value.startsWith("/dev/udp/"))) {
            networkDevice(value, alsoWrite ? "connects to " : "reads from ");
            return Flow.tainted(Set.of(Taint.NETWORK));
        }
        if (target.literal() && (value.equals("/dev/tty") || value.startsWith("/dev/pts/")
                || value.equals("/dev/console"))) {
            return Flow.TERMINAL;
        }
        if (target.literal() && (HARMLESS_DEVICES.contains(value) || value.startsWith("/dev/fd/"))) {
            return value.equals("/dev/stdin") ? null : Flow.EMPTY;
        }
        pathTags(target, Access.READ, env);
        if (alsoWrite) {
            pathTags(target, Access.WRITE, env);
        }
        Path p = resolve(target, env);
        Flow known = p == null ? null : files.get(p);
        if (known != null) {
            return new Flow(true, known.taint(), known.text(), p, value);
        }
        Set<Taint> taint = target.literal() ? Set.of() : Set.of(Taint.DYNAMIC);
        return Flow.ofFile(p, value, taint);
    }

    /** Handles an output redirection; returns whether standard output went away from the pipe. */
    private boolean outputRedirect(Redirect r, Env env, int depth, Flow out, boolean truncateOnly) {
        RedirOp op = r.op();
        if (op == RedirOp.DUP_OUT) {
            Arg target = eval(r.target(), env, depth, false);
            String v = target.value();
            if (target.literal() && (v.equals("-") || v.chars().allMatch(Character::isDigit))) {
                return false;
            }
            op = RedirOp.ALL_OUT; // ">& file" is "&> file"
        }
        if (!op.writes()) {
            return false;
        }
        boolean stdout = r.fd() == null || r.fd().equals("1") || op == RedirOp.ALL_OUT || op == RedirOp.ALL_APPEND;
        if (op == RedirOp.RDWR) {
            return false; // handled as input
        }
        Arg target = eval(r.target(), env, depth, false);
        boolean empties = truncateOnly || stdout && out.present() && "".equals(out.text());
        writeTarget(target, env, op == RedirOp.APPEND || op == RedirOp.ALL_APPEND, empties, stdout ? out
                : Flow.tainted(Set.of(Taint.DYNAMIC)));
        return stdout;
    }

    void writeTarget(Arg target, Env env, boolean append, boolean truncateOnly, Flow content) {
        String value = target.value();
        if (target.literal()) {
            if (HARMLESS_DEVICES.contains(value) || value.startsWith("/dev/fd/") || value.startsWith("/dev/pts/")
                    || value.matches("/dev/tty\\w*")) {
                return;
            }
            if (value.startsWith("/dev/tcp/") || value.startsWith("/dev/udp/")) {
                networkDevice(value, "sends output to ");
                return;
            }
            if (BLOCK_DEVICE.matcher(value).matches()) {
                tag(Capability.DELETE, Scope.OUTSIDE, "overwrites disk device " + value);
                tag(Capability.SYSTEM_DISRUPTION, Scope.OUTSIDE, "overwrites disk device " + value);
                return;
            }
            if (value.equals("/dev/mem") || value.equals("/dev/kmem") || value.equals("/dev/port")) {
                tag(Capability.SYSTEM_DISRUPTION, Scope.OUTSIDE, "writes kernel memory " + value);
                tag(Capability.PRIVILEGE, Scope.OUTSIDE, "writes kernel memory " + value);
                return;
            }
            if (value.startsWith("/proc/sys") || value.equals("/proc/sysrq-trigger")) {
                tag(Capability.SYSTEM_DISRUPTION, Scope.OUTSIDE, "changes kernel state via " + value);
                tag(Capability.PRIVILEGE, Scope.OUTSIDE, "changes kernel state via " + value);
                return;
            }
        }
        pathTags(target, Access.WRITE, env);
        if (truncateOnly && !append) {
            pathTags(target, Access.DELETE, env);
        }
        Path p = resolve(target, env);
        if (p != null && p.toString().startsWith("/var/log/") && !append) {
            tag(Capability.SYSTEM_DISRUPTION, Scope.OUTSIDE, "overwrites system log " + value);
        }
        if (!target.literal() && value.contains("HISTFILE")) {
            tag(Capability.SYSTEM_DISRUPTION, Scope.UNKNOWN, "overwrites the shell history file");
        }
        if (p != null) {
            Flow previous = files.get(p);
            Flow stored = append && previous != null ? Flow.concat(previous, content)
                    : append ? content.plus(Set.of(Taint.DYNAMIC)) : content;
            if (!stored.present()) {
                stored = Flow.EMPTY;
            }
            files.put(p, new Flow(true, stored.taint(), stored.text(), null, null));
        }
    }

    private void networkDevice(String value, String verb) {
        String[] parts = value.split("/");
        String host = parts.length > 3 ? parts[3] : "?";
        String port = parts.length > 4 ? parts[4] : "";
        String proto = parts.length > 2 ? parts[2] : "tcp";
        List<Tag> urlTags = UrlAnalyzer.analyze(proto + "://" + host + (port.isEmpty() ? "" : ":" + port), ctx);
        boolean any = false;
        for (Tag t : urlTags) {
            if (t.capability() == Capability.NETWORK_EGRESS) {
                tag(Capability.NETWORK_EGRESS, t.scope(), verb + value);
                any = true;
            } else {
                tag(t.capability(), t.scope(), t.evidence());
            }
        }
        if (!any) {
            tag(Capability.NETWORK_EGRESS, Scope.UNKNOWN, verb + value);
        }
    }

    // ---------------------------------------------------------------------------------------------------- commands

    private Flow walkCommand(Command cmd, Env env, Flow stdin, int depth) {
        if (cmd == null) {
            return Flow.TERMINAL;
        }
        return switch (cmd) {
            case CallExpr call -> walkCall(call, env, stdin, depth);
            case BinaryCmd bin -> {
                if (bin.op().isPipe()) {
                    Flow left = walkStmt(bin.left(), env.copy(), stdin, depth);
                    yield walkStmt(bin.right(), env.copy(), left, depth);
                }
                Flow a = walkStmt(bin.left(), env, stdin, depth);
                Env skipped = env.copy();
                Flow b = walkStmt(bin.right(), env, stdin, depth);
                env.mergeFrom(List.of(skipped, env.copy()));
                yield Flow.concat(a, b);
            }
            case Subshell sub -> walkStmts(sub.stmts(), env.copy(), stdin, depth);
            case Block block -> walkStmts(block.stmts(), env, stdin, depth);
            case IfClause ic -> walkIf(ic, env, stdin, depth);
            case WhileClause wc -> {
                Flow c = walkStmts(wc.cond(), env, stdin, depth);
                Env body = env.copy();
                Flow b = walkStmts(wc.body(), body, stdin, depth);
                env.mergeFrom(List.of(env.copy(), body));
                yield Flow.concat(c, b);
            }
            case ForClause fc -> walkFor(fc, env, stdin, depth);
            case CaseClause cc -> {
                eval(cc.word(), env, depth, false);
                List<Env> branches = new ArrayList<>();
                branches.add(env.copy());
                Flow out = Flow.TERMINAL;
                for (CaseItem item : cc.items()) {
                    for (Word p : item.patterns()) {
                        eval(p, env, depth, false);
                    }
                    Env b = env.copy();
                    out = Flow.concat(out, walkStmts(item.stmts(), b, stdin, depth));
                    branches.add(b);
                }
                env.mergeFrom(branches);
                yield out;
            }
            case FuncDecl fd -> {
                functions.add(fd.name());
                if (AstSearch.isForkBomb(fd)) {
                    tag(Capability.SYSTEM_DISRUPTION, Scope.NONE, "fork bomb: function " + fd.name()
                            + " calls itself in the background or through a pipe");
                }
                walkStmt(fd.body(), env.copy(), Flow.TERMINAL, depth);
                yield Flow.TERMINAL;
            }
            case DeclClause dc -> walkDecl(dc, env, depth);
            case TestClause tc -> {
                for (Word w : tc.words()) {
                    eval(w, env, depth, false);
                }
                yield Flow.TERMINAL;
            }
            case ArithmCmd ac -> {
                for (Word w : ac.words()) {
                    eval(w, env, depth, false);
                }
                yield Flow.TERMINAL;
            }
            case LetClause lc -> {
                for (Word w : lc.words()) {
                    eval(w, env, depth, false);
                }
                yield Flow.TERMINAL;
            }
            case TimeClause tc -> walkStmt(tc.stmt(), env, stdin, depth);
            case CoprocClause cc -> walkStmt(cc.stmt(), env.copy(), stdin, depth);
            case Unmodelled u -> {
                tag(Capability.UNKNOWN, Scope.UNKNOWN, "unmodelled shell construct: " + u.type());
                yield Flow.tainted(Set.of(Taint.DYNAMIC));
            }
        };
    }

    private Flow walkIf(IfClause ic, Env env, Flow stdin, int depth) {
        Flow out = walkStmts(ic.cond(), env, stdin, depth);
        Env then = env.copy();
        out = Flow.concat(out, walkStmts(ic.then(), then, stdin, depth));
        Env otherwise = env.copy();
        if (ic.elseBranch() != null) {
            if (ic.elseBranch().cond().isEmpty()) {
                out = Flow.concat(out, walkStmts(ic.elseBranch().then(), otherwise, stdin, depth));
            } else {
                out = Flow.concat(out, walkIf(ic.elseBranch(), otherwise, stdin, depth));
            }
        }
        env.mergeFrom(List.of(then, otherwise));
        return out;
    }

    private Flow walkFor(ForClause fc, Env env, Flow stdin, int depth) {
        List<Env> branches = new ArrayList<>();
        branches.add(env.copy());
        Flow out = Flow.TERMINAL;
        if (fc.var() == null) {
            for (Word w : fc.arithmetic()) {
                eval(w, env, depth, false);
            }
            Env b = env.copy();
            out = walkStmts(fc.body(), b, stdin, depth);
            branches.add(b);
        } else {
            List<Arg> items = new ArrayList<>();
            boolean literal = fc.items() != null;
            EnumSet<Taint> taint = EnumSet.noneOf(Taint.class);
            if (fc.items() != null) {
                for (Word w : fc.items()) {
                    Arg a = eval(w, env, depth, false);
                    items.add(a);
                    literal &= a.literal();
                    taint.addAll(a.taint());
                }
            }
            if (literal && !items.isEmpty() && items.size() <= MAX_LOOP_ITEMS) {
                for (Arg item : items) {
                    Env b = env.copy();
                    b.set(fc.var(), new Env.Value(item.value(), Set.of()));
                    out = Flow.concat(out, walkStmts(fc.body(), b, stdin, depth));
                    branches.add(b);
                }
            } else {
                Env b = env.copy();
                b.set(fc.var(), new Env.Value(null, taint));
                out = walkStmts(fc.body(), b, stdin, depth);
                branches.add(b);
            }
        }
        env.mergeFrom(branches);
        return out;
    }

    private Flow walkDecl(DeclClause dc, Env env, int depth) {
        boolean onlyFlags = true;
        List<String> argv = new ArrayList<>();
        argv.add(dc.variant());
        boolean printFlag = false;
        for (Assign a : dc.args()) {
            if (a.name() == null) {
                Arg flag = a.value() == null ? Arg.lit("") : eval(a.value(), env, depth, false);
                argv.add(flag.value());
                if (flag.value().startsWith("-") || flag.value().startsWith("+")) {
                    printFlag |= flag.value().contains("p");
                    continue;
                }
                onlyFlags = false;
                continue;
            }
            onlyFlags = false;
            if (a.naked()) {
                argv.add(a.name());
                continue;
            }
            Env.Value v = assignValue(a, env, depth);
            argv.add(a.name() + "=" + (v.text() == null ? "…" : v.text()));
            checkSpecialAssignment(a.name(), v, false);
            env.set(a.name(), v);
        }
        record(argv);
        tag(Capability.EXEC_COMMAND, Scope.NONE, dc.variant());
        if ((onlyFlags && !dc.variant().equals("local")) || printFlag) {
            if (!dc.variant().equals("readonly") || printFlag) {
                tag(Capability.SECRET_RESOLVE, Scope.NONE, dc.variant() + " prints the environment");
            }
        }
        return Flow.tainted(Set.of(Taint.DYNAMIC));
    }

    Env.Value assignValue(Assign a, Env env, int depth) {
        if (a.array() != null) {
            EnumSet<Taint> taint = EnumSet.noneOf(Taint.class);
            for (Word w : a.array()) {
                taint.addAll(eval(w, env, depth, false).taint());
            }
            return new Env.Value(null, taint);
        }
        if (a.index() != null) {
            eval(a.index(), env, depth, false);
        }
        if (a.value() == null) {
            return new Env.Value("", Set.of());
        }
        Arg v = eval(a.value(), env, depth, false);
        if (a.append() || a.index() != null) {
            return new Env.Value(null, v.taint(), (a.append() ? "$" + a.name() : "") + v.value());
        }
        return new Env.Value(v.literal() ? v.value() : null, v.taint(), v.value());
    }

    /** Assignments that change how the shell or other programs behave. */
    void checkSpecialAssignment(String name, Env.Value value, boolean prefix) {
        String text = value.text();
        switch (name) {
            case "HISTFILE", "HISTSIZE", "HISTFILESIZE", "HISTCONTROL", "HISTIGNORE" -> {
                if (text == null || text.isEmpty() || text.equals("0") || text.equals("/dev/null")
                        || name.equals("HISTIGNORE") || (name.equals("HISTCONTROL") && (text.contains("ignorespace") || text.contains("ignoreboth")))) {
                    tag(Capability.SYSTEM_DISRUPTION, Scope.NONE, "disables shell history: " + name + "="
                            + (text == null ? "…" : text));
                }
            }
            case "PATH" -> {
                String shown = value.shown() == null ? "" : value.shown();
                String first = shown.contains(":") ? shown.substring(0, shown.indexOf(':')) : shown;
                boolean risky = first.isEmpty() || !first.startsWith("/") && !first.startsWith("$") && !first.startsWith(
                        "~") || first.startsWith("/tmp") || first.startsWith("/var/tmp") || first.startsWith("/dev/shm")
                        || first.equals(".") || first.startsWith("$(") || first.startsWith("$<");
                if (first.startsWith("$") && !first.startsWith("$HOME") && !first.startsWith("$PATH")
                        && !first.startsWith("${HOME}") && !first.startsWith("${PATH}") && !first.startsWith("$PWD")) {
                    risky = true;
                }
                if (risky) {
                    tag(Capability.OBFUSCATED, Scope.UNKNOWN, "changes PATH so program names resolve elsewhere: PATH="
                            + shown);
                }
            }
            default -> {
                if (!INJECTION_VARS.contains(name)) {
                    if (prefix && text != null && (name.matches("[A-Z0-9_]*(_COMMAND|_CMD|_PROGRAM|PAGER|EDITOR"
                            + "|ASKPASS|_HOOK|_SHELL)") || CommandTable.SHELL_PATH.matcher(text).find())
                            && !SAFE_EDITORS.contains(text.strip()) && !text.isBlank()) {
                        tag(Capability.OBFUSCATED, Scope.UNKNOWN, "runs a command through " + name + "=" + text);
                        walkText(text, new Env(ctx.workingDirectory()), Flow.TERMINAL, 1, "command in " + name);
                    }
                    return;
                }
                if (INDIRECT_COMMAND_VARS.contains(name) && text != null && SAFE_EDITORS.contains(text.strip())) {
                    return;
                }
                if (text != null && text.isEmpty()) {
                    return;
                }
                if (name.equals("SHELL") && text != null && text.matches("/(usr/)?bin/(ba|z|da|k|fi)?sh")) {
                    return;
                }
                if (name.equals("PYTHONPATH") || name.equals("LD_LIBRARY_PATH") || name.equals("PERL5LIB")
                        || name.equals("RUBYLIB") || name.equals("IFS") || name.equals("GZIP")
                        || name.equals("DYLD_LIBRARY_PATH") || name.equals("PYTHONHOME")) {
                    if (text != null && (name.equals("IFS") || !text.contains("/tmp"))) {
                        return;
                    }
                }
                if (name.equals("NODE_OPTIONS") && text != null && !text.contains("--require") && !text.contains("-r ")
                        && !text.contains("--import") && !text.contains("--loader")) {
                    return;
                }
                if (name.equals("JAVA_TOOL_OPTIONS") || name.equals("_JAVA_OPTIONS")) {
                    if (text != null && !text.contains("agent")) {
                        return;
                    }
                }
                tag(Capability.OBFUSCATED, Scope.UNKNOWN, "injects code or a command through " + name + "="
                        + (text == null ? "…" : text));
            }
        }
    }

    private Flow walkCall(CallExpr call, Env env, Flow stdin, int depth) {
        if (++simpleCommands > MAX_SIMPLE_COMMANDS) {
            if (!exhausted) {
                exhausted = true;
                tag(Capability.UNKNOWN, Scope.UNKNOWN, "command line too large to analyse completely");
            }
            return Flow.tainted(Set.of(Taint.DYNAMIC));
        }
        List<Arg> args = new ArrayList<>(call.args().size());
        for (Word w : call.args()) {
            args.add(eval(w, env, depth, false));
        }
        Map<String, Env.Value> prefix = new LinkedHashMap<>();
        for (Assign a : call.assigns()) {
            Env.Value v = assignValue(a, env, depth);
            if (a.name() != null) {
                prefix.put(a.name(), v);
                checkSpecialAssignment(a.name(), v, !args.isEmpty());
            }
        }
        if (args.isEmpty()) {
            for (Map.Entry<String, Env.Value> e : prefix.entrySet()) {
                env.set(e.getKey(), e.getValue());
            }
            return Flow.TERMINAL;
        }
        return dispatch(args, prefix, env, stdin, depth, List.of());
    }

    /**
     * Analyses one simple command (also an inner command unwrapped from sudo, xargs, find -exec ...). {@code via}
     * lists the wrappers it was reached through.
     */
    Flow dispatch(List<Arg> argv, Map<String, Env.Value> prefix, Env env, Flow stdin, int depth, List<String> via) {
        if (argv.isEmpty()) {
            return Flow.TERMINAL;
        }
        record(argv.stream().map(Arg::value).toList());
        Arg program = argv.getFirst();
        if (!program.literal()) {
            if (program.taint().contains(Taint.NETWORK)) {
                tag(Capability.REMOTE_CODE, Scope.UNKNOWN, "runs a program named by downloaded content: "
                        + program.value());
            }
            if (program.taint().contains(Taint.DECODED)) {
                tag(Capability.REMOTE_CODE, Scope.UNKNOWN, "runs a decoded program name: " + program.value());
            }
            tag(Capability.OBFUSCATED, Scope.UNKNOWN, "program name is not a literal: " + program.value());
            tag(Capability.EXEC_COMMAND, Scope.UNKNOWN, program.value());
            CommandTable.generic(new Call(this, env, depth, stdin, program.value(), program.value(),
                    argv.subList(1, argv.size()), prefix, via));
            return Flow.tainted(Set.of(Taint.DYNAMIC));
        }
        if (!via.isEmpty() && argv.size() > 1 && program.value().matches("[A-Za-z_][A-Za-z0-9_]*=.*")) {
            // "nohup FOO=1 cmd": the wrapper would fail to find "FOO=1"; analysing cmd over-approximates safely.
            String v = program.value();
            Map<String, Env.Value> more = new LinkedHashMap<>(prefix);
            Env.Value value = new Env.Value(v.substring(v.indexOf('=') + 1), Set.of());
            more.put(v.substring(0, v.indexOf('=')), value);
            checkSpecialAssignment(v.substring(0, v.indexOf('=')), value, true);
            return dispatch(argv.subList(1, argv.size()), more, env, stdin, depth, via);
        }
        String path = program.value();
        if (program.built() && !path.contains("/") && !path.isEmpty()) {
            tag(Capability.OBFUSCATED, Scope.UNKNOWN, "program name is built from expansions: " + path);
        }
        if (path.isEmpty()) {
            tag(Capability.OBFUSCATED, Scope.UNKNOWN, "empty program name");
            return Flow.tainted(Set.of(Taint.DYNAMIC));
        }
        if (path.startsWith("!") || path.startsWith("^") || (path.startsWith(":") && path.length() > 1)) {
            tag(Capability.OBFUSCATED, Scope.UNKNOWN, "keystrokes for an interactive program (shell escape?): "
                    + Words.abbreviate(String.join(" ", argv.stream().map(Arg::value).toList()), 120));
            int bang = path.lastIndexOf('!');
            if (bang >= 0 && bang + 1 < path.length()) {
                List<Arg> rest = new ArrayList<>();
                rest.add(Arg.lit(path.substring(bang + 1)));
                rest.addAll(argv.subList(1, argv.size()));
                return dispatch(rest, prefix, env, stdin, depth, via);
            }
            CommandTable.scanPaths(new Call(this, env, depth, stdin, path, path, argv.subList(1, argv.size()),
                    prefix, via));
            return Flow.tainted(Set.of(Taint.DYNAMIC));
        }
        String name = path;
        if (path.contains("/")) {
            name = path.substring(path.lastIndexOf('/') + 1);
            String dir = path.lastIndexOf('/') == 0 ? "/" : path.substring(0, path.lastIndexOf('/'));
            if (!SYSTEM_BIN_DIRS.contains(dir)) {
                executeFile(program, env, stdin, depth, "runs ");
            }
        } else if (functions.contains(name)) {
            tag(Capability.EXEC_COMMAND, Scope.NONE, "function " + name);
            return stdin.present() ? stdin : Flow.tainted(Set.of(Taint.DYNAMIC));
        }
        if (name.isEmpty()) {
            tag(Capability.EXEC_COMMAND, Scope.UNKNOWN, path);
            return Flow.tainted(Set.of(Taint.DYNAMIC));
        }
        tag(Capability.EXEC_COMMAND, Scope.NONE, name);
        Call call = new Call(this, env, depth, stdin, name, path, argv.subList(1, argv.size()), prefix, via);
        if (path.contains("/") && LOCAL_SCRIPT_NAMES.contains(name)
                && !SYSTEM_BIN_DIRS.contains(path.substring(0, Math.max(1, path.lastIndexOf('/'))))) {
            CommandTable.generic(call);
        } else {
            CommandTable.handle(call);
        }
        return call.output();
    }

    /** Running a file as a program or script: scope, and what is known about its content. */
    void executeFile(Arg file, Env env, Flow stdin, int depth, String verb) {
        executeFile(file, env, stdin, depth, verb, Interpreter.SHELL);
    }

    /** Running a file as a program of {@code lang}. */
    void executeFile(Arg file, Env env, Flow stdin, int depth, String verb, Interpreter lang) {
        List<Tag> exec = PathAnalyzer.analyze(pathText(file, env), Access.EXECUTE, ctx);
        for (Tag t : exec) {
            tag(t.capability(), t.scope(), t.capability() == Capability.EXEC_COMMAND ? verb + file.value()
                    : t.evidence());
        }
        if (!file.literal()) {
            if (file.taint().contains(Taint.NETWORK)) {
                tag(Capability.REMOTE_CODE, Scope.UNKNOWN, verb + "downloaded content " + file.value());
            }
            if (file.taint().contains(Taint.DECODED)) {
                tag(Capability.REMOTE_CODE, Scope.UNKNOWN, verb + "decoded content " + file.value());
                tag(Capability.OBFUSCATED, Scope.UNKNOWN, verb + "decoded content " + file.value());
            }
            if (file.value().startsWith("$<(") && !file.taint().contains(Taint.NETWORK)
                    && !file.taint().contains(Taint.DECODED)) {
                tag(Capability.OBFUSCATED, Scope.UNKNOWN, verb + "the output of a command as code");
            } else if (!file.value().startsWith("$<(")) {
                tag(Capability.UNKNOWN, Scope.UNKNOWN, verb + "a program or script named at run time: "
                        + file.value());
            }
            return;
        }
        Path p = resolve(file, env);
        Flow known = p == null ? null : files.get(p);
        if (known != null) {
            runContent(known, env, depth, "file " + file.value() + " written earlier", lang);
            return;
        }
        Scope scope = PathAnalyzer.scope(pathText(file, env), ctx);
        if (scope != Scope.INSIDE && (p == null || !isSystemProgram(p))) {
            tag(Capability.UNKNOWN, scope, verb + "a program or script from outside the workspace, whose content "
                    + "is not visible: " + file.value());
        }
    }

    private static final List<String> SYSTEM_PROGRAM_DIRS = List.of("/usr/", "/bin/", "/sbin/", "/lib/",
            "/lib64/", "/opt/homebrew/", "/nix/store/", "/snap/", "/System/", "/Applications/", "/Library/Apple/",
            "/run/current-system/");

    private static boolean isSystemProgram(Path p) {
        String s = p.toString();
        for (String prefix : SYSTEM_PROGRAM_DIRS) {
            if (s.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /** What running {@code content} as a program of {@code lang} means. */
    void runContent(Flow content, Env env, int depth, String origin, Interpreter lang) {
        if (content.has(Taint.NETWORK)) {
            tag(Capability.REMOTE_CODE, Scope.UNKNOWN, "runs downloaded code from " + origin);
        }
        if (content.has(Taint.DECODED)) {
            tag(Capability.REMOTE_CODE, Scope.UNKNOWN, "runs decoded code from " + origin);
            tag(Capability.OBFUSCATED, Scope.UNKNOWN, "runs decoded code from " + origin);
        }
        if (content.text() != null) {
            if (lang == Interpreter.SHELL) {
                String text = content.text();
                walkText(text, env.copy(), Flow.TERMINAL, depth + 1, origin);
            } else {
                InlineCode.scan(this, lang, content.text(), env, depth + 1, origin);
            }
        } else if (content.file() != null) {
            executeFile(new Arg(content.fileRaw() == null ? content.file().toString() : content.fileRaw(), true,
                    Set.of()), env, Flow.TERMINAL, depth, "runs script ");
        } else if (!content.has(Taint.NETWORK) && !content.has(Taint.DECODED)) {
            tag(Capability.OBFUSCATED, Scope.UNKNOWN, "runs code the analyser cannot see, from " + origin);
        }
    }

    void record(List<String> argv) {
        if (commands.size() < MAX_RECORDED_COMMANDS) {
            commands.add(List.copyOf(argv));
        }
    }

    // ---------------------------------------------------------------------------------------------------- words

    /**
     * Evaluates a word: walks every substitution in it (their commands run) and returns the value when known.
     * {@code heredoc} selects heredoc-body quoting rules (only {@code \$ \` \\} escape).
     */
    Arg eval(Word word, Env env, int depth, boolean heredoc) {
        StringBuilder value = new StringBuilder();
        EnumSet<Taint> taint = EnumSet.noneOf(Taint.class);
        boolean literal = evalParts(word.parts(), env, depth, value, taint, heredoc ? Quoting.HEREDOC
                : Quoting.NONE);
        return new Arg(value.toString(), literal, taint, isBuilt(word.parts()));
    }

    /** Whether any part of the word is an expansion (the value was built at run time, even if we know it). */
    private static boolean isBuilt(List<WordPart> parts) {
        for (WordPart p : parts) {
            if (p instanceof ParamExp || p instanceof CmdSubst || p instanceof ProcSubst || p instanceof ArithmExp
                    || p instanceof DblQuoted dq && isBuilt(dq.parts())) {
                return true;
            }
        }
        return false;
    }

    private enum Quoting { NONE, DOUBLE, HEREDOC }

    private boolean evalParts(List<WordPart> parts, Env env, int depth, StringBuilder out, EnumSet<Taint> taint,
            Quoting quoting) {
        boolean literal = true;
        for (WordPart part : parts) {
            switch (part) {
                case Lit lit -> out.append(switch (quoting) {
                    case NONE -> Words.unescapeUnquoted(lit.value());
                    case DOUBLE, HEREDOC -> Words.unescapeDoubleQuoted(lit.value());
                });
                case SglQuoted sq -> out.append(sq.dollar() ? Words.decodeAnsiC(sq.value()) : sq.value());
                case DblQuoted dq -> literal &= evalParts(dq.parts(), env, depth, out, taint, Quoting.DOUBLE);
                case ParamExp pe -> literal &= evalParam(pe, env, depth, out, taint);
                case CmdSubst cs -> {
                    Flow f = walkStmts(cs.stmts(), env.copy(), Flow.TERMINAL, depth);
                    taint.addAll(f.taint());
                    if (f.text() != null && f.present() && f.taint().isEmpty()) {
                        // $(echo x) is known text.
                        out.append(f.text().stripTrailing());
                    } else {
                        taint.add(Taint.DYNAMIC);
                        out.append("$(…)");
                        literal = false;
                    }
                }
                case ProcSubst ps -> {
                    Flow f = walkStmts(ps.stmts(), env.copy(), Flow.TERMINAL, depth);
                    taint.addAll(f.taint());
                    if (f.text() != null && ps.output()) {
                        taint.add(Taint.DYNAMIC);
                    }
                    out.append(ps.output() ? "$>(…)" : "$<(…)");
                    literal = false;
                }
                case ArithmExp ae -> {
                    for (Word w : ae.words()) {
                        Arg a = eval(w, env, depth, false);
                        taint.addAll(a.taint());
                    }
                    out.append("$((…))");
                    literal = false;
                }
                case ExtGlob g -> out.append(g.op()).append(g.pattern()).append(')');
                case UnmodelledPart u -> {
                    tag(Capability.UNKNOWN, Scope.UNKNOWN, "unmodelled word part: " + u.type());
                    out.append("$<").append(u.type()).append('>');
                    literal = false;
                    taint.add(Taint.DYNAMIC);
                }
            }
        }
        return literal;
    }

    private boolean evalParam(ParamExp pe, Env env, int depth, StringBuilder out, EnumSet<Taint> taint) {
        for (Word w : pe.nested()) {
            Arg a = eval(w, env, depth, false);
            taint.addAll(a.taint());
        }
        String name = pe.name();
        if (isSecretVar(name)) {
            tag(Capability.SECRET_RESOLVE, Scope.NONE, "reads secret variable $" + name);
        }
        if (pe.plain()) {
            Env.Value v = lookup(name, env);
            if (v.text() != null) {
                out.append(v.text());
                taint.addAll(v.taint());
                return true;
            }
            taint.addAll(v.taint());
            out.append('$').append(name);
            return false;
        }
        Env.Value v = env.get(name);
        taint.addAll(v.taint());
        out.append("${").append(name).append("…}");
        return false;
    }

    static boolean isSecretVar(String name) {
        return name.length() > 2 && !NOT_SECRET_VARS.contains(name) && Character.isLetter(name.charAt(0))
                && SECRET_VAR.matcher(name).matches();
    }

    private Env.Value lookup(String name, Env env) {
        if (env.isSet(name)) {
            return env.get(name);
        }
        return switch (name) {
            case "HOME" -> new Env.Value(ctx.home().toString(), Set.of());
            case "PWD" -> env.cwd() == null ? Env.Value.UNKNOWN : new Env.Value(env.cwd().toString(), Set.of());
            default -> Env.Value.UNKNOWN;
        };
    }

    // ---------------------------------------------------------------------------------------------------- paths

    /** The text to hand to PathAnalyzer: relative paths resolved against the tracked current directory. */
    String pathText(Arg arg, Env env) {
        String raw = arg.pathText();
        if (!arg.literal()) {
            return raw;
        }
        if (raw.startsWith("/") || raw.startsWith("~") || raw.startsWith("file://")) {
            return raw;
        }
        Path cwd = env.cwd();
        if (cwd == null) {
            return "$PWD/" + raw;
        }
        if (cwd.equals(ctx.workingDirectory())) {
            return raw;
        }
        try {
            return cwd.resolve(raw).normalize().toString();
        } catch (InvalidPathException e) {
            return "$PWD/" + raw;
        }
    }

    Path resolve(Arg arg, Env env) {
        if (!arg.literal()) {
            return null;
        }
        return PathAnalyzer.resolve(pathText(arg, env), ctx);
    }

    void pathTags(Arg arg, Access access, Env env) {
        pathTags(arg, access, env, false);
    }

    /**
     * @param notSecretByName the caller knows the content is not a credential (a certificate, a key generated just
     *                        now): a secret-looking file name ({@code cert.pem}) alone does not make it one, a
     *                        credential location ({@code ~/.ssh/}) still does
     */
    void pathTags(Arg arg, Access access, Env env, boolean notSecretByName) {
        if (arg.value().isEmpty() || !arg.literal() && (arg.value().startsWith("$<(") || arg.value().startsWith(
                "$>("))) {
            return;
        }
        String text = pathText(arg, env);
        List<Tag> list = PathAnalyzer.analyze(text, access, ctx);
        boolean dropSecret = notSecretByName && arg.literal() && !PathAnalyzer.isSecretLocation(text, ctx);
        for (Tag t : list) {
            if (dropSecret && t.capability() == Capability.SECRET_RESOLVE) {
                continue;
            }
            tag(t.capability(), t.scope(), text.equals(arg.value()) ? t.evidence()
                    : t.evidence().replace(text, arg.value()));
        }
        Path p = resolve(arg, env);
        if (p != null && access == Access.READ) {
            String s = p.toString();
            if (s.matches("/proc/[^/]+/(mem|maps|environ|auxv|cmdline|fd/.*)")) {
                tag(Capability.SECRET_RESOLVE, Scope.OUTSIDE, "reads process memory or environment " + arg.value());
            }
        }
        if (p != null && access == Access.DELETE && p.toString().startsWith("/var/log")) {
            tag(Capability.SYSTEM_DISRUPTION, Scope.OUTSIDE, "deletes system logs " + arg.value());
        }
        if (access == Access.WRITE || access == Access.DELETE) {
            String name = p != null && p.getFileName() != null ? p.getFileName().toString()
                    : arg.value().substring(arg.value().lastIndexOf('/') + 1);
            if (LOGIN_FILES.contains(name) && (p == null || !p.startsWith(ctx.workingDirectory()))) {
                tag(Capability.PERSISTENCE, PathAnalyzer.scope(text, ctx), "persistence point " + arg.value());
            }
        }
    }

    Scope scope(Arg arg, Env env) {
        return PathAnalyzer.scope(pathText(arg, env), ctx);
    }

    /** Supported inline-code languages. */
    enum Interpreter { SHELL, PYTHON, PERL, RUBY, NODE, PHP, LUA, AWK, TCL, OTHER }

    /** Small AST queries. */
    static final class AstSearch {
        private AstSearch() {}

        static boolean isForkBomb(FuncDecl fd) {
            boolean[] selfCall = {false};
            boolean[] concurrent = {false};
            visit(fd.body(), fd.name(), selfCall, concurrent);
            return selfCall[0] && concurrent[0];
        }

        private static void visit(Stmt s, String name, boolean[] selfCall, boolean[] concurrent) {
            if (s == null) {
                return;
            }
            if (s.background()) {
                concurrent[0] = true;
            }
            switch (s.cmd()) {
                case null -> { }
                case CallExpr c -> {
                    if (!c.args().isEmpty() && Words.render(c.args().getFirst()).equals(name)) {
                        selfCall[0] = true;
                    }
                }
                case BinaryCmd b -> {
                    if (b.op().isPipe()) {
                        concurrent[0] = true;
                    }
                    visit(b.left(), name, selfCall, concurrent);
                    visit(b.right(), name, selfCall, concurrent);
                }
                case Block b -> b.stmts().forEach(x -> visit(x, name, selfCall, concurrent));
                case Subshell b -> b.stmts().forEach(x -> visit(x, name, selfCall, concurrent));
                case WhileClause w -> {
                    w.cond().forEach(x -> visit(x, name, selfCall, concurrent));
                    w.body().forEach(x -> visit(x, name, selfCall, concurrent));
                }
                case IfClause i -> {
                    i.then().forEach(x -> visit(x, name, selfCall, concurrent));
                }
                default -> { }
            }
        }
    }
}
