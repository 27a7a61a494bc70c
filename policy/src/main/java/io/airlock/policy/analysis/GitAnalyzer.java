package io.airlock.policy.analysis;

import io.airlock.policy.tags.Capability;
import io.airlock.policy.tags.Scope;
import io.airlock.policy.tags.Tag;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Tags what git operations do to shared repositories: pushes are {@code vcs_remote_write}; force pushes
 * ({@code --force}, {@code --force-with-lease}, {@code +refspec}), remote deletions ({@code :branch},
 * {@code --delete}, {@code --prune}, {@code --mirror}) are also {@code vcs_history_rewrite}, with the default branches
 * ({@link #isDefaultBranch}) named in the evidence. For the shell analysis, {@link #analyze(List, Scope)} also tags
 * the local effects of a git command line (discarding work, contacting remotes, configuration that runs programs).
 * Pure functions on strings: nothing is read from the repository.
 */
public final class GitAnalyzer {

    /** Branch names treated as a repository's default or protected branches. */
    public static final Set<String> DEFAULT_BRANCHES = Set.of("main", "master", "trunk", "develop");

    /** Configuration keys whose value git runs as a program, or that point git at programs or hooks. */
    private static final Pattern PROGRAM_KEYS = Pattern.compile("(?i)(core\\.(sshcommand|pager|editor|fsmonitor|"
            + "hookspath|askpass|gitproxy)|credential\\..*helper|filter\\..+\\.(clean|smudge|process)|"
            + "diff\\..+\\.(textconv|command)|diff\\.external|merge\\..+\\.driver|sequence\\.editor|gpg\\.program|"
            + "gpg\\..+\\.program|protocol\\..*allow|uploadpack\\.packobjectshook|pager\\..+|ssh\\.variant|"
            + "include\\.path|includeif\\..+\\.path|interactive\\.difffilter|web\\.browser|sendemail\\..*(cmd|"
            + "smtpserver)|(difftool|mergetool|browser|man)\\..+\\.(path|cmd)|remote\\..+\\.(uploadpack|receivepack))");
    /** Settings that run nothing but redirect or weaken what git trusts later, in every repository when global. */
    private static final Pattern TRUST_KEYS = Pattern.compile("(?i)(url\\..+\\.(pushinsteadof|insteadof)|"
            + "init\\.templatedir|safe\\.directory|https?(\\..+)?\\.(proxy|sslverify|sslcainfo|sslcapath|"
            + "curloptresolve|cookiefile)|core\\.worktree|submodule\\..+\\.update|transfer\\..*)");
    /** Words that make a non-{@code !} alias (which expands to git arguments) run a program or load settings. */
    private static final Pattern ALIAS_RUNS = Pattern.compile("(?i)(-c|--config-env.*|--exec-path.*|-x|--exec.*|"
            + "--extcmd.*|--upload-pack.*|--receive-pack.*|-u|--.*-filter|--.*-cmd.*|--smtp-server.*|--tool.*|-t|"
            + "--config.*|--ext-diff|--textconv|foreach|run|filter-branch|filter-repo|daemon|instaweb|send-email|"
            + "difftool|mergetool|submodule|bisect|credential|-C|--git-dir.*|--work-tree.*)");

    /** A push refspec: {@code [+]src[:dst]}. */
    public record Refspec(String raw, boolean forced, String source, String destination) {
        /** {@code :branch}: deletes {@code branch} on the remote. */
        public boolean deletion() {
            return source.isEmpty() && !destination.isEmpty();
        }
    }

    /** What a {@code git push} command line asks for. */
    public record Push(String remote, List<String> refspecs, boolean force, boolean delete, boolean mirror,
                       boolean prune, boolean all, boolean tags, String program) {
        public Push {
            refspecs = List.copyOf(refspecs);
        }
    }

    /** A git command line: directories given by {@code -C}, the {@code -c key=value} settings, the subcommand. */
    public record GitCommand(List<String> directories, List<String> settings, String subcommand, List<String> args) {
        public GitCommand {
            directories = List.copyOf(directories);
            settings = List.copyOf(settings);
            args = List.copyOf(args);
        }
    }

    private GitAnalyzer() {}

    /**
     * Whether a branch (or ref: {@code refs/heads/main}, {@code origin/main}) is a default or release branch: main,
     * master, trunk, develop, release/* or releases/*.
     */
    public static boolean isDefaultBranch(String ref) {
        if (ref == null) {
            return false;
        }
        String b = ref.strip().toLowerCase(Locale.ROOT);
        if (b.startsWith("refs/heads/")) {
            b = b.substring("refs/heads/".length());
        } else if (b.startsWith("refs/remotes/")) {
            b = b.substring("refs/remotes/".length());
            b = b.contains("/") ? b.substring(b.indexOf('/') + 1) : b;
        } else if (b.startsWith("origin/") || b.startsWith("upstream/")) {
            b = b.substring(b.indexOf('/') + 1);
        }
        return DEFAULT_BRANCHES.contains(b) || b.startsWith("release/") || b.startsWith("releases/");
    }

    public static Refspec parseRefspec(String raw) {
        String s = raw.strip();
        boolean forced = s.startsWith("+");
        if (forced) {
            s = s.substring(1);
        }
        int colon = s.indexOf(':');
        String src = colon < 0 ? s : s.substring(0, colon);
        String dst = colon < 0 ? s : s.substring(colon + 1);
        return new Refspec(raw, forced, src, dst);
    }

    /**
     * Tags for pushing {@code refspecs} to {@code remote} (null or blank: the default remote; no refspecs: the
     * current branch), {@code force} when a force flag is set (the tool's {@code force}/{@code forceWithLease}, or
     * {@code --force}).
     */
    public static List<Tag> analyzePush(String remote, List<String> refspecs, boolean force) {
        return analyze(new Push(remote, refspecs == null ? List.of() : refspecs.stream()
                .filter(r -> r != null && !r.isBlank()).toList(), force, false, false, false, false, false, null));
    }

    /** Tags for a {@code git push} command line given as the arguments after {@code push}. */
    public static List<Tag> analyzePushArgs(List<String> args) {
        return analyze(parsePushArgs(args));
    }

    public static List<Tag> analyze(Push push) {
        List<Tag> tags = new ArrayList<>();
        String remote = push.remote() == null || push.remote().isBlank() ? "the default remote" : push.remote();
        List<Refspec> specs = new ArrayList<>();
        for (String r : push.refspecs()) {
            Refspec spec = parseRefspec(r);
            specs.add(push.delete() && !spec.deletion() ? new Refspec(r, spec.forced(), "", spec.source().isEmpty()
                    ? spec.destination() : spec.source()) : spec);
        }
        String what = push.mirror() ? "all refs (--mirror)" : push.all() ? "all branches" : specs.isEmpty()
                ? (push.tags() ? "tags" : "the current branch") : String.join(" ", push.refspecs());
        List<String> defaults = new ArrayList<>();
        for (Refspec spec : specs) {
            if (isDefaultBranch(spec.destination())) {
                defaults.add(spec.destination());
            }
        }
        String onDefault = defaults.isEmpty() ? "" : " (default branch " + String.join(", ", defaults) + ")";
        tags.add(Tag.of(Capability.VCS_REMOTE_WRITE, "push to " + remote + ": " + what + onDefault));
        if (push.force()) {
            String target = specs.isEmpty() && !push.all() && !push.mirror()
                    ? "the current branch (it may be the default branch)" : what;
            tags.add(Tag.of(Capability.VCS_HISTORY_REWRITE, "force push to " + remote + " overwrites " + target
                    + onDefault));
        }
        for (Refspec spec : specs) {
            String def = isDefaultBranch(spec.destination()) ? " (default branch)" : "";
            if (spec.deletion()) {
                tags.add(Tag.of(Capability.VCS_HISTORY_REWRITE, "push deletes " + spec.destination() + " on " + remote
                        + def));
            } else if (spec.forced() && !push.force()) {
                tags.add(Tag.of(Capability.VCS_HISTORY_REWRITE, "+" + spec.source() + ":" + spec.destination()
                        + " force-updates " + spec.destination() + " on " + remote + def));
            }
        }
        if (push.mirror()) {
            tags.add(Tag.of(Capability.VCS_HISTORY_REWRITE, "push --mirror overwrites and deletes refs on " + remote));
        }
        if (push.prune()) {
            tags.add(Tag.of(Capability.VCS_HISTORY_REWRITE, "push --prune deletes branches on " + remote
                    + " that have no local counterpart"));
        }
        if (push.program() != null) {
            tags.add(Tag.of(Capability.EXEC_COMMAND, Scope.UNKNOWN, "push runs " + push.program()
                    + " as the receive-pack program"));
        }
        return List.copyOf(new LinkedHashSet<>(tags));
    }

    /** Parses the arguments after {@code git push}. */
    public static Push parsePushArgs(List<String> args) {
        boolean force = false;
        boolean delete = false;
        boolean mirror = false;
        boolean prune = false;
        boolean all = false;
        boolean tags = false;
        String remote = null;
        String program = null;
        List<String> positional = new ArrayList<>();
        boolean options = true;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (options && a.equals("--")) {
                options = false;
            } else if (options && a.startsWith("--")) {
                String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
                String value = a.contains("=") ? a.substring(a.indexOf('=') + 1) : null;
                switch (name) {
                    case "--force", "--force-with-lease", "--force-if-includes" -> force = true;
                    case "--delete" -> delete = true;
                    case "--mirror" -> mirror = true;
                    case "--prune" -> prune = true;
                    case "--all", "--branches" -> all = true;
                    case "--tags", "--follow-tags" -> tags = true;
                    case "--repo" -> {
                        if (value == null && i + 1 < args.size()) {
                            value = args.get(++i);
                        }
                        remote = value;
                    }
                    case "--receive-pack", "--exec" -> {
                        if (value == null && i + 1 < args.size()) {
                            value = args.get(++i);
                        }
                        program = value;
                    }
                    case "--push-option" -> {
                        if (value == null) {
                            i++;
                        }
                    }
                    default -> { } // --set-upstream, --dry-run, --no-verify, --atomic, --signed=…, -q/-v forms, …
                }
            } else if (options && a.startsWith("-") && a.length() > 1) {
                for (int k = 1; k < a.length(); k++) {
                    char c = a.charAt(k);
                    if (c == 'f') {
                        force = true;
                    } else if (c == 'd') {
                        delete = true;
                    } else if (c == 'o') { // -o <option> or -o<option>
                        if (k == a.length() - 1) {
                            i++;
                        }
                        break;
                    }
                }
            } else {
                positional.add(a);
            }
        }
        if (remote == null && !positional.isEmpty()) {
            remote = positional.removeFirst();
        }
        return new Push(remote, positional, force, delete, mirror, prune, all, tags, program);
    }

    /**
     * Parses a git command line ({@code git -C dir -c k=v push …}; the leading {@code git} may be left out): global
     * options are consumed, the first other word is the subcommand. Null subcommand when there is none.
     */
    public static GitCommand parse(List<String> argv) {
        List<String> dirs = new ArrayList<>();
        List<String> settings = new ArrayList<>();
        int i = 0;
        if (!argv.isEmpty() && (argv.getFirst().equals("git") || argv.getFirst().endsWith("/git"))) {
            i = 1;
        }
        while (i < argv.size()) {
            String a = argv.get(i);
            if (a.equals("-C") && i + 1 < argv.size()) {
                dirs.add(argv.get(i + 1));
                i += 2;
            } else if (a.equals("-c") && i + 1 < argv.size()) {
                settings.add(argv.get(i + 1));
                i += 2;
            } else if (a.startsWith("--config-env=") || (a.equals("--config-env") && i + 1 < argv.size())) {
                settings.add(a.equals("--config-env") ? argv.get(i + 1) : a.substring("--config-env=".length()));
                i += a.equals("--config-env") ? 2 : 1;
            } else if ((a.equals("--git-dir") || a.equals("--work-tree") || a.equals("--namespace"))
                    && i + 1 < argv.size()) {
                if (a.equals("--work-tree")) {
                    dirs.add(argv.get(i + 1));
                }
                i += 2;
            } else if (a.startsWith("--work-tree=")) {
                dirs.add(a.substring("--work-tree=".length()));
                i++;
            } else if (a.startsWith("-")) {
                i++; // --no-pager, -P, --bare, --git-dir=…, --exec-path[=…], --literal-pathspecs, …
            } else {
                return new GitCommand(dirs, settings, a, argv.subList(i + 1, argv.size()));
            }
        }
        return new GitCommand(dirs, settings, null, List.of());
    }

    /**
     * Git-specific tags of a git command line, for the shell analysis (which adds what every command has):
     * pushes as in {@link #analyzePushArgs}; contacting a remote ({@code fetch}, {@code pull}, {@code clone},
     * {@code ls-remote}, …) is {@code network_egress:unknown}; discarding uncommitted or unreachable work
     * ({@code reset --hard}, {@code clean -f}, {@code checkout -f}/{@code -- paths}, {@code restore},
     * {@code stash drop|clear}, {@code branch -D}, {@code gc --prune=now}, …) is {@code delete} with the work tree's
     * scope; configuration that makes git run a program later ({@code core.hooksPath}, {@code alias.*},
     * {@code core.sshCommand}, …) is {@code persistence}, and such a {@code -c} setting on this command is
     * {@code exec_command}; {@code credential fill} is {@code secret_resolve}.
     *
     * @param worktree the scope of the repository the command works in (from the working directory or {@code -C})
     */
    public static List<Tag> analyze(List<String> argv, Scope worktree) {
        GitCommand cmd = parse(argv);
        List<Tag> tags = new ArrayList<>();
        for (String setting : cmd.settings()) {
            String key = setting.contains("=") ? setting.substring(0, setting.indexOf('=')) : setting;
            String value = setting.contains("=") ? setting.substring(setting.indexOf('=') + 1) : "";
            if (runsProgram(key, List.of(value))) {
                tags.add(Tag.of(Capability.EXEC_COMMAND, Scope.UNKNOWN, "git -c " + key + " makes git run a program"));
            }
        }
        if (cmd.subcommand() == null) {
            return List.copyOf(tags);
        }
        List<String> args = cmd.args();
        String line = "git " + cmd.subcommand() + (args.isEmpty() ? "" : " " + String.join(" ", args));
        switch (cmd.subcommand()) {
            case "push" -> {
                tags.addAll(analyzePushArgs(args));
                tags.add(Tag.of(Capability.NETWORK_EGRESS, Scope.UNKNOWN, "contacts a remote: " + line));
            }
            case "send-pack" -> {
                tags.add(Tag.of(Capability.VCS_REMOTE_WRITE, line));
                if (has(args, "--force", "-f", "--mirror")) {
                    tags.add(Tag.of(Capability.VCS_HISTORY_REWRITE, "forced send-pack: " + line));
                }
                tags.add(Tag.of(Capability.NETWORK_EGRESS, Scope.UNKNOWN, "contacts a remote: " + line));
            }
            case "fetch", "pull", "clone", "ls-remote", "fetch-pack", "archive" -> {
                if (!cmd.subcommand().equals("archive") || hasPrefix(args, "--remote")) {
                    tags.add(Tag.of(Capability.NETWORK_EGRESS, Scope.UNKNOWN, "contacts a remote: " + line));
                }
                if (cmd.subcommand().equals("pull")) {
                    tags.add(Tag.of(Capability.WRITE_FILE, worktree, "merges remote changes into the work tree: "
                            + line));
                }
            }
            case "remote" -> {
                if (!args.isEmpty() && Set.of("update", "prune", "show").contains(args.getFirst())
                        && !has(args, "-n")) {
                    tags.add(Tag.of(Capability.NETWORK_EGRESS, Scope.UNKNOWN, "contacts a remote: " + line));
                }
            }
            case "submodule" -> {
                if (!args.isEmpty() && Set.of("update", "add", "sync").contains(args.getFirst())) {
                    tags.add(Tag.of(Capability.NETWORK_EGRESS, Scope.UNKNOWN, "contacts a remote: " + line));
                }
            }
            case "send-email", "request-pull", "imap-send" -> tags.add(Tag.of(Capability.NETWORK_EGRESS,
                    Scope.OUTSIDE, "sends mail: " + line));
            case "reset" -> {
                if (has(args, "--hard", "--merge", "--keep")) {
                    tags.add(Tag.of(Capability.DELETE, worktree, "discards uncommitted changes: " + line));
                }
            }
            case "clean" -> {
                if (hasShortFlag(args, 'f') || has(args, "--force")) {
                    if (!hasShortFlag(args, 'n') && !has(args, "--dry-run")) {
                        tags.add(Tag.of(Capability.DELETE, worktree, "deletes untracked files: " + line));
                    }
                }
            }
            case "checkout" -> {
                if (has(args, "-f", "--force", "--", ".") || hasPrefix(args, "--pathspec-from-file")) {
                    tags.add(Tag.of(Capability.DELETE, worktree, "discards uncommitted changes: " + line));
                }
            }
            case "restore" -> {
                boolean worktreeToo = !has(args, "--staged", "-S") || has(args, "--worktree", "-W");
                if (worktreeToo) {
                    tags.add(Tag.of(Capability.DELETE, worktree, "discards uncommitted changes: " + line));
                }
            }
            case "switch" -> {
                if (has(args, "-f", "--force", "--discard-changes")) {
                    tags.add(Tag.of(Capability.DELETE, worktree, "discards uncommitted changes: " + line));
                }
            }
            case "stash" -> {
                if (!args.isEmpty() && Set.of("drop", "clear").contains(args.getFirst())) {
                    tags.add(Tag.of(Capability.DELETE, worktree, "deletes stashed changes: " + line));
                }
            }
            case "branch" -> {
                if (has(args, "-D", "--delete", "-d") || (has(args, "--force", "-f") && has(args, "-d"))) {
                    tags.add(Tag.of(Capability.DELETE, worktree, "deletes a branch: " + line));
                }
            }
            case "gc", "prune" -> {
                if (hasPrefix(args, "--prune=now") || cmd.subcommand().equals("prune")) {
                    tags.add(Tag.of(Capability.DELETE, worktree, "deletes unreachable commits: " + line));
                }
            }
            case "reflog" -> {
                if (!args.isEmpty() && Set.of("expire", "delete").contains(args.getFirst())) {
                    tags.add(Tag.of(Capability.DELETE, worktree, "deletes reflog entries: " + line));
                }
            }
            case "update-ref" -> {
                if (has(args, "-d")) {
                    tags.add(Tag.of(Capability.DELETE, worktree, "deletes a ref: " + line));
                }
            }
            case "filter-branch", "filter-repo" -> tags.add(Tag.of(Capability.WRITE_FILE, worktree,
                    "rewrites the repository's history: " + line));
            case "worktree" -> {
                if (!args.isEmpty() && args.getFirst().equals("remove")) {
                    tags.add(Tag.of(Capability.DELETE, worktree, "removes a work tree: " + line));
                }
            }
            case "config" -> config(args, line, tags);
            case "credential" -> {
                if (!args.isEmpty() && args.getFirst().equals("fill")) {
                    tags.add(Tag.of(Capability.SECRET_RESOLVE, "reads stored credentials: " + line));
                }
            }
            default -> { }
        }
        return List.copyOf(new LinkedHashSet<>(tags));
    }

    private static void config(List<String> args, String line, List<Tag> tags) {
        boolean global = has(args, "--global", "--system");
        boolean read = has(args, "--get", "--get-all", "--get-regexp", "-l", "--list", "--unset", "--unset-all",
                "--get-urlmatch", "--show-origin") || (!args.isEmpty() && Set.of("get", "list").contains(
                args.getFirst()));
        List<String> words = new ArrayList<>();
        for (String a : args) {
            if (!a.startsWith("-")) {
                words.add(a);
            }
        }
        if (!words.isEmpty() && Set.of("set", "unset", "get", "list", "edit", "rename-section", "remove-section")
                .contains(words.getFirst())) {
            words.removeFirst();
        }
        if (global && (has(args, "-e", "--edit", "--rename-section") || !args.isEmpty() && Set.of("edit",
                "rename-section").contains(args.getFirst()))) {
            tags.add(Tag.of(Capability.PERSISTENCE, "edits the user's or system's git configuration with content not "
                    + "known here: " + line));
            return;
        }
        if (read || words.size() < 2) {
            return;
        }
        // The key decides, not the file: user.name in ~/.gitconfig runs nothing; core.pager or a '!' alias does.
        String key = words.getFirst();
        if (runsProgram(key, args.subList(args.indexOf(key) + 1, args.size()))) {
            tags.add(Tag.of(Capability.PERSISTENCE, "git config " + key + " makes git run a program later: " + line));
        } else if (global && TRUST_KEYS.matcher(key).matches()) {
            tags.add(Tag.of(Capability.PERSISTENCE, "git config " + key + " changes what git trusts in every "
                    + "repository: " + line));
        }
    }

    /** Whether setting {@code key} to {@code value} (given as one or more words) makes git run a program later. */
    private static boolean runsProgram(String key, List<String> value) {
        if (!key.toLowerCase(java.util.Locale.ROOT).startsWith("alias.")) {
            return PROGRAM_KEYS.matcher(key).matches();
        }
        List<String> words = new ArrayList<>();
        for (String v : value) {
            for (String w : v.trim().split("\\s+")) {
                words.add(w.replaceAll("^['\"]|['\"]$", ""));
            }
        }
        // '!' runs a shell command; otherwise the alias expands to git arguments, which run programs only through
        // options and subcommands such as -c, --exec, --upload-pack, difftool -x or submodule foreach.
        return !words.isEmpty() && words.getFirst().startsWith("!") || words.stream().anyMatch(w -> ALIAS_RUNS
                .matcher(w).matches());
    }

    private static boolean has(List<String> args, String... flags) {
        for (String a : args) {
            for (String f : flags) {
                if (a.equals(f)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean hasPrefix(List<String> args, String prefix) {
        for (String a : args) {
            if (a.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasShortFlag(List<String> args, char flag) {
        for (String a : args) {
            if (a.startsWith("-") && !a.startsWith("--") && a.indexOf(flag) > 0) {
                return true;
            }
        }
        return false;
    }
}
