package io.airlock.policy.shell;

import static io.airlock.policy.shell.CommandTable.register;

import io.airlock.policy.analysis.Access;
import io.airlock.policy.shell.Walker.Interpreter;
import io.airlock.policy.tags.Capability;
import io.airlock.policy.tags.Scope;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Language interpreters: inline code ({@code -c}, {@code -e}, {@code -r}, awk programs) is scanned by
 * {@link InlineCode}; code from standard input follows the pipe's taint (curl | python is remote code); scripts run
 * from files are {@code exec_command} with the file's scope; a few modules and script names mean more
 * ({@code python -m http.server} exposes files, {@code manage.py flush} wipes a database).
 */
final class Interpreters {

    private Interpreters() {}

    private static final Pattern CREDENTIAL_TOOLS = Pattern.compile(
            "(?i).*(lazagne|mimipenguin|mimikatz|secretsdump|pypykatz|dump_?heap|credential_?dump|keylogger"
                    + "|chrome_?pass|firefox_?decrypt|hashdump|keychain_?dump|browser_?pass|passdump|cookie_?steal).*");

    static void install() {
        CommandTable.register(Interpreters::python, "python", "python2", "python3", "pypy", "pypy3", "ipython",
                "jython", "micropython", "graalpy");
        register(Interpreters::perl, "perl", "perl5", "cperl");
        register(Interpreters::ruby, "ruby", "jruby", "truffleruby");
        register(Interpreters::node, "node", "nodejs", "ts-node", "tsx", "qjs", "rhino", "d8", "jsc");
        register(Interpreters::php, "php", "php-cgi", "hhvm");
        register(c -> generic(c, Interpreter.LUA, Set.of("-e"), Set.of("-l")), "lua", "luajit", "texlua");
        register(c -> generic(c, Interpreter.OTHER, Set.of("-c", "-e", "--eval"), Set.of()), "guile", "gosh",
                "chibi-scheme", "csi", "scsh-run");
        register(Interpreters::m4, "m4", "gm4");
        register(c -> generic(c, Interpreter.OTHER, Set.of("-e", "--eval", "-x"), Set.of()), "Rscript", "R", "julia",
                "racket", "sbcl", "clisp", "ecl", "chicken", "gawk-lisp",
                "swipl", "gprolog", "elixir", "iex", "erl", "escript", "ghci", "runghc", "runhaskell", "stack-runghc",
                "ocaml", "scala", "amm", "kotlin", "kotlinc-jvm", "groovy", "groovysh", "jrunscript", "jjs",
                "jshell", "clojure", "clj", "bb", "nbb", "janet", "crystal", "dart-run", "v", "raku", "perl6", "rakudo",
                "pike", "io", "smalltalk", "gst", "octave", "octave-cli", "matlab", "scilab", "maxima", "gp", "gnuplot",
                "sage", "bc-run", "tcl", "ex-run", "ed-run", "vim-run", "dotnet-script", "fsi", "csi-run", "nix-instantiate",
                "nix", "pwsh-core", "powershell-core", "emacs-batch", "gdb-py");
        register(c -> generic(c, Interpreter.TCL, Set.of("-c"), Set.of()), "tclsh", "wish", "expect", "jimsh");
        register(Interpreters::awk, "awk", "gawk", "mawk", "nawk", "busybox-awk", "goawk");
        register(Interpreters::osascript, "osascript", "jxa");
        register(Interpreters::pwsh, "pwsh", "powershell", "powershell.exe");
        register(Interpreters::java, "java", "javaw");
    }

    // ------------------------------------------------------------------------------------------------ python

