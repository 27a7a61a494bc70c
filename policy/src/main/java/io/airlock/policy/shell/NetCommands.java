package io.airlock.policy.shell;

import static io.airlock.policy.shell.CommandTable.register;

import io.airlock.policy.analysis.Access;
import io.airlock.policy.tags.Capability;
import io.airlock.policy.tags.Scope;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Network programs: downloaders (whose output is network-tainted, so piping it into a shell is remote code), remote
 * shells and copies, raw sockets and listeners, DNS and scanners, tunnels that expose local services, and packet
 * capture.
 */
final class NetCommands {

    private NetCommands() {}

    static void install() {
        register(NetCommands::curl, "curl", "curlie");
        register(NetCommands::wget, "wget", "wget2");
        register(NetCommands::fetch, "fetch", "http", "https", "xh", "xhs", "httpie", "lwp-request", "GET", "POST",
                "HEAD", "lwp-download", "lwp-mirror", "axel", "aria2c", "lynx", "links", "elinks", "w3m", "ab",
                "hey", "wrk", "siege", "k6", "vegeta", "grpcurl", "websocat", "wscat");
        register(NetCommands::ssh, "ssh", "autossh", "mosh", "dbclient", "slogin");
        register(NetCommands::scp, "scp", "sftp", "pscp", "psftp");
        register(NetCommands::rsync, "rsync");
        register(NetCommands::rclone, "rclone");
        register(NetCommands::nc, "nc", "ncat", "netcat", "nc.traditional", "nc.openbsd", "pwncat", "pwncat-cs",
                "cryptcat", "sbd", "gnu-netcat", "busybox-nc");
        register(NetCommands::socat, "socat");
        register(c -> hosts(c, Set.of("-l", "-p", "-e", "-n", "-b")), "telnet", "rlogin", "rsh", "rcp", "rexec",
                "ftp", "tftp", "lftp", "ncftp", "ncftpget", "ncftpput", "smbclient", "rpcclient", "ldapsearch",
                "snmpwalk", "snmpget", "finger", "irssi", "weechat", "openvpn", "wg", "wg-quick", "sshpass");
        register(c -> hosts(c, Set.of("-c", "-i", "-W", "-w", "-s", "-t", "-I", "-p", "-m", "-q", "-f", "-b", "-P",
                "-T", "-O", "-o", "-e", "-k", "-y", "-4", "-6", "-x", "-r", "-a", "--type", "--class", "-g")),
                "ping", "ping6", "traceroute", "traceroute6", "tracepath", "mtr", "dig", "nslookup", "host", "whois",
                "drill", "kdig", "delv", "arping", "fping", "hping3", "nping", "nmap", "masscan", "zmap", "rustscan",
                "netdiscover", "arp-scan", "iperf", "iperf3", "speedtest", "speedtest-cli", "ntpdate", "sntp",
                "chronyc", "ike-scan", "nikto", "gobuster", "ffuf", "sqlmap", "wpscan", "hydra", "medusa", "ncrack",
                "crackmapexec", "netexec", "nxc", "enum4linux", "showmount", "nbtscan", "dnsenum", "dnsrecon",
                "fierce", "amass", "subfinder", "httpx", "nuclei", "tcptraceroute", "lft", "dnstracer", "ssh-keyscan",
                "rdate", "knock", "wakeonlan", "etherwake");
        register(NetCommands::capture, "tcpdump", "tshark", "wireshark", "dumpcap", "ettercap", "bettercap",
                "dsniff", "ngrep", "urlsnarf", "mitmproxy", "mitmdump", "responder", "arpspoof", "tcpflow",
                "termshark", "sniffglue");
        register(NetCommands::tunnel, "ngrok", "cloudflared", "lt", "localtunnel", "bore", "serveo", "expose",
                "loclx", "localxpose", "frpc", "chisel", "pagekite", "pagekite.py", "zrok", "tmole", "devtunnel",
                "pinggy", "sish", "telebit", "inlets", "ligolo", "ligolo-ng");
        register(c -> {
            c.network(c.name + " routes traffic through an anonymising network: " + c.text);
            c.tag(Capability.PUBLIC_EXPOSURE, Scope.OUTSIDE, c.name + " can publish hidden services: " + c.text);
        }, "tor", "torsocks-run", "i2pd", "i2prouter");
        register(NetCommands::tailscale, "tailscale");
        register(NetCommands::mail, "mail", "mailx", "sendmail", "mutt", "neomutt", "msmtp", "swaks", "ssmtp",
                "s-nail", "mpack", "sendemail");
        register(NetCommands::open, "xdg-open", "open", "sensible-browser", "firefox", "chromium", "google-chrome",
                "chrome", "links2", "gio-open", "start", "wslview");
        register(NetCommands::openssl, "openssl", "libressl");
        register(c -> {
            c.tag(Capability.PERSISTENCE, Scope.OUTSIDE, "installs a key into a remote authorized_keys: " + c.text);
            hosts(c, Set.of("-i", "-p", "-o", "-F"));
        }, "ssh-copy-id");
        register(NetCommands::server, "http-server", "serve", "live-server", "miniserve", "darkhttpd", "busybox-httpd",
                "httpd", "caddy", "static-web-server", "simplehttpserver", "updog", "uploadserver", "webfsd",
                "mini_httpd", "lighttpd", "nginx", "apache2", "apachectl", "thttpd", "python-http-server");
    }

    // ------------------------------------------------------------------------------------------------ download

