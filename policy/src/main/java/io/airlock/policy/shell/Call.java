package io.airlock.policy.shell;

import io.airlock.policy.analysis.Access;
import io.airlock.policy.analysis.PathAnalyzer;
import io.airlock.policy.analysis.UrlAnalyzer;
import io.airlock.policy.tags.Capability;
import io.airlock.policy.tags.Scope;
import io.airlock.policy.tags.Tag;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One simple command being analysed by {@link CommandTable}: its program, evaluated arguments and surroundings, helpers
 * to tag, unwrap and recurse, and what it outputs (for pipes into interpreters).
 */
final class Call {

    final Walker w;
    final Env env;
    final int depth;
    final Flow stdin;
    /** Program base name, e.g. {@code git} for {@code /usr/bin/git}. */
    final String name;
    /** Program as written. */
    final String path;
    /** Arguments after the program. */
    final List<Arg> args;
    /** {@code NAME=value} prefixes of this command. */
    final Map<String, Env.Value> prefix;
    /** Wrappers this command was reached through, outermost first. */
    final List<String> via;
    /** The command, rendered for evidence. */
    final String text;

    private boolean network;
    private final EnumSet<Taint> ownTaint = EnumSet.noneOf(Taint.class);
    private Flow explicitOutput;

    Call(Walker w, Env env, int depth, Flow stdin, String name, String path, List<Arg> args,
            Map<String, Env.Value> prefix, List<String> via) {
        this.w = w;
        this.env = env;
        this.depth = depth;
        this.stdin = stdin;
        this.name = name;
        this.path = path;
        this.args = List.copyOf(args);
        this.prefix = prefix;
        this.via = via;
        this.text = Words.abbreviate(name + (args.isEmpty() ? "" : " "
                + args.stream().map(Arg::value).collect(Collectors.joining(" "))), 160);
    }

    // ------------------------------------------------------------------------------------------------ tagging

    void tag(Capability capability, Scope scope, String evidence) {
        if (noEffect && NO_EFFECT_DROPS.contains(capability)) {
            return;
        }
        if (capability == Capability.NETWORK_EGRESS) {
            network = true;
        }
        w.tag(capability, scope, evidence);
    }

    /** Effects a {@code --dry-run} or {@code --help} invocation of a catalogued CLI does not have. */
    private static final Set<Capability> NO_EFFECT_DROPS = Set.of(Capability.PUBLISH, Capability.DEPLOY,
            Capability.DELETE, Capability.VCS_REMOTE_WRITE, Capability.VCS_HISTORY_REWRITE,
            Capability.SYSTEM_DISRUPTION, Capability.PERSISTENCE, Capability.DB_WRITE, Capability.DB_DESTRUCTIVE,
            Capability.PUBLIC_EXPOSURE);
    private static final Set<String> NO_EFFECT_FLAGS = Set.of("--dry-run", "--dryrun", "--dry-run=client",
            "--dry-run=server", "--dry-run=true", "--help", "--what-if", "--simulate", "--just-print");
    /** Set by the table for CLIs known to honour {@code --dry-run}/{@code --help}. */
    boolean noEffect;

    /** Whether the arguments ask for a dry run or help (only meaningful for CLIs that honour it). */
    boolean asksDryRunOrHelp() {
        for (Arg a : args) {
            if (a.literal() && NO_EFFECT_FLAGS.contains(a.value())) {
                return true;
            }
        }
        return false;
    }

    void tag(Capability capability, String evidence) {
        tag(capability, Scope.NONE, evidence);
    }

    /** Tags with the command itself as evidence. */
    void tag(Capability capability, Scope scope) {
        tag(capability, scope, text);
    }

    void tag(Capability capability) {
        tag(capability, Scope.NONE, text);
    }

    void addAll(List<Tag> tags) {
        for (Tag t : tags) {
            tag(t.capability(), t.scope(), t.evidence());
        }
    }

    void path(Arg arg, Access access) {
        if (arg == null || arg.value().isEmpty()) {
            return;
        }
        w.pathTags(arg, access, env);
    }