    static void python(Call c) {
        List<Arg> args = c.args;
        for (int i = 0; i < args.size(); i++) {
            Arg a = args.get(i);
            String v = a.value();
            if (!a.literal()) {
                c.w.executeFile(a, c.env, c.stdin, c.depth, "runs script ", Interpreter.PYTHON);
                return;
            }
            if (v.equals("-c") || v.startsWith("-c") && v.length() > 2 && !v.startsWith("--")) {
                Arg code = v.equals("-c") ? i + 1 < args.size() ? args.get(i + 1) : Arg.lit("") : Arg.lit(
                        v.substring(2));
                c.inlineCode(Interpreter.PYTHON, code);
                c.output(Flow.tainted(Set.of(Taint.DYNAMIC)));
                return;
            }
            if (v.equals("-m") || v.startsWith("-m") && v.length() > 2 && !v.startsWith("--")) {
                String module = v.equals("-m") ? i + 1 < args.size() ? args.get(i + 1).value() : "" : v.substring(2);
                int restStart = v.equals("-m") ? i + 2 : i + 1;
                pythonModule(c, module, args.subList(Math.min(restStart, args.size()), args.size()));
                return;
            }
            if (v.equals("-W") || v.equals("-X") || v.equals("--check-hash-based-pycs") || v.equals("-Q")) {
                i++;
                continue;
            }
            if (v.equals("-")) {
                c.runStdin(Interpreter.PYTHON);
                return;
            }
            if (v.startsWith("-")) {
                continue;
            }
            pythonScript(c, a, args.subList(i + 1, args.size()));
            return;
        }
        c.runStdin(Interpreter.PYTHON);
    }

    private static void pythonScript(Call c, Arg script, List<Arg> rest) {
        c.w.executeFile(script, c.env, c.stdin, c.depth, "runs script ", Interpreter.PYTHON);
        String name = script.value();
        String base = name.substring(name.lastIndexOf('/') + 1);
        if (CREDENTIAL_TOOLS.matcher(base).matches()) {
            c.tag(Capability.SECRET_RESOLVE, Scope.OUTSIDE, "runs a credential-dumping tool: " + c.text);
        }
        List<String> words = CommandTable.words(rest);
        if (base.equals("manage.py") || base.equals("django-admin") || base.equals("artisan")) {
            for (String w : words) {
                DeployCommands.dbTask(c, w);
            }
            if (!words.isEmpty() && (words.getFirst().equals("runserver") && rest.stream().anyMatch(a -> a.value()
                    .startsWith("0.0.0.0")))) {
                c.tag(Capability.PUBLIC_EXPOSURE, Scope.OUTSIDE, "serves the app on all interfaces: " + c.text);
            }
        }
        for (Arg a : rest) {
            if (a.literal()) {
                CommandTable.scanArgument(c, a.value(), CommandTable.isPathLike(a.value()));
            }
        }
        c.output(Flow.tainted(Set.of(Taint.DYNAMIC)));
    }

