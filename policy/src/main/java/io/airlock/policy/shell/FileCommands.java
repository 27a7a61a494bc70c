package io.airlock.policy.shell;

import static io.airlock.policy.shell.CommandTable.register;

import io.airlock.policy.analysis.Access;
import io.airlock.policy.tags.Capability;
import io.airlock.policy.tags.Scope;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Programs that read, write, delete, archive and edit files, plus the shell's own text producers (echo, printf,
 * cat) and decoders (base64 -d, xxd -r ...), which matter when their output is piped into a shell.
 */
final class FileCommands {

    private FileCommands() {}

    static void install() {
        register(FileCommands::echo, "echo");
        register(FileCommands::printf, "printf");
        register(c -> c.output(Flow.EMPTY), ":", "true", "false");
        register(FileCommands::cat, "cat", "tac", "nl", "zcat", "bzcat", "xzcat", "lzcat", "zstdcat", "gzcat");
        register(c -> readFiles(c, Set.of("-n", "-c", "--lines", "--bytes", "-s", "--sleep-interval", "--pid",
                "-q")), "head", "tail");
        register(c -> readFiles(c, Set.of("-t", "--tabs", "-w", "--width", "-S", "-s", "-W", "-e", "--sep-string",
                "-f", "--fields", "-d", "--delimiter", "-c", "--characters", "-b", "--bytes", "-k", "--key", "-T",
                "--temporary-directory", "--parallel", "--batch-size", "-j", "-o", "--output", "-x", "-N", "-l",
                "-A", "--address-radix", "--skip-bytes", "--read-bytes", "-g", "-C", "--cols", "-len",
                "-seek", "-skip", "--files0-from", "-E", "--columns", "-L", "--max-count", "-i", "--input-range",
                "-n", "--head-count", "-r", "--random-source", "-z", "-a", "--file", "-F")),
                "less", "more", "most", "pg", "view", "bat", "batcat", "od", "hexdump", "hd", "strings", "wc", "sort",
                "uniq", "cut", "paste", "join", "comm", "diff", "cmp", "sdiff", "diff3", "colordiff", "md5sum",
                "sha1sum", "sha224sum", "sha256sum", "sha384sum", "sha512sum", "b2sum", "cksum", "sum", "md5",
                "shasum", "file", "stat", "fold", "fmt", "expand", "unexpand", "pr", "column", "shuf", "look",
                "readelf", "objdump", "nm", "size", "zless", "zmore", "zdiff", "zcmp", "lsattr", "getfacl", "namei",
                "du", "ls", "dir", "vdir", "tree", "exa", "eza", "lsd", "realpath", "readlink", "pygmentize",
                "highlight", "xmllint", "tidy", "pdftotext", "pdfinfo", "exiftool", "mediainfo", "identify",
                "ffprobe", "iconv", "csvlook", "csvcut", "mlr", "dos2unix", "unix2dos", "sha3sum", "rhash",
                "hashdeep", "ssdeep", "tail", "rev", "nroff", "groff", "troff", "man2html", "cut");
        register(FileCommands::grep, "grep", "egrep", "fgrep", "zgrep", "rg", "ag", "ack", "ack-grep", "git-grep",
                "ugrep", "pt", "sift");
        register(FileCommands::sed, "sed", "gsed");
        register(FileCommands::jq, "jq", "yq", "gojq", "jaq", "xq");
        register(FileCommands::tee, "tee");
        register(FileCommands::cp, "cp", "gcp", "rsync-local");
        register(FileCommands::mv, "mv", "gmv");
        register(FileCommands::install, "install", "ginstall");
        register(FileCommands::ln, "ln");
        register(c -> c.paths(c.opts("-r", "--reference", "-d", "--date", "-t").positional, Access.WRITE), "touch");
        register(c -> c.paths(c.opts("-m", "--mode", "-Z", "--context").positional, Access.WRITE), "mkdir", "mkfifo",
                "mknod");
        register(FileCommands::rm, "rm", "grm", "srm", "wipe", "trash", "trash-put", "rmtrash", "sdelete");
        register(c -> {
            for (Arg a : c.opts().positional) {
                c.path(a, Access.DELETE);
                Wrappers.recursiveRootCheck(c, a, c.name);
            }
        }, "rmdir", "unlink");
        register(FileCommands::shred, "shred");
        register(FileCommands::truncate, "truncate");
        register(FileCommands::dd, "dd", "dcfldd", "dc3dd");
        register(FileCommands::tar, "tar", "gtar", "bsdtar");
        register(FileCommands::zip, "zip");
        register(FileCommands::unzip, "unzip", "funzip", "unar", "unrar", "lsar");
        register(FileCommands::sevenZip, "7z", "7za", "7zr", "7zz");
        register(FileCommands::compress, "gzip", "gunzip", "bzip2", "bunzip2", "xz", "unxz", "zstd", "unzstd", "lz4",
                "lzma", "unlzma", "compress", "uncompress", "brotli", "pigz", "pbzip2", "lzip");
        register(FileCommands::base64, "base64", "base32", "basenc", "gbase64");
        register(FileCommands::xxd, "xxd");
        register(c -> {
            readFiles(c, Set.of());
            c.outputTaint(Taint.DECODED);
        }, "uudecode", "ascii85", "base58", "base85", "base45", "base62", "base91", "z85");
        register(c -> {
            c.paths(c.opts("-o").positional, Access.READ);
        }, "uuencode");
        register(FileCommands::editor, "vi", "vim", "nvim", "gvim", "ex", "rvim", "view", "nano", "pico", "emacs",
                "emacsclient", "ed", "red", "joe", "jed", "mcedit", "micro", "gedit", "kate", "code", "code-insiders",
                "subl", "mate", "hx", "helix", "kak", "zed", "vis", "mg", "ne", "le", "jmacs", "jpico", "jstar",
                "rjoe", "cursor", "windsurf");
        register(FileCommands::cd, "cd", "pushd", "popd", "chdir");
        register(FileCommands::split, "split", "csplit");
        register(FileCommands::patch, "patch");
        register(c -> {
            Call.Opts o = c.opts("-F", "--format", "-H", "-O", "--format", "-I", "-E", "-D", "-R", "--rsh-command",
                    "-M", "--message", "-e", "--owner", "-C", "--io-size", "--block-size");
            c.paths(o.all("-F", "--file", "-I", "-O"), o.has("-o", "--create") ? Access.WRITE : Access.READ);
            if (o.has("-i", "--extract")) {
                c.path(Arg.lit("."), Access.WRITE);
            }
            if ((o.has("-o", "--create") || o.has("-p", "--pass-through")) && c.stdin.text() != null) {
                for (String line : c.stdin.text().split("\n")) {
                    if (!line.isBlank()) {
                        c.path(Arg.lit(line.strip()), Access.READ);
                    }
                }
            } else if (o.has("-o", "--create") || o.has("-p", "--pass-through")) {
                c.tag(Capability.READ_FILE, Scope.UNKNOWN, "cpio reads the files named on its input: " + c.text);
            }
            if (o.has("-p", "--pass-through") && !o.positional.isEmpty()) {
                c.path(o.positional.getLast(), Access.WRITE);
            }
            c.outputTaint(Taint.DYNAMIC);
        }, "cpio");
        register(c -> {
            for (Arg a : c.args) {
                if (a.literal() && CommandTable.isPathLike(a.value())) {
                    c.path(a, Access.READ);
                }
            }
        }, "pax", "ar", "jar", "rar");
        register(c -> {
            Call.Opts o = c.opts("-o", "--output", "-d", "--output-dir", "-t", "-f", "--from", "--to", "-w",
                    "--write", "-r", "--read", "--template", "--metadata-file", "--defaults", "-M", "--metadata",
                    "--lua-filter", "-F", "--filter", "--resource-path", "-V", "--variable", "--reference-doc", "-c",
                    "--css", "-H", "--include-in-header", "-B", "--include-before-body", "-A",
                    "--include-after-body");
            c.paths(o.all("-o", "--output"), Access.WRITE);
            c.paths(o.positional, Access.READ);
            c.paths(o.all("-F", "--filter", "--lua-filter"), Access.EXECUTE);
        }, "pandoc");
    }