    /** A path whose content is known not to be a credential: its file name alone does not make it secret. */
    void publicPath(Arg arg, Access access) {
        if (arg == null || arg.value().isEmpty()) {
            return;
        }
        w.pathTags(arg, access, env, true);
    }

    void paths(List<Arg> list, Access access) {
        for (Arg a : list) {
            path(a, access);
        }
    }

    Scope scope(Arg arg) {
        return w.scope(arg, env);
    }

    Path resolve(Arg arg) {
        return w.resolve(arg, env);
    }

    /** Network access to a URL (or a bare host when it has no scheme). */
    void url(String url) {
        if (url.contains("://")) {
            addAll(UrlAnalyzer.analyze(url, w.ctx));
        } else {
            host(url);
        }
    }

    /** Network access to a host (user@host:path, host:port and bare hosts are accepted). */
    void host(String hostSpec) {
        String host = hostSpec;
        int at = host.lastIndexOf('@');
        if (at >= 0) {
            host = host.substring(at + 1);
        }
        if (host.startsWith("[")) {
            int close = host.indexOf(']');
            host = close > 0 ? host.substring(1, close) : host;
        } else {
            int colon = host.indexOf(':');
            if (colon >= 0 && host.indexOf(':', colon + 1) < 0) {
                host = host.substring(0, colon);
            }
            int slash = host.indexOf('/');
            if (slash >= 0) {
                host = host.substring(0, slash);
            }
        }
        if (host.isEmpty() || host.contains("$")) {
            tag(Capability.NETWORK_EGRESS, Scope.UNKNOWN, name + " connects to " + hostSpec);
            return;
        }
        List<Tag> tags = UrlAnalyzer.analyze("tcp://" + (host.contains(":") ? "[" + host + "]" : host), w.ctx);
        for (Tag t : tags) {
            tag(t.capability(), t.scope(), t.capability() == Capability.NETWORK_EGRESS && t.evidence().startsWith(
                    "host ") ? name + " connects to " + host : t.evidence());
        }
    }

    /** Network access whose destination is not visible. */
    void network(String evidence) {
        tag(Capability.NETWORK_EGRESS, Scope.UNKNOWN, evidence);
    }

    // ------------------------------------------------------------------------------------------------ recursion

    /** Analyses an inner command this one runs (wrappers, find -exec, xargs ...). */
    Flow inner(List<Arg> argv) {
        return inner(argv, Map.of());
    }

    Flow inner(List<Arg> argv, Map<String, Env.Value> innerPrefix) {
        if (argv.isEmpty()) {
            return Flow.TERMINAL;
        }
        List<String> chain = new ArrayList<>(via);
        chain.add(name);
        Map<String, Env.Value> merged = new HashMap<>(prefix);
        merged.putAll(innerPrefix);
        Flow out = w.dispatch(argv, merged, env, stdin, depth, chain);
        explicitOutput = out;
        return out;
    }

    /** Analyses shell code this command runs ({@code sh -c}, {@code eval}, {@code su -c} ...). */
    Flow script(Arg code, String origin) {
        if (!code.literal()) {
            codeNotLiteral(code, origin);
            return Flow.tainted(Set.of(Taint.DYNAMIC));
        }
        return script(code.value(), origin);
    }

    Flow script(String code, String origin) {
        Flow out = w.walkText(code, env.copy(), stdin, depth + 1, origin);
        explicitOutput = out;
        return out;
    }

    /** Code built at run time: remote code when downloaded, obfuscated always. */
    void codeNotLiteral(Arg code, String origin) {
        if (code.taint().contains(Taint.NETWORK)) {
            tag(Capability.REMOTE_CODE, Scope.UNKNOWN, origin + " runs downloaded code: " + code.value());
        }
        if (code.taint().contains(Taint.DECODED)) {
            tag(Capability.REMOTE_CODE, Scope.UNKNOWN, origin + " runs decoded code: " + code.value());
        }
        tag(Capability.OBFUSCATED, Scope.UNKNOWN, origin + " runs code built at run time: " + code.value());
    }

