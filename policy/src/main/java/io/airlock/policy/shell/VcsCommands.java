package io.airlock.policy.shell;

import static io.airlock.policy.shell.CommandTable.register;

import io.airlock.policy.analysis.Access;
import io.airlock.policy.tags.Capability;
import io.airlock.policy.tags.Scope;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Version control: git (including git-extras commands), GitHub and GitLab CLIs, hub, svn and hg. Pushes are
 * {@code vcs_remote_write}; force pushes, remote deletions and history rewrites are {@code vcs_history_rewrite};
 * commands that discard uncommitted work are {@code delete} in the repository's scope.
 */
final class VcsCommands {

    private VcsCommands() {}

    private static final Set<String> GIT_GLOBAL_VALUE = Set.of("-C", "-c", "--git-dir", "--work-tree",
            "--namespace", "--exec-path", "--super-prefix", "--config-env", "--list-cmds", "--attr-source");
    private static final Set<String> GIT_COMMAND_KEYS = Set.of("core.pager", "core.editor", "core.sshcommand",
            "core.fsmonitor", "core.askpass", "diff.external", "credential.helper", "sequence.editor", "gpg.program",
            "gpg.ssh.program", "core.hookspath", "uploadpack.packobjectshook", "protocol.ext.allow", "core.gitproxy",
            "pager.log", "pager.diff", "pager.show", "pager.branch", "pager.config", "pager.help", "interactive.difffilter",
            "core.alternaterefscommand", "receive.procreceiverefs", "web.browser", "sendemail.smtpserver",
            "sendemail.tocmd", "sendemail.cccmd", "sendemail.sendmailcmd", "ssh.variant");
    /**
     * Settings that run nothing themselves but redirect or weaken what git trusts later, for every repository when
     * written globally: where remotes really point ({@code url.*.insteadOf}), which config or hooks get loaded
     * ({@code include.path}, {@code init.templateDir}, {@code safe.directory}), how the network is reached
     * ({@code http.proxy}, {@code http.sslVerify}) and which transports may run ({@code protocol.*.allow}).
     */
    private static final java.util.regex.Pattern GIT_TRUST_KEYS = java.util.regex.Pattern.compile("(url\\..+\\."
            + "(pushinsteadof|insteadof)|include\\.path|includeif\\..+\\.path|init\\.templatedir|safe\\.directory|"
            + "https?(\\..+)?\\.(proxy|sslverify|sslcainfo|sslcapath|sslbackend|curloptresolve|emptyauth|cookiefile)|"
            + "core\\.(worktree|sshcommand|askpass)|protocol(\\..+)?\\.allow|remote\\..+\\.(uploadpack|receivepack|proxy)|"
            + "(difftool|mergetool|browser|man)\\..+\\.(path|cmd)|merge\\..+\\.driver|diff\\..+\\.(textconv|command)"
            + "|gpg(\\..+)?\\.program|submodule\\..+\\.update|uploadpack\\..+|uploadarchive\\..+|transfer\\..*)");
    /** Arguments that make a git command line (such as a non-{@code !} alias) run a program or load settings. */
    private static final java.util.regex.Pattern GIT_ALIAS_RUNS = java.util.regex.Pattern.compile("(-c|--config-env"
            + ".*|--exec-path.*|-x|--exec.*|--extcmd.*|--upload-pack.*|--receive-pack.*|-u|--.*-filter|--to-cmd.*|"
            + "--cc-cmd.*|--sendmail-cmd.*|--smtp-server.*|--tool.*|-t|--config.*|--ext-diff|--textconv|foreach|run|"
            + "filter-branch|filter-repo|daemon|instaweb|send-email|difftool|mergetool|submodule|bisect|web--browse|"
            + "credential|-C|--git-dir.*|--work-tree.*)");

    static void install() {
        CommandTable.register(VcsCommands::git, "git", "hub-git", "yadm");
        register(VcsCommands::gh, "gh");
        register(VcsCommands::glab, "glab");
        register(VcsCommands::hub, "hub");
        register(VcsCommands::svn, "svn");
        register(VcsCommands::hg, "hg");
        register(c -> {
            c.tag(Capability.VCS_HISTORY_REWRITE, Scope.INSIDE, "rewrites repository history: " + c.text);
        }, "git-filter-repo", "bfg", "git-filter-branch");
    }

    // ------------------------------------------------------------------------------------------------ git