    // ------------------------------------------------------------------------------------------------ text

    private static void echo(Call c) {
        int i = 0;
        boolean newline = true;
        boolean escapes = false;
        while (i < c.args.size() && c.args.get(i).literal() && c.args.get(i).value().matches("-[neE]+")) {
            String f = c.args.get(i).value();
            newline &= !f.contains("n");
            escapes = f.contains("e") || (escapes && !f.contains("E"));
            i++;
        }
        produceText(c, c.args.subList(i, c.args.size()), " ", newline ? "\n" : "", escapes);
    }

    private static void printf(Call c) {
        List<Arg> args = c.args;
        int i = 0;
        if (i < args.size() && args.get(i).literal() && args.get(i).value().equals("-v")) {
            if (i + 1 < args.size()) {
                c.env.setUnknown(args.get(i + 1).value());
            }
            c.output(Flow.EMPTY);
            return;
        }
        if (i < args.size() && args.get(i).literal() && args.get(i).value().equals("--")) {
            i++;
        }
        if (i >= args.size()) {
            c.output(Flow.EMPTY);
            return;
        }
        Arg format = args.get(i);
        List<Arg> rest = args.subList(i + 1, args.size());
        if (!format.literal()) {
            c.output(Flow.tainted(taintOf(args, true)));
            return;
        }
        String fmt = format.value();
        StringBuilder out = new StringBuilder();
        boolean literal = true;
        boolean decoded = hasEscapes(fmt);
        int argIndex = 0;
        int rounds = 0;
        do {
            for (int k = 0; k < fmt.length(); k++) {
                char ch = fmt.charAt(k);
                if (ch == '%' && k + 1 < fmt.length()) {
                    int j = k + 1;
                    while (j < fmt.length() && "-+ #0123456789.".indexOf(fmt.charAt(j)) >= 0) {
                        j++;
                    }
                    if (j >= fmt.length()) {
                        break;
                    }
                    char conv = fmt.charAt(j);
                    k = j;
                    if (conv == '%') {
                        out.append('%');
                        continue;
                    }
                    Arg a = argIndex < rest.size() ? rest.get(argIndex++) : Arg.lit("");
                    literal &= a.literal();
                    if (conv == 'b') {
                        decoded |= hasEscapes(a.value());
                        out.append(Words.decodePrintf(a.value()));
                    } else if (conv == 'c') {
                        out.append(a.value().isEmpty() ? "" : a.value().substring(0, 1));
                    } else {
                        out.append(a.value());
                    }
                } else {
                    out.append(ch);
                }
            }
            rounds++;
        } while (argIndex > 0 && argIndex < rest.size() && rounds < 64);
        String text = Words.decodePrintf(out.toString());
        var taint = taintOf(args, !literal);
        if (decoded) {
            taint.add(Taint.DECODED);
        }
        c.output(new Flow(true, taint, literal ? text : null, null, null));
    }