    private static final Set<String> CURL_VALUE = Set.of("-o", "--output", "-d", "--data", "--data-binary",
            "--data-raw", "--data-ascii", "--data-urlencode", "-F", "--form", "--form-string", "-T", "--upload-file",
            "--json", "-H", "--header", "-X", "--request", "-A", "--user-agent", "-u", "--user", "-e", "--referer",
            "-b", "--cookie", "-c", "--cookie-jar", "-x", "--proxy", "-m", "--max-time", "--connect-timeout", "-w",
            "--write-out", "-r", "--range", "-C", "--continue-at", "--retry", "--retry-delay", "--retry-max-time",
            "-K", "--config", "-E", "--cert", "--key", "--cacert", "--capath", "--resolve", "--connect-to",
            "--interface", "-U", "--proxy-user", "--url", "--output-dir", "-Y", "--speed-limit", "-y", "--speed-time",
            "--limit-rate", "--max-filesize", "--max-redirs", "-z", "--time-cond", "--dns-servers", "--oauth2-bearer",
            "--pass", "--key-type", "--cert-type", "-Q", "--quote", "--mail-from", "--mail-rcpt", "--trace",
            "--trace-ascii", "--stderr", "-D", "--dump-header", "--unix-socket", "--abstract-unix-socket",
            "--variable", "--expand-data", "--expand-url", "--aws-sigv4", "--happy-eyeballs-timeout-ms",
            "--local-port", "--noproxy", "--proto", "--proto-redir", "--preproxy", "--socks5", "--socks4",
            "--socks5-hostname", "--tls-max", "--ciphers", "--pinnedpubkey", "--hostpubmd5", "--request-target",
            "--keepalive-time", "--expect100-timeout", "--parallel-max", "--ftp-port", "-P", "--krb", "--netrc-file",
            "--delegation", "--login-options", "--sasl-authzid", "--service-name", "-t", "--telnet-option");

    private static void curl(Call c) {
        Call.Opts o = Call.Opts.parse(c.args, CURL_VALUE, false);
        List<String> urls = new ArrayList<>();
        for (Arg a : o.positional) {
            urls.add(a.value());
        }
        for (Arg a : o.all("--url")) {
            urls.add(a.value());
        }
        for (String u : urls) {
            urlArg(c, u);
        }
        boolean upload = false;
        for (Arg d : o.all("-d", "--data", "--data-binary", "--data-raw", "--data-ascii", "--data-urlencode",
                "--json", "-F", "--form")) {
            upload = true;
            String v = d.value();
            int at = v.indexOf('@');
            if (at >= 0 && !o.all("--data-raw").contains(d) && (at == 0 || v.charAt(at - 1) == '=')) {
                String file = v.substring(at + 1);
                int semi = file.indexOf(';');
                if (semi > 0) {
                    file = file.substring(0, semi);
                }
                if (!file.equals("-")) {
                    c.path(new Arg(file, d.literal(), d.taint()), Access.READ);
                }
            } else if (v.startsWith("<")) {
                c.path(Arg.lit(v.substring(1)), Access.READ);
            }
        }
        for (Arg f : o.all("-T", "--upload-file", "-K", "--config", "-E", "--cert", "--key", "--netrc-file")) {
            upload |= o.all("-T", "--upload-file").contains(f);
            if (!f.value().equals("-") && !f.value().equals(".")) {
                c.path(f, Access.READ);
            }
        }
        for (Arg f : o.all("-b", "--cookie")) {
            if (!f.value().contains("=")) {
                c.path(f, Access.READ);
            }
        }
        c.paths(o.all("-c", "--cookie-jar", "-D", "--dump-header", "--trace", "--trace-ascii", "--stderr"),
                Access.WRITE);
        if (upload) {
            for (String u : urls) {
                c.tag(Capability.NETWORK_EGRESS, hostScope(c, u), "uploads data to " + u);
            }
        }
        if (urls.isEmpty()) {
            c.network("curl with no visible URL: " + c.text);
        }
        String outDir = o.value("--output-dir") == null ? null : o.value("--output-dir").value();
        boolean wroteFile = false;
        for (Arg out : o.all("-o", "--output")) {
            if (!out.value().equals("-")) {
                downloaded(c, out, outDir);
                wroteFile = true;
            }
        }
        if (o.has("-O", "--remote-name", "--remote-name-all") || o.flags.stream().anyMatch(f -> f.matches("-[a-zA-Z]*O"
                + "[a-zA-Z]*") && !f.startsWith("--"))) {
            for (String u : urls) {
                downloaded(c, Arg.lit(remoteName(u)), outDir);
                wroteFile = true;
            }
        }
        if (wroteFile) {
            c.output(Flow.EMPTY.plus(Set.of(Taint.NETWORK)));
        }
    }

    private static Scope hostScope(Call c, String url) {
        String u = url.contains("://") ? url : "http://" + url;
        var tags = io.airlock.policy.analysis.UrlAnalyzer.analyze(u, c.w.ctx);
        for (var t : tags) {
            if (t.capability() == Capability.NETWORK_EGRESS) {
                return t.scope();
            }
        }
        return Scope.UNKNOWN;
    }

    private static void urlArg(Call c, String u) {
        if (u.contains("$")) {
            c.network(c.name + " fetches a URL built at run time: " + u);
        } else if (u.contains("://")) {
            if (u.startsWith("file://")) {
                c.path(Arg.lit(u.substring(7)), Access.READ);
            } else {
                c.url(u);
            }
        } else if (!u.isEmpty() && !u.startsWith("-")) {
            c.url("http://" + u);
        }
    }

