package io.airlock.policy.shell;

import static io.airlock.policy.shell.CommandTable.register;

import io.airlock.policy.analysis.Access;
import io.airlock.policy.tags.Capability;
import io.airlock.policy.tags.Scope;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Programs that run another command: privilege wrappers, environment and scheduling wrappers, xargs, find -exec,
 * parallel, watch, shells with {@code -c}, {@code eval}, {@code source}. The inner command is analysed as if it were
 * written directly (with the wrapper noted), so {@code sudo env nice rm -rf ~} is still {@code rm -rf ~}.
 */
final class Wrappers {

    private Wrappers() {}

    static final Set<String> SHELLS = Set.of("sh", "bash", "dash", "zsh", "ksh", "mksh", "ash", "csh", "tcsh", "fish",
            "yash", "posh", "rbash", "lksh", "pdksh", "oksh", "loksh", "hush", "bash5", "zsh5", "sash", "esh",
            "scsh");
    private static final Pattern ASSIGNMENT = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*=.*", Pattern.DOTALL);

    static void install() {
        CommandTable.register(Wrappers::sudo, "sudo", "sudoedit");
        register(Wrappers::doas, "doas");
        register(Wrappers::su, "su");
        register(c -> privilegedInner(c, Set.of("--user", "-u")), "pkexec");
        register(Wrappers::runuser, "runuser");
        register(c -> privilegedInner(c, Set.of("-u", "--user", "-g", "--group", "-D", "--chdir", "--description",
                "--property", "--slice-inherit", "--nice", "--setenv", "--unit", "--machine")), "run0");
        register(Wrappers::ksu, "ksu");
        register(Wrappers::sg, "sg");
        register(c -> {
            c.tag(Capability.PRIVILEGE, Scope.NONE, "changes group: " + c.text);
        }, "newgrp");
        register(Wrappers::env, "env");
        register(c -> wrapper(c, Set.of("-n", "--adjustment"), 0, false), "nice");
        register(c -> {
            Call.Opts o = c.optsUntilCommand("-c", "-n", "-p", "-P", "-u", "--class", "--classdata", "--pid",
                    "--pgid", "--uid");
            if (!o.has("-p", "-P", "-u", "--pid", "--pgid", "--uid")) {
                wrapper(c, Set.of("-c", "-n", "--class", "--classdata"), 0, false);
            }
        }, "ionice");
        register(c -> wrapper(c, Set.of(), 0, false), "nohup", "setsid", "unbuffer", "eatmydata", "fakeroot",
                "fakeroot-ng", "chronic", "rlwrap", "catchsegv", "dbus-launch", "dbus-run-session", "ssh-agent",
                "aoss", "padsp", "pasuspender", "optirun", "primusrun", "prime-run", "vglrun", "nocache", "entr",
                "caffeinate", "time", "sem", "ifne", "vipe", "sponge-run", "stdbuf", "numactl", "firejail",
                "systemd-inhibit", "xvfb-run", "faketime", "trickle", "cgexec", "cpulimit", "tsp", "daemonize",
                "with-contenv", "s6-setuidgid", "chpst", "setuidgid", "envdir", "softlimit", "dumb-init", "tini",
                "gosu", "su-exec", "torify", "torsocks", "tsocks", "proxychains", "proxychains4", "proxychains-ng",
                "authbind", "linux32", "linux64", "setarch", "i386", "x86_64", "arch", "nsjail", "bwrap",
                "systemd-cat", "tsan", "sandbox-exec", "mpirun", "srun", "direnv", "dotenv", "env-cmd", "with-env",
                "timelimit", "coproc", "exec-as", "lxc-attach", "bear", "scan-build", "ccache", "distcc", "icecc",
                "hyperfine", "perf", "heaptrack", "uftrace", "kcov", "nvprof", "firejail-run", "unshare-run");
        register(Wrappers::timeout, "timeout", "gtimeout");
        register(c -> {
            c.tag(Capability.PRIVILEGE, Scope.OUTSIDE, "changes the root directory: " + c.text);
            wrapper(c, Set.of("--userspec", "--groups"), 1, true);
        }, "chroot");
        register(c -> {
            c.tag(Capability.PRIVILEGE, Scope.OUTSIDE, "enters other namespaces: " + c.text);
            wrapper(c, Set.of("-t", "--target", "-S", "--setuid", "-G", "--setgid", "-N"), 0, true);
        }, "nsenter");
        register(c -> {
            Call.Opts o = c.optsUntilCommand("--propagation", "--setgroups", "--map-user", "--map-group", "-S", "-G",
                    "-R", "-w", "--root", "--wd", "--setuid", "--setgid");
            if (o.has("-r", "--map-root-user", "-c", "--map-current-user")) {
                c.tag(Capability.PRIVILEGE, Scope.NONE, "maps to root in a new user namespace: " + c.text);
            }
            wrapper(c, Set.of("--propagation", "--setgroups", "--map-user", "--map-group", "-S", "-G", "-R", "-w",
                    "--root", "--wd", "--setuid", "--setgid"), 0, true);
        }, "unshare");
        register(Wrappers::capsh, "capsh");
        register(c -> {
            c.tag(Capability.PRIVILEGE, Scope.NONE, "changes process privileges: " + c.text);
            wrapper(c, Set.of("--reuid", "--regid", "--groups", "--inh-caps", "--ambient-caps", "--bounding-set",
                    "--securebits", "--selinux-label", "--apparmor-profile", "--ruid", "--euid", "--rgid", "--egid"),
                    0, false);
        }, "setpriv");
        register(c -> {
            Call.Opts o = c.optsUntilCommand();
            if (!o.has("-p", "--pid")) {
                wrapper(c, Set.of(), 1, false);
            }
        }, "chrt", "taskset");
        register(Wrappers::flock, "flock");
        register(Wrappers::watch, "watch");
        register(Wrappers::xargs, "xargs");
        register(Wrappers::find, "find", "gfind", "bfs", "fd", "fdfind");
        register(Wrappers::parallel, "parallel");
        register(c -> {
            if (!c.args.isEmpty()) {
                c.inner(c.args);
            }
        }, "busybox", "toybox", "builtin");
        register(Wrappers::command, "command");
        register(Wrappers::exec, "exec");
        register(Wrappers::trace, "strace", "ltrace");
        register(Wrappers::gdb, "gdb", "lldb");
        register(c -> {
            List<Arg> rest = new ArrayList<>();
            boolean started = false;
            for (Arg a : c.args) {
                if (!started && a.literal() && a.value().startsWith("-")) {
                    continue;
                }
                started = true;
                rest.add(a);
            }
            c.inner(rest);
        }, "valgrind", "memcheck");
        register(Wrappers::script, "script");
        register(Wrappers::systemdRun, "systemd-run");
        register(Wrappers::startStopDaemon, "start-stop-daemon");
        register(Wrappers::eval, "eval");
        register(Wrappers::source, "source", ".");
        register(Wrappers::shell, SHELLS.toArray(String[]::new));
        register(c -> {
            // Shells whose language the analyser does not parse.
            Call.Opts o = c.opts("-c", "--command", "-e", "--eval", "-i");
            Arg code = o.value("-c", "--command", "-e", "--eval");
            if (code != null) {
                c.tag(Capability.OBFUSCATED, Scope.UNKNOWN, c.name + " runs code in a language the analyser does "
                        + "not parse: " + c.text);
                c.inlineCode(Walker.Interpreter.OTHER, code);
            } else if (!o.positional.isEmpty()) {
                c.w.executeFile(o.positional.getFirst(), c.env, c.stdin, c.depth, "runs script ");
            } else {
                interactiveShell(c);
            }
        }, "elvish", "nu", "xonsh", "ion", "oil", "osh", "ysh", "rc", "es", "murex", "powershell-preview");
        register(Wrappers::tmux, "tmux");
        register(c -> {
            if (c.anyArg("shell")) {
                interactiveShell(c);
            }
        }, "ansible-test");
        register(c -> {
            for (Arg a : c.args) {
                if (a.value().startsWith("--listen")) {
                    c.tag(Capability.NETWORK_EGRESS, Scope.UNKNOWN, "fzf --listen accepts actions over HTTP: "
                            + c.text);
                    c.tag(Capability.OBFUSCATED, Scope.UNKNOWN, "fzf --listen can be told to run commands: " + c.text);
                }
            }
            CommandTable.generic(c);
        }, "fzf");
        register(c -> {
            for (Arg a : c.args) {
                String v = a.value();
                if (v.contains("shell-escape") || v.contains("\\write18") || v.equals("-R0") || v.equals("-R-")
                        || v.contains("\\immediate\\write18")) {
                    c.tag(Capability.OBFUSCATED, Scope.UNKNOWN, c.name + " enables shell escapes: " + c.text);
                }
                var out = java.util.regex.Pattern.compile("\\\\openout\\\\?\\w+\\s*=\\s*([^\\\\\\s}]+)").matcher(v);
                while (out.find()) {
                    c.path(Arg.lit(out.group(1)), Access.WRITE);
                }
            }
            CommandTable.generic(c);
        }, "latex", "pdflatex", "xelatex", "lualatex", "tex", "pdftex", "etex", "luatex", "xetex", "dvips",
                "context", "mpost", "bibtex", "makeindex", "latexmk");
        register(Wrappers::screen, "screen");
        register(Wrappers::npx, "npx", "pnpx", "bunx", "uvx");
    }

