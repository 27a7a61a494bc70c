package io.airlock.policy.analysis;

import io.airlock.policy.tags.Capability;
import io.airlock.policy.tags.Scope;
import io.airlock.policy.tags.Tag;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Tags a path argument: where it lands (inside or outside the workspace), and whether it is a secret (reading it is
 * {@code secret_resolve}), a persistence point (writing it is {@code persistence}) or a system file whose change needs
 * privileges. Purely lexical: {@code ~} and {@code $HOME} expand to the context's home, other variables make the
 * location unknown; nothing is read from disk, so the same call always gets the same tags.
 */
public final class PathAnalyzer {

    /** Secrets by path relative to home (prefix match on the normalised path). */
    private static final List<String> HOME_SECRETS = List.of(".ssh/", ".aws/", ".config/gh/", ".docker/config.json",
            ".kube/config", ".kube/", ".netrc", ".git-credentials", ".npmrc", ".pypirc", ".gnupg/",
            ".password-store/", ".config/gcloud/", ".azure/", ".bash_history", ".zsh_history", ".history",
            ".python_history", ".mysql_history", ".psql_history", ".node_repl_history", ".pgpass", ".my.cnf",
            "Library/Keychains/", ".local/share/keyrings/", ".mozilla/", ".config/google-chrome/",
            ".config/chromium/", "Library/Application Support/Google/Chrome/", ".cargo/credentials",
            ".cargo/credentials.toml", ".gem/credentials", ".config/hub", ".terraform.d/credentials.tfrc.json",
            ".vault-token", ".m2/settings.xml", ".gradle/gradle.properties", ".config/op/", ".claude/",
            ".codex/auth.json", ".config/rclone/", ".s3cfg", ".boto", ".dockercfg");
    /** Secrets by absolute path prefix. */
    private static final List<String> SYSTEM_SECRETS = List.of("/etc/shadow", "/etc/gshadow", "/etc/sudoers",
            "/etc/ssh/ssh_host_", "/var/run/secrets/", "/run/secrets/", "/etc/ssl/private/", "/root/.ssh/",
            "/etc/security/opasswd", "/var/lib/sss/", "/etc/krb5.keytab", "/proc/self/environ", "/etc/master.passwd",
            "/private/etc/master.passwd", "/var/db/dslocal/");
    /** Secrets by file name anywhere. */
    private static final Pattern SECRET_NAME = Pattern.compile(
            "(?i)(\\.env(\\.(?!example$|sample$|template$|dist$)[\\w.-]+)?|id_(rsa|dsa|ecdsa|ed25519)(\\.pub)?"
                    + "|.*\\.(pem|key|p12|pfx|jks|keystore|kdbx|ppk)|credentials(\\.json|\\.csv)?|secrets?\\.(ya?ml"
                    + "|json|toml)|\\.htpasswd|authorized_keys|shadow(\\.bak|-)?|environ|"
                    + "(login data|cookies|key[34]\\.db|logins\\.json|cookies\\.sqlite))");
    /** Files whose modification survives the session (home-relative). */
    private static final List<String> HOME_PERSISTENCE = List.of(".bashrc", ".bash_profile", ".bash_login",
            ".profile", ".zshrc", ".zprofile", ".zshenv", ".zlogin", ".config/fish/", ".ssh/authorized_keys",
            ".ssh/rc", ".ssh/config", ".config/systemd/", ".config/autostart/", "Library/LaunchAgents/",
            ".xinitrc", ".xprofile", ".vimrc", ".gitconfig", ".config/git/", ".npmrc", ".pip/", ".config/pip/",
            ".local/share/applications/", ".inputrc", ".curlrc", ".wgetrc", ".shrc", ".kshrc", ".mkshrc", ".cshrc",
            ".tcshrc", ".login", ".logout", ".bash_logout", ".zlogout", ".bash_aliases", ".zsh/", ".config/zsh/",
            ".oh-my-zsh/custom/", ".config/nushell/", ".config/environment.d/", ".pam_environment", ".xsession",
            ".xsessionrc", ".tmux.conf", ".config/tmux/", ".screenrc", ".gdbinit", ".config/gdb/", ".lldbinit",
            ".emacs", ".emacs.d/init.el", ".config/emacs/init.el", ".config/nvim/init.", ".gvimrc", ".exrc",
            ".vim/plugin/", ".Rprofile", ".ipython/profile_default/startup/", ".ssh/environment",
            ".config/autostart-scripts/", ".config/plasma-workspace/env/", ".config/i3/config", ".config/sway/config",
            ".pydistutils.cfg", ".yarnrc");
    private static final List<String> SYSTEM_PERSISTENCE = List.of("/etc/cron", "/var/spool/cron", "/etc/systemd/",
            "/lib/systemd/", "/usr/lib/systemd/", "/etc/init.d/", "/etc/rc.local", "/etc/rc", "/etc/profile",
            "/etc/bash.bashrc", "/etc/zsh", "/etc/environment", "/etc/ld.so.preload", "/etc/ld.so.conf",
            "/Library/LaunchAgents/", "/Library/LaunchDaemons/", "/etc/xdg/autostart/", "/etc/update-motd.d/",
            "/etc/pam.d/", "/etc/modules", "/etc/udev/", "/etc/anacrontab", "/etc/at.", "/var/spool/at",
            "/etc/periodic/", "/etc/emond.d/", "/etc/launchd.conf");
    /** Writing here changes the system for everyone: needs (or grants) privilege. */
    private static final List<String> SYSTEM_TREES = List.of("/etc/", "/usr/", "/bin/", "/sbin/", "/lib/", "/lib64/",
            "/boot/", "/opt/", "/var/", "/System/", "/Library/", "/root/", "/dev/", "/sys/", "/proc/");
    private static final List<String> PRIVILEGE_FILES = List.of("/etc/passwd", "/etc/shadow", "/etc/group",
            "/etc/sudoers", "/etc/sudoers.d/", "/etc/gshadow", "/etc/security/", "/etc/pam.d/");