    private static void git(Call c) {
        List<Arg> args = c.args;
        int i = 0;
        Arg dir = null;
        while (i < args.size()) {
            Arg a = args.get(i);
            String v = a.value();
            if (!a.literal() || !v.startsWith("-")) {
                break;
            }
            i++;
            String opt = v.contains("=") ? v.substring(0, v.indexOf('=')) : v;
            Arg value = null;
            if (v.contains("=") && opt.startsWith("--")) {
                value = Arg.lit(v.substring(v.indexOf('=') + 1));
            } else if (GIT_GLOBAL_VALUE.contains(opt) && i < args.size()) {
                value = args.get(i++);
            }
            if (value == null) {
                continue;
            }
            switch (opt) {
                case "-C", "--work-tree" -> dir = value;
                case "--git-dir" -> dir = dir == null ? value : dir;
                case "-c", "--config-env" -> gitConfigValue(c, value.value(), false);
                default -> { }
            }
        }
        if (i >= args.size()) {
            return;
        }
        Arg subArg = args.get(i);
        if (!subArg.literal()) {
            c.tag(Capability.OBFUSCATED, Scope.UNKNOWN, "git subcommand built at run time: " + c.text);
            return;
        }
        String sub = subArg.value();
        List<Arg> rest = args.subList(i + 1, args.size());
        Scope repo = dir == null ? c.scope(Arg.lit(".")) : c.scope(dir);
        if (dir != null) {
            c.path(dir, Access.READ);
        }
        Call.Opts o = Call.Opts.parse(rest, Set.of("-m", "--message", "-C", "-c", "-F", "--file", "-b", "-B",
                "--branch", "-o", "--origin", "--depth", "-s", "--strategy", "-X", "--strategy-option", "-x",
                "--exec", "--onto", "--upload-pack", "-u", "--receive-pack", "--repo", "--push-option", "-e",
                "--exclude", "--source", "--format", "--author", "--date", "--reference", "--separate-git-dir",
                "--template", "-j", "--jobs", "--filter", "--tree-filter", "--index-filter", "--env-filter",
                "--msg-filter", "--commit-filter", "--parent-filter", "--tag-name-filter", "--subdirectory-filter",
                "--path", "--path-rename", "--replace-text", "--replace-message", "--extcmd", "-t", "--tool",
                "--prefix", "--remote", "--output", "-O", "--set-upstream-to", "--config", "-S",
                "--pathspec-from-file", "--shallow-since", "--shallow-exclude", "--server-option", "--expire", "--expire-unreachable", "--since", "--until",
                "-n", "--max-count", "--skip", "--grep", "--committer", "-L", "-G", "--diff-filter",
                "--word-diff-regex", "-U", "--unified", "--stat-width", "--abbrev"), false);
        switch (sub) {
            case "push" -> push(c, o, rest);
            case "send-pack" -> {
                c.network("git send-pack: " + c.text);
                c.tag(Capability.VCS_REMOTE_WRITE, Scope.UNKNOWN, c.text);
                if (o.has("--force", "-f", "--mirror", "--all")) {
                    c.tag(Capability.VCS_HISTORY_REWRITE, Scope.UNKNOWN, c.text);
                }
            }
            case "clone" -> {
                remotes(c, o.positional.isEmpty() ? List.of() : List.of(o.positional.getFirst()));
                if (o.positional.size() > 1) {
                    c.path(o.positional.get(1), Access.WRITE);
                }
                commandOptions(c, o, "--upload-pack", "-u");
                for (Arg cfg : o.all("--config", "-c")) {
                    gitConfigValue(c, cfg.value(), false);
                }
            }
            case "fetch", "pull", "ls-remote", "fetch-pack" -> {
                remotes(c, o.positional.isEmpty() ? List.of() : List.of(o.positional.getFirst()));
                commandOptions(c, o, "--upload-pack", "-u");
            }
            case "archive" -> {
                if (o.value("--remote") != null) {
                    remotes(c, List.of(o.value("--remote")));
                }
                c.paths(o.all("-o", "--output"), Access.WRITE);
            }
            case "remote" -> remote(c, o);
            case "submodule" -> {
                String verb = o.posValue(0);
                if ("foreach".equals(verb) && o.positional.size() > 1) {
                    c.script(Wrappers.join(o.positional.subList(1, o.positional.size())), "git submodule foreach");
                } else if ("update".equals(verb) || "add".equals(verb) || "sync".equals(verb) || "init".equals(verb)) {
                    c.network("git submodule " + verb + ": " + c.text);
                } else if ("deinit".equals(verb) && o.has("-f", "--force")) {
                    c.tag(Capability.DELETE, repo, "git submodule deinit --force: " + c.text);
                }
            }
            case "reset" -> {
                if (o.has("--hard")) {
                    c.tag(Capability.DELETE, repo, "git reset --hard discards uncommitted changes: " + c.text);
                } else if (o.has("--merge", "--keep") && !o.positional.isEmpty()) {
                    c.tag(Capability.DELETE, repo, "git reset moves the branch and may discard changes: " + c.text);
                }
            }
            case "clean" -> {
                boolean force = o.has("-f", "--force") || o.flags.stream().anyMatch(f -> f.matches("-[a-zA-Z]*f"
                        + "[a-zA-Z]*") && !f.startsWith("--"));
                if (force && !o.has("-n", "--dry-run")) {
                    c.tag(Capability.DELETE, repo, "git clean deletes untracked files" + (o.has("-x", "-X")
                            ? " including ignored ones" : "") + ": " + c.text);
                } else if (o.has("-i", "--interactive")) {
                    c.tag(Capability.DELETE, repo, "git clean -i deletes untracked files: " + c.text);
                }
            }
            case "checkout" -> checkout(c, o, repo);
            case "checkout-index" -> {
                if (o.has("-f", "--force")) {
                    c.tag(Capability.DELETE, repo, "git checkout-index --force overwrites working files: " + c.text);
                }
                c.paths(o.all("--prefix"), Access.WRITE);
            }
            case "restore" -> {
                boolean staged = o.has("--staged", "-S");
                boolean worktree = o.has("--worktree", "-W");
                if (!staged || worktree) {
                    c.tag(Capability.DELETE, repo, "git restore discards working-tree changes: " + c.text);
                }
            }
            case "switch" -> {
                if (o.has("--discard-changes", "-f", "--force")) {
                    c.tag(Capability.DELETE, repo, "git switch discards local changes: " + c.text);
                }
            }
            case "stash" -> {
                String verb = o.posValue(0);
                if ("drop".equals(verb) || "clear".equals(verb)) {
                    c.tag(Capability.DELETE, repo, "git stash " + verb + " deletes stashed changes: " + c.text);
                }
            }
            case "branch" -> {
                boolean delete = o.has("-D") || (o.has("-d", "--delete") && o.has("-f", "--force"));
                if (delete) {
                    c.tag(Capability.DELETE, repo, "git branch -D deletes a branch with unmerged work: " + c.text);
                }
                if (o.has("-M", "-C") || o.has("-f", "--force") && !o.has("-d", "--delete")) {
                    c.tag(Capability.DELETE, repo, "git branch overwrites an existing branch: " + c.text);
                }
            }
            case "tag" -> {
                if (o.has("-d", "--delete")) {
                    c.tag(Capability.DELETE, repo, "git tag -d deletes tags: " + c.text);
                } else if (o.has("-f", "--force")) {
                    c.tag(Capability.DELETE, repo, "git tag -f replaces a tag: " + c.text);
                }
            }
            case "update-ref" -> {
                if (o.has("-d")) {
                    c.tag(Capability.DELETE, repo, "git update-ref -d deletes a ref: " + c.text);
                } else if (o.has("--stdin")) {
                    c.tag(Capability.DELETE, repo, "git update-ref --stdin rewrites refs: " + c.text);
                }
            }
            case "reflog" -> {
                String verb = o.posValue(0);
                if ("expire".equals(verb) || "delete".equals(verb)) {
                    c.tag(Capability.DELETE, repo, "git reflog " + verb + " discards recovery points: " + c.text);
                }
            }
            case "gc" -> {
                for (String f : o.flags) {
                    if (f.equals("--prune") && "now".equals(valueOf(o, "--prune"))) {
                        c.tag(Capability.DELETE, repo, "git gc --prune=now deletes unreachable objects: " + c.text);
                    }
                }
            }
            case "prune" -> c.tag(Capability.DELETE, repo, "git prune deletes unreachable objects: " + c.text);
            case "worktree" -> {
                String verb = o.posValue(0);
                if (("remove".equals(verb) && o.has("-f", "--force")) || "prune".equals(verb)) {
                    c.tag(Capability.DELETE, repo, "git worktree " + verb + ": " + c.text);
                }
                if ("add".equals(verb) && o.positional.size() > 1) {
                    c.path(o.positional.get(1), Access.WRITE);
                }
            }
            case "filter-branch", "filter-repo" -> {
                c.tag(Capability.VCS_HISTORY_REWRITE, repo, "git " + sub + " rewrites history: " + c.text);
                for (String f : List.of("--tree-filter", "--index-filter", "--env-filter", "--msg-filter",
                        "--commit-filter", "--parent-filter", "--tag-name-filter")) {
                    for (Arg code : o.all(f)) {
                        c.script(code, "git filter-branch " + f);
                    }
                }
                if (o.has("--path", "--invert-paths", "--path-glob", "--strip-blobs-bigger-than")
                        || o.has("--tree-filter", "--index-filter")) {
                    c.tag(Capability.DELETE, repo, "git " + sub + " removes files from history: " + c.text);
                }
            }
            case "rebase" -> {
                for (Arg cmd : o.all("-x", "--exec")) {
                    c.script(cmd, "git rebase --exec");
                }
            }
            case "bisect" -> {
                if ("run".equals(o.posValue(0)) && o.positional.size() > 1) {
                    c.inner(o.positional.subList(1, o.positional.size()));
                }
            }
            case "difftool", "mergetool" -> {
                for (Arg cmd : o.all("-x", "--extcmd")) {
                    c.script(cmd, "git " + sub + " --extcmd");
                }
            }
            case "config" -> config(c, rest);
            case "credential", "credential-store", "credential-cache", "credential-osxkeychain",
                    "credential-manager", "credential-libsecret" -> c.tag(Capability.SECRET_RESOLVE, Scope.OUTSIDE,
                    "git " + sub + " reads stored credentials: " + c.text);
            case "send-email" -> {
                c.tag(Capability.NETWORK_EGRESS, Scope.OUTSIDE, "git send-email sends mail: " + c.text);
                commandOptions(c, o, "--smtp-server");
            }
            case "daemon" -> {
                c.tag(Capability.PUBLIC_EXPOSURE, Scope.OUTSIDE, "git daemon serves repositories: " + c.text);
                c.network("git daemon listens: " + c.text);
            }
            case "instaweb" -> c.network("git instaweb serves a web UI: " + c.text);
            case "apply", "am" -> {
                Arg directory = o.value("--directory");
                if (directory != null) {
                    c.path(directory, Access.WRITE);
                }
                if (o.has("--unsafe-paths")) {
                    c.tag(Capability.WRITE_FILE, directory == null ? Scope.UNKNOWN : c.scope(directory),
                            "git apply --unsafe-paths writes outside the repository: " + c.text);
                }
                c.paths(o.positional, Access.READ);
            }
            case "lfs" -> {
                String verb = o.posValue(0);
                if ("push".equals(verb)) {
                    c.tag(Capability.VCS_REMOTE_WRITE, Scope.UNKNOWN, "git lfs push: " + c.text);
                }
                if (verb != null && Set.of("push", "pull", "fetch", "clone").contains(verb)) {
                    c.network("git lfs " + verb + ": " + c.text);
                }
            }
            case "grep", "log", "show", "diff", "status", "blame", "shortlog", "describe", "rev-parse", "rev-list",
                    "cat-file", "ls-files", "ls-tree", "show-ref", "for-each-ref", "whatchanged", "cherry", "help",
                    "version", "init", "add", "mv", "rm", "merge", "cherry-pick", "revert", "notes", "range-diff",
                    "format-patch", "bundle", "sparse-checkout", "maintenance", "fsck", "count-objects", "var",
                    "check-ignore", "check-attr", "mailinfo", "hash-object", "write-tree", "commit-tree", "mktag",
                    "name-rev", "merge-base", "stripspace", "verify-commit", "verify-tag", "annotate", "citool", "gui",
                    "gitk", "am-continue", "restore-staged", "column", "request-pull", "p4", "svn", "cvsimport",
                    "fast-export", "fast-import", "pack-objects", "index-pack", "unpack-objects", "repack",
                    "multi-pack-index", "commit-graph", "replace", "rerere", "interpret-trailers", "mailsplit",
                    "patch-id", "diagnose", "bugreport" -> {
                if (Set.of("diff", "show", "log", "blame", "grep", "annotate", "hash-object", "ls-files").contains(sub)) {
                    for (Arg a : o.positional) {
                        if (a.literal() && (a.value().startsWith("/") || a.value().startsWith("~"))
                                && CommandTable.isPathLike(a.value())) {
                            c.path(a, Access.READ);
                        }
                    }
                }
                if (sub.equals("rm") && !o.has("--cached")) {
                    c.paths(o.positional, Access.DELETE);
                }
                if (sub.equals("mv") && o.positional.size() > 1) {
                    c.paths(o.positional.subList(0, o.positional.size() - 1), Access.DELETE);
                    c.path(o.positional.getLast(), Access.WRITE);
                }
                if (sub.equals("svn") && o.posValue(0) != null && Set.of("dcommit", "set-tree", "branch", "tag")
                        .contains(o.posValue(0))) {
                    c.tag(Capability.VCS_REMOTE_WRITE, Scope.UNKNOWN, "git svn " + o.posValue(0) + ": " + c.text);
                }
                if (sub.equals("p4") && "submit".equals(o.posValue(0))) {
                    c.tag(Capability.VCS_REMOTE_WRITE, Scope.UNKNOWN, "git p4 submit: " + c.text);
                }
            }
            default -> gitExtras(c, sub, o, repo);
        }
    }