    // ------------------------------------------------------------------------------------------------ generic

    /**
     * Skips the wrapper's options (those in {@code withValue} take a value), then {@code positional} words of its
     * own, and analyses the rest as the inner command. With {@code shellIfNone}, no inner command means a shell.
     */
    static void wrapper(Call c, Set<String> withValue, int positional, boolean shellIfNone) {
        int i = 0;
        List<Arg> args = c.args;
        while (i < args.size()) {
            Arg a = args.get(i);
            String v = a.value();
            if (!a.literal() || !v.startsWith("-") || v.equals("-")) {
                break;
            }
            i++;
            if (v.equals("--")) {
                break;
            }
            if (!v.contains("=") && withValue.contains(v)) {
                i++;
            }
        }
        i += positional;
        if (i >= args.size()) {
            if (shellIfNone) {
                interactiveShell(c);
            }
            return;
        }
        c.inner(args.subList(i, args.size()));
    }

    static void interactiveShell(Call c) {
        if (!c.stdin.present()) {
            c.tag(Capability.OBFUSCATED, Scope.UNKNOWN, "starts an interactive shell whose commands are not visible: "
                    + String.join(" ", c.via) + (c.via.isEmpty() ? "" : " ") + c.text);
        }
    }

    /** Splits leading NAME=value words (as sudo and env accept) off an argv. */
    private static int takeAssignments(Call c, List<Arg> args, int from, Map<String, Env.Value> into) {
        int i = from;
        while (i < args.size() && args.get(i).literal() && ASSIGNMENT.matcher(args.get(i).value()).matches()) {
            String v = args.get(i).value();
            int eq = v.indexOf('=');
            Env.Value value = new Env.Value(v.substring(eq + 1), Set.of());
            into.put(v.substring(0, eq), value);
            c.w.checkSpecialAssignment(v.substring(0, eq), value, true);
            i++;
        }
        return i;
    }

    // ------------------------------------------------------------------------------------------------ privilege

    private static final Set<String> SUDO_VALUE = Set.of("-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-U", "-T",
            "--user", "--group", "--close-from", "--chdir", "--host", "--prompt", "--role", "--type", "--other-user",
            "--command-timeout");