    private PathAnalyzer() {}

    /** The absolute, normalised path, or null when it cannot be known without running anything. */
    public static Path resolve(String raw, AnalysisContext ctx) {
        if (raw == null || raw.isEmpty()) {
            return null;
        }
        String text = raw;
        if (text.startsWith("file://")) {
            text = text.substring("file://".length());
        }
        if (text.equals("~") || text.startsWith("~/")) {
            text = ctx.home() + text.substring(1);
        } else if (text.startsWith("$HOME") || text.startsWith("${HOME}")) {
            text = ctx.home() + text.substring(text.startsWith("$HOME") ? 5 : 7);
        } else if (text.startsWith("~")) {
            return null; // ~otheruser
        }
        if (text.contains("$") || text.contains("`")) {
            return null;
        }
        try {
            Path path = Path.of(text);
            return (path.isAbsolute() ? path : ctx.workingDirectory().resolve(path)).normalize();
        } catch (InvalidPathException e) {
            return null;
        }
    }

    public static Scope scope(String raw, AnalysisContext ctx) {
        Path path = resolve(raw, ctx);
        if (path == null) {
            return Scope.UNKNOWN;
        }
        for (Path root : ctx.workspaceRoots()) {
            if (path.startsWith(root)) {
                return Scope.INSIDE;
            }
        }
        return Scope.OUTSIDE;
    }

    /** Tags for {@code access} to {@code raw}. Always includes the base tag for the access. */
    public static List<Tag> analyze(String raw, Access access, AnalysisContext ctx) {
        List<Tag> tags = new ArrayList<>();
        Scope scope = scope(raw, ctx);
        Path path = resolve(raw, ctx);
        String evidence = access.name().toLowerCase(Locale.ROOT) + " " + raw;
        switch (access) {
            case READ -> tags.add(Tag.of(Capability.READ_FILE, scope, evidence));
            case WRITE -> tags.add(Tag.of(Capability.WRITE_FILE, scope, evidence));
            case DELETE -> tags.add(Tag.of(Capability.DELETE, scope, evidence));
            case EXECUTE -> tags.add(Tag.of(Capability.EXEC_COMMAND, scope, evidence));
        }
        if (isSecret(raw, path, ctx)) {
            // Any touch of a credential counts: reading leaks it, writing or deleting tampers with it.
            tags.add(Tag.of(Capability.SECRET_RESOLVE, scope, "credential location " + raw));
        }
        if (access != Access.READ && path != null) {
            if (isPersistence(path, ctx)) {
                tags.add(Tag.of(Capability.PERSISTENCE, scope, "persistence point " + raw));
            }
            if (startsWithAny(path, PRIVILEGE_FILES)) {
                tags.add(Tag.of(Capability.PRIVILEGE, scope, "account or privilege file " + raw));
            } else if (scope == Scope.OUTSIDE && startsWithAny(path, SYSTEM_TREES)
                    && !path.startsWith(ctx.home())) {
                tags.add(Tag.of(Capability.PRIVILEGE, scope, "system path " + raw));
            }
        }
        return tags;
    }