    private static String valueOf(Call.Opts o, String opt) {
        Arg v = o.value(opt);
        return v == null ? null : v.value();
    }

    private static void push(Call c, Call.Opts o, List<Arg> rest) {
        List<Arg> pos = o.positional;
        remotes(c, pos.isEmpty() ? List.of() : List.of(pos.getFirst()));
        c.tag(Capability.VCS_REMOTE_WRITE, Scope.UNKNOWN, "git push: " + c.text);
        List<String> reasons = new ArrayList<>();
        for (String f : o.flags) {
            if (f.startsWith("--force") || f.equals("--mirror") || f.equals("--prune") || f.equals("--delete")) {
                reasons.add(f);
            }
            if (!f.startsWith("--") && (f.equals("-f") || f.equals("-d"))) {
                reasons.add(f);
            }
        }
        for (int i = 1; i < pos.size(); i++) {
            String refspec = pos.get(i).value();
            if (refspec.startsWith("+")) {
                reasons.add("forced refspec " + refspec);
            } else if (refspec.startsWith(":") && refspec.length() > 1) {
                reasons.add("deletes remote ref " + refspec.substring(1));
            }
        }
        if (!reasons.isEmpty()) {
            c.tag(Capability.VCS_HISTORY_REWRITE, Scope.UNKNOWN, "git push (" + String.join(", ", reasons)
                    + ") rewrites or deletes remote history: " + c.text);
        }
        commandOptions(c, o, "--receive-pack", "--exec");
    }