    private static void sudo(Call c) {
        int i = 0;
        boolean edit = c.name.equals("sudoedit");
        boolean shell = false;
        boolean list = false;
        List<Arg> args = c.args;
        String user = "root";
        while (i < args.size()) {
            Arg a = args.get(i);
            String v = a.value();
            if (!a.literal() || !v.startsWith("-") || v.equals("-")) {
                break;
            }
            i++;
            if (v.equals("--")) {
                break;
            }
            if (v.startsWith("--")) {
                String opt = v.contains("=") ? v.substring(0, v.indexOf('=')) : v;
                switch (opt) {
                    case "--edit" -> edit = true;
                    case "--shell", "--login" -> shell = true;
                    case "--list" -> list = true;
                    case "--user" -> user = v.contains("=") ? v.substring(v.indexOf('=') + 1)
                            : i < args.size() ? args.get(i).value() : user;
                    default -> { }
                }
                if (!v.contains("=") && SUDO_VALUE.contains(opt)) {
                    i++;
                }
                continue;
            }
            for (int k = 1; k < v.length(); k++) {
                char ch = v.charAt(k);
                String flag = "-" + ch;
                if (ch == 'e') {
                    edit = true;
                } else if (ch == 's' || ch == 'i') {
                    shell = true;
                } else if (ch == 'l') {
                    list = true;
                }
                if (SUDO_VALUE.contains(flag)) {
                    if (k + 1 >= v.length()) {
                        if (ch == 'u' && i < args.size()) {
                            user = args.get(i).value();
                        }
                        i++;
                    } else if (ch == 'u') {
                        user = v.substring(k + 1);
                    }
                    break;
                }
            }
        }
        c.tag(Capability.PRIVILEGE, Scope.NONE, (user.equals("root") || user.equals("0") ? "runs as root: "
                : "runs as user " + user + ": ") + c.text);
        Map<String, Env.Value> vars = new LinkedHashMap<>();
        i = takeAssignments(c, args, i, vars);
        List<Arg> inner = args.subList(i, args.size());
        if (edit) {
            c.paths(inner, Access.WRITE);
            return;
        }
        if (inner.isEmpty()) {
            if (shell && !list) {
                interactiveShell(c);
            }
            return;
        }
        c.inner(inner, vars);
    }

    private static void doas(Call c) {
        c.tag(Capability.PRIVILEGE, Scope.NONE, "runs as another user: " + c.text);
        wrapper(c, Set.of("-u", "-C"), 0, c.anyArg("-s"));
    }

    private static void su(Call c) {
        c.tag(Capability.PRIVILEGE, Scope.NONE, "switches user: " + c.text);
        Call.Opts o = c.opts("-c", "--command", "-s", "--shell", "-g", "--group", "-G", "--supp-group", "-w",
                "--whitelist-environment", "--session-command");
        Arg cmd = o.value("-c", "--command", "--session-command");
        if (cmd != null) {
            c.script(cmd, "su -c");
        }
        Arg shell = o.value("-s", "--shell");
        if (shell != null && shell.literal() && !SHELLS.contains(baseName(shell.value()))) {
            c.w.executeFile(shell, c.env, c.stdin, c.depth, "uses as login shell ");
        }
    }

    private static void runuser(Call c) {
        c.tag(Capability.PRIVILEGE, Scope.NONE, "runs as another user: " + c.text);
        Call.Opts o = c.opts("-u", "--user", "-g", "--group", "-G", "--supp-group", "-c", "--command", "-s",
                "--shell", "-w", "--whitelist-environment", "--session-command");
        Arg cmd = o.value("-c", "--command", "--session-command");
        if (cmd != null) {
            c.script(cmd, "runuser -c");
        } else if (o.has("-u", "--user")) {
            wrapper(c, Set.of("-u", "--user", "-g", "--group", "-G", "--supp-group", "-s", "--shell", "-w",
                    "--whitelist-environment"), 0, false);
        }
    }

    private static void privilegedInner(Call c, Set<String> withValue) {
        c.tag(Capability.PRIVILEGE, Scope.NONE, "runs with elevated privileges: " + c.text);
        wrapper(c, withValue, 0, true);
    }

    private static void ksu(Call c) {
        c.tag(Capability.PRIVILEGE, Scope.NONE, "runs as another user: " + c.text);
        for (int i = 0; i < c.args.size(); i++) {
            if (c.args.get(i).literal() && c.args.get(i).value().equals("-e")) {
                c.inner(c.args.subList(i + 1, c.args.size()));
                return;
            }
        }
        interactiveShell(c);
    }

    private static void sg(Call c) {
        c.tag(Capability.PRIVILEGE, Scope.NONE, "runs with another group: " + c.text);
        List<Arg> rest = new ArrayList<>();
        for (Arg a : c.args) {
            if (!(a.literal() && a.value().equals("-c"))) {
                rest.add(a);
            }
        }
        if (rest.size() >= 2) {
            c.script(rest.get(1), "sg");
        }
    }

