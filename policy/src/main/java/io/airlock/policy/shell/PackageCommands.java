package io.airlock.policy.shell;

import static io.airlock.policy.shell.CommandTable.register;

import io.airlock.policy.analysis.Access;
import io.airlock.policy.tags.Capability;
import io.airlock.policy.tags.Scope;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Package managers and build tools: installs and downloads are {@code network_egress} (system package managers also
 * {@code privilege}, removals {@code system_disruption}), registry uploads are {@code publish}, logins and tokens are
 * {@code secret_resolve}.
 */
final class PackageCommands {

    private PackageCommands() {}

    static void install() {
        CommandTable.register(PackageCommands::npm, "npm", "pnpm", "yarn", "bun", "cnpm", "corepack", "deno");
        register(PackageCommands::pip, "pip", "pip3", "pipenv", "pipx", "uv", "poetry", "pdm", "hatch", "flit",
                "conda", "mamba", "micromamba", "rye", "pixi");
        register(c -> {
            if (c.anyArg("upload")) {
                c.tag(Capability.PUBLISH, Scope.OUTSIDE, c.name + " upload publishes a package: " + c.text);
                c.network(c.name + " upload: " + c.text);
                for (Arg a : c.args) {
                    if (a.literal() && CommandTable.isPathLike(a.value())) {
                        c.path(a, Access.READ);
                    }
                }
            }
        }, "twine", "anaconda");
        register(PackageCommands::gem, "gem", "bundle", "bundler");
        register(PackageCommands::cargo, "cargo", "rustup");
        register(PackageCommands::go, "go");
        register(PackageCommands::maven, "mvn", "mvnw", "./mvnw", "mvnd", "gradle", "gradlew", "./gradlew", "sbt",
                "lein", "ant", "bazel", "bazelisk", "buck", "buck2", "pants");
        register(PackageCommands::dotnet, "dotnet", "nuget", "msbuild");
        register(c -> simplePm(c, Set.of("install", "require", "update", "upgrade", "create-project", "global",
                "self-update", "outdated"), Set.of("publish"), Set.of()), "composer");
        register(PackageCommands::brew, "brew", "port");
        register(PackageCommands::systemPm, "apt", "apt-get", "aptitude", "yum", "dnf", "microdnf", "zypper", "apk",
                "emerge", "xbps-install", "xbps-remove", "pkg", "pkg_add", "pkg_delete", "pkgin", "slackpkg",
                "eopkg", "swupd", "tdnf", "urpmi", "nix-env", "guix", "opkg", "choco", "winget", "scoop");
        register(PackageCommands::pacman, "pacman", "yay", "paru", "pamac", "trizen", "pikaur");
        register(PackageCommands::dpkg, "dpkg", "rpm", "installer", "pkgutil");
        register(c -> simplePm(c, Set.of("install", "refresh", "switch", "revert", "download", "try"),
                Set.of(), Set.of("remove", "disable")), "snap");
        register(c -> simplePm(c, Set.of("install", "update", "remote-add"), Set.of(), Set.of("uninstall",
                "remove", "remote-delete")), "flatpak");
        register(c -> {
            if (c.anyArg("list", "finger", "export", "--dump", "--help-cmd", "--help", "--display", "--query",
                    "--list", "--get-selections", "--config")) {
                return;
            }
            c.tag(Capability.PRIVILEGE, Scope.OUTSIDE, "changes system package sources or alternatives: " + c.text);
            c.network(c.name + ": " + c.text);
        }, "add-apt-repository", "apt-add-repository", "apt-key", "rpmkeys", "yum-config-manager",
                "dnf-config-manager", "update-alternatives", "alternatives");
        register(c -> simplePm(c, Set.of("install", "update", "repo", "outdated"), Set.of("trunk"), Set.of()), "pod");
        register(c -> simplePm(c, Set.of("install", "package"), Set.of("publish", "unpublish"), Set.of()), "vsce",
                "ovsx");
        register(c -> simplePm(c, Set.of("build", "check"), Set.of("release", "publish"), Set.of()), "goreleaser");
        register(c -> {
            List<String> w = CommandTable.words(c.args);
            if (w.stream().anyMatch(x -> x.startsWith("hex.publish") || x.equals("hex.owner") || x.equals(
                    "hex.retire"))) {
                c.tag(Capability.PUBLISH, Scope.OUTSIDE, "mix hex.publish: " + c.text);
            }
            if (w.stream().anyMatch(x -> x.startsWith("deps.get") || x.startsWith("deps.update") || x.startsWith(
                    "archive.install") || x.startsWith("local.hex"))) {
                c.network("mix fetches packages: " + c.text);
            }
            for (String word : w) {
                DeployCommands.dbTask(c, word);
            }
        }, "mix");
        register(c -> {
            List<String> w = CommandTable.words(c.args);
            if (w.size() >= 2 && w.get(0).equals("pub") && w.get(1).equals("publish")) {
                c.tag(Capability.PUBLISH, Scope.OUTSIDE, c.name + " pub publish: " + c.text);
            }
            if (w.size() >= 2 && w.get(0).equals("pub") && Set.of("get", "add", "upgrade", "global").contains(
                    w.get(1)) || !w.isEmpty() && w.get(0).equals("create")) {
                c.network(c.name + " fetches packages: " + c.text);
            }
        }, "dart", "flutter");
        register(c -> simplePm(c, Set.of("pack"), Set.of("upload", "push", "release", "register", "promote"),
                Set.of()), "snapcraft");
        register(c -> {
            List<String> w = CommandTable.words(c.args);
            if (w.stream().anyMatch(x -> Set.of("u", "upload", "push", "dp", "docker-push", "bp",
                    "build-publish", "gradle-deploy", "npm-publish", "rt-upload").contains(x))) {
                c.tag(Capability.PUBLISH, Scope.OUTSIDE, c.name + " uploads artifacts: " + c.text);
            }
            c.network(c.name + ": " + c.text);
        }, "jf", "jfrog");
        register(c -> {
            List<String> w = CommandTable.words(c.args);
            if (w.stream().anyMatch(x -> x.equals("push") || x.equals("copy") || x.equals("sync") || x.equals(
                    "append") || x.equals("mutate") || x.equals("tag") || x.equals("attach"))) {
                c.tag(Capability.PUBLISH, Scope.OUTSIDE, c.name + " pushes an image or artifact: " + c.text);
            }
            if (w.contains("delete") || w.contains("rm")) {
                c.tag(Capability.DELETE, Scope.OUTSIDE, c.name + " deletes an image: " + c.text);
            }
            c.network(c.name + ": " + c.text);
        }, "skopeo", "crane", "oras", "regctl", "cosign", "ko");
        register(c -> {
            List<String> w = CommandTable.words(c.args);
            if (w.contains("push") || w.contains("commit") && w.size() > 2 && w.getLast().contains("/")) {
                c.tag(Capability.PUBLISH, Scope.OUTSIDE, "buildah push: " + c.text);
            }
            c.network("buildah: " + c.text);
        }, "buildah");
        register(PackageCommands::make, "make", "gmake", "bmake", "nmake", "just", "task", "mage", "invoke", "doit",
                "cake", "rake-make");
        register(PackageCommands::compiler, "gcc", "g++", "cc", "c++", "clang", "clang++", "tcc", "ld", "as", "rustc",
                "javac", "kotlinc", "scalac", "swiftc", "go-build", "tsc", "esbuild", "swc", "nasm", "yasm", "gfortran",
                "zig", "nim", "ghc", "ocamlfind", "ocamlopt", "cmake", "ninja", "meson", "autoreconf", "autoheader",
                "autoconf", "automake", "configure", "./configure", "libtool", "m4");
    }