    private static void remotes(Call c, List<Arg> remotes) {
        if (remotes.isEmpty()) {
            c.network("git talks to its default remote: " + c.text);
            return;
        }
        for (Arg r : remotes) {
            String v = r.value();
            if (!r.literal()) {
                c.network("git remote named at run time: " + c.text);
            } else if (v.contains("://")) {
                if (v.startsWith("file://")) {
                    c.path(Arg.lit(v.substring(7)), Access.READ);
                } else if (v.startsWith("ext::")) {
                    c.tag(Capability.OBFUSCATED, Scope.UNKNOWN, "git ext:: transport runs a command: " + c.text);
                } else {
                    c.url(v);
                }
            } else if (v.startsWith("ext::")) {
                c.script(v.substring(5).replace("%S", "").replace("% ", " "), "git ext:: transport");
            } else if (NetCommands.isRemoteSpec(v) && v.contains("@")) {
                c.host(v.substring(0, v.indexOf(':')));
            } else if (v.startsWith("/") || v.startsWith("./") || v.startsWith("../") || v.startsWith("~")) {
                c.path(r, Access.READ);
            } else {
                c.network("git remote " + v + ": " + c.text);
            }
        }
    }

    private static void commandOptions(Call c, Call.Opts o, String... opts) {
        for (Arg cmd : o.all(opts)) {
            String v = cmd.value();
            if (!v.matches("git[- ](upload|receive)-pack") && !v.matches("(/usr)?(/bin/)?(git-)?(upload|receive)-pack")) {
                c.script(cmd, "git option " + opts[0]);
            }
        }
    }

    private static void remote(Call c, Call.Opts o) {
        String verb = o.posValue(0);
        if (verb == null) {
            return;
        }
        switch (verb) {
            case "add", "set-url" -> {
                c.tag(Capability.WRITE_FILE, Scope.INSIDE, "git remote " + verb + " changes where pushes go: "
                        + c.text);
                if (o.positional.size() > 2) {
                    String url = o.positional.getLast().value();
                    if (url.contains("://") || url.contains("@")) {
                        c.tag(Capability.VCS_REMOTE_WRITE, Scope.UNKNOWN, "git remote " + verb + " points pushes at "
                                + url);
                    }
                }
            }
            case "update", "prune", "show" -> c.network("git remote " + verb + ": " + c.text);
            case "remove", "rm" -> c.tag(Capability.WRITE_FILE, Scope.INSIDE, "git remote " + verb + ": " + c.text);
            default -> { }
        }
    }

    private static void checkout(Call c, Call.Opts o, Scope repo) {
        if (o.has("-f", "--force", "-p", "--patch", "--ours", "--theirs", "-m", "--merge")) {
            if (!o.has("-b") && !o.has("-B") || o.has("-f", "--force")) {
                c.tag(Capability.DELETE, repo, "git checkout overwrites local changes: " + c.text);
                return;
            }
        }
        if (o.sawDoubleDash && !o.positional.isEmpty()) {
            c.tag(Capability.DELETE, repo, "git checkout -- paths discards local changes: " + c.text);
            return;
        }
        if (o.has("-b", "-B", "--orphan", "--detach")) {
            return;
        }
        List<Arg> pos = o.positional;
        if (pos.size() >= 2) {
            c.tag(Capability.DELETE, repo, "git checkout <commit> <paths> overwrites local changes: " + c.text);
            return;
        }
        if (pos.size() == 1) {
            String v = pos.getFirst().value();
            if (v.equals(".") || v.equals(":/") || v.endsWith("/.") || v.matches(".*\\.[A-Za-z][A-Za-z0-9]{0,7}")
                    && !v.matches(".*\\.(lock|orig)") || v.startsWith("./") || v.contains("*")) {
                c.tag(Capability.DELETE, repo, "git checkout <path> discards local changes: " + c.text);
            }
        }
    }

    private static void config(Call c, List<Arg> rest) {
        Call.Opts o = Call.Opts.parse(rest, Set.of("-f", "--file", "--blob", "--type", "--default", "--comment"),
                false);
        boolean read = o.has("--get", "--get-all", "--get-regexp", "--get-urlmatch", "-l", "--list", "--show-origin",
                "--get-color", "--get-colorbool", "--name-only");
        List<Arg> pos = new ArrayList<>(o.positional);
        String verb = "";
        if (!pos.isEmpty() && Set.of("get", "set", "unset", "list", "rename-section", "remove-section", "edit")
                .contains(pos.getFirst().value())) {
            verb = pos.removeFirst().value();
            read |= verb.equals("get") || verb.equals("list");
        }
        boolean writeVerb = Set.of("set", "unset", "edit", "rename-section", "remove-section").contains(verb);
        if (read || pos.size() < 2 && !writeVerb && !o.has("--unset", "--unset-all", "--add", "-e", "--edit",
                "--replace-all", "--rename-section", "--remove-section")) {
            if (!pos.isEmpty() && pos.getFirst().value().toLowerCase(Locale.ROOT).matches(".*(credential|token|"
                    + "password|extraheader).*")) {
                c.tag(Capability.SECRET_RESOLVE, Scope.OUTSIDE, "git config reads credentials: " + c.text);
            }
            return;
        }
        Arg file = o.value("-f", "--file");
        boolean global = o.has("--global", "--system");
        if (file != null) {
            c.path(file, Access.WRITE);
        } else if (o.has("--global")) {
            // The setting decides whether this is persistence (below), not the file: ~/.gitconfig holding user.name
            // changes nothing that runs. Content an editor or a section rename brings in is not known, so those are.
            Arg gitconfig = Arg.lit("~/.gitconfig");
            c.tag(Capability.WRITE_FILE, c.scope(gitconfig), "git config --global writes ~/.gitconfig: " + c.text);
        } else if (o.has("--system")) {
            c.path(Arg.lit("/etc/gitconfig"), Access.WRITE);
        } else {
            c.path(Arg.lit(".git/config"), Access.WRITE);
        }
        boolean unknownContent = o.has("-e", "--edit", "--rename-section") || verb.equals("edit")
                || verb.equals("rename-section") || !pos.isEmpty() && !pos.getFirst().literal();
        if (global && unknownContent) {
            c.tag(Capability.PERSISTENCE, Scope.OUTSIDE, "edits the user's or system's git configuration with "
                    + "content not known here: " + c.text);
        }
        if (pos.size() >= 2) {
            gitConfigValue(c, pos.get(0).value() + "=" + pos.get(1).value(), global);
        } else if (pos.size() == 1) {
            gitConfigValue(c, pos.get(0).value(), global);
        }
    }

