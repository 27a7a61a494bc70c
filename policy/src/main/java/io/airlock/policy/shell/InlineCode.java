package io.airlock.policy.shell;

import io.airlock.policy.analysis.Access;
import io.airlock.policy.analysis.UrlAnalyzer;
import io.airlock.policy.shell.Walker.Interpreter;
import io.airlock.policy.tags.Capability;
import io.airlock.policy.tags.Scope;
import io.airlock.policy.tags.Tag;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keyword scanning of code given to interpreters inline ({@code python -c}, {@code perl -e}, {@code node -e},
 * {@code awk} programs, heredocs fed to an interpreter). Not a parser: it looks for the APIs that delete, write, run
 * commands, open connections, read credentials or decode-and-run payloads, pulls out string literals (paths, URLs,
 * command lines) and analyses command lines it can extract as shell. Code that runs commands it cannot see, or
 * evaluates decoded data, is {@code obfuscated}.
 */
final class InlineCode {

    private InlineCode() {}

    private static final Pattern STRING = Pattern.compile(
            "'((?:[^'\\\\\\n]|\\\\.)*)'|\"((?:[^\"\\\\\\n]|\\\\.)*)\"");
    /** Call sites that run a command line given as the first (string or list) argument. */
    private static final Pattern EXEC_CALL = Pattern.compile(
            "(?<api>os\\.system|os\\.popen|subprocess\\.(?:call|run|Popen|check_output|check_call|getoutput"
                    + "|getstatusoutput)|commands\\.getoutput|pty\\.spawn|os\\.exec[lv]p?e?|os\\.spawn[lv]p?e?"
                    + "|os\\.posix_spawnp?|asyncio\\.create_subprocess_(?:shell|exec)|execSync|execFileSync|spawnSync"
                    + "|execFile|(?<![\\w.])exec|(?<![\\w.])spawn|(?<![\\w.$])system|shell_exec|passthru|proc_open"
                    + "|(?<![\\w.])popen|IO\\.popen|Kernel\\.exec|Kernel\\.system|Open3\\.\\w+|Process\\.spawn"
                    + "|getRuntime\\(\\)\\.exec|os\\.execute|io\\.popen|Process\\.Start|ProcessBuilder|Command::new"
                    + "|child_process\\.\\w+|pcntl_exec|Deno\\.run|Bun\\.spawn|Bun\\.spawnSync|\\$\\.?ProcessBuilder)"
                    + "\\s*\\(?\\s*(?:new\\s+\\w+\\s*\\(\\s*)?(?:(?<list>\\[[^\\]]*\\])|(?<q>['\"])(?<cmd>(?:\\\\.|(?!\\k<q>).)*)"
                    + "\\k<q>)?");
    private static final Pattern BACKTICK = Pattern.compile("`([^`]+)`");
    private static final Pattern QX = Pattern.compile("qx\\s*[{(\\[/]([^})\\]/]+)[})\\]/]");
    private static final Pattern RUBY_X = Pattern.compile("%x[{(\\[]([^})\\]]+)[})\\]]");
    private static final Pattern AWK_PIPE = Pattern.compile("\"([^\"]+)\"\\s*\\|\\s*getline|\\|\\s*\"([^\"]+)\"");
    private static final Pattern TCL_EXEC = Pattern.compile("\\bexec\\s+([^\\]\\n;}]+)");
    private static final Pattern EXEC_API = Pattern.compile(
            "os\\.system|os\\.popen|subprocess|commands\\.getoutput|pty\\.spawn|os\\.exec|os\\.spawn|posix_spawn"
                    + "|child_process|execSync|spawnSync|execFile|\\bexec\\s*\\(|\\bspawn\\s*\\(|\\bsystem\\s*[(\"']"
                    + "|shell_exec|passthru|proc_open|\\bpopen\\b|IO\\.popen|Kernel\\.|Open3|Process\\.spawn"
                    + "|Runtime\\.getRuntime|getRuntime\\(\\)|os\\.execute|io\\.popen|Process\\.Start|ProcessBuilder"
                    + "|pcntl_exec|Deno\\.run|Bun\\.spawn|`|qx|%x");
    private static final Pattern DELETE_API = Pattern.compile(
            "shutil\\.rmtree|rmtree|os\\.remove|os\\.unlink|os\\.rmdir|os\\.removedirs|\\.unlink\\(|\\.rmdir\\("
                    + "|FileUtils\\.(rm|remove|rm_r|rm_rf|rm_f|rmdir)|File\\.(delete|unlink)|Dir\\.(delete|rmdir|unlink)"
                    + "|fs\\.(rm|rmSync|rmdir|rmdirSync|unlink|unlinkSync|promises\\.rm)|rimraf|\\bunlink\\b"
                    + "|\\brmdir\\b|Files\\.delete|remove_dir_all|remove_file|os\\.truncate|\\btruncate\\(|rm_rf"
                    + "|File\\.Delete|Directory\\.Delete|\\.delete\\(\\)|Deno\\.remove|file\\.remove|os\\.remove");
    private static final Pattern DELETE_CONTEXT = Pattern.compile(
            "(rmtree|remove|unlink|rmdir|rm_rf|rm_r|\\brm\\b|\\brm\\(|delete|truncate|Remove-Item)[^;\\n]{0,12}$");
    private static final Pattern WRITE_CONTEXT = Pattern.compile(
            "(write|writeFile|appendFile|put_contents|copy|move|rename|symlink|chmod|chown|mkdir|makedirs"
                    + "|copyfile|FileWriter|FileOutputStream|WriteAllText|Out-File|Set-Content|Add-Content|Copy-Item"
                    + "|Move-Item|New-Item|openout|dump value|>>?\\s*)[^;\\n]{0,24}$");
    private static final Pattern WRITE_MODE_AFTER = Pattern.compile("^\\s*,\\s*(mode\\s*=\\s*)?['\"][wax+]");
    private static final Pattern NETWORK_API = Pattern.compile(
            "\\bsocket\\b|requests\\.|urllib|urlopen|http\\.client|httplib|ftplib|smtplib|telnetlib|paramiko"
                    + "|pycurl|aiohttp|httpx|websocket|require\\(\\s*['\"](net|http|https|dgram|tls|axios|request"
                    + "|node-fetch)['\"]\\s*\\)|\\bfetch\\s*\\(|XMLHttpRequest|Net::HTTP|TCPSocket|UDPSocket"
                    + "|IO::Socket|LWP|HTTP::Tiny|fsockopen|curl_init|file_get_contents\\s*\\(\\s*['\"]https?:"
                    + "|open-uri|net\\.Dial|DownloadString|DownloadFile|Invoke-WebRequest|Invoke-RestMethod|\\biwr\\b"
                    + "|Net\\.WebClient|\\bhttp\\.get\\(|https\\.get\\(|java\\.net|new URL\\(|Socket\\(|stream_socket"
                    + "|/inet/tcp|/inet/udp|Deno\\.connect|Bun\\.connect|net\\.connect|createConnection"
                    + "|\\bcurl\\b|\\bwget\\b|ServerSocket|createServer|\\.listen\\(");
    private static final Pattern SHELL_SPAWN = Pattern.compile(
            "(?<![\\w.-])(/usr)?(/bin/)?(ba|da|z|k|c|tc|fi|a|mk)?sh(?![\\w.-])|cmd\\.exe|powershell");
    private static final Pattern REVERSE_SHELL_HINT = Pattern.compile(
            "dup2|pty\\.spawn|fileno\\(\\)|\\.pipe\\(|/bin/(ba)?sh|spawn\\(\\s*['\"](/bin/)?(ba)?sh|\\bexec\\b"
                    + "|popen|STDIN|STDOUT|\\bsh\\b\\s*-i|-i['\"]");
    private static final Pattern DECODE_API = Pattern.compile(
            "base64|b64decode|b32decode|a85decode|atob\\s*\\(|fromCharCode|unhexlify|fromhex|decode\\(\\s*['\"]"
                    + "(hex|base64|rot13|rot_13|zlib)|codecs\\.decode|zlib\\.decompress|gzip\\.decompress|marshal\\.loads"
                    + "|pickle\\.loads|unpack\\s*\\(\\s*['\"][mHu]|MIME::Base64|decode_base64|Buffer\\.from\\([^)]*"
                    + "['\"](base64|hex)|FromBase64String|\\[char\\]|chr\\(\\d+\\)\\s*[.+]\\s*chr|(\\\\x[0-9a-fA-F]{2}){4}"
                    + "|str_rot13|gzinflate|gzuncompress|hex2bin|bytes\\.fromhex|\\.reverse\\(\\)|\\[::-1\\]");
    private static final Pattern EVAL_API = Pattern.compile(
            "(?<![\\w.])(exec|eval|compile|execfile|__import__|Function|instance_eval|class_eval|module_eval"
                    + "|create_function|assert|Invoke-Expression|iex|runInThisContext|runInNewContext|loadstring"
                    + "|load|dofile|require|import_module|importlib\\.import_module|include|require_once)\\s*\\(");
    private static final Pattern EVAL_LITERAL_ARG = Pattern.compile(
            "(?<![\\w.])(exec|eval|compile|Function|Invoke-Expression|iex|loadstring)\\s*\\(\\s*(['\"])"
                    + "(?:\\\\.|(?!\\2).)*\\2\\s*[),]");
    private static final Pattern SAFE_REQUIRE = Pattern.compile(
            "(?<![\\w.])(require|import_module|importlib\\.import_module|include|require_once|__import__|load)"
                    + "\\s*\\(\\s*['\"][\\w@/.:-]+['\"]\\s*\\)");
    private static final Pattern PRIVILEGE_API = Pattern.compile(
            "setuid\\s*\\(\\s*0|setreuid|setresuid|setgid\\s*\\(\\s*0|setregid|setresgid|POSIX::setuid|Process::Sys"
                    + "\\.setuid|process\\.setuid\\(\\s*0|os\\.setuid|\\$<\\s*=\\s*0|\\$>\\s*=\\s*0|chmod\\([^)]*0o?[4-7][0-7]{3}"
                    + "|capset|cap_set|prctl");
    private static final Pattern DISRUPT_API = Pattern.compile(
            "os\\.kill|process\\.kill|Process\\.kill|\\bkill\\s*\\(|killpg|signal\\.SIGKILL|os\\.fork\\(\\)"
                    + "|\\bfork\\b\\s*(while|until|;)|while\\s*\\(?\\s*(1|true|True)\\s*\\)?\\s*:?\\s*\\{?\\s*(os\\.)?fork"
                    + "|reboot\\(|shutdown\\(|os\\._exit|ctypes\\.CDLL|sys\\.setrecursionlimit");
    private static final Pattern ENV_DUMP = Pattern.compile(
            "os\\.environ(?!\\s*[\\[.]\\s*(get\\s*\\(\\s*)?['\"](HOME|PATH|USER|PWD|SHELL|LANG|TERM)['\"])"
                    + "|process\\.env(?!\\.(HOME|PATH|USER|PWD|SHELL|LANG|TERM|NODE_ENV)\\b)|%ENV|\\bENV\\.(to_h|each|keys"
                    + "|to_a|inspect)|\\$_ENV|getenv\\(\\s*\\)|System\\.getenv\\(\\s*\\)|Deno\\.env\\.toObject"
                    + "|printenv|\\benviron\\b");
    private static final Pattern SECRETISH_ENV = Pattern.compile(
            "(?i)(environ|env|getenv)[^\\n]{0,20}['\"]?\\w*(token|secret|passw|api_?key|access_?key|private)");
    private static final Pattern FFI = Pattern.compile("\\bctypes\\b|\\bcffi\\b|DynaLoader|\\bffi\\b|FFI::|dlopen"
            + "|Fiddle|syscall\\s*\\(");
    private static final Pattern UNQUOTED_PATH = Pattern.compile(
            "(?<![\\w.'\"/$@%~])((?:/(?:home|etc|root|var|tmp|usr|opt|Users|private|proc|dev|srv|mnt|boot|lib|bin"
                    + "|sbin|run|Library|System)|~)/[\\w.@%+~/-]*[\\w~-])");
    private static final Pattern SERVER_API = Pattern.compile(
            "TCPServer|HTTPServer|ThreadingHTTPServer|serve_forever|socketserver|SocketServer|\\.listen\\(|"
                    + "createServer|ServerSocket|WEBrick|SimpleHTTPServer|http\\.server|bind\\(\\s*\\(\\s*['\"]"
                    + "(0\\.0\\.0\\.0)?['\"]|app\\.run\\(|uvicorn\\.run|TCPListener|HttpListener|net\\.Listen");
    private static final Pattern URL = Pattern.compile("\\b(?:https?|ftp|wss?|tcp|udp)://[^\\s'\"`)<>]+");
    private static final Pattern IPV4 = Pattern.compile("(?<![\\d.])(\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3})(?![\\d.])");