    /** An interpreter of {@code lang} reads its program from standard input. */
    void runStdin(Walker.Interpreter lang) {
        if (!stdin.present()) {
            for (Arg a : args) {
                if (a.literal() && a.value().matches("-{1,2}(version|help|info|modules|v|V|h|ini|usage|about)")) {
                    return;
                }
            }
            tag(Capability.OBFUSCATED, Scope.UNKNOWN, "starts an interactive " + name
                    + " session whose input is not visible: " + text);
            return;
        }
        w.runContent(stdin, env, depth, "the standard input of " + name, lang);
    }

    /** Scans inline code for what it does. */
    void inlineCode(Walker.Interpreter lang, Arg code) {
        if (!code.literal()) {
            codeNotLiteral(code, name + " inline code");
            return;
        }
        InlineCode.scan(w, lang, code.value(), env, depth + 1, name + " inline code");
    }

    // ------------------------------------------------------------------------------------------------ output

    /** Marks this command's output as carrying {@code taint} (e.g. a decoder). */
    void outputTaint(Taint taint) {
        ownTaint.add(taint);
    }

    void output(Flow flow) {
        explicitOutput = flow;
    }

    Flow output() {
        EnumSet<Taint> taint = EnumSet.copyOf(ownTaint.isEmpty() ? EnumSet.noneOf(Taint.class) : ownTaint);
        if (network) {
            taint.add(Taint.NETWORK);
        }
        if (explicitOutput != null) {
            return explicitOutput.plus(taint);
        }
        if (stdin.present()) {
            // Filters pass their input on: curl | grep | sh is still curl | sh.
            return new Flow(true, unionTaint(stdin.taint(), taint), null, null, null);
        }
        return new Flow(true, taint, null, null, null);
    }

    private static Set<Taint> unionTaint(Set<Taint> a, Set<Taint> b) {
        EnumSet<Taint> all = EnumSet.noneOf(Taint.class);
        all.addAll(a);
        all.addAll(b);
        return all;
    }

    boolean producedNetwork() {
        return network;
    }

    // ------------------------------------------------------------------------------------------------ arguments

    boolean prefixHas(String name) {
        return prefix.containsKey(name);
    }

    String prefixValue(String name) {
        Env.Value v = prefix.get(name);
        return v == null ? null : v.text();
    }

    /** Literal argument values (non-literal ones as rendered). */
    List<String> values() {
        return args.stream().map(Arg::value).toList();
    }

    boolean anyArg(String... values) {
        Set<String> set = new HashSet<>(Arrays.asList(values));
        for (Arg a : args) {
            if (a.literal() && set.contains(a.value())) {
                return true;
            }
        }
        return false;
    }

    Opts opts(String... withValue) {
        return Opts.parse(args, new HashSet<>(Arrays.asList(withValue)), false);
    }

    /** Parses options only up to the first positional argument (for wrappers: the rest is the inner command). */
    Opts optsUntilCommand(String... withValue) {
        return Opts.parse(args, new HashSet<>(Arrays.asList(withValue)), true);
    }

    /**
     * Command-line options: flags, option values and positional arguments. Short flags may be combined ({@code -rf});
     * a short option that takes a value takes the rest of its token or the next argument; {@code --long=value} and
     * {@code --long value} both work for long options listed as taking values; {@code --} ends options.
     */
    static final class Opts {
        final List<Arg> positional = new ArrayList<>();
        final Map<String, List<Arg>> values = new HashMap<>();
        final Set<String> flags = new HashSet<>();
        /** Index in the parsed list of the first positional argument when stopping at it, else -1. */
        int restIndex = -1;
        boolean sawDoubleDash;