    private static void produceText(Call c, List<Arg> words, String sep, String end, boolean escapes) {
        StringBuilder sb = new StringBuilder();
        boolean literal = true;
        boolean decoded = false;
        for (Arg a : words) {
            if (!sb.isEmpty()) {
                sb.append(sep);
            }
            sb.append(a.value());
            literal &= a.literal();
            if (escapes && hasEscapes(a.value())) {
                decoded = true;
            }
        }
        sb.append(end);
        String text = escapes ? Words.decodePrintf(sb.toString()) : sb.toString();
        var taint = taintOf(words, !literal);
        if (decoded) {
            taint.add(Taint.DECODED);
        }
        c.output(new Flow(true, taint, literal ? text : null, null, null));
    }

    private static final Pattern ESCAPES = Pattern.compile("\\\\(x[0-9a-fA-F]|[0-7]{2,3}|u[0-9a-fA-F]{4})");

    private static boolean hasEscapes(String s) {
        Matcher m = ESCAPES.matcher(s);
        int n = 0;
        while (m.find()) {
            if (++n >= 2) {
                return true;
            }
        }
        return false;
    }

    private static java.util.EnumSet<Taint> taintOf(List<Arg> args, boolean dynamic) {
        var taint = java.util.EnumSet.noneOf(Taint.class);
        for (Arg a : args) {
            taint.addAll(a.taint());
        }
        if (dynamic) {
            taint.add(Taint.DYNAMIC);
        }
        return taint;
    }

    private static void cat(Call c) {
        Call.Opts o = c.opts();
        List<Arg> files = new ArrayList<>();
        for (Arg a : o.positional) {
            if (!(a.literal() && a.value().equals("-"))) {
                files.add(a);
            }
        }
        c.paths(files, Access.READ);
        if (files.isEmpty()) {
            c.output(c.stdin.present() ? c.stdin : Flow.TERMINAL);
            if (!c.stdin.present()) {
                c.output(Flow.tainted(Set.of(Taint.DYNAMIC)));
            }
            return;
        }
        if (files.size() == 1 && c.name.equals("cat") && !c.stdin.present()) {
            Arg f = files.getFirst();
            if (f.literal() && f.value().equals("/dev/null")) {
                c.output(Flow.EMPTY);
                return;
            }
            Path p = c.resolve(f);
            Flow known = p == null ? null : c.w.files.get(p);
            if (known != null) {
                c.output(new Flow(true, known.taint(), known.text(), p, f.value()));
            } else if (f.literal() && (f.value().startsWith("/dev/tcp/") || f.value().startsWith("/dev/udp/"))) {
                c.output(Flow.tainted(Set.of(Taint.NETWORK)));
            } else {
                c.output(Flow.ofFile(p, f.value(), f.literal() ? Set.of() : Set.of(Taint.DYNAMIC)));
            }
            return;
        }
        var taint = java.util.EnumSet.of(Taint.DYNAMIC);
        for (Arg f : files) {
            Path p = c.resolve(f);
            Flow known = p == null ? null : c.w.files.get(p);
            if (known != null) {
                taint.addAll(known.taint());
            }
        }
        c.output(Flow.tainted(taint));
    }

    /** Positional arguments are files read; options in {@code withValue} take a value. */
    static void readFiles(Call c, Set<String> withValue) {
        Call.Opts o = Call.Opts.parse(c.args, withValue, false);
        for (Arg a : o.positional) {
            if (a.literal() && (a.value().equals("-") || a.value().matches("\\+?\\d+"))) {
                continue;
            }
            if (a.literal() && a.value().startsWith("@") && a.value().length() > 1) {
                a = Arg.lit(a.value().substring(1));
            }
            c.path(a, Access.READ);
        }
        Set<String> outputs = Set.of("-o", "--output");
        for (var e : o.values.entrySet()) {
            for (Arg v : e.getValue()) {
                if (outputs.contains(e.getKey()) && !c.name.equals("od") && !c.name.equals("xxd")) {
                    c.path(v, Access.WRITE);
                } else if (v.literal()) {
                    String t = v.value().startsWith("@") ? v.value().substring(1) : v.value();
                    if (t.length() > 1 && CommandTable.isPathLike(t) && (t.startsWith("/") || t.startsWith("~")
                            || t.startsWith("."))) {
                        c.path(Arg.lit(t), Access.READ);
                    }
                }
            }
        }
        if (c.name.equals("dos2unix") || c.name.equals("unix2dos")) {
            c.paths(o.positional, Access.WRITE);
        }
        if ((c.name.equals("less") || c.name.equals("more")) && (o.value("-o") != null)) {
            c.path(o.value("-o"), Access.WRITE);
        }
        for (Arg f : o.all("--files0-from", "-f", "--file")) {
            c.path(f, Access.READ);
        }
        if (c.name.equals("exiftool")) {
            for (Arg a : c.args) {
                if (a.literal() && a.value().startsWith("-") && a.value().contains("<=")) {
                    c.path(Arg.lit(a.value().substring(a.value().indexOf("<=") + 2)), Access.READ);
                }
            }
            c.paths(o.all("-o"), Access.WRITE);
        }
        if (c.name.equals("rev") || c.name.equals("tac")) {
            c.outputTaint(Taint.DECODED);
        }
    }

    private static final Pattern SECRET_PATTERN = Pattern.compile(
            "(?i).*(passw|secret|token|api[_-]?key|apikey|private[ _-]?key|BEGIN .*PRIVATE|aws_access|aws_secret"
                    + "|credential|auth_?token|bearer|client_secret|ssh-rsa|-----BEGIN).*");