    /** Built-in diff and merge tools ({@code git difftool --tool-help}): naming one runs that known program. */
    private static final Set<String> GIT_BUILTIN_TOOLS = Set.of("araxis", "bc", "bc3", "bc4", "codecompare",
            "deltawalker", "diffmerge", "diffuse", "ecmerge", "emerge", "examdiff", "guiffy", "gvimdiff", "kdiff3",
            "kompare", "meld", "nvimdiff", "opendiff", "p4merge", "smerge", "tkdiff", "tortoisemerge", "vimdiff",
            "winmerge", "xxdiff", "vscode", "gvimdiff1", "gvimdiff2", "gvimdiff3", "vimdiff1", "vimdiff2",
            "vimdiff3", "nvimdiff1", "nvimdiff2", "nvimdiff3");

    /** A {@code key=value} git setting: ones that make git run commands, load hooks or trust elsewhere. */
    private static void gitConfigValue(Call c, String setting, boolean global) {
        String key = setting.contains("=") ? setting.substring(0, setting.indexOf('=')) : setting;
        String value = setting.contains("=") ? setting.substring(setting.indexOf('=') + 1) : "";
        String k = key.toLowerCase(Locale.ROOT);
        if (k.equals("core.hookspath")) {
            c.tag(Capability.PERSISTENCE, Scope.UNKNOWN, "git core.hooksPath makes git run hooks from " + value);
            return;
        }
        if (k.startsWith("alias.") && value.startsWith("!")) {
            c.script(value.substring(1), "git alias " + key);
            if (global) {
                c.tag(Capability.PERSISTENCE, Scope.OUTSIDE, "global git alias runs a shell command: " + key);
            }
            return;
        }
        if (k.startsWith("alias.")) {
            // Without '!' an alias expands to git arguments: only options and subcommands that run programs or load
            // settings (-c, --exec, difftool -x, submodule foreach, bisect run ...) make it more than a shorthand.
            List<String> words = List.of(value.trim().split("\\s+"));
            if (words.stream().anyMatch(x -> GIT_ALIAS_RUNS.matcher(x.toLowerCase(Locale.ROOT)).matches())
                    || value.contains("$") || value.contains("`")) {
                List<Arg> argv = new ArrayList<>();
                argv.add(Arg.lit("git"));
                words.stream().filter(x -> !x.isEmpty()).forEach(x -> argv.add(Arg.lit(x)));
                c.inner(argv);
                if (global) {
                    c.tag(Capability.PERSISTENCE, Scope.OUTSIDE, "global git alias runs programs: " + key);
                }
            }
            return;
        }
        if ((k.equals("diff.tool") || k.equals("merge.tool") || k.equals("diff.guitool") || k.equals("merge.guitool"))
                && (GIT_BUILTIN_TOOLS.contains(value.toLowerCase(Locale.ROOT)) || value.isEmpty())) {
            return; // a built-in tool's name; a custom tool's command is difftool.<name>.cmd, tagged on its own
        }
        if (k.startsWith("credential")) {
            c.tag(Capability.SECRET_RESOLVE, Scope.OUTSIDE, "git credential setting " + key);
        }
        boolean pagerSwitch = k.startsWith("pager.") && value.toLowerCase(Locale.ROOT).matches(
                "true|false|yes|no|on|off|0|1");
        if (!pagerSwitch && (GIT_COMMAND_KEYS.contains(k) || k.startsWith("filter.") && (k.endsWith(".clean")
                || k.endsWith(".smudge") || k.endsWith(".process")) || k.startsWith("pager.") || k.endsWith(".cmd")
                || k.endsWith(".command") || k.equals("diff.tool") || k.equals("merge.tool")
                || k.equals("diff.guitool") || k.equals("merge.guitool"))) {
            boolean plainSsh = value.matches("ssh( [\\w./~=:@-]+)*") && !value.toLowerCase(Locale.ROOT).contains(
                    "proxycommand") && !value.toLowerCase(Locale.ROOT).contains("localcommand");
            if (plainSsh) {
                c.script(value, "git config " + key);
            } else if (!value.isEmpty() && !value.matches("(less|more|cat|vim?|nvim|nano|code --wait|emacs|delta|true|"
                    + "diff-so-fancy.*|less -\\w+|ssh( -\\S+)*|gpg|gpg2|store|cache.*|osxkeychain|manager(-core)?"
                    + "|libsecret)")) {
                c.script(value.startsWith("!") ? value.substring(1) : value, "git config " + key);
                c.tag(Capability.OBFUSCATED, Scope.UNKNOWN, "git setting " + key + " makes git run: " + value);
            }
            if (global) {
                c.tag(Capability.PERSISTENCE, Scope.OUTSIDE, "global git setting runs a command: " + key);
            }
            return;
        }
        if (global && GIT_TRUST_KEYS.matcher(k).matches()) {
            c.tag(Capability.PERSISTENCE, Scope.OUTSIDE, "global git setting changes what git trusts or runs later: "
                    + key);
        }
    }