        /** Options are whole words after one dash ({@code -in file}, {@code -verify key}), as openssl and java use. */
        static Opts parseWords(List<Arg> args, Set<String> withValue) {
            Opts o = new Opts();
            for (int i = 0; i < args.size(); i++) {
                Arg a = args.get(i);
                String v = a.value();
                if (!a.literal() || !v.startsWith("-") || v.equals("-")) {
                    o.positional.add(a);
                    continue;
                }
                if (v.equals("--")) {
                    o.positional.addAll(args.subList(i + 1, args.size()));
                    return o;
                }
                int eq = v.indexOf('=');
                String opt = eq > 0 ? v.substring(0, eq) : v;
                o.flags.add(opt);
                if (eq > 0) {
                    o.values.computeIfAbsent(opt, k -> new ArrayList<>()).add(Arg.lit(v.substring(eq + 1)));
                } else if (withValue.contains(opt) && i + 1 < args.size()) {
                    o.values.computeIfAbsent(opt, k -> new ArrayList<>()).add(args.get(++i));
                }
            }
            return o;
        }

        static Opts parse(List<Arg> args, Set<String> withValue, boolean stopAtPositional) {
            Opts o = new Opts();
            for (int i = 0; i < args.size(); i++) {
                Arg a = args.get(i);
                String v = a.value();
                if (!a.literal() || !v.startsWith("-") || v.equals("-")) {
                    if (stopAtPositional) {
                        o.restIndex = i;
                        return o;
                    }
                    o.positional.add(a);
                    continue;
                }
                if (v.equals("--")) {
                    o.sawDoubleDash = true;
                    if (stopAtPositional) {
                        o.restIndex = i + 1;
                        return o;
                    }
                    o.positional.addAll(args.subList(i + 1, args.size()));
                    return o;
                }
                if (v.startsWith("--")) {
                    int eq = v.indexOf('=');
                    String opt = eq > 0 ? v.substring(0, eq) : v;
                    o.flags.add(opt);
                    if (eq > 0) {
                        o.values.computeIfAbsent(opt, k -> new ArrayList<>()).add(Arg.lit(v.substring(eq + 1)));
                    } else if (withValue.contains(opt) && i + 1 < args.size()) {
                        o.values.computeIfAbsent(opt, k -> new ArrayList<>()).add(args.get(++i));
                    }
                    continue;
                }
                // Short options, possibly combined; single-dash long options (-name, -exec) are kept whole too.
                if (withValue.contains(v)) {
                    o.flags.add(v);
                    if (i + 1 < args.size()) {
                        o.values.computeIfAbsent(v, k -> new ArrayList<>()).add(args.get(++i));
                    }
                    continue;
                }
                o.flags.add(v);
                for (int k = 1; k < v.length(); k++) {
                    String flag = "-" + v.charAt(k);
                    o.flags.add(flag);
                    if (withValue.contains(flag)) {
                        if (k + 1 < v.length()) {
                            o.values.computeIfAbsent(flag, x -> new ArrayList<>()).add(Arg.lit(v.substring(k + 1)));
                        } else if (i + 1 < args.size()) {
                            o.values.computeIfAbsent(flag, x -> new ArrayList<>()).add(args.get(++i));
                        }
                        break;
                    }
                }
            }
            return o;
        }

        boolean has(String... names) {
            for (String n : names) {
                if (flags.contains(n)) {
                    return true;
                }
            }
            return false;
        }

        /** The last value of any of the options, or null. */
        Arg value(String... names) {
            Arg last = null;
            for (String n : names) {
                List<Arg> list = values.get(n);
                if (list != null && !list.isEmpty()) {
                    last = list.getLast();
                }
            }
            return last;
        }

        List<Arg> all(String... names) {
            List<Arg> out = new ArrayList<>();
            for (String n : names) {
                out.addAll(values.getOrDefault(n, List.of()));
            }
            return out;
        }

        Arg pos(int i) {
            return i < positional.size() ? positional.get(i) : null;
        }

        String posValue(int i) {
            Arg a = pos(i);
            return a == null ? null : a.value();
        }

        @Override
        public String toString() {
            return "flags=" + flags + " values=" + values + " positional=" + positional;
        }
    }

    static List<Arg> lits(String... values) {
        return Arrays.stream(values).map(Arg::lit).toList();
    }

    /** Whether the path names credentials. */
    boolean isSecret(Arg arg) {
        return PathAnalyzer.isSecret(arg.value(), resolve(arg), w.ctx);
    }
}