    private static void grep(Call c) {
        Set<String> withValue = Set.of("-e", "--regexp", "-f", "--file", "-m", "--max-count", "-A", "-B", "-C",
                "--after-context", "--before-context", "--context", "--include", "--exclude", "--exclude-dir",
                "--include-dir", "-d", "--directories", "-D", "--devices", "--label", "--color", "--colour", "-g",
                "--glob", "-t", "--type", "-T", "--type-not", "-j", "--threads", "-M", "--max-columns",
                "--max-depth", "--maxdepth", "--ignore-file", "-r", "--replace", "-E", "--encoding", "--pre",
                "--pre-glob", "--sort", "--sortr", "--path-separator", "--type-add", "--engine", "--context-separator",
                "--field-match-separator", "-G", "--file-search-regex", "--ignore-dir", "--pager");
        boolean ripgrep = Set.of("rg", "ag", "ack", "ack-grep", "pt", "sift", "ugrep").contains(c.name);
        Set<String> opts = ripgrep ? withValue : without(withValue, "-r", "-E");
        Call.Opts o = Call.Opts.parse(c.args, opts, false);
        List<Arg> patterns = o.all("-e", "--regexp");
        List<Arg> files = new ArrayList<>(o.positional);
        if (patterns.isEmpty() && o.value("-f", "--file") == null && !files.isEmpty()) {
            patterns = List.of(files.removeFirst());
        }
        c.paths(o.all("-f", "--file"), Access.READ);
        if (o.value("--pre") != null) {
            c.w.executeFile(o.value("--pre"), c.env, c.stdin, c.depth, c.name + " --pre runs ");
        }
        boolean recursive = ripgrep || o.has("-r", "-R", "--recursive", "--dereference-recursive");
        if (files.isEmpty() && recursive) {
            files.add(Arg.lit("."));
        }
        for (Arg f : files) {
            if (!(f.literal() && f.value().equals("-"))) {
                c.path(f, Access.READ);
            }
        }
        boolean outsideOrRecursive = recursive;
        for (Arg f : files) {
            if (c.scope(f) != Scope.INSIDE) {
                outsideOrRecursive = true;
            }
        }
        for (Arg p : patterns) {
            if (p.literal() && SECRET_PATTERN.matcher(p.value()).matches() && outsideOrRecursive) {
                c.tag(Capability.SECRET_RESOLVE, Scope.UNKNOWN, "searches files for credentials: " + c.text);
            }
        }
    }

    private static Set<String> without(Set<String> set, String... remove) {
        var copy = new java.util.HashSet<>(set);
        copy.removeAll(List.of(remove));
        return copy;
    }

    private static final Pattern SED_EXEC = Pattern.compile("(?:^|[;\\n}])\\s*(?:\\d+|\\$|/[^/]*/)?\\s*e\\s+([^;\\n}]+)");
    private static final Pattern SED_WRITE = Pattern.compile("(?:^|[;\\n}])\\s*(?:\\d+|\\$|/[^/]*/)?\\s*w\\s+(\\S+)");
    private static final Pattern SED_S_FLAGS = Pattern.compile("s(.).*?\\1.*?\\1([gpiImMe0-9]*w?)");

    private static void sed(Call c) {
        Call.Opts o = c.opts("-e", "--expression", "-f", "--file", "-l", "--line-length");
        List<Arg> scripts = new ArrayList<>(o.all("-e", "--expression"));
        List<Arg> files = new ArrayList<>(o.positional);
        c.paths(o.all("-f", "--file"), Access.READ);
        if (scripts.isEmpty() && o.all("-f", "--file").isEmpty() && !files.isEmpty()) {
            scripts.add(files.removeFirst());
        }
        boolean inPlace = false;
        for (String f : o.flags) {
            if (f.equals("-i") || f.startsWith("--in-place") || (f.startsWith("-i") && f.length() > 2)
                    || (f.startsWith("-") && !f.startsWith("--") && f.contains("i") && f.matches("-[nrEsuzi]+"))) {
                inPlace = true;
            }
        }
        c.paths(files, inPlace ? Access.WRITE : Access.READ);
        for (Arg s : scripts) {
            if (!s.literal()) {
                continue;
            }
            String script = s.value();
            if (script.strip().matches("(\\d+|\\$|/[^/]*/)?\\s*e\\s*;?") || script.matches("(?s).*(^|[;\\n])\\s*e\\s*($|[;\\n}]).*")) {
                c.tag(Capability.OBFUSCATED, Scope.UNKNOWN, "sed e runs its input as commands: " + c.text);
            }
            Matcher e = SED_EXEC.matcher(script);
            while (e.find()) {
                c.script(e.group(1), "sed e command");
            }
            Matcher sf = SED_S_FLAGS.matcher(script);
            while (sf.find()) {
                if (sf.group(2).contains("e")) {
                    c.tag(Capability.OBFUSCATED, Scope.UNKNOWN, "sed executes the pattern space as a command: "
                            + c.text);
                }
                if (sf.group(2).contains("w")) {
                    String after = script.substring(sf.end()).strip();
                    if (!after.isEmpty()) {
                        c.path(Arg.lit(after.split("[\\s;]")[0]), Access.WRITE);
                    }
                }
            }
            Matcher w = SED_WRITE.matcher(script);
            while (w.find()) {
                String target = w.group(1);
                if (!target.equals("/dev/stdout") && !target.equals("/dev/stderr")) {
                    c.path(Arg.lit(target), Access.WRITE);
                }
            }
        }
    }