    /** Scans {@code code} and tags what it does. */
    static void scan(Walker w, Interpreter lang, String code, Env env, int depth, String origin) {
        if (depth > Walker.MAX_NESTING) {
            w.tag(Capability.OBFUSCATED, Scope.UNKNOWN, "code nested too deep: " + origin);
            return;
        }
        String evidence = origin + ": " + Words.abbreviate(code.strip(), 100);
        boolean network = NETWORK_API.matcher(code).find();
        boolean decodes = DECODE_API.matcher(code).find();
        boolean execApi = lang == Interpreter.AWK ? code.contains("system") || AWK_PIPE.matcher(code).find()
                || code.contains("|&") : EXEC_API.matcher(code).find();
        boolean shellSpawn = false;

        // Commands the code runs: analyse them as shell.
        List<String> commands = extractCommands(lang, code);
        for (String cmd : commands) {
            String trimmed = cmd.strip();
            if (trimmed.isEmpty()) {
                continue;
            }
            if (SHELL_SPAWN.matcher(trimmed).matches() || trimmed.matches("(/usr)?(/bin/)?(ba|da|z|k|a)?sh\\s+-[ipl]+")) {
                shellSpawn = true;
                continue;
            }
            if (trimmed.contains("'") || trimmed.contains("\"")) {
                // Unescape the host language's escaped quotes before handing to the shell parser.
                trimmed = trimmed.replace("\\'", "'").replace("\\\"", "\"");
            }
            w.walkText(trimmed, env.copy(), Flow.TERMINAL, depth, origin + " runs `" + Words.abbreviate(trimmed, 60)
                    + "`");
        }
        if (!shellSpawn && SHELL_SPAWN.matcher(code).find() && (execApi || lang == Interpreter.TCL)) {
            shellSpawn = true;
        }
        if (execApi && commands.isEmpty() && !shellSpawn) {
            w.tag(Capability.OBFUSCATED, Scope.UNKNOWN, "runs a command built at run time: " + evidence);
        }
        if (shellSpawn) {
            w.tag(Capability.OBFUSCATED, Scope.UNKNOWN, "spawns a shell whose commands are not visible: " + evidence);
        }

        // Network.
        List<String> literals = stringLiterals(code);
        boolean taggedUrl = false;
        if (network || !URL.matcher(code).results().toList().isEmpty()) {
            Matcher m = URL.matcher(code);
            while (m.find()) {
                for (Tag t : UrlAnalyzer.analyze(m.group(), w.ctx)) {
                    w.tag(t.capability(), t.scope(), t.evidence());
                }
                taggedUrl = true;
            }
            if (network) {
                Matcher ip = IPV4.matcher(code);
                while (ip.find()) {
                    for (Tag t : UrlAnalyzer.analyze("tcp://" + ip.group(1), w.ctx)) {
                        w.tag(t.capability(), t.scope(), t.evidence());
                    }
                    taggedUrl = true;
                }
                if (!taggedUrl) {
                    w.tag(Capability.NETWORK_EGRESS, Scope.UNKNOWN, "opens network connections: " + evidence);
                }
            }
        }
        if (network && (shellSpawn || REVERSE_SHELL_HINT.matcher(code).find()) && (shellSpawn
                || code.contains("dup2") || code.contains(".pipe(") || code.contains("pty") || code.contains("popen")
                || code.contains("exec"))) {
            w.tag(Capability.REMOTE_CODE, Scope.UNKNOWN, "reverse shell: network connection wired to a shell: "
                    + evidence);
        }

        // Files named in the code.
        boolean deletes = DELETE_API.matcher(code).find() || code.contains("Remove-Item");
        boolean anyDeletePath = false;
        List<int[]> spans = new ArrayList<>(literalSpans(code));
        Matcher unquoted = UNQUOTED_PATH.matcher(code);
        while (unquoted.find()) {
            boolean inside = false;
            for (int[] s : spans) {
                if (unquoted.start(1) >= s[0] && unquoted.start(1) <= s[1]) {
                    inside = true;
                    break;
                }
            }
            if (!inside) {
                spans.add(new int[] {unquoted.start(1), unquoted.end(1)});
            }
        }
        for (String lit : literals) {
            if (SHELL_SPAWN.matcher(lit.strip()).matches() && lit.contains("/") && !shellSpawn) {
                shellSpawn = true;
                w.tag(Capability.OBFUSCATED, Scope.UNKNOWN, "names a shell to run: " + evidence);
            }
        }
        if (SERVER_API.matcher(code).find()) {
            boolean local = code.contains("127.0.0.1") || code.contains("'localhost'") || code.contains(
                    "\"localhost\"");
            if (!local) {
                w.tag(Capability.PUBLIC_EXPOSURE, Scope.OUTSIDE, "starts a network server: " + evidence);
            }
            w.tag(Capability.NETWORK_EGRESS, Scope.OUTSIDE, "listens for connections: " + evidence);
        }
        for (int[] span : spans) {
            String lit = unescape(code.substring(span[0], span[1]));
            if (!looksLikePath(lit)) {
                continue;
            }
            String before = code.substring(Math.max(0, span[0] - 60), Math.max(0, span[0] - 1));
            String after = code.substring(Math.min(code.length(), span[1] + 1));
            Access access = Access.READ;
            if (deletes && DELETE_CONTEXT.matcher(before).find()) {
                access = Access.DELETE;
                anyDeletePath = true;
            } else if (WRITE_CONTEXT.matcher(before).find() || WRITE_MODE_AFTER.matcher(after).find()) {
                access = Access.WRITE;
            }
            w.pathTags(Arg.lit(lit), access, env);
        }
        if (deletes && !anyDeletePath) {
            w.tag(Capability.DELETE, Scope.UNKNOWN, "deletes files: " + evidence);
        }

        // Decode and run, dynamic evaluation.
        String withoutSafe = SAFE_REQUIRE.matcher(code).replaceAll("");
        boolean evals = EVAL_API.matcher(withoutSafe).find();
        boolean evalLiteralOnly = evals && EVAL_API.matcher(EVAL_LITERAL_ARG.matcher(withoutSafe).replaceAll(""))
                .results().findAny().isEmpty();
        if (decodes && (evals || execApi)) {
            w.tag(Capability.REMOTE_CODE, Scope.UNKNOWN, "evaluates a decoded payload: " + evidence);
            w.tag(Capability.OBFUSCATED, Scope.UNKNOWN, "evaluates a decoded payload: " + evidence);
        } else if (evals && !evalLiteralOnly) {
            w.tag(Capability.OBFUSCATED, Scope.UNKNOWN, "evaluates code built at run time: " + evidence);
        } else if (decodes && lang != Interpreter.AWK && code.length() > 0 && hasLongBlob(literals)) {
            w.tag(Capability.OBFUSCATED, Scope.UNKNOWN, "decodes an embedded payload: " + evidence);
        }
        if (evals && evalLiteralOnly) {
            for (String lit : literals) {
                if (lit.length() > 3 && EVAL_LITERAL_ARG.matcher(code).find()) {
                    if (depth < Walker.MAX_NESTING && !lit.equals(code)) {
                        // eval('...'): scan the literal as code of the same language (bounded by depth).
                        scanLiteralOnly(w, lang, lit, env, depth + 1, origin);
                    }
                }
            }
        }
        if (network && decodes && (evals || execApi)) {
            w.tag(Capability.REMOTE_CODE, Scope.UNKNOWN, "downloads and runs code: " + evidence);
        }
        if (network && (code.contains("urlopen") || code.contains("requests.get") || code.contains("DownloadString")
                || code.contains("fetch(") || code.contains(".read()") || code.contains("open-uri")
                || code.contains("get(")) && (EVAL_API.matcher(withoutSafe).find() || code.contains("IEX")
                || code.contains("iex"))) {
            w.tag(Capability.REMOTE_CODE, Scope.UNKNOWN, "downloads and evaluates code: " + evidence);
        }

        if (PRIVILEGE_API.matcher(code).find()) {
            w.tag(Capability.PRIVILEGE, Scope.NONE, "changes process privileges: " + evidence);
        }
        if (DISRUPT_API.matcher(code).find()) {
            w.tag(Capability.SYSTEM_DISRUPTION, Scope.NONE, "kills processes or forks without bound: " + evidence);
        }
        if (ENV_DUMP.matcher(code).find() || SECRETISH_ENV.matcher(code).find()) {
            w.tag(Capability.SECRET_RESOLVE, Scope.NONE, "reads the environment (credentials): " + evidence);
        }
        if (FFI.matcher(code).find()) {
            w.tag(Capability.OBFUSCATED, Scope.UNKNOWN, "calls native code directly: " + evidence);
        }
        if (lang == Interpreter.TCL && code.contains("socket")) {
            w.tag(Capability.NETWORK_EGRESS, Scope.UNKNOWN, "opens network connections: " + evidence);
        }
    }