    /** git-extras and other add-on subcommands. */
    private static void gitExtras(Call c, String sub, Call.Opts o, Scope repo) {
        switch (sub) {
            case "release" -> {
                c.tag(Capability.PUBLISH, Scope.OUTSIDE, "git release tags and pushes a release: " + c.text);
                c.tag(Capability.VCS_REMOTE_WRITE, Scope.UNKNOWN, "git release pushes: " + c.text);
                c.network("git release: " + c.text);
            }
            case "delete-branch", "delete-tag", "delete-merged-branches", "delete-squashed-branches",
                    "delete-submodule" -> {
                c.tag(Capability.DELETE, repo, "git " + sub + ": " + c.text);
                if (sub.equals("delete-branch") || sub.equals("delete-tag")) {
                    c.tag(Capability.VCS_HISTORY_REWRITE, Scope.UNKNOWN, "git " + sub + " also deletes it on the "
                            + "remote: " + c.text);
                    c.network("git " + sub + ": " + c.text);
                }
            }
            case "obliterate" -> {
                c.tag(Capability.VCS_HISTORY_REWRITE, repo, "git obliterate rewrites history: " + c.text);
                c.tag(Capability.DELETE, repo, "git obliterate removes files from history: " + c.text);
            }
            case "clear", "clear-soft", "reset-file", "fresh-branch", "undo", "abort", "discard" ->
                    c.tag(Capability.DELETE, repo, "git " + sub + " discards work: " + c.text);
            case "sync" -> {
                c.tag(Capability.DELETE, repo, "git sync resets the branch to its remote: " + c.text);
                c.network("git sync: " + c.text);
            }
            case "force-clone" -> {
                c.tag(Capability.DELETE, o.positional.size() > 1 ? c.scope(o.positional.get(1)) : repo,
                        "git force-clone overwrites the target directory: " + c.text);
                c.network("git force-clone: " + c.text);
            }
            case "rename-branch", "rename-tag", "rename-remote", "create-branch", "pr", "mr", "browse",
                    "browse-ci", "feature", "refactor", "bug", "publish", "unpublish", "squash-push" -> {
                if (Set.of("rename-branch", "rename-tag", "publish", "unpublish").contains(sub)
                        || o.has("-r", "--remote")) {
                    c.tag(Capability.VCS_REMOTE_WRITE, Scope.UNKNOWN, "git " + sub + " changes the remote: " + c.text);
                }
                c.network("git " + sub + ": " + c.text);
            }
            case "bulk" -> {
                if (o.pos(0) != null && !o.has("--addworkspace", "--addcurrent", "--removeworkspace", "--purge",
                        "--listall", "--removeall")) {
                    c.tag(Capability.OBFUSCATED, Scope.UNKNOWN, "git bulk runs commands across repositories: "
                            + c.text);
                }
            }
            default -> { }
        }
    }

    // ------------------------------------------------------------------------------------------------ forges

    private static final Set<String> REMOTE_WRITE_VERBS = Set.of("create", "edit", "set", "add", "merge", "close",
            "reopen", "comment", "upload", "rename", "archive", "unarchive", "transfer", "lock", "unlock", "pin",
            "unpin", "review", "ready", "enable", "disable", "sync", "fork", "develop", "approve", "revoke", "update",
            "import", "note", "subscribe", "unsubscribe", "retry", "trigger", "rebase", "revert", "protect",
            "unprotect", "push", "deploy", "publish", "invite", "accept", "decline", "label", "unlabel");
    private static final Set<String> DELETE_VERBS = Set.of("delete", "remove", "rm", "del", "delete-asset", "prune");
    private static final Set<String> DEPLOY_VERBS = Set.of("run", "rerun", "cancel", "trigger", "retry");