    private static void downloaded(Call c, Arg out, String dir) {
        Arg target = dir == null || out.value().startsWith("/") ? out : new Arg(dir + "/" + out.value(),
                out.literal(), out.taint());
        c.w.writeTarget(target, c.env, false, false, Flow.tainted(Set.of(Taint.NETWORK)));
    }

    static String remoteName(String url) {
        try {
            String path = new URI(url.contains("://") ? url : "http://" + url).getPath();
            if (path == null || path.isEmpty() || path.endsWith("/")) {
                return "index.html";
            }
            return path.substring(path.lastIndexOf('/') + 1);
        } catch (Exception e) {
            String tail = url.substring(url.lastIndexOf('/') + 1);
            return tail.isEmpty() ? "index.html" : tail;
        }
    }

    private static final Set<String> WGET_VALUE = Set.of("-O", "--output-document", "-o", "--output-file", "-a",
            "--append-output", "-P", "--directory-prefix", "-i", "--input-file", "--post-file", "--body-file",
            "--post-data", "--body-data", "-U", "--user-agent", "--header", "--user", "--password", "-e", "--execute",
            "-t", "--tries", "-T", "--timeout", "-Q", "--quota", "-w", "--wait", "-l", "--level", "-A", "--accept",
            "-R", "--reject", "-D", "--domains", "--method", "--referer", "--load-cookies", "--save-cookies",
            "--certificate", "--private-key", "--ca-certificate", "--use-askpass", "-B", "--base", "--bind-address",
            "--limit-rate", "--dns-timeout", "--connect-timeout", "--read-timeout", "--http-user", "--http-password",
            "--ftp-user", "--ftp-password", "--proxy-user", "--proxy-password", "-X", "--exclude-directories",
            "-I", "--include-directories", "--config", "--restrict-file-names", "--report-speed", "--progress");

    private static void wget(Call c) {
        Call.Opts o = Call.Opts.parse(c.args, WGET_VALUE, false);
        for (Arg a : o.positional) {
            urlArg(c, a.value());
        }
        if (o.positional.isEmpty() && o.all("-i", "--input-file").isEmpty()) {
            c.network("wget with no visible URL: " + c.text);
        }
        c.paths(o.all("-i", "--input-file", "--load-cookies", "--certificate", "--private-key", "--config"),
                Access.READ);
        for (Arg f : o.all("--post-file", "--body-file")) {
            c.path(f, Access.READ);
            c.tag(Capability.NETWORK_EGRESS, Scope.OUTSIDE, "uploads " + f.value());
        }
        if (!o.all("--post-data", "--body-data").isEmpty()) {
            c.tag(Capability.NETWORK_EGRESS, Scope.OUTSIDE, "uploads data: " + c.text);
        }
        c.paths(o.all("-o", "--output-file", "-a", "--append-output", "--save-cookies"), Access.WRITE);
        for (Arg ask : o.all("--use-askpass")) {
            c.w.executeFile(ask, c.env, Flow.TERMINAL, c.depth, "wget --use-askpass runs ");
        }
        for (Arg e : o.all("-e", "--execute")) {
            String v = e.value();
            if (v.startsWith("use_askpass") && v.contains("=")) {
                c.w.executeFile(Arg.lit(v.substring(v.indexOf('=') + 1).strip()), c.env, Flow.TERMINAL, c.depth,
                        "wget use_askpass runs ");
            }
        }
        Arg doc = o.value("-O", "--output-document");
        String dir = o.value("-P", "--directory-prefix") == null ? null : o.value("-P", "--directory-prefix").value();
        if (doc != null) {
            if (!doc.value().equals("-")) {
                downloaded(c, doc, dir);
                c.output(Flow.EMPTY.plus(Set.of(Taint.NETWORK)));
            }
            return;
        }
        if (o.has("--spider", "--delete-after")) {
            return;
        }
        for (Arg a : o.positional) {
            downloaded(c, Arg.lit(remoteName(a.value())), dir);
        }
        c.output(Flow.EMPTY.plus(Set.of(Taint.NETWORK)));
    }

    private static void fetch(Call c) {
        Call.Opts o = c.opts("-o", "--output", "-d", "--dir", "-i", "--input-file", "-O", "--out", "-p", "-T", "-H",
                "--header", "-a", "--auth", "-A", "--user-agent", "-n", "-c", "-t", "-m", "-X", "--method",
                "--download", "--session", "--verify", "--cert", "--cert-key", "--timeout", "--proxy");
        boolean any = false;
        for (Arg a : c.args) {
            if (!a.literal()) {
                continue;
            }
            String v = a.value();
            if (v.contains("://") || v.matches("[\\w.-]+\\.[a-z]{2,}(:\\d+)?(/.*)?") || v.matches(":\\d+(/.*)?")
                    || v.matches("(\\d{1,3}\\.){3}\\d{1,3}(:\\d+)?(/.*)?")) {
                urlArg(c, v.startsWith(":") ? "http://localhost" + v : v);
                any = true;
            } else if ((v.contains("=@") || v.contains(":=@") || v.startsWith("@")) && !v.startsWith("-")) {
                c.path(Arg.lit(v.substring(v.indexOf('@') + 1)), Access.READ);
                c.tag(Capability.NETWORK_EGRESS, Scope.OUTSIDE, "uploads " + v);
            } else if (v.startsWith("-p") && v.length() > 2 && c.name.equals("ab")) {
                c.path(Arg.lit(v.substring(2)), Access.READ);
            }
        }
        for (Arg f : o.all("-i", "--input-file", "-p", "-T")) {
            c.path(f, Access.READ);
            c.tag(Capability.NETWORK_EGRESS, Scope.OUTSIDE, "uploads " + f.value());
        }
        for (Arg f : o.all("-o", "--output", "-O", "--out")) {
            downloaded(c, f, null);
        }
        for (Arg a : c.args) {
            String v = a.value();
            if (v.startsWith("--on-download-complete=") || v.startsWith("--on-download-error=")
                    || v.startsWith("--on-download-start=") || v.startsWith("--on-bt-download-complete=")) {
                c.w.executeFile(Arg.lit(v.substring(v.indexOf('=') + 1)), c.env, Flow.TERMINAL, c.depth,
                        c.name + " hook runs ");
            }
        }
        if (!any && o.all("-i", "--input-file").isEmpty()) {
            c.network(c.name + ": " + c.text);
        }
        c.outputTaint(Taint.NETWORK);
    }