    private static void scanLiteralOnly(Walker w, Interpreter lang, String code, Env env, int depth, String origin) {
        scan(w, lang, code, env, depth, origin + " (evaluated string)");
    }

    private static boolean hasLongBlob(List<String> literals) {
        for (String s : literals) {
            if (s.length() >= 24 && s.matches("[A-Za-z0-9+/=_-]+")) {
                return true;
            }
        }
        return false;
    }

    /** Command lines the code hands to a shell or exec API, as far as they are string literals. */
    static List<String> extractCommands(Interpreter lang, String code) {
        List<String> out = new ArrayList<>();
        if (lang == Interpreter.AWK) {
            Matcher sys = Pattern.compile("system\\s*\\(\\s*\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(code);
            while (sys.find()) {
                out.add(unescape(sys.group(1)));
            }
            Matcher pipe = AWK_PIPE.matcher(code);
            while (pipe.find()) {
                out.add(unescape(pipe.group(1) != null ? pipe.group(1) : pipe.group(2)));
            }
            return out;
        }
        if (lang == Interpreter.TCL) {
            Matcher m = TCL_EXEC.matcher(code);
            while (m.find()) {
                out.add(m.group(1));
            }
            return out;
        }
        Matcher m = EXEC_CALL.matcher(code);
        while (m.find()) {
            String list = m.group("list");
            String cmd = m.group("cmd");
            if (list != null) {
                List<String> parts = stringLiterals(list);
                if (!parts.isEmpty()) {
                    out.add(joinArgv(parts));
                }
            } else if (cmd != null) {
                String api = m.group("api");
                String rest = code.substring(m.end());
                if (api.startsWith("os.exec") || api.startsWith("os.spawn") || api.equals("spawn")
                        || api.equals("execFile") || api.equals("execFileSync") || api.equals("spawnSync")
                        || api.equals("pty.spawn") || api.startsWith("os.posix_spawn") || api.equals("ProcessBuilder")
                        || api.equals("Command::new") || api.equals("Process.spawn") || api.equals("Bun.spawn")) {
                    // exec-style: program then argument list.
                    List<String> argv = new ArrayList<>();
                    argv.add(unescape(cmd));
                    Matcher listAfter = Pattern.compile("^\\s*,\\s*(\\[[^\\]]*\\])").matcher(rest);
                    if (listAfter.find()) {
                        List<String> more = stringLiterals(listAfter.group(1));
                        if (!more.isEmpty() && more.getFirst().equals(argv.getFirst())) {
                            more = more.subList(1, more.size());
                        }
                        argv.addAll(more);
                    } else {
                        Matcher strs = Pattern.compile("^(\\s*,\\s*(['\"])((?:\\\\.|(?!\\2).)*)\\2)+").matcher(rest);
                        if (strs.find()) {
                            List<String> more = stringLiterals(strs.group());
                            if (!more.isEmpty() && (api.startsWith("os.exec") || api.startsWith("os.spawn"))
                                    && !more.isEmpty()) {
                                more = more.subList(1, more.size()); // argv[0]
                            }
                            argv.addAll(more);
                        }
                    }
                    out.add(joinArgv(argv));
                } else {
                    out.add(unescape(cmd));
                }
            }
        }
        if (lang == Interpreter.RUBY || lang == Interpreter.PERL || lang == Interpreter.PHP
                || lang == Interpreter.OTHER) {
            Matcher b = BACKTICK.matcher(code);
            while (b.find()) {
                out.add(b.group(1));
            }
        }
        if (lang == Interpreter.PERL) {
            Matcher q = QX.matcher(code);
            while (q.find()) {
                out.add(q.group(1));
            }
        }
        if (lang == Interpreter.RUBY) {
            Matcher x = RUBY_X.matcher(code);
            while (x.find()) {
                out.add(x.group(1));
            }
        }
        return out;
    }

    private static String joinArgv(List<String> argv) {
        StringBuilder sb = new StringBuilder();
        for (String a : argv) {
            if (!sb.isEmpty()) {
                sb.append(' ');
            }
            if (a.matches("[\\w@%+=:,./~-]+")) {
                sb.append(a);
            } else {
                sb.append('\'').append(a.replace("'", "'\\''")).append('\'');
            }
        }
        // A shell given -c runs its argument; keep that visible to the shell parser.
        return sb.toString();
    }

    static List<String> stringLiterals(String code) {
        List<String> out = new ArrayList<>();
        Matcher m = STRING.matcher(code);
        while (m.find()) {
            out.add(unescape(m.group(1) != null ? m.group(1) : m.group(2)));
        }
        return out;
    }

    private static List<int[]> literalSpans(String code) {
        List<int[]> out = new ArrayList<>();
        Matcher m = STRING.matcher(code);
        while (m.find()) {
            int g = m.group(1) != null ? 1 : 2;
            out.add(new int[] {m.start(g), m.end(g)});
        }
        return out;
    }

    private static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                switch (n) {
                    case 'n' -> out.append('\n');
                    case 't' -> out.append('\t');
                    default -> out.append(n);
                }
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    static boolean looksLikePath(String s) {
        if (s.isEmpty() || s.length() > 400 || s.contains("://") || s.contains("\n") || s.contains(" -")) {
            return false;
        }
        String lower = s.toLowerCase(Locale.ROOT);
        if (s.startsWith("/") && s.length() > 1 && !s.startsWith("//") && !s.contains(" ")) {
            return true;
        }
        if (s.startsWith("~/") || s.equals("~") || s.startsWith("./") || s.startsWith("../")) {
            return true;
        }
        return lower.equals(".env") || lower.endsWith("/.env") || lower.matches("id_(rsa|dsa|ecdsa|ed25519)")
                || lower.startsWith(".ssh/") || lower.startsWith(".aws/");
    }
}