    // ------------------------------------------------------------------------------------------------ js

    private static final Set<String> NPM_NETWORK = Set.of("install", "i", "in", "ins", "inst", "insta", "instal",
            "isnt", "isnta", "isntal", "add", "ci", "clean-install", "install-clean", "isntall-clean", "update", "up",
            "upgrade", "udpate", "install-test", "it", "dedupe", "outdated", "view", "info", "show", "v", "search",
            "s", "find", "ping", "doctor", "audit", "fetch", "dlx", "create", "exec", "x", "import",
            "link", "ln", "rebuild", "repo", "docs", "bugs", "fund", "upgrade-interactive",
            "patch", "install-ci-test", "cit", "sync", "unlink", "prune", "global", "setup");
    private static final Set<String> NPM_PUBLISH = Set.of("publish", "unpublish", "deprecate", "undeprecate",
            "dist-tag", "dist-tags", "access", "owner", "author", "team", "org", "hook", "star", "unstar", "trust", "stage");
    private static final Set<String> NPM_SECRET = Set.of("adduser", "add-user", "login", "token");

    private static void npm(Call c) {
        List<String> w = VcsCommands.words(c.args, Set.of("--registry", "--otp", "--tag", "--access", "-w",
                "--workspace", "--prefix", "-C", "--dir", "--filter", "-F", "--cwd", "--scope", "--auth-type", "-p",
                "--package", "--cache", "--userconfig", "--loglevel", "--before", "--omit", "--include", 
                "--globalconfig", "--node-options", "--script-shell"));
        String text = c.text;
        if (c.name.equals("deno")) {
            deno(c, w);
            return;
        }
        if (w.isEmpty()) {
            if (c.name.equals("yarn")) {
                c.network("yarn installs dependencies: " + text);
            }
            return;
        }
        String sub = w.getFirst();
        if (c.name.equals("yarn") && sub.equals("npm") && w.size() > 1) {
            sub = w.get(1);
            w = w.subList(1, w.size());
        }
        if (c.name.equals("bun") && !Set.of("install", "i", "add", "a", "remove", "rm", "update", "upgrade",
                "publish", "pm", "x", "run", "create", "init", "link", "unlink", "outdated", "patch", "build", "test",
                "repl", "exec", "audit", "info", "why").contains(sub)) {
            // "bun file.ts" runs a file; "bun -e code" handled by the interpreter table.
            Interpreters.node(c);
            return;
        }
        String verb = w.size() > 1 ? w.get(1) : "";
        if (sub.equals("star") || sub.equals("unstar") || sub.equals("stars") || NPM_PUBLISH.contains(sub)
                && (Set.of("ls", "list", "get", "view").contains(verb) || c.anyArg("--list", "-l"))) {
            c.network(c.name + " " + sub + ": " + text);
            return;
        }
        if (NPM_PUBLISH.contains(sub)) {
            c.tag(Capability.PUBLISH, Scope.OUTSIDE, c.name + " " + sub + " changes a published package: " + text);
            c.network(c.name + " " + sub + ": " + text);
            if (sub.equals("unpublish")) {
                c.tag(Capability.DELETE, Scope.OUTSIDE, c.name + " unpublish removes a published package: " + text);
            }
            if (sub.equals("access") && text.contains("public")) {
                c.tag(Capability.PUBLIC_EXPOSURE, Scope.OUTSIDE, c.name + " access makes a package public: " + text);
            }
            return;
        }
        if (NPM_SECRET.contains(sub)) {
            c.tag(Capability.SECRET_RESOLVE, Scope.OUTSIDE, c.name + " " + sub + " handles registry credentials: "
                    + text);
            c.network(c.name + " " + sub + ": " + text);
            return;
        }
        if (sub.equals("config") || sub.equals("c")) {
            if (verb.equals("get") && text.toLowerCase(Locale.ROOT).matches(".*(token|auth|password).*")
                    || verb.equals("list") && c.anyArg("-l", "--long", "--json")) {
                c.tag(Capability.SECRET_RESOLVE, Scope.OUTSIDE, c.name + " config reads credentials: " + text);
            }
            if (verb.equals("edit")) {
                c.path(Arg.lit("~/.npmrc"), Access.WRITE);
            } else if (verb.equals("set") || verb.equals("delete")) {
                // ~/.npmrc holds registry tokens, but only an auth key touches them; only keys naming a program or
                // where packages come from make later installs run or trust something else.
                String key = w.size() > 2 ? w.get(2).toLowerCase(Locale.ROOT) : "";
                key = key.contains("=") ? key.substring(0, key.indexOf('=')) : key;
                Arg npmrc = Arg.lit("~/.npmrc");
                c.tag(Capability.WRITE_FILE, c.scope(npmrc), c.name + " config " + verb + " writes ~/.npmrc: " + text);
                if (key.isEmpty() || key.matches(".*(auth|token|password|_|cert|key|otp).*")) {
                    c.tag(Capability.SECRET_RESOLVE, c.scope(npmrc), c.name + " config " + verb + " changes "
                            + "registry credentials: " + text);
                }
                if (key.isEmpty() || key.matches("(browser|editor|shell|script-shell|node-options|git|viewer|"
                        + "init-module|onload-script|userconfig|globalconfig|registry|@.*:registry|ca|cafile|"
                        + "strict-ssl|proxy|https-proxy|noproxy|ignore-scripts|node-gyp|prefix|globalignorefile|"
                        + "npm-path|script-shell|sign-git-commit)")) {
                    c.tag(Capability.PERSISTENCE, c.scope(npmrc), c.name + " config " + verb + " " + key
                            + " changes what later npm runs run or trust: " + text);
                }
            }
            return;
        }
        if (NPM_NETWORK.contains(sub) || c.name.equals("yarn") && sub.startsWith("@")) {
            c.network(c.name + " " + sub + " downloads packages: " + text);
            if (c.anyArg("-g", "--global", "--location=global") || sub.equals("global") || sub.equals("link")) {
                c.tag(Capability.WRITE_FILE, Scope.OUTSIDE, c.name + " installs globally: " + text);
            }
            if (sub.equals("exec") || sub.equals("x") || sub.equals("dlx")) {
                int idx = indexOfWord(c.args, sub);
                List<Arg> inner = c.args.subList(idx + 1, c.args.size());
                inner = dropLeadingOptions(inner);
                if (!inner.isEmpty()) {
                    c.inner(inner);
                }
            }
            if (sub.equals("create") && w.size() > 1) {
                c.path(Arg.lit(w.getLast()), Access.WRITE);
            }
            return;
        }
        if (Set.of("uninstall", "remove", "rm", "r", "un", "unlink").contains(sub)) {
            if (c.anyArg("-g", "--global")) {
                c.tag(Capability.WRITE_FILE, Scope.OUTSIDE, c.name + " removes a global package: " + text);
            }
            return;
        }
        if (sub.equals("cache") && w.size() > 1 && (w.get(1).equals("clean") || w.get(1).equals("clear"))) {
            return;
        }
        if (sub.equals("run") || sub.equals("run-script") || sub.equals("rum") || sub.equals("urn") || (
                c.name.equals("yarn") || c.name.equals("pnpm") || c.name.equals("bun")) && !Set.of("test", "build",
                "start", "dev", "lint", "format", "why", "list", "ls", "init", "pack", "version", "help", "bin",
                "exec").contains(sub)) {
            String script = sub.equals("run") || sub.equals("run-script") || sub.equals("rum") || sub.equals("urn")
                    ? w.size() > 1 ? w.get(1) : "" : sub;
            scriptName(c, script);
            return;
        }
        if (sub.equals("exec") && (c.name.equals("pnpm") || c.name.equals("yarn") || c.name.equals("bun"))) {
            int idx = indexOfWord(c.args, "exec");
            List<Arg> inner = dropLeadingOptions(c.args.subList(idx + 1, c.args.size()));
            if (!inner.isEmpty()) {
                c.inner(inner);
            }
        }
    }