    private static void capsh(Call c) {
        c.tag(Capability.PRIVILEGE, Scope.NONE, "changes capabilities: " + c.text);
        for (int i = 0; i < c.args.size(); i++) {
            if (c.args.get(i).literal() && c.args.get(i).value().equals("--")) {
                List<Arg> shellArgs = new ArrayList<>();
                shellArgs.add(Arg.lit("bash"));
                shellArgs.addAll(c.args.subList(i + 1, c.args.size()));
                c.inner(shellArgs);
                return;
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ env & co

    private static void env(Call c) {
        int i = 0;
        List<Arg> args = c.args;
        Arg split = null;
        while (i < args.size()) {
            Arg a = args.get(i);
            String v = a.value();
            if (!a.literal() || !v.startsWith("-") || v.equals("-")) {
                if (a.literal() && v.equals("-")) {
                    i++;
                }
                break;
            }
            i++;
            if (v.equals("--")) {
                break;
            }
            if (v.equals("-S") || v.equals("--split-string")) {
                split = i < args.size() ? args.get(i++) : null;
                continue;
            }
            if (v.startsWith("--split-string=")) {
                split = Arg.lit(v.substring("--split-string=".length()));
                continue;
            }
            if (v.startsWith("-S") && v.length() > 2) {
                split = Arg.lit(v.substring(2));
                continue;
            }
            if (Set.of("-u", "--unset", "-C", "--chdir", "-P", "--default-signal", "--ignore-signal",
                    "--block-signal").contains(v)) {
                i++;
            }
        }
        Map<String, Env.Value> vars = new LinkedHashMap<>();
        i = takeAssignments(c, args, i, vars);
        if (split != null) {
            StringBuilder sb = new StringBuilder(split.value());
            for (Arg a : args.subList(i, args.size())) {
                sb.append(' ').append(a.value());
            }
            c.script(new Arg(sb.toString(), split.literal(), split.taint()), "env -S");
            return;
        }
        if (i >= args.size()) {
            c.tag(Capability.SECRET_RESOLVE, Scope.NONE, "env prints the environment (credentials)");
            return;
        }
        c.inner(args.subList(i, args.size()), vars);
    }

    private static void timeout(Call c) {
        wrapper(c, Set.of("-s", "-k", "--signal", "--kill-after"), 1, false);
    }

    private static void flock(Call c) {
        Call.Opts o = c.opts("-w", "--timeout", "-E", "--conflict-exit-code", "-c", "--command");
        Arg cmd = o.value("-c", "--command");
        if (cmd != null) {
            c.script(cmd, "flock -c");
            return;
        }
        wrapper(c, Set.of("-w", "--timeout", "-E", "--conflict-exit-code"), 1, false);
    }

    private static void watch(Call c) {
        Set<String> withValue = Set.of("-n", "--interval", "-q", "--equexit");
        int i = 0;
        boolean exec = false;
        while (i < c.args.size()) {
            Arg a = c.args.get(i);
            String v = a.value();
            if (!a.literal() || !v.startsWith("-")) {
                break;
            }
            i++;
            if (v.equals("--")) {
                break;
            }
            if (v.equals("-x") || v.equals("--exec")) {
                exec = true;
            }
            if (withValue.contains(v)) {
                i++;
            }
        }
        List<Arg> rest = c.args.subList(Math.min(i, c.args.size()), c.args.size());
        if (rest.isEmpty()) {
            return;
        }
        if (exec) {
            c.inner(rest);
        } else {
            c.script(join(rest), "watch");
        }
    }

    private static final Set<String> XARGS_VALUE = Set.of("-a", "--arg-file", "-d", "--delimiter", "-E", "-I", "-L",
            "--max-lines", "-n", "--max-args", "-P", "--max-procs", "-s", "--max-chars", "--process-slot-var", "--eof",
            "--replace");

    private static void xargs(Call c) {
        int i = 0;
        String replace = null;
        boolean fromFile = false;
        while (i < c.args.size()) {
            Arg a = c.args.get(i);
            String v = a.value();
            if (!a.literal() || !v.startsWith("-") || v.equals("-")) {
                break;
            }
            i++;
            if (v.equals("--")) {
                break;
            }
            if (v.equals("-I") || v.equals("--replace")) {
                replace = i < c.args.size() ? c.args.get(i).value() : "{}";
            } else if (v.startsWith("-I") && v.length() > 2) {
                replace = v.substring(2);
                continue;
            } else if (v.startsWith("--replace=")) {
                replace = v.substring("--replace=".length());
                continue;
            } else if (v.equals("-i")) {
                replace = "{}";
                continue;
            } else if (v.startsWith("-i") && v.length() > 2) {
                replace = v.substring(2);
                continue;
            }
            if (v.equals("-a") || v.equals("--arg-file") || v.startsWith("--arg-file=")) {
                fromFile = true;
                if (v.equals("-a") || v.equals("--arg-file")) {
                    c.path(i < c.args.size() ? c.args.get(i) : null, Access.READ);
                }
            }
            if (XARGS_VALUE.contains(v)) {
                i++;
            }
        }
        List<Arg> command = new ArrayList<>(c.args.subList(Math.min(i, c.args.size()), c.args.size()));
        if (command.isEmpty()) {
            command.add(Arg.lit("echo"));
        }
        // The items: known when stdin is known text, else unknown (with stdin's taint).
        List<Arg> items = new ArrayList<>();
        if (!fromFile && c.stdin.text() != null && c.stdin.taint().isEmpty()) {
            for (String item : c.stdin.text().strip().split("\\s+")) {
                if (!item.isEmpty()) {
                    items.add(Arg.lit(item));
                }
            }
        }
        if (items.isEmpty() || items.size() > Walker.MAX_LOOP_ITEMS) {
            items = List.of(new Arg("$XARGS_ITEM", false, withDynamic(c.stdin.taint())));
        }
        if (replace != null) {
            for (Arg item : items) {
                List<Arg> argv = new ArrayList<>();
                for (Arg a : command) {
                    argv.add(a.literal() && a.value().contains(replace) ? item.literal()
                            ? Arg.lit(a.value().replace(replace, item.value()))
                            : new Arg(a.value().replace(replace, item.value()), false, item.taint()) : a);
                }
                c.inner(argv);
            }
        } else {
            List<Arg> argv = new ArrayList<>(command);
            argv.addAll(items);
            c.inner(argv);
        }
    }

    private static Set<Taint> withDynamic(Set<Taint> taint) {
        var all = java.util.EnumSet.of(Taint.DYNAMIC);
        all.addAll(taint);
        return all;
    }

    private static final Set<String> FIND_VALUE = Set.of("-name", "-iname", "-path", "-ipath", "-wholename",
            "-iwholename", "-regex", "-iregex", "-lname", "-ilname", "-type", "-xtype", "-user", "-group", "-uid",
            "-gid", "-perm", "-size", "-mtime", "-mmin", "-atime", "-amin", "-ctime", "-cmin", "-newer", "-anewer",
            "-cnewer", "-newermt", "-newerat", "-newerct", "-maxdepth", "-mindepth", "-links", "-inum", "-samefile",
            "-fstype", "-used", "-printf", "-regextype", "-context", "-files0-from", "-D", "-O", "-ext", "-e",
            "--extension", "-t", "--type", "-d", "--max-depth", "-E", "--exclude", "-x", "--exec", "-X",
            "--exec-batch", "-S", "--size", "--changed-within", "--changed-before", "-o", "--owner", "-j",
            "--threads", "--base-directory", "--search-path", "--max-results");
    private static final Set<String> FIND_NAME_TESTS = Set.of("-name", "-iname", "-path", "-ipath", "-wholename",
            "-iwholename", "-regex", "-iregex");

    /** find: roots, -exec/-execdir/-ok commands, -delete, -fprint; fd (fd-find) with -x/-X. */
    private static void find(Call c) {
        if (c.name.equals("fd") || c.name.equals("fdfind")) {
            fd(c);
            return;
        }
        List<Arg> args = c.args;
        List<Arg> roots = new ArrayList<>();
        int i = 0;
        while (i < args.size()) {
            Arg a = args.get(i);
            String v = a.value();
            if (a.literal() && (v.equals("-H") || v.equals("-L") || v.equals("-P") || v.startsWith("-O")
                    || v.equals("-D"))) {
                i += v.equals("-D") ? 2 : 1;
                continue;
            }
            if (a.literal() && (v.startsWith("-") || v.equals("(") || v.equals("!") || v.equals(")")
                    || v.equals("\\("))) {
                break;
            }
            roots.add(a);
            i++;
        }
        if (roots.isEmpty()) {
            roots.add(Arg.lit("."));
        }
        for (Arg r : roots) {
            c.path(r, Access.READ);
        }
        String namePattern = null;
        boolean deleted = false;
        while (i < args.size()) {
            Arg a = args.get(i);
            String v = a.value();
            i++;
            if (!a.literal()) {
                continue;
            }
            if (FIND_NAME_TESTS.contains(v) && i < args.size()) {
                Arg pattern = args.get(i++);
                if (v.endsWith("name")) {
                    namePattern = pattern.value();
                }
                String p = pattern.value().replace("*", "x").replace("?", "x");
                if (c.isSecret(Arg.lit(p.startsWith(".") || p.contains("/") ? p : p))
                        || p.matches("(?i).*(passw|secret|credential|token|\\.pem|id_rsa|\\.key|shadow|\\.kdbx"
                                + "|wallet|\\.ssh|\\.aws|\\.env).*")) {
                    c.tag(Capability.SECRET_RESOLVE, Scope.UNKNOWN, "searches for credentials: " + c.text);
                }
                continue;
            }
            if (v.equals("-perm") && i < args.size()) {
                String mode = args.get(i++).value();
                if (mode.matches("[-/+]?[4267]\\d{3}") || mode.matches("[-/+]?[ugoa]*=?s.*")
                        || mode.contains("u=s") || mode.contains("g=s") || mode.contains("u+s")) {
                    c.tag(Capability.PRIVILEGE, Scope.OUTSIDE, "searches for setuid programs: " + c.text);
                }
                continue;
            }
            if (FIND_VALUE.contains(v)) {
                i++;
                continue;
            }
            switch (v) {
                case "-delete" -> {
                    deleted = true;
                    for (Arg r : roots) {
                        c.path(r, Access.DELETE);
                        recursiveRootCheck(c, r, "find -delete");
                    }
                }
                case "-fprint", "-fprint0", "-fls", "-fprintf" -> {
                    if (i < args.size()) {
                        c.path(args.get(i++), Access.WRITE);
                    }
                    if (v.equals("-fprintf") && i < args.size()) {
                        i++;
                    }
                }
                case "-exec", "-execdir", "-ok", "-okdir" -> {
                    List<Arg> cmd = new ArrayList<>();
                    while (i < args.size()) {
                        Arg t = args.get(i++);
                        if (t.literal() && (t.value().equals(";") || t.value().equals("+"))) {
                            break;
                        }
                        cmd.add(t);
                    }
                    Arg found = foundPlaceholder(roots, namePattern);
                    List<Arg> argv = new ArrayList<>();
                    for (Arg t : cmd) {
                        if (t.literal() && t.value().contains("{}")) {
                            argv.add(found.literal() ? Arg.lit(t.value().replace("{}", found.value()))
                                    : new Arg(t.value().replace("{}", found.value()), false, Set.of()));
                        } else {
                            argv.add(t);
                        }
                    }
                    c.inner(argv);
                }
                default -> { }
            }
        }
        if (!deleted) {
            c.output(Flow.tainted(Set.of(Taint.DYNAMIC)));
        }
    }

    private static void fd(Call c) {
        Call.Opts o = c.opts("-e", "--extension", "-t", "--type", "-d", "--max-depth", "-E", "--exclude", "-x",
                "--exec", "-X", "--exec-batch", "-S", "--size", "--changed-within", "--changed-before", "-o",
                "--owner", "-j", "--threads", "--base-directory", "--search-path", "--max-results");
        List<Arg> roots = o.positional.size() > 1 ? o.positional.subList(1, o.positional.size()) : List.of(Arg.lit("."));
        for (Arg r : roots) {
            c.path(r, Access.READ);
        }
        for (int i = 0; i < c.args.size(); i++) {
            String v = c.args.get(i).value();
            if (v.equals("-x") || v.equals("--exec") || v.equals("-X") || v.equals("--exec-batch")) {
                List<Arg> cmd = new ArrayList<>();
                for (int k = i + 1; k < c.args.size(); k++) {
                    if (c.args.get(k).value().equals(";")) {
                        break;
                    }
                    cmd.add(c.args.get(k));
                }
                Arg found = foundPlaceholder(roots, null);
                List<Arg> argv = new ArrayList<>();
                for (Arg t : cmd) {
                    argv.add(t.literal() && t.value().contains("{}") ? Arg.lit(t.value().replace("{}", found.value()))
                            : t);
                }
                if (argv.size() == cmd.size() && argv.stream().noneMatch(a -> a.value().contains(found.value()))) {
                    argv.add(found);
                }
                c.inner(argv);
                return;
            }
        }
    }

    private static Arg foundPlaceholder(List<Arg> roots, String namePattern) {
        if (roots.size() == 1 && roots.getFirst().literal()) {
            String root = roots.getFirst().value();
            String leaf = namePattern == null || namePattern.contains("/") ? "found" : namePattern;
            return Arg.lit((root.endsWith("/") ? root : root + "/") + leaf);
        }
        return new Arg("$FOUND", false, Set.of());
    }

    static void recursiveRootCheck(Call c, Arg target, String what) {
        if (!target.literal()) {
            return;
        }
        var p = c.resolve(target);
        if (p == null) {
            return;
        }
        String s = p.toString();
        if (s.equals("/") || s.equals(c.w.ctx.home().toString()) || s.matches("/(etc|usr|var|bin|sbin|lib|lib64|boot"
                + "|opt|root|home|Users|System|Library|Applications|srv|dev|proc|sys)(/\\*)?")
                || s.equals(c.w.ctx.home() + "/*") || s.equals("/*")) {
            c.tag(Capability.SYSTEM_DISRUPTION, Scope.OUTSIDE, what + " of " + target.value());
        }
    }

    private static final Set<String> PARALLEL_VALUE = Set.of("-j", "--jobs", "-S", "--sshlogin", "-a", "--arg-file",
            "-d", "--delimiter", "-I", "-n", "-N", "-L", "--colsep", "-C", "--results", "--joblog", "--tmpdir", "-E",
            "--eof", "--timeout", "--delay", "--memfree", "--load", "--env", "--workdir", "--wd", "--basefile",
            "--transferfile", "--return", "--sshloginfile", "--slf", "-P", "--max-procs", "--tag-string",
            "--retries", "--halt", "--sshdelay", "--termseq", "--shebang-wrap", "--tagstring");

    private static void parallel(Call c) {
        int i = 0;
        while (i < c.args.size()) {
            Arg a = c.args.get(i);
            String v = a.value();
            if (!a.literal() || !v.startsWith("-") || v.startsWith(":::")) {
                break;
            }
            i++;
            if (v.equals("-S") || v.equals("--sshlogin")) {
                c.network("parallel runs jobs on remote hosts: " + c.text);
            }
            if (v.equals("--")) {
                break;
            }
            if (PARALLEL_VALUE.contains(v)) {
                i++;
            }
        }
        List<Arg> command = new ArrayList<>();
        List<Arg> items = new ArrayList<>();
        boolean inItems = false;
        for (Arg a : c.args.subList(Math.min(i, c.args.size()), c.args.size())) {
            if (a.literal() && (a.value().equals(":::") || a.value().equals("::::") || a.value().equals(":::+")
                    || a.value().equals("::::+"))) {
                inItems = true;
                continue;
            }
            (inItems ? items : command).add(a);
        }
        Arg item = items.size() == 1 && items.getFirst().literal() ? items.getFirst()
                : new Arg("$PARALLEL_ITEM", false, withDynamic(c.stdin.taint()));
        if (command.isEmpty()) {
            // Commands come from the items or standard input.
            if (!items.isEmpty()) {
                for (Arg it : items) {
                    c.script(it, "parallel");
                }
            } else {
                c.runStdin(Walker.Interpreter.SHELL);
            }
            return;
        }
        if (command.size() == 1 && command.getFirst().literal() && command.getFirst().value().contains(" ")) {
            String code = command.getFirst().value().replace("{}", item.value());
            c.script(new Arg(code, item.literal(), item.taint()), "parallel");
            return;
        }
        List<Arg> argv = new ArrayList<>();
        boolean replaced = false;
        for (Arg a : command) {
            if (a.literal() && a.value().contains("{}")) {
                argv.add(item.literal() ? Arg.lit(a.value().replace("{}", item.value()))
                        : new Arg(a.value().replace("{}", item.value()), false, item.taint()));
                replaced = true;
            } else {
                argv.add(a);
            }
        }
        if (!replaced) {
            argv.add(item);
        }
        c.inner(argv);
    }

    private static void command(Call c) {
        Call.Opts o = c.optsUntilCommand();
        if (o.has("-v", "-V")) {
            return;
        }
        int start = o.restIndex < 0 ? c.args.size() : o.restIndex;
        if (start < c.args.size()) {
            c.inner(c.args.subList(start, c.args.size()));
        }
    }

    private static void exec(Call c) {
        wrapper(c, Set.of("-a"), 0, false);
    }

    private static void trace(Call c) {
        Call.Opts o = c.optsUntilCommand("-o", "-e", "-p", "-s", "-u", "-a", "-b", "-E", "-I", "-O", "-P", "-S", "-X",
                "-U", "-A", "--output", "--attach", "--trace", "--signal");
        Arg out = o.value("-o", "--output");
        if (out != null) {
            c.path(out, Access.WRITE);
        }
        if (o.has("-p", "--attach")) {
            c.tag(Capability.SECRET_RESOLVE, Scope.OUTSIDE, "attaches to a running process (can read its data): "
                    + c.text);
        }
        wrapper(c, Set.of("-o", "-e", "-p", "-s", "-u", "-a", "-b", "-E", "-I", "-O", "-P", "-S", "-X", "-U", "-A",
                "--output", "--attach", "--trace", "--signal"), 0, false);
    }

    private static void gdb(Call c) {
        for (int i = 0; i < c.args.size(); i++) {
            Arg a = c.args.get(i);
            String v = a.value();
            if ((v.equals("-ex") || v.equals("--ex") || v.equals("-iex") || v.equals("--eval-command")
                    || v.equals("-o") || v.equals("--one-line")) && i + 1 < c.args.size()) {
                Arg cmd = c.args.get(++i);
                String t = cmd.value().strip();
                if (t.startsWith("!") || t.startsWith("shell ") || t.startsWith("platform shell ")) {
                    String code = t.startsWith("!") ? t.substring(1) : t.substring(t.indexOf("shell ") + 6);
                    c.script(new Arg(code, cmd.literal(), cmd.taint()), c.name + " shell command");
                } else if (t.startsWith("python") || t.startsWith("script")) {
                    c.inlineCode(Walker.Interpreter.PYTHON, new Arg(t.replaceFirst("^(python|script)\\S*\\s*", ""),
                            cmd.literal(), cmd.taint()));
                } else if (t.contains("system(") || t.contains("execve") || t.contains("popen")) {
                    c.inlineCode(Walker.Interpreter.OTHER, cmd);
                } else if (cmd.literal()) {
                    String verb = t.split("\\s+")[0];
                    boolean writes = Set.of("dump", "append", "restore", "set", "shell", "pipe").contains(verb);
                    var m = java.util.regex.Pattern.compile("(?<![\\w.])((?:~|/)[\\w.@%+,~/-]+)").matcher(t);
                    while (m.find()) {
                        c.path(Arg.lit(m.group(1)), writes ? Access.WRITE : Access.READ);
                    }
                }
            } else if (v.equals("-p") || v.equals("--pid") || v.startsWith("--pid=") || v.equals("attach")) {
                c.tag(Capability.SECRET_RESOLVE, Scope.OUTSIDE, "attaches a debugger to a running process (can read "
                        + "its memory): " + c.text);
            } else if (v.equals("--args") && i + 1 < c.args.size()) {
                c.inner(c.args.subList(i + 1, c.args.size()));
                return;
            } else if (v.equals("-x") || v.equals("--command") || v.equals("-batch")) {
                if (v.equals("-x") && i + 1 < c.args.size()) {
                    c.path(c.args.get(++i), Access.READ);
                }
            }
        }
    }

    private static void script(Call c) {
        Call.Opts o = c.opts("-c", "--command", "-E", "--echo", "-I", "--log-in", "-O", "--log-out", "-B",
                "--log-io", "-T", "--log-timing", "-t", "--timing", "-m", "--logging-format");
        Arg cmd = o.value("-c", "--command");
        for (Arg log : o.positional) {
            c.path(log, Access.WRITE);
        }
        if (cmd != null) {
            c.script(cmd, "script -c");
        } else {
            interactiveShell(c);
        }
    }

    private static void systemdRun(Call c) {
        Set<String> withValue = Set.of("-u", "--unit", "-p", "--property", "--description", "--slice", "-E",
                "--setenv", "--uid", "--gid", "--nice", "-M", "--machine", "-H", "--host", "--working-directory",
                "--on-active", "--on-boot", "--on-startup", "--on-unit-active", "--on-unit-inactive", "--on-calendar",
                "--timer-property", "--path-property", "--socket-property", "--service-type", "--on-clock-change",
                "--on-timezone-change", "-D", "--expand-environment");
        boolean timer = false;
        for (Arg a : c.args) {
            String v = a.value();
            if (v.startsWith("--on-") || v.startsWith("--timer-property") || v.startsWith("--path-property")
                    || v.startsWith("--socket-property")) {
                timer = true;
            }
            if (v.startsWith("--uid=0") || v.equals("--uid=root") || v.contains("User=root")) {
                c.tag(Capability.PRIVILEGE, Scope.NONE, "runs a unit as root: " + c.text);
            }
        }
        if (timer) {
            c.tag(Capability.PERSISTENCE, Scope.OUTSIDE, "schedules a command with a systemd timer: " + c.text);
        } else {
            c.tag(Capability.PERSISTENCE, Scope.OUTSIDE, "starts a systemd unit that outlives the session: " + c.text);
        }
        wrapper(c, withValue, 0, false);
    }

    private static void startStopDaemon(Call c) {
        Arg program = null;
        int dashes = -1;
        boolean stop = false;
        for (int i = 0; i < c.args.size(); i++) {
            String v = c.args.get(i).value();
            if ((v.equals("-x") || v.equals("--exec") || v.equals("-a") || v.equals("--startas"))
                    && i + 1 < c.args.size()) {
                program = c.args.get(++i);
            } else if (v.startsWith("--exec=") || v.startsWith("--startas=")) {
                program = Arg.lit(v.substring(v.indexOf('=') + 1));
            } else if (v.equals("-K") || v.equals("--stop")) {
                stop = true;
            } else if (v.equals("--")) {
                dashes = i;
                break;
            }
        }
        if (stop) {
            c.tag(Capability.SYSTEM_DISRUPTION, Scope.OUTSIDE, "stops a daemon: " + c.text);
        }
        if (program != null) {
            List<Arg> argv = new ArrayList<>();
            argv.add(program);
            if (dashes >= 0) {
                argv.addAll(c.args.subList(dashes + 1, c.args.size()));
            }
            c.inner(argv);
        }
    }

    private static void tmux(Call c) {
        List<String> words = CommandTable.words(c.args);
        for (int i = 0; i + 1 < c.args.size(); i++) {
            String v = c.args.get(i).value();
            if (v.equals("-c")) {
                c.script(c.args.get(i + 1), "tmux -c");
                return;
            }
            if (v.equals("-f")) {
                c.path(c.args.get(i + 1), Access.READ);
            }
        }
        if (words.isEmpty() || words.stream().allMatch(w -> w.startsWith("/")) || words.getFirst().matches(
                "new|new-session|attach|attach-session|a|at")) {
            boolean hasCommand = false;
            if (!words.isEmpty() && words.getFirst().matches("new|new-session")) {
                for (int i = 0; i < c.args.size(); i++) {
                    if (c.args.get(i).value().matches("new|new-session")) {
                        List<Arg> rest = c.args.subList(i + 1, c.args.size());
                        hasCommand = rest.stream().anyMatch(a -> !a.value().startsWith("-"))
                                && CommandTable.words(rest).size() > countValues(rest);
                    }
                }
            }
            if (!hasCommand) {
                interactiveShell(c);
                if (words.isEmpty() || !words.getFirst().matches("new|new-session")) {
                    return;
                }
            }
        }
        int idx = -1;
        for (int i = 0; i < c.args.size(); i++) {
            String v = c.args.get(i).value();
            if (Set.of("new", "new-session", "new-window", "neww", "split-window", "splitw", "send-keys", "send",
                    "run-shell", "run", "respawn-pane", "respawnp", "respawn-window", "respawnw").contains(v)) {
                idx = i;
                break;
            }
        }
        if (idx < 0 || words.isEmpty()) {
            return;
        }
        String sub = c.args.get(idx).value();
        Set<String> withValue = Set.of("-t", "-s", "-n", "-c", "-x", "-y", "-F", "-e", "-f", "-l", "-p", "-N", "-X");
        List<Arg> rest = new ArrayList<>();
        for (int i = idx + 1; i < c.args.size(); i++) {
            Arg a = c.args.get(i);
            if (a.literal() && a.value().startsWith("-") && rest.isEmpty()) {
                if (withValue.contains(a.value())) {
                    i++;
                }
                continue;
            }
            rest.add(a);
        }
        if (rest.isEmpty()) {
            return;
        }
        if (sub.startsWith("send")) {
            List<Arg> keys = new ArrayList<>();
            for (Arg a : rest) {
                if (!(a.literal() && (a.value().equals("Enter") || a.value().equals("C-m")))) {
                    keys.add(a);
                }
            }
            c.script(join(keys), "tmux send-keys");
        } else {
            c.script(join(rest), "tmux " + sub);
        }
    }

    private static int countValues(List<Arg> args) {
        int n = 0;
        Set<String> withValue = Set.of("-t", "-s", "-n", "-c", "-x", "-y", "-F", "-e", "-f");
        for (int i = 0; i < args.size(); i++) {
            if (withValue.contains(args.get(i).value())) {
                n++;
                i++;
            }
        }
        return n;
    }

    private static void screen(Call c) {
        Set<String> withValue = Set.of("-S", "-c", "-e", "-h", "-p", "-s", "-t", "-T", "-X", "-Logfile");
        for (int i = 0; i < c.args.size(); i++) {
            String v = c.args.get(i).value();
            if ((v.equals("-L") || v.equals("-Logfile")) && i + 1 < c.args.size()
                    && CommandTable.isPathLike(c.args.get(i + 1).value())) {
                c.path(c.args.get(i + 1), Access.WRITE);
            } else if (v.equals("-c") && i + 1 < c.args.size()) {
                c.path(c.args.get(i + 1), Access.READ);
            }
        }
        if (c.anyArg("-r", "-x", "-R", "-ls", "-list", "-wipe", "-X", "-Q") && !c.anyArg("-dm", "-dmS", "-d")) {
            return;
        }
        List<Arg> args = new ArrayList<>();
        for (int i = 0; i < c.args.size(); i++) {
            String v = c.args.get(i).value();
            if (v.equals("-L") && i + 1 < c.args.size() && CommandTable.isPathLike(c.args.get(i + 1).value())) {
                i++;
                continue;
            }
            args.add(c.args.get(i));
        }
        int i = 0;
        while (i < args.size() && args.get(i).literal() && args.get(i).value().startsWith("-")) {
            if (withValue.contains(args.get(i).value())) {
                i++;
            }
            i++;
        }
        if (i >= args.size()) {
            interactiveShell(c);
            return;
        }
        c.inner(args.subList(i, args.size()));
    }

    private static void npx(Call c) {
        c.network(c.name + " may download and run a package: " + c.text);
        Set<String> withValue = Set.of("-p", "--package", "--cache", "--userconfig", "--registry", "--from", "--with",
                "--python", "-w", "--node-options", "--shell", "--call");
        int i = 0;
        while (i < c.args.size()) {
            Arg a = c.args.get(i);
            String v = a.value();
            if (!a.literal() || !v.startsWith("-")) {
                break;
            }
            i++;
            if (v.equals("-c") || v.equals("--call")) {
                if (i < c.args.size()) {
                    c.script(c.args.get(i), c.name + " -c");
                }
                return;
            }
            if (v.equals("--")) {
                break;
            }
            if (withValue.contains(v)) {
                i++;
            }
        }
        if (i >= c.args.size()) {
            return;
        }
        List<Arg> argv = new ArrayList<>(c.args.subList(i, c.args.size()));
        Arg pkg = argv.getFirst();
        if (pkg.literal()) {
            String name = pkg.value();
            int at = name.lastIndexOf('@');
            if (at > 0) {
                name = name.substring(0, at);
            }
            if (name.startsWith("@") && name.contains("/")) {
                name = name.substring(name.indexOf('/') + 1);
            }
            if (name.startsWith("create-") || name.contains("://")) {
                c.url(name.contains("://") ? name : "https://registry.npmjs.org/" + name);
            }
            argv.set(0, Arg.lit(name));
        }
        c.inner(argv);
    }

    // ------------------------------------------------------------------------------------------------ shells

    /** sh/bash/zsh ...: {@code -c code}, a script file, or commands from standard input. */
    static void shell(Call c) {
        List<Arg> args = c.args;
        int i = 0;
        boolean command = false;
        boolean stdinMode = false;
        boolean privileged = false;
        while (i < args.size()) {
            Arg a = args.get(i);
            String v = a.value();
            if (!a.literal() || !(v.startsWith("-") || v.startsWith("+")) || v.equals("-") || v.equals("+")) {
                if (a.literal() && (v.equals("-") || v.equals("+"))) {
                    i++;
                    stdinMode = true;
                }
                break;
            }
            i++;
            if (v.equals("--")) {
                break;
            }
            if (v.startsWith("--")) {
                if (v.equals("--rcfile") || v.equals("--init-file")) {
                    if (i < args.size()) {
                        c.w.executeFile(args.get(i++), c.env, c.stdin, c.depth, "runs startup file ");
                    }
                } else if (v.equals("--privileged")) {
                    privileged = true;
                }
                continue;
            }
            String flags = v.substring(1);
            if (flags.contains("o") || flags.contains("O")) {
                i++;
            }
            if (flags.contains("c")) {
                command = true;
            }
            if (flags.contains("s")) {
                stdinMode = true;
            }
            if (flags.contains("p") && v.startsWith("-")) {
                privileged = true;
            }
        }
        if (privileged) {
            c.tag(Capability.PRIVILEGE, Scope.NONE, c.name + " -p keeps elevated privileges: " + c.text);
        }
        if (command) {
            if (i < args.size()) {
                c.script(args.get(i), c.name + " -c");
            }
            return;
        }
        if (!stdinMode && i < args.size()) {
            Arg script = args.get(i);
            c.w.executeFile(script, c.env, c.stdin, c.depth, "runs script ");
            c.output(Flow.tainted(Set.of(Taint.DYNAMIC)));
            return;
        }
        if (c.stdin.present()) {
            c.runStdin(Walker.Interpreter.SHELL);
            c.output(Flow.tainted(Set.of(Taint.DYNAMIC)));
        } else {
            interactiveShell(c);
        }
    }

    private static void eval(Call c) {
        if (c.args.isEmpty()) {
            return;
        }
        Arg code = join(c.args);
        if (code.literal()) {
            c.script(code.value(), "eval");
        } else {
            c.codeNotLiteral(code, "eval");
        }
    }

    private static void source(Call c) {
        if (c.args.isEmpty()) {
            return;
        }
        Arg file = c.args.getFirst();
        if (file.literal() && (file.value().equals("/dev/stdin") || file.value().equals("-")
                || file.value().equals("/proc/self/fd/0") || file.value().equals("/dev/fd/0"))) {
            if (c.stdin.present()) {
                c.runStdin(Walker.Interpreter.SHELL);
            } else {
                c.tag(Capability.OBFUSCATED, Scope.UNKNOWN, c.name + " runs commands from standard input");
            }
            return;
        }
        if (!file.literal()) {
            if (file.value().startsWith("$<(")) {
                c.w.executeFile(file, c.env, c.stdin, c.depth, c.name + " ");
            } else {
                c.codeNotLiteral(file, c.name + " of a file named at run time");
            }
            return;
        }
        c.w.executeFile(file, c.env, c.stdin, c.depth, c.name + " ");
    }

    // ------------------------------------------------------------------------------------------------ helpers

    /** The words joined with spaces, as {@code eval} and {@code watch} do. */
    static Arg join(List<Arg> args) {
        StringBuilder sb = new StringBuilder();
        boolean literal = true;
        var taint = java.util.EnumSet.noneOf(Taint.class);
        for (Arg a : args) {
            if (!sb.isEmpty()) {
                sb.append(' ');
            }
            sb.append(a.value());
            literal &= a.literal();
            taint.addAll(a.taint());
        }
        return new Arg(sb.toString(), literal, taint);
    }

    static String baseName(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