    // ------------------------------------------------------------------------------------------------ remote

    private static final Set<String> SSH_VALUE = Set.of("-b", "-c", "-D", "-E", "-e", "-F", "-I", "-i", "-J", "-L",
            "-l", "-m", "-O", "-o", "-p", "-Q", "-R", "-S", "-W", "-w", "-B", "-P");

    private static void ssh(Call c) {
        int i = 0;
        List<Arg> args = c.args;
        String user = null;
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
            for (int k = 1; k < v.length(); k++) {
                String flag = "-" + v.charAt(k);
                if (flag.equals("-g")) {
                    c.tag(Capability.PUBLIC_EXPOSURE, Scope.OUTSIDE, "ssh -g lets other hosts use forwarded ports: "
                            + c.text);
                }
                if (SSH_VALUE.contains(flag)) {
                    Arg value = k + 1 < v.length() ? Arg.lit(v.substring(k + 1)) : i < args.size() ? args.get(i++)
                            : Arg.lit("");
                    sshOption(c, flag, value);
                    if (flag.equals("-l")) {
                        user = value.value();
                    }
                    break;
                }
            }
        }
        if (i >= args.size()) {
            return;
        }
        Arg dest = args.get(i++);
        String host = dest.value();
        if (host.startsWith("ssh://")) {
            c.url(host);
        } else {
            c.host(host);
        }
        List<Arg> remote = args.subList(i, args.size());
        if (!remote.isEmpty()) {
            c.tag(Capability.EXEC_COMMAND, Scope.OUTSIDE, "runs a command on " + host);
            remoteCommand(c, Wrappers.join(remote), host);
        }
        c.outputTaint(Taint.NETWORK);
    }

    private static void sshOption(Call c, String flag, Arg value) {
        switch (flag) {
            case "-i", "-F", "-E", "-S" -> c.path(value, flag.equals("-E") ? Access.WRITE : Access.READ);
            case "-R" -> c.tag(Capability.PUBLIC_EXPOSURE, Scope.OUTSIDE, "exposes a local port on the remote host: "
                    + c.text);
            case "-D", "-L", "-w" -> {
                String v = value.value();
                if (v.startsWith("0.0.0.0:") || v.startsWith("*:") || v.startsWith("[::]:")) {
                    c.tag(Capability.PUBLIC_EXPOSURE, Scope.OUTSIDE, "forwards a port reachable from other hosts: "
                            + c.text);
                }
                c.tag(Capability.NETWORK_EGRESS, Scope.OUTSIDE, "tunnels traffic through ssh: " + c.text);
            }
            case "-o" -> {
                String v = value.value();
                String key = v.contains("=") ? v.substring(0, v.indexOf('=')) : v.split("\\s+")[0];
                String val = v.contains("=") ? v.substring(v.indexOf('=') + 1) : v.substring(key.length()).strip();
                String k = key.toLowerCase(Locale.ROOT);
                if (k.equals("proxycommand") || k.equals("localcommand") || k.equals("knownhostscommand")
                        || k.equals("remotecommand")) {
                    if (!val.matches("ssh .*-W.*|nc .*|none|")) {
                        c.script(new Arg(val, value.literal(), value.taint()), "ssh " + key);
                    }
                } else if (k.equals("remoteforward")) {
                    c.tag(Capability.PUBLIC_EXPOSURE, Scope.OUTSIDE, "exposes a local port on the remote host: "
                            + c.text);
                } else if (k.equals("identityfile") || k.equals("userknownhostsfile") || k.equals("certificatefile")) {
                    c.path(Arg.lit(val), Access.READ);
                }
            }
            case "-e" -> {
            }
            default -> {
            }
        }
    }

    /** A command run on another host: analysed with paths landing outside the workspace. */
    static void remoteCommand(Call c, Arg command, String host) {
        if (!command.literal()) {
            c.codeNotLiteral(command, "remote command on " + host);
            return;
        }
        Env remote = c.env.copy();
        remote.cwd(Path.of("/").resolve("remote-host-" + Math.abs(host.hashCode())));
        c.w.walkText(command.value(), remote, c.stdin, c.depth + 1, "remote command on " + host);
    }

    private static void scp(Call c) {
        Call.Opts o = c.opts("-c", "-F", "-i", "-J", "-l", "-o", "-P", "-S", "-D", "-X", "-b");
        c.paths(o.all("-i", "-F", "-b"), Access.READ);
        List<Arg> pos = o.positional;
        if (c.name.equals("sftp") || c.name.equals("psftp")) {
            for (Arg a : pos) {
                c.host(a.value());
            }
            if (pos.isEmpty()) {
                c.network("sftp: " + c.text);
            }
            return;
        }
        for (int i = 0; i < pos.size(); i++) {
            Arg a = pos.get(i);
            boolean last = i == pos.size() - 1 && pos.size() > 1;
            if (isRemoteSpec(a.value())) {
                if (a.value().startsWith("scp://")) {
                    c.url(a.value());
                } else {
                    c.host(a.value().substring(0, a.value().indexOf(':')));
                }
                if (last) {
                    c.tag(Capability.NETWORK_EGRESS, Scope.OUTSIDE, "uploads files to " + a.value());
                }
            } else {
                c.path(a, last ? Access.WRITE : Access.READ);
            }
        }
    }

    static boolean isRemoteSpec(String v) {
        if (v.contains("://")) {
            return true;
        }
        int colon = v.indexOf(':');
        int slash = v.indexOf('/');
        return colon > 0 && (slash < 0 || colon < slash) && !v.startsWith("/") && !v.startsWith(".");
    }

    private static void rsync(Call c) {
        Call.Opts o = c.opts("-e", "--rsh", "--exclude", "--include", "--exclude-from", "--include-from",
                "--files-from", "--password-file", "-f", "--filter", "--rsync-path", "--chmod", "--log-file", "-B",
                "--block-size", "--max-size", "--min-size", "--bwlimit", "--partial-dir", "-T", "--temp-dir",
                "--backup-dir", "--suffix", "--port", "--timeout", "--contimeout", "--address", "--sockopts",
                "--out-format", "--info", "--debug", "-M", "--remote-option", "--usermap", "--groupmap", "--chown",
                "--compare-dest", "--copy-dest", "--link-dest", "--iconv", "--checksum-choice", "--compress-choice",
                "--outbuf", "--max-delete", "--modify-window", "--only-write-batch", "--write-batch", "--read-batch");
        c.paths(o.all("--exclude-from", "--include-from", "--files-from", "--password-file", "--read-batch"),
                Access.READ);
        c.paths(o.all("--log-file", "--write-batch", "--only-write-batch"), Access.WRITE);
        Arg rsh = o.value("-e", "--rsh");
        if (rsh != null && rsh.literal() && !rsh.value().matches("ssh( .*)?")) {
            c.script(rsh, "rsync -e");
        }
        boolean deletes = false;
        for (String f : o.flags) {
            if (f.startsWith("--delete") || f.equals("--remove-source-files")) {
                deletes = true;
            }
        }
        List<Arg> pos = o.positional;
        for (int i = 0; i < pos.size(); i++) {
            Arg a = pos.get(i);
            boolean dest = i == pos.size() - 1 && pos.size() > 1;
            if (isRemoteSpec(a.value())) {
                String v = a.value();
                if (v.startsWith("rsync://")) {
                    c.url(v);
                } else {
                    c.host(v.substring(0, v.indexOf(':')));
                }
                if (dest) {
                    c.tag(Capability.NETWORK_EGRESS, Scope.OUTSIDE, "uploads files to " + v);
                    if (deletes) {
                        c.tag(Capability.DELETE, Scope.OUTSIDE, "rsync --delete on " + v);
                    }
                }
            } else {
                c.path(a, dest ? Access.WRITE : Access.READ);
                if (dest && deletes) {
                    c.path(a, Access.DELETE);
                }
                if (!dest && o.has("--remove-source-files")) {
                    c.path(a, Access.DELETE);
                }
            }
        }
    }

    private static void rclone(Call c) {
        List<String> words = CommandTable.words(c.args);
        if (words.isEmpty()) {
            return;
        }
        String sub = words.getFirst();
        c.network("rclone talks to remote storage: " + c.text);
        switch (sub) {
            case "delete", "deletefile", "purge", "rmdir", "rmdirs", "cleanup", "dedupe" ->
                    c.tag(Capability.DELETE, Scope.OUTSIDE, "rclone " + sub + ": " + c.text);
            case "sync", "move", "moveto" -> c.tag(Capability.DELETE, Scope.OUTSIDE, "rclone " + sub
                    + " deletes files at the destination: " + c.text);
            case "config" -> c.tag(Capability.SECRET_RESOLVE, Scope.OUTSIDE, "rclone config holds credentials");
            case "serve" -> c.tag(Capability.PUBLIC_EXPOSURE, Scope.OUTSIDE, "rclone serves files: " + c.text);
            default -> { }
        }
        for (String w : words.subList(1, words.size())) {
            if (!w.contains(":")) {
                c.path(Arg.lit(w), sub.equals("copy") || sub.equals("sync") ? Access.READ : Access.READ);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ sockets

    private static void nc(Call c) {
        Call.Opts o = c.opts("-p", "-s", "-w", "-i", "-q", "-e", "-c", "-x", "-X", "-I", "-O", "-T", "-V", "-W", "-M",
                "-m", "--exec", "--sh-exec", "--lua-exec", "--source-port", "--source", "--wait", "--proxy",
                "--proxy-type", "--proxy-auth", "--allow", "--allowfile", "--deny", "--denyfile", "-o", "--output",
                "-x", "--hex-dump", "-g", "-G", "--max-conns", "-m", "-i", "--idle-timeout", "-d", "--delay",
                "--ssl-cert", "--ssl-key", "--ssl-trustfile", "--ssl-ciphers", "--ssl-alpn", "--ssl-servername",
                "--append-output", "-P", "--proxy-dns", "--nsock-engine");
        boolean listen = o.has("-l", "--listen", "-L");
        Arg exec = o.value("-e", "--exec", "-c", "--sh-exec", "--lua-exec");
        List<String> hosts = new ArrayList<>();
        for (Arg a : o.positional) {
            String v = a.value();
            if (!v.matches("\\d+(-\\d+)?") && !v.isEmpty()) {
                hosts.add(v);
            }
        }
        for (String h : hosts) {
            c.host(h);
        }
        if (hosts.isEmpty()) {
            c.network(c.name + (listen ? " listens for connections: " : ": ") + c.text);
        }
        if (listen) {
            c.tag(Capability.PUBLIC_EXPOSURE, Scope.OUTSIDE, c.name + " listens for connections from other hosts: "
                    + c.text);
        }
        if (exec != null) {
            c.tag(Capability.REMOTE_CODE, Scope.OUTSIDE, c.name + " gives a network peer a program to drive "
                    + "(remote shell): " + c.text);
        }
        c.paths(o.all("-o", "--output"), Access.WRITE);
        c.outputTaint(Taint.NETWORK);
    }

    private static void socat(Call c) {
        boolean network = false;
        boolean exec = false;
        boolean listen = false;
        for (Arg a : c.args) {
            if (!a.literal() || (a.value().startsWith("-") && a.value().length() > 1)) {
                continue;
            }
            String v = a.value();
            String type = v.contains(":") ? v.substring(0, v.indexOf(':')).toUpperCase(Locale.ROOT) : v.toUpperCase(
                    Locale.ROOT);
            String rest = v.contains(":") ? v.substring(v.indexOf(':') + 1) : "";
            if (type.contains("LISTEN") || type.equals("TCP-L") || type.equals("TCP4-L") || type.equals("UDP-RECV")
                    || type.equals("SCTP-LISTEN")) {
                listen = true;
                network = true;
            } else if (type.startsWith("TCP") || type.startsWith("UDP") || type.startsWith("OPENSSL")
                    || type.startsWith("SSL") || type.startsWith("SOCKS") || type.startsWith("PROXY")
                    || type.startsWith("SCTP") || type.startsWith("DCCP") || type.startsWith("IP")) {
                network = true;
                String hostPart = rest.split(",")[0];
                c.host(hostPart);
            } else if (type.equals("EXEC") || type.equals("SYSTEM")) {
                exec = true;
                String cmd = rest.split(",(?=[a-z]+(=|,|$))")[0];
                if (!cmd.matches("(/usr)?(/bin/)?(ba|da|z)?sh( -[a-z]+)*")) {
                    c.script(cmd, "socat " + type);
                }
            } else if (type.equals("FILE") || type.equals("OPEN") || type.equals("GOPEN")) {
                c.path(Arg.lit(rest.split(",")[0]), Access.READ);
            } else if (type.equals("CREATE") || type.equals("CREAT")) {
                c.path(Arg.lit(rest.split(",")[0]), Access.WRITE);
            }
        }
        if (listen) {
            c.tag(Capability.PUBLIC_EXPOSURE, Scope.OUTSIDE, "socat listens for connections: " + c.text);
            c.network("socat listens: " + c.text);
        }
        if (network && exec) {
            c.tag(Capability.REMOTE_CODE, Scope.OUTSIDE, "socat wires a network connection to a program (remote "
                    + "shell): " + c.text);
        } else if (exec && c.values().stream().anyMatch(v -> CommandTable.SHELL_PATH.matcher(v).find()
                || v.matches("(?i)(exec|system):(ba|da|z)?sh.*"))) {
            c.tag(Capability.OBFUSCATED, Scope.UNKNOWN, "socat starts an interactive shell: " + c.text);
        }
        c.outputTaint(Taint.NETWORK);
    }

    /** Programs whose positional arguments are hosts (or URLs); options in {@code withValue} take a value. */
    private static void hosts(Call c, Set<String> withValue) {
        Call.Opts o = Call.Opts.parse(c.args, withValue, false);
        boolean any = false;
        for (Arg a : o.positional) {
            String v = a.value();
            if (!a.literal()) {
                c.network(c.name + " connects to " + v);
                any = true;
                continue;
            }
            if (v.startsWith("@")) {
                v = v.substring(1);
            }
            if (v.contains("://")) {
                c.url(v);
                any = true;
            } else if (v.matches("([\\w-]+@)?[\\w.-]+(:\\S*)?") && (v.contains(".") || v.contains("@")
                    || v.equals("localhost") || v.matches("[a-z][\\w-]*"))) {
                if (v.matches("(A|AAAA|MX|TXT|NS|SOA|CNAME|PTR|SRV|ANY|CAA|DS|DNSKEY|axfr|any|txt|mx|ns)")) {
                    continue;
                }
                c.host(v);
                any = true;
            } else if (CommandTable.isPathLike(v)) {
                c.path(a, Access.READ);
            }
        }
        for (String opt : List.of("-f", "-iL", "-i", "--input-file", "-F")) {
            for (Arg f : o.all(opt)) {
                if (CommandTable.isPathLike(f.value()) || f.value().contains(".")) {
                    c.path(f, Access.READ);
                }
            }
        }
        for (Arg a : c.args) {
            String v = a.value();
            if ((v.startsWith("-o") && v.length() == 3 && (v.charAt(2) == 'N' || v.charAt(2) == 'X' || v.charAt(2)
                    == 'G' || v.charAt(2) == 'A'))) {
                int idx = c.args.indexOf(a);
                if (idx + 1 < c.args.size()) {
                    c.path(c.args.get(idx + 1), Access.WRITE);
                }
            }
        }
        if (!any && !o.positional.isEmpty()) {
            c.network(c.name + ": " + c.text);
        }
        if (Set.of("hydra", "medusa", "ncrack", "crackmapexec", "netexec", "nxc", "sqlmap", "responder")
                .contains(c.name)) {
            c.tag(Capability.SECRET_RESOLVE, Scope.OUTSIDE, c.name + " attacks credentials: " + c.text);
        }
        if (c.name.equals("sshpass")) {
            Wrappers.wrapper(c, Set.of("-p", "-f", "-d", "-e", "-P"), 0, false);
        }
        if (c.name.equals("ftp") || c.name.equals("tftp") || c.name.equals("lftp") || c.name.equals("telnet")) {
            if (c.stdin.present() && c.stdin.text() != null && c.stdin.text().contains("put")) {
                c.tag(Capability.NETWORK_EGRESS, Scope.OUTSIDE, c.name + " uploads files");
            }
        }
        c.outputTaint(Taint.NETWORK);
    }

    private static void capture(Call c) {
        c.tag(Capability.SECRET_RESOLVE, Scope.OUTSIDE, c.name + " captures network traffic (may capture "
                + "credentials): " + c.text);
        Call.Opts o = c.opts("-w", "-r", "-i", "-c", "-s", "-C", "-G", "-W", "-z", "-Z", "-y", "-B", "-E", "-F",
                "-T", "-j", "-a", "-b", "-o", "-Y", "-e", "-f", "-d", "-l");
        c.paths(o.all("-w"), Access.WRITE);
        c.paths(o.all("-r", "-F"), Access.READ);
        for (Arg z : o.all("-z")) {
            c.w.executeFile(z, c.env, Flow.TERMINAL, c.depth, c.name + " -z runs ");
        }
    }

    private static void tunnel(Call c) {
        List<String> words = CommandTable.words(c.args);
        if (c.name.equals("cloudflared") && !words.isEmpty() && !words.contains("tunnel")
                && !words.contains("--url") && words.contains("access")) {
            c.network("cloudflared access: " + c.text);
            return;
        }
        c.tag(Capability.PUBLIC_EXPOSURE, Scope.OUTSIDE, c.name + " exposes a local service to the internet: "
                + c.text);
        c.network(c.name + " opens a tunnel: " + c.text);
    }

    private static void tailscale(Call c) {
        List<String> words = CommandTable.words(c.args);
        String sub = words.isEmpty() ? "" : words.getFirst();
        switch (sub) {
            case "funnel" -> c.tag(Capability.PUBLIC_EXPOSURE, Scope.OUTSIDE, "tailscale funnel exposes a local "
                    + "service to the internet: " + c.text);
            case "serve" -> c.tag(Capability.PUBLIC_EXPOSURE, Scope.OUTSIDE, "tailscale serve shares a local service: "
                    + c.text);
            case "down", "logout" -> c.tag(Capability.SYSTEM_DISRUPTION, Scope.OUTSIDE, "tailscale " + sub);
            case "up", "set" -> {
                if (c.values().stream().anyMatch(v -> v.contains("advertise-exit-node") || v.contains("ssh"))) {
                    c.tag(Capability.PUBLIC_EXPOSURE, Scope.OUTSIDE, "tailscale offers this machine to the tailnet: "
                            + c.text);
                }
            }
            default -> { }
        }
        c.network("tailscale: " + c.text);
    }

    private static void mail(Call c) {
        Call.Opts o = c.opts("-s", "-a", "-A", "-c", "-b", "-r", "-F", "-f", "-S", "-q", "-i", "--attach", "-e",
                "--server", "--to", "--from", "--header", "--data", "--attach-type", "-t", "-u", "-m");
        c.paths(o.all("-a", "-A", "--attach", "--data", "-q"), Access.READ);
        c.paths(o.all("-F", "-f"), Access.READ);
        c.tag(Capability.NETWORK_EGRESS, Scope.OUTSIDE, c.name + " sends mail: " + c.text);
        for (Arg a : o.positional) {
            if (a.value().contains("@")) {
                c.tag(Capability.NETWORK_EGRESS, Scope.OUTSIDE, "sends mail to " + a.value());
            }
        }
    }

    private static void open(Call c) {
        for (Arg a : c.args) {
            if (!a.literal() || a.value().startsWith("-")) {
                continue;
            }
            String v = a.value();
            if (v.contains("://")) {
                c.url(v);
            } else if (CommandTable.isPathLike(v) || v.contains(".")) {
                c.path(a, Access.READ);
            }
        }
    }

    private static final Set<String> OPENSSL_VALUE = Set.of("-in", "-out", "-verify", "-signature", "-sigopt",
            "-pkeyopt", "-algorithm", "-prverify", "-sign", "-mac", "-macopt", "-hmac", "-connect", "-accept", "-port",
            "-key", "-inkey", "-cert", "-CAfile", "-pass", "-passin", "-passout", "-k", "-kfile", "-K", "-iv", "-md",
            "-keyform", "-certform", "-subj", "-days", "-newkey", "-config", "-extfile", "-signkey", "-servername",
            "-host", "-rand", "-writerand", "-sess_out", "-sess_in", "-keylogfile", "-msgfile", "-engine", "-name",
            "-nameopt", "-certfile", "-CApath", "-CAkey", "-CA", "-set_serial", "-extensions", "-reqexts", "-inform",
            "-outform", "-cipher", "-ciphersuites", "-groups", "-curves", "-psk", "-psk_identity", "-starttls",
            "-proxy", "-verify_hostname", "-verify_ip", "-crl", "-CRLfile", "-certopt", "-addext", "-iter",
            "-digest", "-keyfile", "-S", "-salt", "-keyout", "-untrusted", "-trusted", "-signer", "-queryfile",
            "-data");

    private static void openssl(Call c) {
        List<String> words = CommandTable.words(c.args);
        String sub = words.isEmpty() ? "" : words.getFirst();
        Call.Opts o = Call.Opts.parseWords(c.args, OPENSSL_VALUE);
        // Certificates, CSRs, CRLs and time-stamp queries/replies are public material: a .pem name does not make
        // them credentials. Private keys (-key, -inkey, -signkey, -CAkey, and -in of the key commands) are.
        boolean publicIn = OPENSSL_PUBLIC_IN.contains(sub);
        for (Arg in : o.all("-in")) {
            if (publicIn) {
                c.publicPath(in, Access.READ);
            } else {
                c.path(in, Access.READ);
            }
        }
        c.paths(o.all("-key", "-inkey", "-signkey", "-CAkey", "-kfile", "-config", "-data"), Access.READ);
        for (Arg cert : o.all("-cert", "-certfile", "-CAfile", "-CA", "-untrusted", "-trusted", "-signer",
                "-queryfile", "-CRLfile", "-crl")) {
            c.publicPath(cert, Access.READ);
        }
        for (Arg engine : o.all("-engine")) {
            if (engine.value().contains("/") || engine.value().endsWith(".so") || engine.value().endsWith(".dylib")) {
                c.tag(Capability.OBFUSCATED, Scope.UNKNOWN, "openssl loads a native engine: " + c.text);
                c.path(engine, Access.READ);
            }
        }
        // A certificate, CSR or public key written out is public; a key generated just now (genpkey, genrsa, req
        // -newkey/-keyout) is a new credential rather than an existing one read or tampered with. A key converted
        // from another (rsa, pkey, pkcs12 -out) stays secret, as do credential locations such as ~/.ssh/.
        boolean publicOut = publicIn || OPENSSL_KEYGEN.contains(sub) || o.has("-pubout");
        for (Arg out : o.all("-out", "-keyout")) {
            if (publicOut) {
                c.publicPath(out, Access.WRITE);
            } else {
                c.path(out, Access.WRITE);
            }
        }
        c.paths(o.all("-keylogfile", "-sess_out"), Access.WRITE);
        switch (sub) {
            case "s_client", "s_time" -> {
                Arg connect = o.value("-connect", "-host");
                if (connect != null) {
                    c.host(connect.value());
                } else {
                    c.network("openssl " + sub + ": " + c.text);
                }
                c.outputTaint(Taint.NETWORK);
            }
            case "s_server" -> {
                c.tag(Capability.PUBLIC_EXPOSURE, Scope.OUTSIDE, "openssl s_server listens: " + c.text);
                c.network("openssl s_server: " + c.text);
            }
            default -> { }
        }
        if (o.has("-d") || sub.equals("base64") && o.has("-d") || sub.equals("enc") && o.has("-d")) {
            c.outputTaint(Taint.DECODED);
        }
        if (sub.equals("enc") && o.has("-d") || o.has("-d") && !sub.isEmpty()) {
            c.outputTaint(Taint.DECODED);
        }
        // Positional operands only: option values such as -subj /C=XX/CN=host are not files.
        for (Arg a : o.positional.subList(Math.min(1, o.positional.size()), o.positional.size())) {
            if (a.literal() && CommandTable.isPathLike(a.value())) {
                if (publicIn) {
                    c.publicPath(a, Access.READ);
                } else {
                    c.path(a, Access.READ);
                }
            }
        }
    }

    /** openssl commands whose -in, -out and operands are certificates, CSRs, CRLs or time-stamp data. */
    private static final Set<String> OPENSSL_PUBLIC_IN = Set.of("x509", "req", "crl", "crl2pkcs7", "verify", "ts",
            "ocsp", "nseq");
    /** openssl commands that generate a new private key. */
    private static final Set<String> OPENSSL_KEYGEN = Set.of("genpkey", "genrsa", "gendsa", "ecparam", "dhparam",
            "dsaparam", "rand");

    private static void server(Call c) {
        boolean local = false;
        for (Arg a : c.args) {
            String v = a.value();
            if (v.contains("127.0.0.1") || v.contains("localhost") || v.equals("::1")) {
                local = true;
            }
        }
        if (Set.of("nginx", "apache2", "apachectl", "httpd", "lighttpd").contains(c.name)) {
            Call.Opts o = c.opts("-c", "-C", "-f", "-g", "-d", "-p", "-D", "-k", "-s", "-e");
            for (Arg a : o.all("-c", "-f")) {
                c.path(a, Access.READ);
            }
            for (Arg a : o.all("-C", "-g")) {
                CommandTable.scanArgument(c, a.value(), true);
            }
            if (o.has("-s") && o.value("-s") != null && o.value("-s").value().equals("stop")
                    || o.value("-k") != null && o.value("-k").value().equals("stop")) {
                c.tag(Capability.SYSTEM_DISRUPTION, Scope.OUTSIDE, c.name + " stop");
                return;
            }
        }
        if (!local) {
            c.tag(Capability.PUBLIC_EXPOSURE, Scope.OUTSIDE, c.name + " serves files on the network: " + c.text);
        }
        c.network(c.name + " listens: " + c.text);
    }
}