    /**
     * Whether the path is a credential location (under home or a system secret directory), regardless of its file
     * name: for callers that know the file holds public material (a certificate) or a key they generate afresh.
     */
    public static boolean isSecretLocation(String raw, AnalysisContext ctx) {
        Path path = resolve(raw, ctx);
        if (path == null || isHostKeyList(path)) {
            return false;
        }
        if (path.startsWith(ctx.home())) {
            String rel = ctx.home().relativize(path).toString();
            for (String prefix : HOME_SECRETS) {
                if (rel.equals(trimSlash(prefix)) || rel.startsWith(prefix.endsWith("/") ? prefix : prefix + "/")) {
                    return true;
                }
            }
        }
        return startsWithAny(path, SYSTEM_SECRETS);
    }

    /** Whether the path names credentials (by location under home, system location, or file name). */
    public static boolean isSecret(String raw, Path path, AnalysisContext ctx) {
        if (path != null && isHostKeyList(path) || path == null && raw.matches("(.*/)?(ssh_)?known_hosts(2|\\.old)?")) {
            return false;
        }
        if (path != null) {
            String rel = homeRelative(path, ctx);
            if (rel != null) {
                for (String prefix : HOME_SECRETS) {
                    if (rel.equals(trimSlash(prefix)) || rel.startsWith(prefix.endsWith("/") ? prefix
                            : prefix + "/") || rel.equals(prefix)) {
                        return true;
                    }
                }
            }
            if (startsWithAny(path, SYSTEM_SECRETS)) {
                return true;
            }
            Path name = path.getFileName();
            return name != null && SECRET_NAME.matcher(name.toString()).matches();
        }
        String last = raw.substring(raw.lastIndexOf('/') + 1);
        return SECRET_NAME.matcher(last).matches();
    }

    /**
     * known_hosts lists the public host keys ssh trusts: no credential is in it (ssh-keyscan prints the same keys to
     * anyone). Changing it is a write outside the workspace, which is asked about on its own.
     */
    private static boolean isHostKeyList(Path path) {
        Path name = path.getFileName();
        return name != null && name.toString().matches("(ssh_)?known_hosts(2|\\.old)?");
    }

    /** Home directories: the context's, and other accounts' ({@code /root}, {@code /home/x}, {@code /Users/x}). */
    private static final Pattern OTHER_HOME = Pattern.compile("^(/root|/home/[^/]+|/Users/[^/]+|/var/root)/(.+)$");

    /** The path relative to its home directory (the context's home first, then any account's), or null. */
    private static String homeRelative(Path path, AnalysisContext ctx) {
        if (path.startsWith(ctx.home())) {
            return ctx.home().relativize(path).toString();
        }
        java.util.regex.Matcher m = OTHER_HOME.matcher(path.toString());
        return m.matches() ? m.group(2) : null;
    }

    private static boolean isPersistence(Path path, AnalysisContext ctx) {
        String rel = homeRelative(path, ctx);
        if (rel != null) {
            for (String prefix : HOME_PERSISTENCE) {
                if (rel.equals(trimSlash(prefix)) || rel.startsWith(prefix)) {
                    return true;
                }
            }
        }
        String text = path.toString();
        if (text.contains("/.git/hooks/")) {
            return true;
        }
        return startsWithAny(path, SYSTEM_PERSISTENCE);
    }

    private static boolean startsWithAny(Path path, List<String> prefixes) {
        String text = path.toString();
        for (String prefix : prefixes) {
            if (text.startsWith(prefix) || (prefix.endsWith("/") && text.equals(trimSlash(prefix)))) {
                return true;
            }
        }
        return false;
    }

    private static String trimSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