    /** A package.json script name that says what it does. */
    private static void scriptName(Call c, String script) {
        String s = script.toLowerCase(Locale.ROOT);
        if (s.matches(".*(deploy|ship|rollout|provision|infra:apply).*")) {
            c.tag(Capability.DEPLOY, Scope.OUTSIDE, "runs the " + script + " script: " + c.text);
        }
        if (s.matches(".*(publish|release).*")) {
            c.tag(Capability.PUBLISH, Scope.OUTSIDE, "runs the " + script + " script: " + c.text);
        }
        if (s.matches(".*(db:(drop|reset|wipe)|migrate:(reset|fresh)).*")) {
            c.tag(Capability.DB_DESTRUCTIVE, Scope.UNKNOWN, "runs the " + script + " script: " + c.text);
        } else if (s.matches(".*(migrat|db:push|db:seed).*")) {
            c.tag(Capability.DB_WRITE, Scope.UNKNOWN, "runs the " + script + " script: " + c.text);
            if (CommandTable.hasProdMarker(c)) {
                c.tag(Capability.DEPLOY, Scope.OUTSIDE, "migrates production: " + c.text);
            }
        }
    }

    private static void deno(Call c, List<String> w) {
        if (w.isEmpty()) {
            return;
        }
        String sub = w.getFirst();
        switch (sub) {
            case "eval" -> {
                int idx = indexOfWord(c.args, "eval");
                List<Arg> rest = dropLeadingOptions(c.args.subList(idx + 1, c.args.size()));
                if (!rest.isEmpty()) {
                    c.inlineCode(Walker.Interpreter.NODE, rest.getFirst());
                }
            }
            case "run", "install", "compile", "test", "bench", "serve" -> {
                int idx = indexOfWord(c.args, sub);
                List<Arg> rest = dropLeadingOptions(c.args.subList(idx + 1, c.args.size()));
                if (!rest.isEmpty()) {
                    Arg script = rest.getFirst();
                    if (script.value().contains("://")) {
                        c.url(script.value());
                        c.tag(Capability.REMOTE_CODE, Scope.OUTSIDE, "deno runs code from a URL: " + c.text);
                    } else {
                        c.w.executeFile(script, c.env, c.stdin, c.depth, "deno runs ");
                    }
                }
                if (c.anyArg("-A", "--allow-all", "--allow-run")) {
                    c.tag(Capability.EXEC_COMMAND, Scope.UNKNOWN, "deno with --allow-all/--allow-run can run any "
                            + "program: " + c.text);
                }
            }
            case "publish" -> c.tag(Capability.PUBLISH, Scope.OUTSIDE, "deno publish: " + c.text);
            case "add", "cache", "upgrade", "outdated" -> c.network("deno " + sub + ": " + c.text);
            default -> { }
        }
    }