    private static void jq(Call c) {
        List<Arg> filtered = new ArrayList<>();
        for (int i = 0; i < c.args.size(); i++) {
            String v = c.args.get(i).value();
            if (Set.of("--arg", "--argjson", "--slurpfile", "--rawfile").contains(v)) {
                if (v.equals("--slurpfile") || v.equals("--rawfile")) {
                    if (i + 2 < c.args.size()) {
                        c.path(c.args.get(i + 2), Access.READ);
                    }
                }
                i += 2;
                continue;
            }
            filtered.add(c.args.get(i));
        }
        Call.Opts o = Call.Opts.parse(filtered, Set.of("-f", "--from-file", "-L", "--indent", "-o", "--output-format",
                "-p", "--input-format", "-I"), false);
        List<Arg> files = new ArrayList<>(o.positional);
        if (o.value("-f", "--from-file") == null && !files.isEmpty()) {
            files.removeFirst();
        }
        for (Arg f : files) {
            if (f.literal() && f.value().equals("-")) {
                continue;
            }
            c.path(f, o.has("-i", "--inplace") ? Access.WRITE : Access.READ);
        }
    }

    private static void tee(Call c) {
        Call.Opts o = c.opts("--output-error");
        boolean append = o.has("-a", "--append");
        for (Arg f : o.positional) {
            c.w.writeTarget(f, c.env, append, false, c.stdin.present() ? c.stdin : Flow.EMPTY);
        }
        c.output(c.stdin.present() ? c.stdin : Flow.EMPTY);
    }

    // ------------------------------------------------------------------------------------------------ copy & move

    private static void cp(Call c) {
        Call.Opts o = c.opts("-t", "--target-directory", "-S", "--suffix");
        copyLike(c, o, Access.READ);
    }

    private static void mv(Call c) {
        Call.Opts o = c.opts("-t", "--target-directory", "-S", "--suffix");
        copyLike(c, o, Access.DELETE);
    }

    private static void copyLike(Call c, Call.Opts o, Access sourceAccess) {
        Arg target = o.value("-t", "--target-directory");
        List<Arg> sources = new ArrayList<>(o.positional);
        if (target == null && !sources.isEmpty()) {
            target = sources.removeLast();
        }
        for (Arg s : sources) {
            c.path(s, sourceAccess);
            if (sourceAccess == Access.DELETE) {
                Wrappers.recursiveRootCheck(c, s, c.name);
            }
        }
        if (target != null) {
            boolean fromNull = sources.size() == 1 && sources.getFirst().literal()
                    && sources.getFirst().value().equals("/dev/null");
            if (target.literal() && target.value().equals("/dev/null")) {
                for (Arg s : sources) {
                    c.path(s, Access.DELETE);
                }
                return;
            }
            c.path(target, fromNull ? Access.DELETE : Access.WRITE);
            if (fromNull) {
                c.path(target, Access.WRITE);
            }
            // Content flows: cp payload.sh /tmp/x keeps what is known about payload.sh.
            if (sources.size() == 1) {
                Path from = c.resolve(sources.getFirst());
                Path to = c.resolve(target);
                if (from != null && to != null && c.w.files.containsKey(from)) {
                    c.w.files.put(to, c.w.files.get(from));
                }
            }
        }
    }

    private static void install(Call c) {
        Call.Opts o = c.opts("-m", "--mode", "-o", "--owner", "-g", "--group", "-t", "--target-directory", "-S",
                "--suffix", "-Z", "--context");
        Arg mode = o.value("-m", "--mode");
        if (mode != null) {
            SystemCommands.checkMode(c, mode.value(), o.positional.isEmpty() ? null : o.positional.getLast());
        }
        Arg owner = o.value("-o", "--owner");
        if (owner != null && owner.value().matches("root|0")) {
            c.tag(Capability.PRIVILEGE, Scope.OUTSIDE, "installs files owned by root: " + c.text);
        }
        if (o.has("-d", "--directory")) {
            c.paths(o.positional, Access.WRITE);
            return;
        }
        copyLike(c, o, Access.READ);
    }

    private static void ln(Call c) {
        Call.Opts o = c.opts("-t", "--target-directory", "-S", "--suffix");
        List<Arg> pos = new ArrayList<>(o.positional);
        Arg dir = o.value("-t", "--target-directory");
        if (dir != null) {
            c.path(dir, Access.WRITE);
            return;
        }
        if (pos.isEmpty()) {
            return;
        }
        Arg link = pos.size() == 1 ? Arg.lit(Path.of(pos.getFirst().value()).getFileName() == null ? "."
                : baseName(pos.getFirst().value())) : pos.getLast();
        Arg target = pos.getFirst();
        c.path(link, Access.WRITE);
        if (target.literal() && target.value().equals("/dev/null")) {
            c.path(link, Access.DELETE);
            c.tag(Capability.SYSTEM_DISRUPTION, c.scope(link), "links " + link.value() + " to /dev/null");
        }
    }

    private static String baseName(String s) {
        String t = s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
        return t.substring(t.lastIndexOf('/') + 1);
    }

    // ------------------------------------------------------------------------------------------------ delete

    private static void rm(Call c) {
        Call.Opts o = c.opts();
        if (o.positional.isEmpty()) {
            c.tag(Capability.DELETE, Scope.UNKNOWN, c.name + " with no operands: " + c.text);
            return;
        }
        boolean recursive = o.has("-r", "-R", "--recursive") || !c.name.equals("rm");
        for (Arg a : o.positional) {
            c.path(a, Access.DELETE);
            if (recursive) {
                Wrappers.recursiveRootCheck(c, a, c.name + " -r");
            }
        }
        if (o.has("--no-preserve-root")) {
            c.tag(Capability.SYSTEM_DISRUPTION, Scope.OUTSIDE, "rm --no-preserve-root: " + c.text);
        }
    }

    private static void shred(Call c) {
        Call.Opts o = c.opts("-n", "--iterations", "-s", "--size", "--random-source", "--remove");
        for (Arg a : o.positional) {
            c.path(a, Access.DELETE);
            if (a.literal() && a.value().startsWith("/dev/")) {
                c.tag(Capability.SYSTEM_DISRUPTION, Scope.OUTSIDE, "overwrites device " + a.value());
            }
        }
    }