    private static void gh(Call c) {
        c.url("https://api.github.com");
        List<String> w = words(c.args, Set.of("-R", "--repo", "--hostname", "-X", "--method", "-f", "--raw-field",
                "-F", "--field", "-H", "--header", "-q", "--jq", "-t", "--template", "-b", "--body", "-T", "--title",
                "--json", "-B", "--base", "--head", "-l", "--label", "-a", "--assignee", "-m", "--milestone",
                "--visibility", "-e", "--env", "--org", "--repos", "--app", "-L", "--limit", "-s", "--state",
                "--shell", "-p", "--preset", "--notes", "-n", "--target", "--branch", "-w", "--workflow", "--input",
                "-u", "--user", "--cache", "-k", "--key", "--ref", "--env-file", "--body-file", "-d",
                "--description", "--homepage", "--source", "--remote"));
        if (w.isEmpty()) {
            return;
        }
        String group = w.getFirst();
        String verb = w.size() > 1 ? w.get(1) : "";
        String text = c.text;
        switch (group) {
            case "auth" -> {
                if (verb.equals("token") || c.anyArg("-t", "--show-token") || verb.equals("login")
                        || verb.equals("refresh") || verb.equals("setup-git") || verb.equals("switch")) {
                    c.tag(Capability.SECRET_RESOLVE, Scope.OUTSIDE, "gh auth " + verb + " handles the GitHub token: "
                            + text);
                }
                return;
            }
            case "secret" -> {
                if (verb.equals("set")) {
                    c.tag(Capability.SECRET_RESOLVE, Scope.OUTSIDE, "gh secret set stores a secret: " + text);
                    c.tag(Capability.VCS_REMOTE_WRITE, Scope.OUTSIDE, "gh secret set: " + text);
                } else if (DELETE_VERBS.contains(verb)) {
                    c.tag(Capability.DELETE, Scope.OUTSIDE, "gh secret " + verb + ": " + text);
                    c.tag(Capability.VCS_REMOTE_WRITE, Scope.OUTSIDE, "gh secret " + verb + ": " + text);
                }
                return;
            }
            case "release" -> {
                if (verb.equals("create") || verb.equals("upload") || verb.equals("edit")) {
                    c.tag(Capability.PUBLISH, Scope.OUTSIDE, "gh release " + verb + ": " + text);
                    c.tag(Capability.VCS_REMOTE_WRITE, Scope.OUTSIDE, "gh release " + verb + ": " + text);
                    if (verb.equals("upload")) {
                        c.paths(c.args.stream().filter(a -> a.literal() && CommandTable.isPathLike(a.value()))
                                .toList(), Access.READ);
                    }
                } else if (DELETE_VERBS.contains(verb)) {
                    c.tag(Capability.DELETE, Scope.OUTSIDE, "gh release " + verb + ": " + text);
                    c.tag(Capability.VCS_REMOTE_WRITE, Scope.OUTSIDE, "gh release " + verb + ": " + text);
                } else if (verb.equals("download")) {
                    c.path(Arg.lit("."), Access.WRITE);
                }
                return;
            }
            case "repo" -> {
                String vis = visibility(c);
                if ((verb.equals("create") || verb.equals("edit")) && ("public".equals(vis) || c.anyArg("--public"))) {
                    c.tag(Capability.PUBLIC_EXPOSURE, Scope.OUTSIDE, "gh repo " + verb + " makes a repository public: "
                            + text);
                }
                if (DELETE_VERBS.contains(verb)) {
                    c.tag(Capability.DELETE, Scope.OUTSIDE, "gh repo delete: " + text);
                    c.tag(Capability.VCS_REMOTE_WRITE, Scope.OUTSIDE, "gh repo delete: " + text);
                } else if (REMOTE_WRITE_VERBS.contains(verb) || verb.equals("deploy-key")) {
                    c.tag(Capability.VCS_REMOTE_WRITE, Scope.OUTSIDE, "gh repo " + verb + ": " + text);
                } else if (verb.equals("clone")) {
                    c.path(w.size() > 3 ? Arg.lit(w.get(3)) : Arg.lit("."), Access.WRITE);
                }
                return;
            }
            case "gist" -> {
                if (verb.equals("create") || verb.equals("new") || verb.equals("edit")) {
                    c.tag(Capability.NETWORK_EGRESS, Scope.OUTSIDE, "gh gist uploads files: " + text);
                    c.tag(Capability.VCS_REMOTE_WRITE, Scope.OUTSIDE, "gh gist " + verb + ": " + text);
                    if (c.anyArg("--public", "-p")) {
                        c.tag(Capability.PUBLIC_EXPOSURE, Scope.OUTSIDE, "gh gist create --public: " + text);
                    }
                    for (String f : w.subList(2, w.size())) {
                        c.path(Arg.lit(f), Access.READ);
                    }
                } else if (DELETE_VERBS.contains(verb)) {
                    c.tag(Capability.DELETE, Scope.OUTSIDE, "gh gist delete: " + text);
                }
                return;
            }
            case "api" -> {
                String method = optionValue(c, "-X", "--method");
                boolean fields = c.args.stream().anyMatch(a -> a.literal() && (a.value().equals("-f")
                        || a.value().equals("-F") || a.value().startsWith("--field") || a.value().startsWith(
                        "--raw-field") || a.value().equals("--input")));
                if (method != null && !method.equalsIgnoreCase("GET") || method == null && fields) {
                    c.tag(Capability.VCS_REMOTE_WRITE, Scope.OUTSIDE, "gh api " + (method == null ? "POST" : method)
                            + ": " + text);
                    if ("DELETE".equalsIgnoreCase(method)) {
                        c.tag(Capability.DELETE, Scope.OUTSIDE, "gh api DELETE: " + text);
                    }
                }
                return;
            }
            case "workflow", "run" -> {
                if (verb.equals("enable") || verb.equals("disable")) {
                    // Switches which workflows may run on later events; runs nothing now.
                    c.tag(Capability.VCS_REMOTE_WRITE, Scope.OUTSIDE, "gh workflow " + verb + " changes the repository's"
                            + " workflows: " + text);
                } else if (DEPLOY_VERBS.contains(verb)) {
                    c.tag(Capability.DEPLOY, Scope.OUTSIDE, "gh " + group + " " + verb + " triggers CI/CD: " + text);
                } else if (DELETE_VERBS.contains(verb)) {
                    c.tag(Capability.DELETE, Scope.OUTSIDE, "gh " + group + " " + verb + ": " + text);
                }
                return;
            }
            case "completion", "help", "version", "alias", "config", "browse", "status", "search" -> {
                return;
            }
            case "extension", "ext" -> {
                if (verb.equals("install") || verb.equals("upgrade")) {
                    c.network("gh extension " + verb + " downloads code: " + text);
                }
                return;
            }
            case "ssh-key", "gpg-key" -> {
                if (verb.equals("add")) {
                    String type = optionValue(c, "--type");
                    if (group.equals("ssh-key") && !"signing".equals(type)) {
                        c.tag(Capability.PERSISTENCE, Scope.OUTSIDE, "gh ssh-key add grants a key access: " + text);
                    }
                    // A GPG or SSH signing key only verifies commit signatures: it grants no access to anything.
                    c.tag(Capability.VCS_REMOTE_WRITE, Scope.OUTSIDE, "gh " + group + " add changes the account's "
                            + "keys: " + text);
                    return;
                }
            }
            default -> { }
        }
        if (DELETE_VERBS.contains(verb)) {
            c.tag(Capability.DELETE, Scope.OUTSIDE, "gh " + group + " " + verb + ": " + text);
            c.tag(Capability.VCS_REMOTE_WRITE, Scope.OUTSIDE, "gh " + group + " " + verb + ": " + text);
        } else if (REMOTE_WRITE_VERBS.contains(verb) || group.equals("variable") && verb.equals("set")) {
            c.tag(Capability.VCS_REMOTE_WRITE, Scope.OUTSIDE, "gh " + group + " " + verb + ": " + text);
        }
    }

    private static String visibility(Call c) {
        String v = optionValue(c, "--visibility");
        return v == null ? null : v.toLowerCase(Locale.ROOT);
    }

    static String optionValue(Call c, String... names) {
        Set<String> set = new java.util.HashSet<>(java.util.Arrays.asList(names));
        for (int i = 0; i < c.args.size(); i++) {
            String v = c.args.get(i).value();
            for (String n : set) {
                if (v.equals(n) && i + 1 < c.args.size()) {
                    return c.args.get(i + 1).value();
                }
                if (v.startsWith(n + "=")) {
                    return v.substring(n.length() + 1);
                }
            }
        }
        return null;
    }