    private static int indexOfWord(List<Arg> args, String word) {
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).literal() && args.get(i).value().equals(word)) {
                return i;
            }
        }
        return args.size();
    }

    private static List<Arg> dropLeadingOptions(List<Arg> args) {
        int i = 0;
        while (i < args.size() && args.get(i).literal() && args.get(i).value().startsWith("-")) {
            if (args.get(i).value().equals("--")) {
                i++;
                break;
            }
            i++;
        }
        return args.subList(i, args.size());
    }

    // ------------------------------------------------------------------------------------------------ python

    private static void pip(Call c) {
        List<String> w = VcsCommands.words(c.args, Set.of("-r", "--requirement", "-c", "--constraint", "-i",
                "--index-url", "--extra-index-url", "-f", "--find-links", "-t", "--target", "--prefix", "--root",
                "-e", "--editable", "--python", "-p", "--with", "--from", "-n", "--name", "--repository", "--username", "--password", "--token", "-u", "--publish-url", "--spec", "--channel", "--env",
                "--group", "-G", "--extra", "--directory", "--project", "--python-platform", "--upgrade-package",
                "-P"));
        String text = c.text;
        for (int i = 0; i < c.args.size(); i++) {
            String v = c.args.get(i).value();
            if ((v.equals("-i") || v.equals("--index-url") || v.equals("--extra-index-url")) && i + 1 < c.args.size()
                    && !c.name.equals("conda")) {
                c.url(c.args.get(i + 1).value());
            } else if ((v.equals("-r") || v.equals("--requirement")) && i + 1 < c.args.size()
                    && !c.name.equals("twine")) {
                c.path(c.args.get(i + 1), Access.READ);
            }
        }
        if (w.isEmpty()) {
            if (c.name.equals("pipenv") || c.name.equals("uv")) {
                return;
            }
            return;
        }
        String sub = w.getFirst();
        if (c.name.equals("uv") && sub.equals("pip") && w.size() > 1) {
            sub = w.get(1);
        }
        if (c.name.equals("uv") && sub.equals("tool") && w.size() > 1) {
            sub = w.get(1);
        }
        switch (sub) {
            case "publish", "upload" -> {
                c.tag(Capability.PUBLISH, Scope.OUTSIDE, c.name + " " + sub + " publishes a package: " + text);
                c.network(c.name + " " + sub + ": " + text);
                if (c.anyArg("--password", "--token", "-p") || text.contains("--password") || text.contains(
                        "--token")) {
                    c.tag(Capability.SECRET_RESOLVE, Scope.OUTSIDE, c.name + " " + sub + " with credentials: " + text);
                }
            }
            case "install", "download", "wheel", "add", "sync", "lock", "update", "upgrade", "index", "search",
                    "create", "env", "self", "fetch", "inject", "reinstall", "upgrade-all",
                    "install-all", "compile", "tree?" -> {
                c.network(c.name + " " + sub + " downloads packages: " + text);
                if (c.name.equals("pip") && sub.equals("install") && !c.anyArg("--user") && (c.via.contains("sudo")
                        || c.anyArg("--break-system-packages"))) {
                    c.tag(Capability.WRITE_FILE, Scope.OUTSIDE, "pip installs into the system Python: " + text);
                }
                for (String word : w.subList(1, w.size())) {
                    if (word.contains("://")) {
                        c.url(word.replaceFirst("^git\\+", ""));
                    }
                }
            }
            case "run", "exec" -> {
                c.network(c.name + " run may download packages: " + text);
                int idx = indexOfWord(c.args, sub);
                List<Arg> inner = dropLeadingOptions(c.args.subList(idx + 1, c.args.size()));
                if (!inner.isEmpty()) {
                    c.inner(inner);
                }
            }
            case "config" -> {
                if (text.contains("token") || text.contains("password") || text.contains("http-basic")) {
                    c.tag(Capability.SECRET_RESOLVE, Scope.OUTSIDE, c.name + " config stores credentials: " + text);
                }
            }
            case "shell" -> Wrappers.interactiveShell(c);
            default -> { }
        }
    }

    // ------------------------------------------------------------------------------------------------ others

    private static void gem(Call c) {
        List<String> w = CommandTable.words(c.args);
        if (w.isEmpty()) {
            if (c.name.startsWith("bundle")) {
                c.network("bundle installs gems: " + c.text);
            }
            return;
        }
        String sub = w.getFirst();
        switch (sub) {
            case "push", "yank", "owner", "release" -> {
                c.tag(Capability.PUBLISH, Scope.OUTSIDE, c.name + " " + sub + ": " + c.text);
                c.network(c.name + " " + sub + ": " + c.text);
            }
            case "signin", "login" -> c.tag(Capability.SECRET_RESOLVE, Scope.OUTSIDE, c.name + " " + sub + ": "
                    + c.text);
            case "install", "update", "fetch", "outdated", "search", "sources", "add", "lock", "cache", "binstubs?" -> {
                c.network(c.name + " " + sub + " downloads gems: " + c.text);
                if (sub.equals("sources") && c.anyArg("-a", "--add")) {
                    c.tag(Capability.WRITE_FILE, Scope.OUTSIDE, "gem sources --add changes the gem source: " + c.text);
                }
            }
            case "exec" -> {
                int idx = indexOfWord(c.args, "exec");
                List<Arg> inner = c.args.subList(Math.min(idx + 1, c.args.size()), c.args.size());
                if (!inner.isEmpty()) {
                    c.inner(inner);
                }
            }
            default -> { }
        }
    }

    private static void cargo(Call c) {
        List<String> w = VcsCommands.words(c.args, Set.of("--registry", "--index", "--token", "-p", "--package",
                "--manifest-path", "--target", "--features", "-F", "-j", "--jobs", "--profile", "--target-dir",
                "--root", "--git", "--branch", "--tag", "--rev", "--path", "--version", "--vers", "--color", "-Z",
                "--config"));
        if (w.isEmpty()) {
            return;
        }
        String sub = w.getFirst();
        String text = c.text;
        if (c.name.equals("rustup")) {
            if (sub.equals("self") && w.size() > 1 && w.get(1).equals("uninstall")) {
                c.tag(Capability.SYSTEM_DISRUPTION, Scope.OUTSIDE, "rustup self uninstall removes the toolchain: "
                        + text);
            } else if (Set.of("update", "install", "toolchain", "target", "component", "self", "default", "up")
                    .contains(sub)) {
                if (w.size() > 1 && Set.of("uninstall", "remove").contains(w.get(1))) {
                    c.tag(Capability.SYSTEM_DISRUPTION, Scope.OUTSIDE, "rustup " + sub + " " + w.get(1) + ": " + text);
                } else {
                    c.network("rustup downloads toolchains: " + text);
                }
            }
            return;
        }
        switch (sub) {
            case "publish", "yank", "owner" -> {
                if (sub.equals("owner") && !c.anyArg("--add", "-a", "--remove", "-r")) {
                    c.network("cargo owner: " + text);
                    return;
                }
                c.tag(Capability.PUBLISH, Scope.OUTSIDE, "cargo " + sub + ": " + text);
                c.network("cargo " + sub + ": " + text);
            }
            case "login" -> c.tag(Capability.SECRET_RESOLVE, Scope.OUTSIDE, "cargo login stores a token: " + text);
            case "install", "fetch", "update", "search", "add", "generate-lockfile", "vendor", "binstall" -> {
                c.network("cargo " + sub + " downloads crates: " + text);
                if (sub.equals("install")) {
                    c.tag(Capability.WRITE_FILE, Scope.OUTSIDE, "cargo install installs a program: " + text);
                }
            }
            default -> { }
        }
    }

    private static void go(Call c) {
        List<String> w = CommandTable.words(c.args);
        if (w.isEmpty()) {
            return;
        }
        String sub = w.getFirst();
        if (Set.of("get", "install", "mod", "work").contains(sub) && !(sub.equals("mod") && w.size() > 1
                && Set.of("init", "edit", "graph", "why").contains(w.get(1)))) {
            c.network("go " + sub + " downloads modules: " + c.text);
        }
        if (sub.equals("run") && w.size() > 1 && w.get(1).contains("@")) {
            c.network("go run downloads and runs a module: " + c.text);
        } else if (sub.equals("run")) {
            for (String f : w.subList(1, w.size())) {
                if (f.endsWith(".go") || CommandTable.isPathLike(f)) {
                    c.w.executeFile(Arg.lit(f), c.env, c.stdin, c.depth, "go run ");
                    break;
                }
            }
        }
        if (sub.equals("generate")) {
            c.tag(Capability.EXEC_COMMAND, Scope.INSIDE, "go generate runs commands named in source files: "
                    + c.text);
        }
    }

    private static void maven(Call c) {
        List<String> w = VcsCommands.words(c.args, Set.of("-f", "--file", "-s", "--settings", "-P", "--activate-profiles",
                "-pl", "--projects", "-t", "-gs", "--global-settings", "-l", "--log-file", "-T", "--threads",
                "-b", "--builder", "-rf", "--resume-from", "-p", "--project-dir", "-I", "--init-script", "-c",
                "--settings-file", "-x", "--exclude-task", "--max-workers", "-g", "--gradle-user-home"));
        String text = c.text;
        boolean publish = false;
        for (String goal : w) {
            String g = goal.toLowerCase(Locale.ROOT);
            if (g.equals("deploy") || g.startsWith("deploy:") || g.equals("site-deploy") || g.startsWith("release:")
                    || g.startsWith("publish") || g.equals("uploadarchives") || g.contains("bintrayupload")
                    || g.contains("artifactorypublish") || g.startsWith("jib") && !g.contains("dockerbuild")
                    && !g.contains("buildtar") || g.contains("nexus-staging") || g.contains("closeandrelease")
                    || g.contains("releaserepository") || g.equals("publishsigned") || g.contains("sonatype")
                    || g.equals("dockerfile:push") || g.equals("docker:push") || g.contains(":publish")
                    || g.equals("publishplugins") || g.equals("publishtomavencentral")) {
                publish = true;
            }
        }
        if (publish) {
            c.tag(Capability.PUBLISH, Scope.OUTSIDE, c.name + " publishes artifacts: " + text);
            c.network(c.name + " uploads artifacts: " + text);
        } else if (!w.isEmpty() && !c.anyArg("-o", "--offline")) {
            c.network(c.name + " may download dependencies: " + text);
        }
        if (w.stream().anyMatch(x -> x.equals("release:prepare") || x.equals("release:perform"))) {
            c.tag(Capability.VCS_REMOTE_WRITE, Scope.UNKNOWN, c.name + " release pushes tags: " + text);
        }
        for (String g : w) {
            if (g.toLowerCase(Locale.ROOT).matches(".*(flyway:clean|liquibase:dropall|dropall).*")) {
                c.tag(Capability.DB_DESTRUCTIVE, Scope.UNKNOWN, c.name + " " + g + ": " + text);
            } else if (g.toLowerCase(Locale.ROOT).matches(".*(flyway:migrate|liquibase:update|flywaymigrate|update"
                    + "database).*")) {
                c.tag(Capability.DB_WRITE, Scope.UNKNOWN, c.name + " " + g + ": " + text);
            }
            if (g.toLowerCase(Locale.ROOT).matches(".*deploy.*") && !publish && c.name.contains("gradle")) {
                c.tag(Capability.DEPLOY, Scope.OUTSIDE, c.name + " " + g + ": " + text);
            }
        }
    }

    private static void dotnet(Call c) {
        List<String> w = CommandTable.words(c.args);
        String text = c.text;
        if (w.isEmpty()) {
            return;
        }
        if (c.name.equals("nuget")) {
            if (w.contains("push") || w.contains("delete")) {
                c.tag(Capability.PUBLISH, Scope.OUTSIDE, "nuget push: " + text);
            }
            c.network("nuget: " + text);
            return;
        }
        String sub = w.getFirst();
        switch (sub) {
            case "nuget" -> {
                if (w.contains("push") || w.contains("delete")) {
                    c.tag(Capability.PUBLISH, Scope.OUTSIDE, "dotnet nuget " + w.get(1) + ": " + text);
                }
                c.network("dotnet nuget: " + text);
            }
            case "ef" -> {
                String joined = String.join(" ", w);
                if (joined.contains("database drop")) {
                    c.tag(Capability.DB_DESTRUCTIVE, Scope.UNKNOWN, "dotnet ef " + joined + ": " + text);
                } else if (joined.contains("database update")) {
                    c.tag(Capability.DB_WRITE, Scope.UNKNOWN, "dotnet ef database update: " + text);
                }
                if (CommandTable.hasProdMarker(c)) {
                    c.tag(Capability.DEPLOY, Scope.OUTSIDE, "dotnet ef against production: " + text);
                }
            }
            case "add", "restore", "tool", "new", "workload" -> {
                if (!(sub.equals("new") && !c.anyArg("install", "-i", "--install"))) {
                    c.network("dotnet " + sub + " downloads packages: " + text);
                }
            }
            case "fsi" -> {
                if (c.stdin.present()) {
                    c.runStdin(Walker.Interpreter.OTHER);
                }
            }
            default -> { }
        }
    }

    private static void brew(Call c) {
        List<String> w = CommandTable.words(c.args);
        if (w.isEmpty()) {
            return;
        }
        String sub = w.getFirst();
        String text = c.text;
        switch (sub) {
            case "install", "reinstall", "upgrade", "update", "tap", "fetch", "bundle", "selfupdate", "sync" -> {
                if (sub.equals("bundle") && w.size() > 1 && w.get(1).equals("cleanup") && c.anyArg("--force")) {
                    c.tag(Capability.SYSTEM_DISRUPTION, Scope.OUTSIDE, "brew bundle cleanup --force uninstalls "
                            + "packages: " + text);
                    return;
                }
                c.network(c.name + " " + sub + " downloads packages: " + text);
                if (!sub.equals("update") && !sub.equals("fetch") && !sub.equals("selfupdate")) {
                    c.tag(Capability.WRITE_FILE, Scope.OUTSIDE, c.name + " " + sub + " installs software: " + text);
                }
            }
            case "uninstall", "remove", "rm", "autoremove", "untap", "cleanup", "zap" -> {
                if (sub.equals("cleanup") && !c.anyArg("-s", "--prune=all", "--prune")) {
                    return;
                }
                c.tag(Capability.SYSTEM_DISRUPTION, Scope.OUTSIDE, c.name + " " + sub + " removes software: " + text);
            }
            case "services" -> {
                String verb = w.size() > 1 ? w.get(1) : "";
                if (verb.equals("start") || verb.equals("restart")) {
                    c.tag(Capability.PERSISTENCE, Scope.OUTSIDE, "brew services " + verb
                            + " registers a login service: " + text);
                } else if (verb.equals("stop") || verb.equals("kill") || verb.equals("cleanup")) {
                    c.tag(Capability.SYSTEM_DISRUPTION, Scope.OUTSIDE, "brew services " + verb + ": " + text);
                }
            }
            default -> { }
        }
    }

    private static void systemPm(Call c) {
        List<String> w = CommandTable.words(c.args);
        String text = c.text;
        String sub = w.isEmpty() ? "" : w.getFirst();
        if (c.name.equals("xbps-remove") || c.name.equals("pkg_delete")) {
            sub = "remove";
        }
        if (c.name.equals("xbps-install") || c.name.equals("pkg_add")) {
            sub = "install";
        }
        if (c.name.equals("nix-env")) {
            sub = c.anyArg("-i", "--install", "-iA", "-u", "--upgrade") ? "install" : c.anyArg("-e", "--uninstall")
                    ? "remove" : "";
        }
        if (c.name.equals("emerge")) {
            sub = c.anyArg("-C", "--unmerge", "--depclean", "-c") ? "remove" : w.isEmpty() ? "" : "install";
        }
        if (c.name.equals("apk") && sub.equals("add")) {
            sub = "install";
        }
        if (c.name.equals("apk") && sub.equals("del")) {
            sub = "remove";
        }
        if (c.name.equals("zypper") && (sub.equals("in") || sub.equals("up") || sub.equals("dup"))) {
            sub = "install";
        }
        if (c.name.equals("zypper") && (sub.equals("rm") || sub.equals("remove"))) {
            sub = "remove";
        }
        switch (sub) {
            case "install", "reinstall", "upgrade", "dist-upgrade", "full-upgrade", "build-dep", "source", "download",
                    "localinstall", "groupinstall", "update", "update-minimal", "distro-sync", "system-upgrade",
                    "dup", "add", "in", "i", "sync", "refresh", "makecache", "check-update", "add-repo", "addrepo",
                    "ar", "config-manager" -> {
                c.network(c.name + " " + sub + " downloads packages: " + text);
                if (!sub.equals("update") && !sub.equals("makecache") && !sub.equals("check-update")
                        && !sub.equals("refresh") && !sub.equals("download") || c.name.equals("yum")
                        && sub.equals("update") || c.name.equals("dnf") && sub.equals("update")) {
                    c.tag(Capability.PRIVILEGE, Scope.OUTSIDE, c.name + " " + sub + " installs system packages: "
                            + text);
                }
                if (sub.equals("system-upgrade") && w.contains("reboot")) {
                    c.tag(Capability.SYSTEM_DISRUPTION, Scope.OUTSIDE, c.name + " system-upgrade reboot: " + text);
                }
            }
            case "remove", "purge", "autoremove", "erase", "del", "uninstall", "autoclean", "clean", "rm",
                    "group", "groupremove" -> {
                if ((sub.equals("clean") || sub.equals("autoclean")) && !c.name.equals("dnf")
                        || sub.equals("group") && !w.contains("remove") && !w.contains("erase")) {
                    return;
                }
                if (sub.equals("clean")) {
                    return;
                }
                c.tag(Capability.SYSTEM_DISRUPTION, Scope.OUTSIDE, c.name + " " + sub + " removes system packages: "
                        + text);
            }
            default -> { }
        }
    }

    private static void pacman(Call c) {
        String text = c.text;
        for (Arg a : c.args) {
            String v = a.value();
            if (!a.literal() || !v.startsWith("-") || v.startsWith("--")) {
                if (v.equals("--remove")) {
                    c.tag(Capability.SYSTEM_DISRUPTION, Scope.OUTSIDE, c.name + " removes packages: " + text);
                    return;
                }
                if (v.equals("--sync") || v.equals("--upgrade")) {
                    c.network(c.name + " downloads packages: " + text);
                    c.tag(Capability.PRIVILEGE, Scope.OUTSIDE, c.name + " installs system packages: " + text);
                    return;
                }
                continue;
            }
            char op = v.length() > 1 ? v.charAt(1) : ' ';
            if (op == 'R') {
                c.tag(Capability.SYSTEM_DISRUPTION, Scope.OUTSIDE, c.name + " removes packages: " + text);
                return;
            }
            if (op == 'S' || op == 'U') {
                String rest = v.substring(2);
                if (rest.matches(".*[silgpch].*") && !rest.contains("y") && !rest.contains("u")) {
                    return; // search, info, list, groups, print, clean, help
                }
                c.network(c.name + " downloads packages: " + text);
                c.tag(Capability.PRIVILEGE, Scope.OUTSIDE, c.name + " installs system packages: " + text);
                return;
            }
            if (op == 'Q' || op == 'F' || op == 'T' || op == 'D') {
                return;
            }
        }
        if (c.args.isEmpty() && !c.name.equals("pacman")) {
            c.network(c.name + " upgrades packages: " + text);
        }
    }

    private static void dpkg(Call c) {
        String text = c.text;
        for (Arg a : c.args) {
            String v = a.value();
            if (v.equals("-r") || v.equals("-P") || v.equals("--remove") || v.equals("--purge") || v.equals("-e")
                    || v.equals("--erase") || v.equals("--forget")) {
                c.tag(Capability.SYSTEM_DISRUPTION, Scope.OUTSIDE, c.name + " removes packages: " + text);
                return;
            }
            if (v.equals("-i") || v.equals("--install") || v.equals("-U") || v.equals("--upgrade")
                    || v.matches("-[iUF][vh]*") || v.equals("-pkg") || v.equals("--unpack") || v.equals("--configure")
                    || v.equals("-target")) {
                c.tag(Capability.PRIVILEGE, Scope.OUTSIDE, c.name + " installs system packages: " + text);
                for (Arg f : c.args) {
                    if (f.literal() && CommandTable.isPathLike(f.value()) || f.value().endsWith(".deb")
                            || f.value().endsWith(".rpm") || f.value().endsWith(".pkg")) {
                        c.path(f, Access.READ);
                    }
                }
                return;
            }
        }
    }

    /** A package manager whose subcommands are network, publish or removal verbs. */
    private static void simplePm(Call c, Set<String> network, Set<String> publish, Set<String> removal) {
        List<String> w = CommandTable.words(c.args);
        for (String word : w) {
            if (publish.contains(word)) {
                c.tag(Capability.PUBLISH, Scope.OUTSIDE, c.name + " " + word + ": " + c.text);
                c.network(c.name + " " + word + ": " + c.text);
                return;
            }
            if (removal.contains(word)) {
                c.tag(Capability.SYSTEM_DISRUPTION, Scope.OUTSIDE, c.name + " " + word + " removes software: "
                        + c.text);
                return;
            }
            if (network.contains(word)) {
                c.network(c.name + " " + word + " downloads packages: " + c.text);
                if (c.name.equals("snap") && word.equals("install")) {
                    c.tag(Capability.PRIVILEGE, Scope.OUTSIDE, "snap install installs system software: " + c.text);
                }
                return;
            }
            break;
        }
    }

    private static void make(Call c) {
        Call.Opts o = c.opts("-f", "--file", "--makefile", "-C", "--directory", "-I", "--include-dir", "-j", "--jobs",
                "-l", "--load-average", "-o", "--old-file", "-W", "--what-if", "--eval", "-E", "--assume-new",
                "--assume-old", "--new-file");
        c.paths(o.all("-f", "--file", "--makefile"), Access.READ);
        for (Arg e : o.all("--eval", "-E")) {
            String v = e.value();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\$\\((shell|file)\\s+([^)]*)\\)").matcher(v);
            boolean any = false;
            while (m.find()) {
                any = true;
                if (m.group(1).equals("shell")) {
                    c.script(m.group(2), "make $(shell)");
                } else {
                    String spec = m.group(2).strip();
                    String file = spec.replaceFirst("^[<>]+", "").split(",")[0].strip();
                    c.path(Arg.lit(file), spec.startsWith(">") ? Access.WRITE : Access.READ);
                }
            }
            if (!any) {
                c.tag(Capability.OBFUSCATED, Scope.UNKNOWN, "make --eval injects make code: " + c.text);
            }
        }
        for (Arg a : o.positional) {
            String v = a.value();
            if (v.contains("=")) {
                String var = v.substring(0, v.indexOf('='));
                String val = v.substring(v.indexOf('=') + 1);
                if (val.contains("$(shell") || var.equals("SHELL") && !val.matches("(/usr)?/bin/(ba)?sh")) {
                    c.tag(Capability.OBFUSCATED, Scope.UNKNOWN, "make variable runs commands: " + c.text);
                }
                continue;
            }
            String t = v.toLowerCase(Locale.ROOT);
            if (t.matches("(deploy|release|publish|upload|push)([-_:].*)?")) {
                c.tag(t.startsWith("deploy") ? Capability.DEPLOY : Capability.PUBLISH, Scope.OUTSIDE, c.name + " "
                        + v + ": " + c.text);
            }
            if (t.matches("install") && c.via.contains("sudo")) {
                c.tag(Capability.WRITE_FILE, Scope.OUTSIDE, "make install writes system paths: " + c.text);
            }
            DeployCommands.dbTask(c, v);
        }
    }

    private static void compiler(Call c) {
        for (int i = 0; i < c.args.size(); i++) {
            Arg a = c.args.get(i);
            String v = a.value();
            if (!a.literal()) {
                continue;
            }
            if ((v.equals("-o") || v.equals("--outDir") || v.equals("--outfile") || v.equals("-d")) && i + 1 < c.args
                    .size()) {
                c.path(c.args.get(++i), Access.WRITE);
            } else if (v.startsWith("@") && v.length() > 1) {
                c.path(Arg.lit(v.substring(1)), Access.READ);
            } else if (v.equals("-wrapper") && i + 1 < c.args.size()) {
                String wrapper = c.args.get(++i).value().split(",")[0];
                c.inner(List.of(Arg.lit(wrapper)));
            } else if (v.startsWith("-fplugin=") || v.startsWith("-load=") || v.equals("-fplugin")) {
                c.tag(Capability.OBFUSCATED, Scope.UNKNOWN, c.name + " loads a compiler plugin: " + c.text);
            } else if (!v.startsWith("-") && CommandTable.isPathLike(v)) {
                c.path(a, Access.READ);
            }
        }
        if (c.name.equals("configure") || c.name.equals("./configure") || c.name.startsWith("auto")) {
            for (Arg a : c.args) {
                if (a.literal() && a.value().startsWith("--prefix=") && !a.value().contains(c.w.ctx.workingDirectory()
                        .toString())) {
                    c.tag(Capability.WRITE_FILE, Scope.OUTSIDE, "installs to " + a.value());
                }
            }
        }
    }
}