    private static void pythonModule(Call c, String module, List<Arg> rest) {
        String text = c.text;
        switch (module) {
            case "http.server", "SimpleHTTPServer", "CGIHTTPServer", "pyftpdlib", "uploadserver", "smtpd",
                    "aiosmtpd", "http.server.test", "RangeHTTPServer", "twisted", "wsgidav", "updog", "pywebdav",
                    "SimpleXMLRPCServer", "xmlrpc.server" -> {
                boolean local = false;
                for (int i = 0; i < rest.size(); i++) {
                    String v = rest.get(i).value();
                    if ((v.equals("-b") || v.equals("--bind") || v.equals("-i") || v.equals("--interface"))
                            && i + 1 < rest.size()) {
                        String addr = rest.get(i + 1).value();
                        local = addr.equals("127.0.0.1") || addr.equals("localhost") || addr.equals("::1");
                    } else if (v.startsWith("--bind=")) {
                        String addr = v.substring(7);
                        local = addr.equals("127.0.0.1") || addr.equals("localhost") || addr.equals("::1");
                    }
                }
                Arg dir = null;
                for (int i = 0; i < rest.size(); i++) {
                    if ((rest.get(i).value().equals("-d") || rest.get(i).value().equals("--directory"))
                            && i + 1 < rest.size()) {
                        dir = rest.get(i + 1);
                    }
                }
                c.path(dir == null ? Arg.lit(".") : dir, Access.READ);
                if (!local) {
                    c.tag(Capability.PUBLIC_EXPOSURE, Scope.OUTSIDE, "python -m " + module
                            + " serves files on all interfaces: " + text);
                }
                c.tag(Capability.NETWORK_EGRESS, local ? Scope.INSIDE : Scope.OUTSIDE, "python -m " + module
                        + " listens for connections: " + text);
            }
            case "pip", "pip3", "ensurepip", "pipx", "poetry", "uv", "twine", "build", "hatch", "flit", "pdm" -> {
                List<Arg> argv = new ArrayList<>();
                argv.add(Arg.lit(module.equals("pip3") ? "pip" : module.equals("ensurepip") ? "pip" : module));
                argv.addAll(rest);
                if (module.equals("ensurepip")) {
                    c.network("python -m ensurepip: " + text);
                    return;
                }
                c.inner(argv);
            }
            case "base64", "codecs", "zlib", "gzip", "uu", "binascii", "quopri" -> {
                if (rest.stream().anyMatch(a -> a.value().equals("-d") || a.value().equals("--decode")
                        || a.value().equals("-u"))) {
                    c.outputTaint(Taint.DECODED);
                }
                for (Arg a : rest) {
                    if (a.literal() && !a.value().startsWith("-")) {
                        c.path(a, Access.READ);
                    }
                }
            }
            case "venv", "virtualenv", "json.tool", "unittest", "pytest", "timeit", "cProfile", "pdb", "doctest",
                    "py_compile", "compileall", "pydoc", "site", "sysconfig", "platform", "this", "tabnanny",
                    "mypy", "black", "flake8", "pylint", "isort", "ruff", "coverage", "tox", "nox", "calendar",
                    "tokenize", "ast", "dis", "pickletools", "zipapp", "webbrowser", "antigravity" -> {
                for (Arg a : rest) {
                    if (a.literal() && !a.value().startsWith("-") && CommandTable.isPathLike(a.value())
                            || a.literal() && a.value().matches("[^-].*\\.\\w+")) {
                        c.path(a, Access.READ);
                    }
                }
                if (module.equals("webbrowser")) {
                    for (Arg a : rest) {
                        if (a.value().contains("://")) {
                            c.url(a.value());
                        }
                    }
                }
            }
            case "zipfile", "tarfile" -> {
                for (Arg a : rest) {
                    if (a.literal() && !a.value().startsWith("-")) {
                        c.path(a, rest.stream().anyMatch(x -> x.value().equals("-e") || x.value().equals("-c"))
                                ? Access.WRITE : Access.READ);
                    }
                }
            }
            default -> {
                if (CREDENTIAL_TOOLS.matcher(module).matches()) {
                    c.tag(Capability.SECRET_RESOLVE, Scope.OUTSIDE, "runs a credential-dumping module: " + text);
                }
                if (module.equals("django") || module.equals("flask") || module.equals("alembic")) {
                    for (String w : CommandTable.words(rest)) {
                        DeployCommands.dbTask(c, w);
                    }
                }
                for (Arg a : rest) {
                    if (a.literal()) {
                        CommandTable.scanArgument(c, a.value(), CommandTable.isPathLike(a.value()));
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ perl, ruby

    private static void perl(Call c) {
        List<Arg> args = c.args;
        StringBuilder code = new StringBuilder();
        boolean codeLiteral = true;
        var taint = java.util.EnumSet.noneOf(Taint.class);
        boolean hasCode = false;
        boolean inPlace = false;
        int i = 0;
        for (; i < args.size(); i++) {
            Arg a = args.get(i);
            String v = a.value();
            if (!a.literal() || !v.startsWith("-") || v.equals("-")) {
                break;
            }
            if (v.equals("--")) {
                i++;
                break;
            }
            String cluster = v.substring(1);
            for (int k = 0; k < cluster.length(); k++) {
                char ch = cluster.charAt(k);
                if (ch == 'e' || ch == 'E') {
                    Arg piece = k + 1 < cluster.length() ? Arg.lit(cluster.substring(k + 1)) : i + 1 < args.size()
                            ? args.get(++i) : Arg.lit("");
                    code.append(piece.value()).append('\n');
                    codeLiteral &= piece.literal();
                    taint.addAll(piece.taint());
                    hasCode = true;
                    break;
                }
                if (ch == 'i') {
                    inPlace = true;
                    break;
                }
                if ("IMmxdDCl0".indexOf(ch) >= 0) {
                    if (ch == 'M' || ch == 'm') {
                        String mod = cluster.substring(k + 1);
                        if (mod.matches("(?i).*(socket|lwp|http|net::).*")) {
                            c.network("perl loads a network module: " + c.text);
                        }
                    }
                    break;
                }
            }
        }
        List<Arg> rest = args.subList(Math.min(i, args.size()), args.size());
        if (hasCode) {
            c.inlineCode(Interpreter.PERL, new Arg(code.toString(), codeLiteral, taint));
            c.paths(rest, inPlace ? Access.WRITE : Access.READ);
            c.output(Flow.tainted(Set.of(Taint.DYNAMIC)));
            return;
        }
        if (rest.isEmpty() || rest.getFirst().literal() && rest.getFirst().value().equals("-")) {
            c.runStdin(Interpreter.PERL);
            return;
        }
        c.w.executeFile(rest.getFirst(), c.env, c.stdin, c.depth, "runs script ", Interpreter.PERL);
        if (CREDENTIAL_TOOLS.matcher(rest.getFirst().value()).matches()) {
            c.tag(Capability.SECRET_RESOLVE, Scope.OUTSIDE, "runs a credential-dumping tool: " + c.text);
        }
    }

    private static void ruby(Call c) {
        List<Arg> args = c.args;
        StringBuilder code = new StringBuilder();
        boolean literal = true;
        var taint = java.util.EnumSet.noneOf(Taint.class);
        boolean hasCode = false;
        boolean inPlace = false;
        int i = 0;
        for (; i < args.size(); i++) {
            Arg a = args.get(i);
            String v = a.value();
            if (!a.literal() || !v.startsWith("-") || v.equals("-")) {
                break;
            }
            if (v.equals("--")) {
                i++;
                break;
            }
            if (v.equals("-e") || v.matches("-[nplwaWsSvd]*e")) {
                Arg piece = i + 1 < args.size() ? args.get(++i) : Arg.lit("");
                code.append(piece.value()).append('\n');
                literal &= piece.literal();
                taint.addAll(piece.taint());
                hasCode = true;
            } else if (v.startsWith("-e") && v.length() > 2) {
                code.append(v.substring(2)).append('\n');
                hasCode = true;
            } else if (v.equals("-r") || v.equals("-I") || v.equals("-C") || v.equals("-x") || v.equals("-E")
                    || v.equals("-F") || v.equals("-K") || v.equals("-T") || v.equals("-W")) {
                if (v.equals("-r") && i + 1 < args.size() && args.get(i + 1).value().matches("(?i).*(socket|net/|"
                        + "open-uri|un).*")) {
                    String lib = args.get(i + 1).value();
                    if (lib.equals("un") && i + 2 < args.size()) {
                        // ruby -run -e httpd: the "un" library's web server.
                        c.tag(Capability.PUBLIC_EXPOSURE, Scope.OUTSIDE, "ruby -run serves files: " + c.text);
                    } else if (!lib.equals("un")) {
                        c.network("ruby loads a network library: " + c.text);
                    }
                }
                i++;
            } else if (v.startsWith("-r") && v.length() > 2) {
                String lib = v.substring(2);
                if (lib.equals("un")) {
                    boolean httpd = i + 2 < args.size() && args.get(i + 2).value().startsWith("httpd");
                    if (httpd || args.stream().anyMatch(x -> x.value().equals("httpd"))) {
                        c.tag(Capability.PUBLIC_EXPOSURE, Scope.OUTSIDE, "ruby -run -e httpd serves files: " + c.text);
                        c.network("ruby httpd listens: " + c.text);
                        return;
                    }
                } else if (lib.matches("(?i).*(socket|net/|open-uri).*")) {
                    c.network("ruby loads a network library: " + c.text);
                }
            } else if (v.startsWith("-i")) {
                inPlace = true;
            }
        }
        List<Arg> rest = args.subList(Math.min(i, args.size()), args.size());
        if (hasCode) {
            c.inlineCode(Interpreter.RUBY, new Arg(code.toString(), literal, taint));
            c.paths(rest, inPlace ? Access.WRITE : Access.READ);
            c.output(Flow.tainted(Set.of(Taint.DYNAMIC)));
            return;
        }
        if (rest.isEmpty() || rest.getFirst().value().equals("-")) {
            c.runStdin(Interpreter.RUBY);
            return;
        }
        c.w.executeFile(rest.getFirst(), c.env, c.stdin, c.depth, "runs script ", Interpreter.RUBY);
    }

    // ------------------------------------------------------------------------------------------------ js, php

    static void node(Call c) {
        List<Arg> args = c.args;
        for (int i = 0; i < args.size(); i++) {
            Arg a = args.get(i);
            String v = a.value();
            if (!a.literal()) {
                c.w.executeFile(a, c.env, c.stdin, c.depth, "runs script ", Interpreter.NODE);
                return;
            }
            if (v.equals("-e") || v.equals("--eval") || v.equals("-p") || v.equals("--print")) {
                Arg code = i + 1 < args.size() ? args.get(i + 1) : Arg.lit("");
                c.inlineCode(Interpreter.NODE, code);
                c.output(Flow.tainted(Set.of(Taint.DYNAMIC)));
                return;
            }
            if (v.startsWith("--eval=") || v.startsWith("--print=")) {
                c.inlineCode(Interpreter.NODE, Arg.lit(v.substring(v.indexOf('=') + 1)));
                return;
            }
            if (v.equals("-r") || v.equals("--require") || v.equals("--import") || v.equals("--loader")
                    || v.equals("--experimental-loader") || v.equals("-C") || v.equals("--conditions")
                    || v.equals("--input-type") || v.equals("--env-file") || v.equals("--title")) {
                if ((v.equals("-r") || v.equals("--require") || v.equals("--import")) && i + 1 < args.size()
                        && CommandTable.isPathLike(args.get(i + 1).value())) {
                    c.w.executeFile(args.get(i + 1), c.env, Flow.TERMINAL, c.depth, "preloads ");
                }
                i++;
                continue;
            }
            if (v.equals("-")) {
                c.runStdin(Interpreter.NODE);
                return;
            }
            if (v.startsWith("-")) {
                continue;
            }
            c.w.executeFile(a, c.env, c.stdin, c.depth, "runs script ", Interpreter.NODE);
            if (v.contains("://")) {
                c.url(v);
            }
            c.output(Flow.tainted(Set.of(Taint.DYNAMIC)));
            return;
        }
        c.runStdin(Interpreter.NODE);
    }

    private static void php(Call c) {
        List<Arg> args = c.args;
        for (int i = 0; i < args.size(); i++) {
            Arg a = args.get(i);
            String v = a.value();
            if (v.equals("-r") || v.equals("-B") || v.equals("-R") || v.equals("-E")) {
                Arg code = i + 1 < args.size() ? args.get(i + 1) : Arg.lit("");
                c.inlineCode(Interpreter.PHP, code);
                if (!v.equals("-r")) {
                    continue;
                }
                return;
            }
            if (v.equals("-S") && i + 1 < args.size()) {
                String addr = args.get(i + 1).value();
                if (!addr.startsWith("localhost") && !addr.startsWith("127.0.0.1")) {
                    c.tag(Capability.PUBLIC_EXPOSURE, Scope.OUTSIDE, "php -S serves on " + addr + ": " + c.text);
                }
                c.network("php -S listens: " + c.text);
                return;
            }
            if (v.equals("-f") && i + 1 < args.size()) {
                c.w.executeFile(args.get(i + 1), c.env, c.stdin, c.depth, "runs script ", Interpreter.PHP);
                return;
            }
            if (v.equals("-d") || v.equals("-c") || v.equals("-z") || v.equals("-t")) {
                i++;
                continue;
            }
            if (v.startsWith("-")) {
                continue;
            }
            c.w.executeFile(a, c.env, c.stdin, c.depth, "runs script ", Interpreter.PHP);
            List<String> words = CommandTable.words(args.subList(i + 1, args.size()));
            if (v.endsWith("artisan")) {
                for (String w : words) {
                    DeployCommands.dbTask(c, w);
                }
                if (words.stream().anyMatch(w -> w.matches("migrate:(fresh|reset|refresh)|db:wipe"))) {
                    c.tag(Capability.DB_DESTRUCTIVE, Scope.UNKNOWN, "artisan wipes the database: " + c.text);
                }
            }
            return;
        }
        c.runStdin(Interpreter.PHP);
    }

    // ------------------------------------------------------------------------------------------------ others

    /** An interpreter whose inline-code options are {@code codeOpts}; otherwise a script file or stdin. */
    private static void generic(Call c, Interpreter lang, Set<String> codeOpts, Set<String> valueOpts) {
        List<Arg> args = c.args;
        for (int i = 0; i < args.size(); i++) {
            Arg a = args.get(i);
            String v = a.value();
            if (codeOpts.contains(v) || v.equals("-eval") || v.equals("--eval") && codeOpts.contains("-e")) {
                c.inlineCode(lang, i + 1 < args.size() ? args.get(i + 1) : Arg.lit(""));
                return;
            }
            if (valueOpts.contains(v)) {
                i++;
                continue;
            }
            if (v.startsWith("-")) {
                continue;
            }
            c.w.executeFile(a, c.env, c.stdin, c.depth, "runs script ", lang);
            return;
        }
        c.runStdin(lang);
    }

    private static final Pattern M4_SYSCMD = Pattern.compile("e?syscmd\\(([^)]*)\\)");

    private static void m4(Call c) {
        List<String> sources = new ArrayList<>();
        for (Arg a : c.args) {
            if (a.literal() && !a.value().startsWith("-")) {
                c.path(a, Access.READ);
            } else if (a.literal() && a.value().startsWith("-D")) {
                sources.add(a.value());
            }
        }
        if (c.stdin.text() != null) {
            sources.add(c.stdin.text());
        }
        for (String s : sources) {
            Matcher m = M4_SYSCMD.matcher(s);
            while (m.find()) {
                c.script(m.group(1), "m4 syscmd");
            }
        }
    }

    private static void awk(Call c) {
        Call.Opts o = c.opts("-f", "--file", "-v", "--assign", "-F", "--field-separator", "-i", "--include", "-l",
                "--load", "-e", "--source", "-E", "--exec", "-W", "-o", "--pretty-print", "-d", "--dump-variables",
                "-p", "--profile");
        List<Arg> files = new ArrayList<>(o.positional);
        List<Arg> programs = new ArrayList<>(o.all("-e", "--source"));
        List<Arg> progFiles = o.all("-f", "--file", "-E", "--exec");
        if (programs.isEmpty() && progFiles.isEmpty() && !files.isEmpty()) {
            programs.add(files.removeFirst());
        }
        for (Arg f : progFiles) {
            c.path(f, Access.READ);
        }
        for (Arg p : programs) {
            c.inlineCode(Interpreter.AWK, p);
            if (p.literal()) {
                Matcher redirect = Pattern.compile(">>?\\s*\"([^\"]+)\"").matcher(p.value());
                while (redirect.find()) {
                    String target = redirect.group(1);
                    if (!target.startsWith("/dev/std")) {
                        c.path(Arg.lit(target), Access.WRITE);
                    }
                }
                Matcher getline = Pattern.compile("getline\\s*(?:\\w+\\s*)?<\\s*\"([^\"]+)\"").matcher(p.value());
                while (getline.find()) {
                    c.path(Arg.lit(getline.group(1)), Access.READ);
                }
                if (p.value().contains("/inet/")) {
                    c.network("awk opens a network socket: " + c.text);
                }
            }
        }
        for (Arg f : files) {
            if (f.literal() && f.value().contains("=") && !f.value().contains("/")) {
                continue;
            }
            c.path(f, Access.READ);
        }
        if (o.has("-i", "--include") && o.all("-i", "--include").stream().anyMatch(a -> a.value().equals("inplace"))) {
            c.paths(files, Access.WRITE);
        }
        for (Arg lib : o.all("-l", "--load")) {
            c.tag(Capability.OBFUSCATED, Scope.UNKNOWN, "awk loads a native extension: " + lib.value());
        }
    }

    private static final Pattern DO_SHELL = Pattern.compile("do (?:shell )?script\\s+\"((?:[^\"\\\\]|\\\\.)*)\"");

    private static void osascript(Call c) {
        Call.Opts o = c.opts("-e", "-l", "-s");
        List<Arg> lines = o.all("-e");
        String lang = o.value("-l") == null ? "AppleScript" : o.value("-l").value();
        if (lines.isEmpty()) {
            if (!o.positional.isEmpty()) {
                c.w.executeFile(o.positional.getFirst(), c.env, c.stdin, c.depth, "runs script ");
            } else {
                c.runStdin(Interpreter.OTHER);
            }
            return;
        }
        StringBuilder sb = new StringBuilder();
        boolean literal = true;
        for (Arg l : lines) {
            sb.append(l.value()).append('\n');
            literal &= l.literal();
        }
        String code = sb.toString();
        if (!literal) {
            c.codeNotLiteral(new Arg(code, false, Set.of()), "osascript");
            return;
        }
        if (lang.equalsIgnoreCase("JavaScript")) {
            InlineCode.scan(c.w, Interpreter.NODE, code, c.env, c.depth + 1, "osascript JavaScript");
            return;
        }
        Matcher m = DO_SHELL.matcher(code);
        boolean any = false;
        while (m.find()) {
            any = true;
            String cmd = m.group(1).replace("\\\"", "\"").replace("\\\\", "\\");
            c.script(cmd, "osascript do shell script");
        }
        if (code.contains("do shell script") && !any) {
            c.tag(Capability.OBFUSCATED, Scope.UNKNOWN, "osascript runs a shell command built at run time: " + c.text);
        }
        String lower = code.toLowerCase(Locale.ROOT);
        if (lower.contains("administrator privileges") || lower.contains("with administrator")) {
            c.tag(Capability.PRIVILEGE, Scope.OUTSIDE, "osascript asks for administrator privileges: " + c.text);
        }
        if (lower.contains("password") || lower.contains("hidden answer")) {
            c.tag(Capability.SECRET_RESOLVE, Scope.OUTSIDE, "osascript prompts for or reads a password: " + c.text);
        }
        if (lower.contains("login item") || lower.contains("launchagents")) {
            c.tag(Capability.PERSISTENCE, Scope.OUTSIDE, "osascript adds a login item: " + c.text);
        }
        if (lower.contains("keystroke") || lower.contains("system events") && lower.contains("click")) {
            c.tag(Capability.OBFUSCATED, Scope.UNKNOWN, "osascript drives the user interface: " + c.text);
        }
        if (lower.contains("keychain") || lower.contains("cookies") || lower.contains("notestore")
                || lower.contains("safari") && lower.contains("history") || lower.contains("messages")) {
            c.tag(Capability.SECRET_RESOLVE, Scope.OUTSIDE, "osascript reads private user data: " + c.text);
        }
        for (String lit : InlineCode.stringLiterals(code)) {
            if (InlineCode.looksLikePath(lit)) {
                c.path(Arg.lit(lit), Access.READ);
            } else if (lit.contains("://")) {
                c.url(lit);
            }
        }
        if (lower.contains("posix file") || lower.contains("duplicate") || lower.contains("delete")) {
            c.tag(Capability.WRITE_FILE, Scope.UNKNOWN, "osascript moves, copies or deletes files: " + c.text);
        }
    }

    private static void pwsh(Call c) {
        List<Arg> args = c.args;
        for (int i = 0; i < args.size(); i++) {
            Arg a = args.get(i);
            String v = a.value().toLowerCase(Locale.ROOT);
            if (v.matches("-(c|command)") && i + 1 < args.size()) {
                Arg code = Wrappers.join(args.subList(i + 1, args.size()));
                c.inlineCode(Interpreter.OTHER, code);
                return;
            }
            if (v.matches("-(e|ec|enc|encodedcommand|encodedc|encoded)") && i + 1 < args.size()) {
                c.tag(Capability.OBFUSCATED, Scope.UNKNOWN, "PowerShell runs an encoded command: " + c.text);
                Arg enc = args.get(i + 1);
                if (enc.literal()) {
                    try {
                        String decoded = new String(Base64.getDecoder().decode(enc.value()),
                                StandardCharsets.UTF_16LE);
                        InlineCode.scan(c.w, Interpreter.OTHER, decoded, c.env, c.depth + 1, "decoded PowerShell");
                    } catch (IllegalArgumentException e) {
                        // Not base64: already obfuscated.
                    }
                }
                return;
            }
            if (v.matches("-(f|file)") && i + 1 < args.size()) {
                c.w.executeFile(args.get(i + 1), c.env, c.stdin, c.depth, "runs script ");
                return;
            }
            if (v.matches("-(executionpolicy|ep|ex|exec)") && i + 1 < args.size()) {
                if (args.get(i + 1).value().equalsIgnoreCase("bypass") || args.get(i + 1).value().equalsIgnoreCase(
                        "unrestricted")) {
                    c.tag(Capability.OBFUSCATED, Scope.UNKNOWN, "PowerShell bypasses its execution policy: "
                            + c.text);
                }
                i++;
                continue;
            }
            if (v.matches("-(windowstyle|w|configurationname|outputformat|inputformat|workingdirectory|wd|"
                    + "settingsfile|custompipename)") && i + 1 < args.size()) {
                i++;
                continue;
            }
            if (v.startsWith("-")) {
                continue;
            }
            c.w.executeFile(a, c.env, c.stdin, c.depth, "runs script ");
            return;
        }
        c.runStdin(Interpreter.OTHER);
    }

    private static void java(Call c) {
        Call.Opts o = c.opts("-cp", "-classpath", "--class-path", "-jar", "-p", "--module-path", "-m", "--module",
                "--add-opens", "--add-exports", "--add-modules");
        Arg jar = o.value("-jar");
        if (jar != null) {
            c.w.executeFile(jar, c.env, c.stdin, c.depth, "runs ");
        }
        for (String f : o.flags) {
            if (f.startsWith("-javaagent") || f.startsWith("-agentpath") || f.startsWith("-agentlib:jdwp")) {
                c.tag(Capability.OBFUSCATED, Scope.UNKNOWN, "java loads an agent into the VM: " + c.text);
            }
        }
        if (!o.positional.isEmpty() && o.positional.getFirst().value().endsWith(".java")) {
            c.w.executeFile(o.positional.getFirst(), c.env, c.stdin, c.depth, "runs ");
        }
    }
}