    private static void truncate(Call c) {
        Call.Opts o = c.opts("-s", "--size", "-r", "--reference", "-o");
        Arg size = o.value("-s", "--size");
        boolean empties = size != null && (size.value().equals("0") || size.value().startsWith("-")
                || size.value().startsWith("<") || size.value().startsWith("/"));
        c.paths(o.all("-r", "--reference"), Access.READ);
        for (Arg f : o.positional) {
            c.path(f, empties ? Access.DELETE : Access.WRITE);
            if (empties) {
                c.path(f, Access.WRITE);
            }
        }
    }

    private static final Pattern DISK = Pattern.compile("/dev/(sd|hd|vd|xvd|nvme|mmcblk|disk|rdisk|md|dm-|mapper/"
            + "|loop|sr).*");

    private static void dd(Call c) {
        Arg in = null;
        Arg out = null;
        for (Arg a : c.args) {
            if (!a.literal()) {
                continue;
            }
            String v = a.value();
            if (v.startsWith("if=")) {
                in = Arg.lit(v.substring(3));
            } else if (v.startsWith("of=")) {
                out = Arg.lit(v.substring(3));
            }
        }
        if (in != null) {
            if (DISK.matcher(in.value()).matches() || in.value().equals("/dev/mem")) {
                c.tag(Capability.SECRET_RESOLVE, Scope.OUTSIDE, "reads a raw device: " + c.text);
            } else if (!in.value().matches("/dev/(zero|urandom|random|null)")) {
                c.path(in, Access.READ);
            }
        }
        if (out != null) {
            if (DISK.matcher(out.value()).matches()) {
                c.tag(Capability.DELETE, Scope.OUTSIDE, "overwrites disk device: " + c.text);
                c.tag(Capability.SYSTEM_DISRUPTION, Scope.OUTSIDE, "overwrites disk device: " + c.text);
            } else if (!out.value().equals("/dev/null")) {
                c.path(out, Access.WRITE);
                if (in != null && in.value().matches("/dev/(zero|urandom|random)")) {
                    c.path(out, Access.DELETE);
                }
                Path p = c.resolve(out);
                if (p != null) {
                    c.w.files.put(p, Flow.tainted(c.stdin.present() && in == null ? c.stdin.taint()
                            : Set.of(Taint.DYNAMIC)));
                }
            }
            c.output(Flow.EMPTY);
        }
    }

    // ------------------------------------------------------------------------------------------------ archives

    private static final Pattern TAR_EXEC = Pattern.compile("exec=(.+)");

    private static void tar(Call c) {
        List<Arg> args = new ArrayList<>(c.args);
        // Old-style first argument without a dash: "czf" means "-czf".
        if (!args.isEmpty() && args.getFirst().literal() && args.getFirst().value().matches("[A-Za-z]+")
                && !args.getFirst().value().startsWith("-")) {
            args.set(0, Arg.lit("-" + args.getFirst().value()));
        }
        Call.Opts o = Call.Opts.parse(args, Set.of("-f", "--file", "-C", "--directory", "-T", "--files-from", "-X",
                "--exclude-from", "-I", "--use-compress-program", "--to-command", "--checkpoint-action", "-F",
                "--info-script", "--new-volume-script", "--rsh-command", "--rmt-command", "-b", "--blocking-factor",
                "-H", "--format", "-V", "--label", "-N", "--newer", "--exclude", "-g", "--listed-incremental",
                "--owner", "--group", "--mode", "--transform", "--xform", "--strip-components", "-L",
                "--tape-length"), false);
        boolean create = o.has("-c", "--create", "-r", "--append", "-u", "--update", "-A", "--catenate");
        boolean extract = o.has("-x", "--extract", "--get");
        Arg archive = o.value("-f", "--file");
        for (String opt : List.of("--to-command", "--checkpoint-action", "-I", "--use-compress-program", "-F",
                "--info-script", "--new-volume-script", "--rsh-command", "--rmt-command")) {
            for (Arg v : o.all(opt)) {
                String cmd = v.value();
                Matcher m = TAR_EXEC.matcher(cmd);
                if (opt.equals("--checkpoint-action")) {
                    if (m.find()) {
                        c.script(new Arg(m.group(1), v.literal(), v.taint()), "tar --checkpoint-action");
                    }
                } else if (!(opt.equals("-I") || opt.equals("--use-compress-program"))
                        || !cmd.matches("(gzip|bzip2|xz|zstd|lz4|pigz|pbzip2|lzip|lzma|brotli)( -\\S+)*")) {
                    c.script(v, "tar " + opt);
                }
            }
        }
        for (Arg v : c.args) {
            if (v.literal() && v.value().startsWith("--checkpoint-action=")) {
                Matcher m = TAR_EXEC.matcher(v.value());
                if (m.find()) {
                    c.script(m.group(1), "tar --checkpoint-action");
                }
            } else if (v.literal() && (v.value().startsWith("--to-command=") || v.value().startsWith("--rsh-command=")
                    || v.value().startsWith("--use-compress-program=") || v.value().startsWith("--info-script="))) {
                String cmd = v.value().substring(v.value().indexOf('=') + 1);
                if (!cmd.matches("(gzip|bzip2|xz|zstd|lz4|pigz|pbzip2|lzip|lzma|brotli)( -\\S+)*")) {
                    c.script(cmd, "tar option");
                }
            }
        }
        if (archive != null && archive.literal() && archive.value().matches("[^/]*[\\w.-]+@?[\\w.-]+:.*")
                && !o.has("--force-local")) {
            c.host(archive.value());
        }
        if (create) {
            if (archive != null && !archive.value().equals("-")) {
                c.path(archive, Access.WRITE);
            }
            c.paths(o.positional, Access.READ);
            c.paths(o.all("-T", "--files-from"), Access.READ);
        } else if (extract) {
            if (archive != null && !archive.value().equals("-")) {
                c.path(archive, Access.READ);
            }
            Arg dir = o.value("-C", "--directory");
            if (o.has("-O", "--to-stdout")) {
                c.outputTaint(Taint.DECODED);
            } else {
                c.path(dir == null ? Arg.lit(".") : dir, Access.WRITE);
            }
        } else {
            if (archive != null && !archive.value().equals("-")) {
                c.path(archive, Access.READ);
            }
        }
    }