    /** Positional words, skipping options and the values of {@code withValue} options. */
    static List<String> words(List<Arg> args, Set<String> withValue) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            Arg a = args.get(i);
            String v = a.value();
            if (a.literal() && v.startsWith("-")) {
                if (!v.contains("=") && withValue.contains(v)) {
                    i++;
                }
                continue;
            }
            out.add(v);
        }
        return out;
    }

    private static void glab(Call c) {
        c.network("glab talks to GitLab: " + c.text);
        List<String> w = words(c.args, Set.of("-R", "--repo", "-m", "--message", "-t", "--title", "-d",
                "--description", "-b", "--branch", "-l", "--label", "-a", "--assignee", "-n", "--name", "-N",
                "--notes", "-X", "--method", "-f", "--field", "-F", "--raw-field", "-g", "--group"));
        if (w.isEmpty()) {
            return;
        }
        String group = w.getFirst();
        String verb = w.size() > 1 ? w.get(1) : "";
        if (group.equals("alias") || group.equals("config") || group.equals("completion") || group.equals("help")) {
            return;
        }
        if (group.equals("release") && (verb.equals("create") || verb.equals("upload"))) {
            c.tag(Capability.PUBLISH, Scope.OUTSIDE, "glab release " + verb + ": " + c.text);
        } else if (group.equals("auth") && (verb.equals("login") || verb.equals("status") && c.anyArg("-t",
                "--show-token"))) {
            // Like gh, glab auth status masks the token unless asked to show it.
            c.tag(Capability.SECRET_RESOLVE, Scope.OUTSIDE, "glab auth " + verb + ": " + c.text);
        } else if (group.equals("ci") && DEPLOY_VERBS.contains(verb)) {
            c.tag(Capability.DEPLOY, Scope.OUTSIDE, "glab ci " + verb + " triggers CI/CD: " + c.text);
        } else if (group.equals("repo") && verb.equals("create") && c.anyArg("--public")) {
            c.tag(Capability.PUBLIC_EXPOSURE, Scope.OUTSIDE, "glab repo create --public: " + c.text);
        }
        if (DELETE_VERBS.contains(verb)) {
            c.tag(Capability.DELETE, Scope.OUTSIDE, "glab " + group + " " + verb + ": " + c.text);
            c.tag(Capability.VCS_REMOTE_WRITE, Scope.OUTSIDE, "glab " + group + " " + verb + ": " + c.text);
        } else if (REMOTE_WRITE_VERBS.contains(verb)) {
            c.tag(Capability.VCS_REMOTE_WRITE, Scope.OUTSIDE, "glab " + group + " " + verb + ": " + c.text);
        }
    }

    private static void hub(Call c) {
        List<String> w = CommandTable.words(c.args);
        String sub = w.isEmpty() ? "" : w.getFirst();
        switch (sub) {
            case "delete" -> {
                c.network("hub delete: " + c.text);
                c.tag(Capability.DELETE, Scope.OUTSIDE, "hub delete deletes a GitHub repository: " + c.text);
            }
            case "create", "fork", "pull-request", "issue", "ci-status", "compare", "browse", "sync", "api", "gist" -> {
                c.network("hub " + sub + ": " + c.text);
                if (!Set.of("ci-status", "compare", "browse").contains(sub)) {
                    c.tag(Capability.VCS_REMOTE_WRITE, Scope.OUTSIDE, "hub " + sub + ": " + c.text);
                }
                if (sub.equals("create") && !c.anyArg("-p", "--private")) {
                    c.tag(Capability.PUBLIC_EXPOSURE, Scope.OUTSIDE, "hub create makes a public repository: " + c.text);
                }
            }
            case "release" -> {
                c.network("hub release: " + c.text);
                if (w.size() > 1 && (w.get(1).equals("create") || w.get(1).equals("edit"))) {
                    c.tag(Capability.PUBLISH, Scope.OUTSIDE, "hub release: " + c.text);
                } else if (w.size() > 1 && w.get(1).equals("delete")) {
                    c.tag(Capability.DELETE, Scope.OUTSIDE, "hub release delete: " + c.text);
                }
            }
            default -> git(c);
        }
    }

    private static void svn(Call c) {
        List<String> w = CommandTable.words(c.args);
        String sub = w.isEmpty() ? "" : w.getFirst();
        c.network("svn: " + c.text);
        switch (sub) {
            case "commit", "ci", "import", "mkdir", "copy", "cp", "move", "mv", "delete", "del", "rm", "remove",
                    "lock", "unlock", "propset", "ps", "propdel" -> {
                boolean remote = sub.equals("commit") || sub.equals("ci") || sub.equals("import")
                        || w.stream().anyMatch(x -> x.contains("://"));
                if (remote) {
                    c.tag(Capability.VCS_REMOTE_WRITE, Scope.OUTSIDE, "svn " + sub + ": " + c.text);
                }
                if (sub.startsWith("del") || sub.startsWith("r")) {
                    c.tag(Capability.DELETE, remote ? Scope.OUTSIDE : Scope.INSIDE, "svn " + sub + ": " + c.text);
                }
            }
            case "revert" -> c.tag(Capability.DELETE, Scope.INSIDE, "svn revert discards local changes: " + c.text);
            default -> { }
        }
    }

    private static void hg(Call c) {
        List<String> w = CommandTable.words(c.args);
        String sub = w.isEmpty() ? "" : w.getFirst();
        switch (sub) {
            case "push" -> {
                c.network("hg push: " + c.text);
                c.tag(Capability.VCS_REMOTE_WRITE, Scope.UNKNOWN, "hg push: " + c.text);
                if (c.anyArg("-f", "--force")) {
                    c.tag(Capability.VCS_HISTORY_REWRITE, Scope.UNKNOWN, "hg push --force: " + c.text);
                }
            }
            case "pull", "clone", "incoming", "outgoing", "in", "out" -> c.network("hg " + sub + ": " + c.text);
            case "strip", "prune", "histedit", "rebase" -> c.tag(Capability.DELETE, Scope.INSIDE, "hg " + sub
                    + " rewrites local history: " + c.text);
            case "revert", "purge", "clean" -> {
                if (sub.equals("revert") || c.anyArg("--all", "-a", "--config")) {
                    c.tag(Capability.DELETE, Scope.INSIDE, "hg " + sub + " discards local changes: " + c.text);
                } else {
                    c.tag(Capability.DELETE, Scope.INSIDE, "hg " + sub + ": " + c.text);
                }
            }
            case "update", "up", "checkout", "co" -> {
                if (c.anyArg("-C", "--clean")) {
                    c.tag(Capability.DELETE, Scope.INSIDE, "hg update --clean discards local changes: " + c.text);
                }
            }
            default -> { }
        }
    }
}
