package io.airlock.policy.shell;

import io.airlock.policy.analysis.Access;
import io.airlock.policy.tags.Capability;
import io.airlock.policy.tags.Scope;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Maps programs (and their subcommands) to capabilities. Each family of programs lives in its own class and registers
 * its handlers here; a program nobody registered gets {@link #generic}: its path-like arguments are read, URLs and IP
 * addresses are network access, and naming a shell is a shell escape.
 */
final class CommandTable {

    private static final Map<String, Consumer<Call>> HANDLERS = new HashMap<>();
    private static final Pattern VERSIONED = Pattern.compile(
            "(python|pypy|perl|ruby|php|php-cgi|lua|luajit|pip|node|gcc|g\\+\\+|clang|clang\\+\\+|java|ipython|irb"
                    + "|tclsh|wish|Rscript|jshell|erl|elixir|julia|ghc|ghci|openssl|psql|mysql|pg_dump|gawk|vim|nvim"
                    + "|emacs|bash|zsh|ksh|busybox|socat|ncat|nc|pip3|python3|ruby3|node1|go|cargo|rustc)([0-9][0-9.]*"
                    + "|-[0-9][0-9.]*)?");
    static final Pattern SHELL_MENTION = Pattern.compile(
            "(^|[\\s'\"=!:;,{(|&`>])(/usr)?/bin/(ba|da|z|k|c|tc|fi|a|mk|y)?sh([\\s'\"#;,)}|&`]|$)"
                    + "|^(/usr)?/bin/(ba|da|z|k|c|tc|fi|a|mk)?sh\\b|exec=/bin/|exec sh\\b"
                    + "|\\bsystem\\(|spawn\\(|!\\s*/bin/");
    /** An absolute path to a shell anywhere in a word: {@code /bin/sh}, {@code '/bin/bash -p'}, {@code ../../bin/sh}. */
    static final Pattern SHELL_PATH = Pattern.compile(
            "(^|^-[A-Za-z]|[\\s'\"=!:;,{(|&`>.%@\\\\])(/usr)?(/local)?/bin/(ba|da|z|k|c|tc|fi|a|mk|y|r)?sh"
                    + "(?![\\w.-])");
    /** Programs that may name a shell binary without running it. */
    private static final Set<String> SHELL_PATH_OK = Set.of("chsh", "usermod", "useradd", "adduser", "which", "type",
            "file", "ls", "stat", "cat", "head", "tail", "readlink", "realpath", "test", "[", "echo", "printf", "grep",
            "egrep", "fgrep", "rg", "ldd", "command", "whereis", "strings", "sed", "awk", "md5sum",
            "sha256sum", "sha1sum", "hash", "xxd", "od", "hexdump", "objdump", "readelf", "nm", "diff", "cmp",
            "getfacl", "lsattr", "du", "wc", "less", "more", "bat", "tee", "ln", "cp", "mv", "install", "chmod",
            "chown", "touch", "sh", "bash", "dash", "zsh", "ksh", "ash", "fish", "csh", "tcsh", "mksh", "env",
            "sudo", "doas", "su", "exec", "nohup", "nice", "timeout", "time", "xargs", "find", "eval", "source",
            ".", "script", "strace", "ltrace", "chroot", "setsid", "stdbuf", "unshare", "nsenter", "capsh",
            "busybox", "flock", "watch", "socat", "nc", "ncat", "netcat", "ssh", "python", "perl", "ruby", "node",
            "php", "lua", "screen", "tmux", "start-stop-daemon", "systemd-run", "runuser", "pkexec", "ksu",
            "sg", "run0", "gdb", "vim", "vi", "nvim", "emacs", "ed", "ex", "git", "docker", "podman", "kubectl",
            "tar", "zip", "make", "gcc", "tclsh", "expect", "wish", "osascript", "pwsh", "at",
            "crontab", "trap", "shopt", "dpkg", "apt", "yum", "dnf", "brew");
    private static final Pattern EMBEDDED_PATH = Pattern.compile(
            "(?<![\\w.~$])((?:~|/)[\\w.@%+,~/-]*[\\w~/-])");
    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3}\\.){3}\\d{1,3}(:\\d+)?");
    private static final Pattern HOST_PORT = Pattern.compile("[A-Za-z0-9.-]+\\.[A-Za-z]{2,}:\\d{1,5}");
    /** Programs whose arguments are text, not files or hosts. */
    private static final Set<String> TEXT_ONLY = Set.of("echo", "printf", "grep", "egrep", "fgrep", "rg", "ag", "ack",
            "sed", "awk", "test", "[", "expr", "jq", "yq", "tr", "seq", "sleep", "true", "false", ":", "let", "read",
            "cowsay", "figlet", "toilet", "banner", "say", "notify-send", "logger", "wall", "write");

    static {
        Wrappers.install();
        FileCommands.install();
        NetCommands.install();
        VcsCommands.install();
        DeployCommands.install();
        PackageCommands.install();
        SystemCommands.install();
        DbCommands.install();
        Interpreters.install();
    }

    private CommandTable() {}

    static void register(Consumer<Call> handler, String... names) {
        for (String n : names) {
            HANDLERS.put(n, handler);
        }
    }

    static boolean known(String name) {
        return HANDLERS.containsKey(normalize(name));
    }

    static String normalize(String name) {
        if (HANDLERS.containsKey(name)) {
            return name;
        }
        var m = VERSIONED.matcher(name);
        if (m.matches()) {
            String base = m.group(1);
            return switch (base) {
                case "pip3" -> "pip";
                case "python3" -> "python";
                case "ruby3" -> "ruby";
                case "node1" -> "node";
                default -> base;
            };
        }
        String lower = name.toLowerCase(Locale.ROOT);
        if (HANDLERS.containsKey(lower)) {
            return lower;
        }
        if (lower.endsWith(".exe")) {
            return lower.substring(0, lower.length() - 4);
        }
        return name;
    }

    /** Programs whose --dry-run / --help is trusted to have no effect. */
    private static final Set<String> HONOURS_DRY_RUN = Set.of("npm", "pnpm", "yarn", "bun", "cargo", "poetry", "uv",
            "twine", "gem", "helm", "kubectl", "oc", "terraform", "tofu", "pulumi", "docker", "podman", "git", "gh",
            "glab", "aws", "gcloud", "az", "rsync", "vercel", "netlify", "fly", "flyctl", "heroku", "systemctl",
            "apt", "apt-get", "dnf", "yum", "brew", "pip", "mvn", "gradle", "dotnet", "rails", "rake", "prisma",
            "wrangler", "firebase", "cdk", "sam", "serverless", "sls", "ansible-playbook", "rclone", "docker-compose",
            "skaffold", "argocd", "kind", "minikube", "snap", "flatpak", "pacman", "zypper", "rm", "kill", "crontab",
            "deno", "goreleaser", "vsce", "nuget", "psql", "rustup", "ng", "railway", "gsutil", "eksctl", "doctl");

    static void handle(Call c) {
        if (HONOURS_DRY_RUN.contains(c.name) && c.asksDryRunOrHelp()) {
            c.noEffect = true;
        }
        Consumer<Call> handler = HANDLERS.get(normalize(c.name));
        if (handler == null) {
            generic(c);
        } else {
            handler.accept(c);
        }
        if (!TEXT_ONLY.contains(c.name)) {
            bindsAllInterfaces(c);
        }
        if (handler != null && !SHELL_PATH_OK.contains(c.name)) {
            for (Arg a : c.args) {
                if (a.literal() && SHELL_PATH.matcher(a.value()).find()) {
                    c.tag(Capability.OBFUSCATED, Scope.UNKNOWN, c.name + " is told to run a shell: " + c.text);
                    break;
                }
            }
        }
    }

    /** Only the file paths among the arguments (for programs that otherwise do nothing of note). */
    static void scanPaths(Call c) {
        for (Arg a : c.args) {
            if (a.literal()) {
                String v = a.value();
                if (v.startsWith("--") && v.contains("=")) {
                    v = v.substring(v.indexOf('=') + 1);
                }
                if (v.startsWith("@")) {
                    v = v.substring(1);
                }
                if (isPathLike(v) && (v.startsWith("/") || v.startsWith("~") || v.startsWith("."))) {
                    c.path(Arg.lit(v), Access.READ);
                }
            }
        }
    }

    /**
     * A program the table does not know: exec_command only (already tagged), plus what its arguments reveal: files
     * (read, with their scope and secrecy), URLs and addresses (network), and shells it is told to run.
     */
    static void generic(Call c) {
        boolean shell = false;
        for (Arg a : c.args) {
            if (!a.literal()) {
                if (SHELL_PATH.matcher(a.value()).find()) {
                    shell = true;
                }
                continue;
            }
            String v = a.value();
            if (SHELL_MENTION.matcher(v).find()) {
                shell = true;
            }
            scanArgument(c, v, true);
        }
        if (c.stdin.text() != null && SHELL_PATH.matcher(c.stdin.text()).find()) {
            shell = true;
        }
        if (shell) {
            c.tag(Capability.OBFUSCATED, Scope.UNKNOWN, c.name + " is told to run a shell: " + c.text);
        }
    }

    /** What one argument of an uncatalogued program reveals. */
    static void scanArgument(Call c, String v, boolean paths) {
        if (v.isEmpty()) {
            return;
        }
        String value = v;
        if (value.startsWith("--") && value.contains("=")) {
            value = value.substring(value.indexOf('=') + 1);
        } else if (value.startsWith("-") && value.length() > 2 && value.charAt(2) == '=') {
            value = value.substring(3);
        }
        if (value.startsWith("@") && value.length() > 1) {
            value = value.substring(1);
        }
        if (value.contains("://")) {
            int start = value.indexOf("://");
            int schemeStart = start;
            while (schemeStart > 0 && Character.isLetterOrDigit(value.charAt(schemeStart - 1))) {
                schemeStart--;
            }
            String url = value.substring(schemeStart).split("[\\s'\"]", 2)[0];
            if (url.startsWith("file://")) {
                c.path(Arg.lit(url), Access.READ);
            } else {
                c.url(url);
            }
            return;
        }
        if (IPV4.matcher(value).matches() || HOST_PORT.matcher(value).matches()) {
            c.host(value);
            return;
        }
        if (value.matches("[\\w.-]+@[\\w.-]+\\.[A-Za-z]{2,}(:.*)?") && !value.contains(" ")) {
            c.host(value);
            return;
        }
        if (!paths) {
            return;
        }
        boolean plainPath = isPathLike(value) && !value.contains("{") && !value.contains("\\");
        if (plainPath) {
            c.path(Arg.lit(value), Access.READ);
            return;
        }
        Matcher m = EMBEDDED_PATH.matcher(value);
        while (m.find()) {
            String token = m.group(1);
            if (token.length() > 1 && !token.startsWith("//") && !token.equals("~/")) {
                c.path(Arg.lit(token), Access.READ);
            }
        }
        for (String token : value.split("[\\s'\"(),;=]+")) {
            if (IPV4.matcher(token).matches()) {
                c.host(token);
            }
        }
    }

    /** Whether a literal argument looks like a file path. */
    static boolean isPathLike(String v) {
        if (v.isEmpty() || v.startsWith("-") || v.length() > 4096) {
            return false;
        }
        if (v.startsWith("/") || v.startsWith("~/") || v.equals("~") || v.startsWith("./") || v.startsWith("../")
                || v.equals(".") || v.equals("..")) {
            return !v.startsWith("//") && !v.contains(" ");
        }
        if (v.contains("/") && !v.contains(" ") && !v.contains(":") && !v.contains("=")
                && !v.matches("\\d+/\\d+") && !v.matches("[\\w.-]+/[\\w.-]+:[\\w.-]+")) {
            return true;
        }
        String lower = v.toLowerCase(Locale.ROOT);
        return lower.equals(".env") || lower.startsWith(".env.") || lower.matches("id_(rsa|dsa|ecdsa|ed25519)")
                || lower.endsWith(".pem") || lower.endsWith(".key") || lower.equals(".netrc")
                || lower.equals(".npmrc") || lower.equals(".pgpass") || lower.equals(".git-credentials")
                || lower.equals("credentials") || lower.equals("authorized_keys") || lower.equals(".bash_history")
                || lower.endsWith(".kdbx") || lower.endsWith(".p12") || lower.endsWith(".pfx");
    }

    /** {@code --host 0.0.0.0}, {@code -b 0.0.0.0:8000} and the like: a listener reachable from other machines. */
    static void bindsAllInterfaces(Call c) {
        for (Arg a : c.args) {
            if (!a.literal()) {
                continue;
            }
            String v = a.value();
            String value = v.contains("=") ? v.substring(v.indexOf('=') + 1) : v;
            if (value.equals("0.0.0.0") || value.startsWith("0.0.0.0:") || value.equals("::") || value.startsWith(
                    "[::]:") || value.equals("[::]") || value.equals("*") && v.startsWith("--host")) {
                c.tag(Capability.PUBLIC_EXPOSURE, Scope.OUTSIDE, c.name + " listens on all network interfaces: "
                        + c.text);
                c.tag(Capability.NETWORK_EGRESS, Scope.OUTSIDE, c.name + " accepts connections from other hosts");
                return;
            }
        }
    }

    /** Runs a handler for programs that take {@code subcommand args...}: the first positional argument. */
    static String subcommand(Call c, Set<String> globalWithValue) {
        for (int i = 0; i < c.args.size(); i++) {
            Arg a = c.args.get(i);
            if (!a.literal()) {
                return null;
            }
            String v = a.value();
            if (v.startsWith("-")) {
                if (!v.contains("=") && globalWithValue.contains(v)) {
                    i++;
                }
                continue;
            }
            return v;
        }
        return null;
    }

    /** The arguments after the subcommand (see {@link #subcommand}). */
    static java.util.List<Arg> afterSubcommand(Call c, Set<String> globalWithValue) {
        for (int i = 0; i < c.args.size(); i++) {
            Arg a = c.args.get(i);
            if (!a.literal()) {
                return c.args.subList(i + 1, c.args.size());
            }
            String v = a.value();
            if (v.startsWith("-")) {
                if (!v.contains("=") && globalWithValue.contains(v)) {
                    i++;
                }
                continue;
            }
            return c.args.subList(i + 1, c.args.size());
        }
        return java.util.List.of();
    }

    /** The positional (non-option) literal words of the arguments, in order. */
    static java.util.List<String> words(java.util.List<Arg> args) {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (Arg a : args) {
            if (a.literal() && !a.value().startsWith("-")) {
                out.add(a.value());
            }
        }
        return out;
    }

    static boolean hasProdMarker(Call c) {
        for (Arg a : c.args) {
            if (a.value().toLowerCase(Locale.ROOT).matches(".*\\bprod(uction)?\\b.*")) {
                return true;
            }
        }
        for (var e : c.prefix.entrySet()) {
            String v = e.getValue().text();
            if (v != null && v.toLowerCase(Locale.ROOT).matches("prod(uction)?")) {
                return true;
            }
        }
        for (String var : java.util.List.of("RAILS_ENV", "NODE_ENV", "APP_ENV", "ENVIRONMENT", "ENV", "MIX_ENV",
                "DJANGO_SETTINGS_MODULE", "FLASK_ENV", "RACK_ENV", "STAGE")) {
            Env.Value v = c.env.get(var);
            if (v.text() != null && v.text().toLowerCase(Locale.ROOT).contains("prod")) {
                return true;
            }
        }
        return false;
    }
}