    private static void zip(Call c) {
        Call.Opts o = c.opts("-TT", "--unzip-command", "-P", "--password", "-b", "--temp-path", "-n", "--suffixes",
                "-t", "--from-date", "-tt", "--before-date", "-x", "--exclude", "-i", "--include", "-O",
                "--output-file", "-s", "--split-size", "-Z", "--compression-method", "-la", "-lf", "--logfile-path");
        Arg unzipCommand = o.value("-TT", "--unzip-command");
        if (unzipCommand != null) {
            c.script(unzipCommand, "zip -TT");
        }
        List<Arg> pos = o.positional;
        if (!pos.isEmpty()) {
            c.path(pos.getFirst(), Access.WRITE);
            c.paths(pos.subList(1, pos.size()), Access.READ);
            if (o.has("-m", "--move")) {
                c.paths(pos.subList(1, pos.size()), Access.DELETE);
            }
        }
    }

    private static void unzip(Call c) {
        Call.Opts o = c.opts("-d", "-P", "-x", "-O", "-I");
        List<Arg> pos = o.positional;
        if (!pos.isEmpty()) {
            c.path(pos.getFirst(), Access.READ);
        }
        if (o.has("-p", "-c") || o.has("-l", "-v", "-t", "-Z")) {
            if (o.has("-p", "-c")) {
                c.outputTaint(Taint.DECODED);
            }
            return;
        }
        Arg dir = o.value("-d");
        c.path(dir == null ? Arg.lit(".") : dir, Access.WRITE);
    }

    private static void sevenZip(Call c) {
        List<String> words = CommandTable.words(c.args);
        if (words.isEmpty()) {
            return;
        }
        String cmd = words.getFirst();
        List<Arg> files = new ArrayList<>();
        Arg outDir = null;
        boolean seenCmd = false;
        for (Arg a : c.args) {
            if (a.literal() && a.value().startsWith("-o") && a.value().length() > 2) {
                outDir = Arg.lit(a.value().substring(2));
            } else if (a.literal() && !a.value().startsWith("-")) {
                if (!seenCmd) {
                    seenCmd = true;
                } else {
                    files.add(a);
                }
            }
        }
        if (files.isEmpty()) {
            return;
        }
        switch (cmd) {
            case "a", "u", "d" -> {
                c.path(files.getFirst(), Access.WRITE);
                c.paths(files.subList(1, files.size()), Access.READ);
            }
            case "x", "e" -> {
                c.path(files.getFirst(), Access.READ);
                c.path(outDir == null ? Arg.lit(".") : outDir, Access.WRITE);
            }
            default -> c.path(files.getFirst(), Access.READ);
        }
    }

    private static void compress(Call c) {
        Call.Opts o = c.opts("-S", "--suffix", "-o", "--output", "-b", "--blocks", "-T", "--threads");
        boolean decompress = o.has("-d", "--decompress", "--uncompress") || c.name.startsWith("gun")
                || c.name.startsWith("bun") || c.name.startsWith("un") || c.name.equals("unlzma");
        boolean toStdout = o.has("-c", "--stdout", "--to-stdout");
        List<Arg> files = new ArrayList<>();
        for (Arg a : o.positional) {
            if (!(a.literal() && a.value().equals("-"))) {
                files.add(a);
            }
        }
        for (Arg f : files) {
            c.path(f, toStdout ? Access.READ : Access.WRITE);
        }
        c.paths(o.all("-o", "--output"), Access.WRITE);
        if (decompress && (files.isEmpty() || toStdout)) {
            c.outputTaint(Taint.DECODED);
        }
    }

    private static void base64(Call c) {
        Call.Opts o = c.opts("-w", "--wrap", "-b", "--break", "-i", "--input", "-o", "--output");
        boolean decode = o.has("-d", "--decode", "-D", "-u");
        List<Arg> files = new ArrayList<>(o.positional);
        files.addAll(o.all("-i", "--input"));
        files.removeIf(a -> a.literal() && a.value().equals("-"));
        c.paths(files, Access.READ);
        for (Arg out : o.all("-o", "--output")) {
            c.w.writeTarget(out, c.env, false, false, Flow.tainted(Set.of(Taint.DECODED)));
        }
        if (!decode) {
            return;
        }
        String decoded = null;
        if (files.isEmpty() && c.stdin.text() != null && c.name.equals("base64")) {
            try {
                byte[] bytes = Base64.getMimeDecoder().decode(c.stdin.text().strip());
                decoded = new String(bytes, StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                decoded = null;
            }
        }
        var taint = java.util.EnumSet.of(Taint.DECODED);
        taint.addAll(c.stdin.taint());
        c.output(new Flow(true, taint, decoded, null, null));
    }

    private static void xxd(Call c) {
        Call.Opts o = c.opts("-c", "-cols", "-g", "-groupsize", "-l", "-len", "-o", "-offset", "-s", "-seek");
        boolean reverse = o.has("-r", "-revert");
        List<Arg> pos = o.positional;
        if (!pos.isEmpty()) {
            c.path(pos.getFirst(), Access.READ);
        }
        if (pos.size() > 1) {
            c.path(pos.get(1), Access.WRITE);
        }
        if (reverse) {
            c.outputTaint(Taint.DECODED);
        }
    }

    private static void editor(Call c) {
        Call.Opts o = c.opts("-c", "--cmd", "-S", "-u", "-U", "-i", "-T", "-w", "-W", "-s", "--eval", "-l", "--load",
                "-f", "--funcall", "--script", "-x", "--execute");
        List<Arg> commands = new ArrayList<>(o.all("-c", "--cmd", "--eval", "--execute", "-x"));
        for (Arg a : c.args) {
            if (a.literal() && a.value().startsWith("+") && a.value().length() > 1 && !a.value().matches("\\+\\d+")) {
                commands.add(Arg.lit(a.value().substring(1)));
            }
        }
        for (Arg cmd : commands) {
            String t = cmd.value().strip();
            if (t.startsWith(":")) {
                t = t.substring(1).strip();
            }
            for (String part : t.split("\\|")) {
                String p = part.strip();
                if (p.startsWith(":")) {
                    p = p.substring(1).strip();
                }
                if (p.startsWith("!")) {
                    c.script(new Arg(p.substring(1), cmd.literal(), cmd.taint()), c.name + " shell command");
                } else if (p.matches("(?s)(py|python|py3|python3|pyx|pythonx)\\s+.*")) {
                    c.inlineCode(Walker.Interpreter.PYTHON, new Arg(p.replaceFirst("^\\S+\\s+", ""), cmd.literal(),
                            cmd.taint()));
                } else if (p.matches("(?s)(lua|luado|ruby|rubydo|perl|perldo)\\s+.*")) {
                    c.inlineCode(p.startsWith("lua") ? Walker.Interpreter.LUA : p.startsWith("ruby")
                            ? Walker.Interpreter.RUBY : Walker.Interpreter.PERL, new Arg(p.replaceFirst("^\\S+\\s+",
                            ""), cmd.literal(), cmd.taint()));
                } else if (p.matches("sh(ell)?|term.*|terminal.*") || p.contains("/bin/sh") || p.contains("shell=")) {
                    c.tag(Capability.OBFUSCATED, Scope.UNKNOWN, c.name + " opens a shell: " + c.text);
                } else if (p.startsWith("(") && (p.contains("shell") || p.contains("term") || p.contains("call-process")
                        || p.contains("start-process"))) {
                    c.tag(Capability.OBFUSCATED, Scope.UNKNOWN, c.name + " runs a command from elisp: " + c.text);
                } else if (p.matches("(?s)redir!?\\s*>>?\\s*\\S+.*")) {
                    c.path(Arg.lit(p.replaceFirst("(?s)redir!?\\s*>>?\\s*", "").split("\\s+")[0]), Access.WRITE);
                } else if (p.matches("(?s)(w|write|sav|saveas|e|edit|r|read)!?\\s+\\S+.*")) {
                    String file = p.replaceFirst("^\\S+\\s+", "").strip();
                    c.path(Arg.lit(file), p.startsWith("w") || p.startsWith("sav") ? Access.WRITE : Access.READ);
                }
            }
        }
        for (Arg f : o.positional) {
            if (f.literal() && f.value().equals("-")) {
                continue;
            }
            c.path(f, Access.WRITE);
        }
    }

    private static void cd(Call c) {
        if (c.name.equals("popd")) {
            c.env.cwd(null);
            return;
        }
        Call.Opts o = c.opts();
        Arg dir = o.pos(0);
        if (dir == null) {
            c.env.cwd(c.w.ctx.home());
            return;
        }
        if (!dir.literal() || dir.value().equals("-")) {
            c.env.cwd(null);
            return;
        }
        Path p = c.resolve(dir);
        c.env.cwd(p);
    }

    private static void split(Call c) {
        Call.Opts o = c.opts("-a", "--suffix-length", "-b", "--bytes", "-C", "--line-bytes", "-l", "--lines", "-n",
                "--number", "-t", "--separator", "--additional-suffix", "--filter", "-f", "--prefix");
        List<Arg> pos = o.positional;
        if (!pos.isEmpty()) {
            c.path(pos.getFirst(), Access.READ);
        }
        if (pos.size() > 1) {
            c.path(pos.get(1), Access.WRITE);
        } else {
            c.path(Arg.lit("x"), Access.WRITE);
        }
        Arg filter = o.value("--filter");
        if (filter != null) {
            c.script(filter, "split --filter");
        }
    }

    private static void patch(Call c) {
        Call.Opts o = c.opts("-i", "--input", "-o", "--output", "-d", "--directory", "-p", "--strip", "-r",
                "--reject-file", "-B", "--prefix", "-D", "--ifdef", "-F", "--fuzz", "-V", "--version-control", "-z",
                "--suffix");
        c.paths(o.all("-i", "--input"), Access.READ);
        c.paths(o.all("-o", "--output"), Access.WRITE);
        Arg dir = o.value("-d", "--directory");
        if (!o.positional.isEmpty()) {
            c.path(o.positional.getFirst(), Access.WRITE);
            if (o.positional.size() > 1) {
                c.path(o.positional.get(1), Access.READ);
            }
        } else {
            c.path(dir == null ? Arg.lit(".") : dir, Access.WRITE);
        }
    }

    static Path safePath(String s) {
        try {
            return Path.of(s);
        } catch (InvalidPathException e) {
            return null;
        }
    }
}
