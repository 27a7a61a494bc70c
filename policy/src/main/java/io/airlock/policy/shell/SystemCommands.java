package io.airlock.policy.shell;

import static io.airlock.policy.shell.CommandTable.register;

import io.airlock.policy.analysis.Access;
import io.airlock.policy.tags.Capability;
import io.airlock.policy.tags.Scope;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The machine itself: permissions and ownership, users and groups, services, scheduling (cron, at, launchd, systemd),
 * processes, power, disks and mounts, kernel modules and parameters, firewalls and network configuration, logs and
 * shell history, and credential stores.
 */
final class SystemCommands {

    private SystemCommands() {}

    private static final Pattern OCTAL = Pattern.compile("[0-7]{3,4}");
    private static final Pattern SYMBOLIC = Pattern.compile("([ugoa]*[-+=][rwxXstugo]*)(,[ugoa]*[-+=][rwxXstugo]*)*");
    private static final Pattern WEB_ROOT = Pattern.compile(".*(/var/www|/srv/www|/srv/http|/usr/share/nginx|"
            + "public_html|htdocs|/wwwroot|/Library/WebServer).*");

    static void install() {
        CommandTable.register(SystemCommands::chmod, "chmod", "gchmod");
        register(SystemCommands::chown, "chown", "chgrp", "lchown", "gchown");
        register(c -> {
            c.tag(Capability.PRIVILEGE, Scope.OUTSIDE, c.name + " changes file capabilities or attributes: " + c.text);
            for (Arg a : c.args) {
                if (a.literal() && CommandTable.isPathLike(a.value())) {
                    c.path(a, Access.WRITE);
                }
            }
        }, "setcap", "chattr", "chflags", "setfacl", "chcon", "semanage", "restorecon", "setsebool");
        register(c -> {
            c.tag(Capability.PRIVILEGE, Scope.OUTSIDE, c.name + " changes users, groups or passwords: " + c.text);
            if (Set.of("userdel", "deluser", "groupdel", "delgroup", "rmuser").contains(c.name)) {
                c.tag(Capability.DELETE, Scope.OUTSIDE, c.name + " deletes an account: " + c.text);
            }
        }, "dsenableroot", "useradd", "adduser", "usermod", "userdel", "deluser", "groupadd", "addgroup", "groupmod", "groupdel",
                "delgroup", "gpasswd", "passwd", "chpasswd", "chage", "chsh", "chfn", "vipw", "vigr", "visudo",
                "pwconv", "grpconv", "newusers", "sysadminctl", "dseditgroup", "pw", "rmuser", "smbpasswd",
                "pdbedit", "htpasswd", "lusermod", "luseradd", "newuidmap", "newgidmap");
        register(SystemCommands::dscl, "dscl", "dscacheutil");
        register(c -> {
            c.tag(Capability.SYSTEM_DISRUPTION, Scope.OUTSIDE, c.name + " changes disks or file systems: " + c.text);
            c.tag(Capability.PRIVILEGE, Scope.OUTSIDE, c.name + " needs root: " + c.text);
            if (c.name.startsWith("mkfs") || Set.of("wipefs", "blkdiscard", "sgdisk", "sfdisk", "fdisk", "gdisk",
                    "parted", "cfdisk", "mkswap", "lvremove", "vgremove", "pvremove", "zpool", "zfs",
                    "cryptsetup").contains(c.name)) {
                c.tag(Capability.DELETE, Scope.OUTSIDE, c.name + " can destroy data on a device: " + c.text);
            }
        }, "mkfs", "mkfs.ext4", "mkfs.ext3", "mkfs.ext2", "mkfs.xfs", "mkfs.btrfs", "mkfs.vfat", "mkfs.fat",
                "mkfs.ntfs", "mkfs.exfat", "mke2fs", "mkswap", "fdisk", "sfdisk", "gdisk", "sgdisk", "cfdisk", "parted",
                "wipefs", "blkdiscard", "hdparm", "tune2fs", "e2fsck", "fsck", "losetup", "cryptsetup", "lvremove",
                "vgremove", "pvremove", "lvcreate", "mdadm", "zpool", "zfs", "btrfs", "swapon", "swapoff", "resize2fs",
                "xfs_repair", "dmsetup", "kpartx", "quotaon", "quotaoff");
        register(SystemCommands::mount, "mount", "umount", "unmount", "fusermount", "sshfs", "mount.cifs",
                "mount.nfs");
        register(c -> {
            c.tag(Capability.PRIVILEGE, Scope.OUTSIDE, c.name + " reads raw file-system data: " + c.text);
            c.tag(Capability.SECRET_RESOLVE, Scope.OUTSIDE, c.name + " can read any file on the device: " + c.text);
            CommandTable.generic(c);
        }, "debugfs", "xfs_db", "ntfscat", "icat", "fls");
        register(c -> {
            c.tag(Capability.PRIVILEGE, Scope.OUTSIDE, c.name + " changes the kernel: " + c.text);
            c.tag(Capability.SYSTEM_DISRUPTION, Scope.OUTSIDE, c.name + " changes the kernel: " + c.text);
        }, "insmod", "rmmod", "modprobe", "kmod", "kextload", "kextunload", "kmutil", "depmod", "kexec",
                "grub-install", "update-grub", "grub-mkconfig", "efibootmgr", "bootctl", "update-initramfs",
                "dracut", "mkinitcpio");
        register(SystemCommands::sysctl, "sysctl");
        register(c -> {
            if (c.args.isEmpty() || c.anyArg("-l", "--list", "-S", "-L", "list", "status", "show", "--list-rules",
                    "--list-all", "--state", "-s", "-sr", "-vnL", "-nL", "-vL") && !c.anyArg(
                    "-D", "-F", "-X", "-P", "--flush", "disable", "reset", "delete", "allow", "deny", "-d")) {
                if (c.name.equals("ufw") && c.args.isEmpty() || c.anyArg("-L", "-S", "list", "status", "show",
                        "--list-all", "--state", "-l", "--list", "-s", "-sr", "-nL", "-vnL", "-vL", "--list-rules")) {
                    return;
                }
            }
            c.tag(Capability.SYSTEM_DISRUPTION, Scope.OUTSIDE, c.name + " changes the firewall: " + c.text);
        }, "iptables", "ip6tables", "iptables-restore", "ip6tables-restore", "nft", "ufw", "firewall-cmd", "pfctl",
                "ipfw", "ebtables", "arptables", "iptables-legacy", "iptables-nft", "socketfilterfw", "csf", "apf");
        register(SystemCommands::ip, "ip");
        register(c -> {
            List<String> w = CommandTable.words(c.args);
            if (w.size() > 1 || c.anyArg("down", "up", "-a") && w.size() > 1 || w.contains("down")) {
                c.tag(Capability.SYSTEM_DISRUPTION, Scope.OUTSIDE, c.name + " changes network interfaces: " + c.text);
            }
        }, "ifconfig");
        register(c -> c.tag(Capability.SYSTEM_DISRUPTION, Scope.OUTSIDE, c.name + " changes network configuration: "
                + c.text), "ifdown", "ifup", "tc", "brctl", "ethtool-set", "iwconfig", "networksetup", "netplan",
                "resolvectl-set", "wpa_cli", "rfkill", "airport", "dhclient", "macchanger", "vconfig");
        register(c -> {
            List<String> w = CommandTable.words(c.args);
            if (w.isEmpty() || w.contains("show") || w.contains("status") || w.contains("list") && !w.contains(
                    "delete") || w.get(0).equals("general") && w.size() == 1 || w.contains("monitor")) {
                return;
            }
            if (w.stream().anyMatch(x -> Set.of("down", "off", "delete", "disconnect", "modify", "up", "add",
                    "reload", "edit", "connect", "set").contains(x))) {
                c.tag(Capability.SYSTEM_DISRUPTION, Scope.OUTSIDE, "nmcli changes network configuration: " + c.text);
            }
        }, "nmcli");
        register(c -> {
            List<String> w = CommandTable.words(c.args);
            if (w.contains("add") || w.contains("del") || w.contains("delete") || w.contains("flush")
                    || w.contains("change")) {
                c.tag(Capability.SYSTEM_DISRUPTION, Scope.OUTSIDE, "route changes routing: " + c.text);
            }
        }, "route");
        register(c -> {
            CommandTable.scanPaths(c);
            if (c.anyArg("-K", "--kill")) {
                c.tag(Capability.SYSTEM_DISRUPTION, Scope.OUTSIDE, "ss --kill closes connections: " + c.text);
            }
        }, "ss");
        register(c -> {
            List<String> w = CommandTable.words(c.args);
            if (!w.isEmpty() && (w.getFirst().startsWith("set-") || c.name.equals("hostname") && !w.isEmpty())) {
                c.tag(Capability.SYSTEM_DISRUPTION, Scope.OUTSIDE, c.name + " changes system settings: " + c.text);
            }
            if (c.name.equals("scutil") && c.anyArg("--set")) {
                c.tag(Capability.SYSTEM_DISRUPTION, Scope.OUTSIDE, "scutil --set: " + c.text);
            }
        }, "hostnamectl", "timedatectl", "localectl", "hostname", "scutil", "systemsetup", "resolvectl");
        register(c -> {
            Call.Opts o = c.opts("-d", "--date", "-r", "--reference", "-f", "--file", "-I", "-R", "--iso-8601");
            CommandTable.scanPaths(c);
            if (o.has("-s", "--set") || o.positional.stream().anyMatch(a -> a.value().matches("\\d{8,12}(\\.\\d{2})?"))) {
                c.tag(Capability.SYSTEM_DISRUPTION, Scope.OUTSIDE, "date changes the system clock: " + c.text);
            }
        }, "date", "gdate");
        register(c -> {
            if (c.anyArg("--set", "-w", "--systohc", "-s", "--hctosys", "--adjust")) {
                c.tag(Capability.SYSTEM_DISRUPTION, Scope.OUTSIDE, "hwclock changes the clock: " + c.text);
            }
        }, "hwclock");
        register(SystemCommands::kill, "kill", "pkill", "killall", "killall5", "xkill", "skill", "slay", "pkill9",
                "tkill", "fuser");
        register(c -> c.tag(Capability.SYSTEM_DISRUPTION, Scope.OUTSIDE, c.name + " stops or restarts the machine: "
                + c.text), "shutdown", "reboot", "halt", "poweroff", "telinit", "pm-suspend", "pm-hibernate",
                "systemctl-reboot", "zzz", "kexec-reboot", "rtcwake");
        register(c -> {
            List<String> w = CommandTable.words(c.args);
            if (!w.isEmpty() && w.getFirst().matches("[0-6sSqQuU]")) {
                c.tag(Capability.SYSTEM_DISRUPTION, Scope.OUTSIDE, "init changes the run level: " + c.text);
            }
        }, "init");
        register(SystemCommands::systemctl, "systemctl");
        register(SystemCommands::service, "service", "rc-service", "sv", "invoke-rc.d");
        register(c -> {
            List<String> w = CommandTable.words(c.args);
            String joined = String.join(" ", w);
            if (joined.matches(".*\\b(remove|disable|del|off|stop)\\b.*")) {
                c.tag(Capability.SYSTEM_DISRUPTION, Scope.OUTSIDE, c.name + " disables a service: " + c.text);
            } else if (!w.isEmpty() && !joined.matches(".*\\b(show|list|--list)\\b.*")) {
                c.tag(Capability.PERSISTENCE, Scope.OUTSIDE, c.name + " makes a service start at boot: " + c.text);
            }
        }, "update-rc.d", "chkconfig", "rc-update", "sysrc", "rcctl");
        register(SystemCommands::launchctl, "launchctl");
        register(SystemCommands::crontab, "crontab");
        register(SystemCommands::at, "at", "batch");
        register(c -> {
            if (!c.args.isEmpty()) {
                c.tag(Capability.DELETE, Scope.OUTSIDE, "atrm removes scheduled jobs: " + c.text);
            }
        }, "atrm");
        register(c -> {
            if (c.anyArg("enable-linger")) {
                c.tag(Capability.PERSISTENCE, Scope.OUTSIDE, "loginctl enable-linger keeps user services running: "
                        + c.text);
            } else if (c.anyArg("terminate-session", "terminate-user", "kill-session", "kill-user", "poweroff",
                    "reboot", "lock-sessions")) {
                c.tag(Capability.SYSTEM_DISRUPTION, Scope.OUTSIDE, "loginctl ends sessions: " + c.text);
            }
        }, "loginctl");
        register(SystemCommands::defaults, "defaults");
        register(c -> {
            if (c.anyArg("-d", "-c", "-r", "-dr", "-cr") && c.values().stream().anyMatch(v -> v.contains("quarantine"))
                    || c.anyArg("-c", "-cr")) {
                c.tag(Capability.OBFUSCATED, Scope.UNKNOWN, "xattr removes the quarantine attribute (bypasses "
                        + "Gatekeeper): " + c.text);
            }
            for (Arg a : c.args) {
                if (a.literal() && CommandTable.isPathLike(a.value())) {
                    c.path(a, Access.WRITE);
                }
            }
        }, "xattr");
        register(c -> {
            if (c.anyArg("--remove-signature", "-f", "--force")) {
                c.tag(Capability.OBFUSCATED, Scope.UNKNOWN, "codesign changes code signatures: " + c.text);
            }
        }, "codesign");
        register(c -> c.tag(Capability.SYSTEM_DISRUPTION, Scope.OUTSIDE, c.name + " changes security settings: "
                + c.text), "csrutil", "setenforce", "aa-disable", "aa-complain", "apparmor_parser", "fdesetup",
                "firewalld", "nvram", "bless", "kextcache", "sfltool", "tccutil", "profiles", "mdmclient");
        register(c -> {
            if (c.anyArg("--master-disable", "--global-disable", "--disable", "--add", "--remove")) {
                c.tag(Capability.SYSTEM_DISRUPTION, Scope.OUTSIDE, "spctl weakens Gatekeeper: " + c.text);
            }
        }, "spctl");
        register(c -> {
            if (!c.args.isEmpty() && !c.anyArg("-l", "-s", "--list", "--status", "-v", "-h")) {
                c.tag(Capability.SYSTEM_DISRUPTION, Scope.OUTSIDE, "auditctl changes audit rules: " + c.text);
            }
        }, "auditctl");
        register(c -> {
            List<String> w = CommandTable.words(c.args);
            if (w.contains("disable") || w.contains("delete") || w.contains("deletelocalsnapshots")
                    || w.contains("thinlocalsnapshots") || w.contains("removeexclusion") || w.contains("addexclusion")) {
                c.tag(Capability.SYSTEM_DISRUPTION, Scope.OUTSIDE, "tmutil changes backups: " + c.text);
                c.tag(Capability.DELETE, Scope.OUTSIDE, "tmutil deletes or disables backups: " + c.text);
            }
        }, "tmutil");
        register(c -> {
            List<String> w = CommandTable.words(c.args);
            if (!w.isEmpty() && w.getFirst().toLowerCase().matches("erase.*|zerodisk|securerase|secureerase|"
                    + "partitiondisk|reformat|deletevolume|apfs|unmount.*|eject|mountdisk|randomdisk|resizevolume")) {
                c.tag(Capability.SYSTEM_DISRUPTION, Scope.OUTSIDE, "diskutil " + w.getFirst() + ": " + c.text);
                if (w.getFirst().toLowerCase().matches("erase.*|zerodisk|secureerase|partitiondisk|reformat"
                        + "|deletevolume|randomdisk")) {
                    c.tag(Capability.DELETE, Scope.OUTSIDE, "diskutil erases data: " + c.text);
                }
            }
        }, "diskutil");
        register(c -> {
            for (Arg a : c.args) {
                String v = a.value();
                if (v.startsWith("--vacuum") || v.equals("--rotate") || v.equals("--flush") || v.startsWith(
                        "--relinquish")) {
                    c.tag(Capability.SYSTEM_DISRUPTION, Scope.OUTSIDE, "journalctl deletes or rotates system logs: "
                            + c.text);
                    c.tag(Capability.DELETE, Scope.OUTSIDE, "journalctl deletes system logs: " + c.text);
                    return;
                }
            }
        }, "journalctl");
        register(c -> {
            CommandTable.scanPaths(c);
            if (c.anyArg("-f", "--force")) {
                c.tag(Capability.SYSTEM_DISRUPTION, Scope.OUTSIDE, "logrotate -f rotates logs away: " + c.text);
            }
        }, "logrotate");
        register(SystemCommands::history, "history", "fc");
        register(SystemCommands::set, "set", "setopt", "unsetopt", "shopt");
        register(SystemCommands::unset, "unset");
        register(SystemCommands::read, "read", "mapfile", "readarray", "getopts");
        register(c -> {
            if (c.args.isEmpty() || c.anyArg("-p")) {
                c.tag(Capability.SECRET_RESOLVE, Scope.NONE, c.name + " prints the environment (credentials)");
            }
        }, "export", "declare", "typeset");
        register(SystemCommands::printenv, "printenv");
        register(c -> {
            List<String> w = CommandTable.words(c.args);
            if (!w.isEmpty()) {
                c.script(w.getFirst(), "trap handler");
            }
        }, "trap");
        register(CommandTable::scanPaths, "alias", "unalias", "hash", "type", "which", "whereis", "whatis", "apropos", "man", "info",
                "help", "tldr", "wait", "jobs", "disown", "bg", "fg", "sleep", "usleep", "times", "caller", "seq",
                "yes", "expr", "factor", "basename", "dirname", "pwd", "dirs", "uname", "whoami", "id",
                "groups", "tty", "clear", "reset", "tput", "stty", "uptime", "cal", "ncal", "logname", "users", "who",
                "w", "last", "lastlog", "arch-info", "nproc", "lscpu", "free", "vmstat", "iostat", "mpstat", "top",
                "htop", "btop", "atop", "lsblk", "lspci", "lsusb", "lsmod", "dmesg", "df", "mktemp", "tempfile",
                "exit", "return", "break", "continue", "shift", "local", "ulimit", "umask", "test", "[",
                "[[", "let", "compgen", "complete", "pgrep", "pidof", "ps", "pstree", "lsof", "netstat", "arp",
                "getconf", "locale", "sw_vers", "system_profiler", "ioreg", "sysctl-read", "vm_stat", "diff-so-fancy",
                "cowsay", "figlet", "lolcat", "toilet", "fortune", "banner", "printf-safe", "notify-send", "say",
                "logger", "tabs", "stat-safe", "getent-safe", "env-safe", "timeout-safe", "nohup-safe", "fold-safe",
                "realpath-safe", "sync", "wall", "write", "mesg", "talk", "sl", "asciinema", "ttyd-safe", "rev-safe");
        register(SystemCommands::ps, "ps");
        register(c -> {
            if (c.anyArg("-f")) {
                c.tag(Capability.OBFUSCATED, Scope.UNKNOWN, "enable -f loads a shared library into the shell: "
                        + c.text);
                CommandTable.scanPaths(c);
            }
        }, "enable");
        register(c -> {
            List<String> w = CommandTable.words(c.args);
            if (!w.isEmpty() && w.getFirst().matches("shadow|gshadow")) {
                c.tag(Capability.SECRET_RESOLVE, Scope.OUTSIDE, "getent reads password hashes: " + c.text);
            }
        }, "getent");
        register(SystemCommands::secretStore, "security", "secret-tool", "keyctl", "pass", "gopass", "op", "bw",
                "lpass", "keepassxc-cli", "kpcli", "vault", "gpg", "gpg2", "age", "sops", "rage", "bao", "chamber",
                "doppler", "infisical", "berglas", "aws-vault", "keyring", "envchain", "ksecretsservice",
                "kwallet-query", "ssh-add", "ssh-keygen", "certutil", "pk12util", "keytool", "chainbreaker",
                "gpg-card", "gpg-connect-agent", "pinentry", "dotenv-vault", "git-crypt", "blackbox_cat", "transcrypt");
        register(c -> c.tag(Capability.SECRET_RESOLVE, Scope.OUTSIDE, c.name + " extracts credentials: " + c.text),
                "mimikatz", "mimipenguin", "lazagne", "laZagne", "pypykatz", "gcore", "procdump", "unshadow", "john",
                "hashcat", "secretsdump.py", "impacket-secretsdump", "keychaindump", "dumpkeys-creds", "3snake",
                "swap_digger", "truffleHog", "trufflehog", "gitleaks", "dumpcreds", "linpeas", "linpeas.sh",
                "pspy", "keylogger", "logkeys", "xinput-keylog", "memdump");
        register(c -> c.tag(Capability.SYSTEM_DISRUPTION, Scope.OUTSIDE, c.name + " exhausts system resources: "
                + c.text), "stress", "stress-ng", "memtester", "fork-bomb", "cpuburn", "hping-flood", "slowloris");
        register(c -> {
            c.tag(Capability.PRIVILEGE, Scope.OUTSIDE, c.name + " changes privileged settings: " + c.text);
        }, "authconfig", "pam-auth-update", "polkit", "pkaction-set", "update-ca-certificates", "trust");
    }

    // ------------------------------------------------------------------------------------------------ permissions

    private static void chmod(Call c) {
        String mode = null;
        boolean recursive = false;
        List<Arg> files = new java.util.ArrayList<>();
        for (Arg a : c.args) {
            String v = a.value();
            if (!a.literal()) {
                if (mode == null) {
                    mode = v;
                } else {
                    files.add(a);
                }
                continue;
            }
            if (v.equals("-R") || v.equals("--recursive")) {
                recursive = true;
                continue;
            }
            if (mode == null && (OCTAL.matcher(v).matches() || SYMBOLIC.matcher(v).matches())) {
                mode = v;
                continue;
            }
            if (v.startsWith("-") && !SYMBOLIC.matcher(v).matches() || v.startsWith("--")) {
                if (v.startsWith("--reference=")) {
                    mode = "ref";
                }
                continue;
            }
            if (mode == null) {
                mode = v;
            } else {
                files.add(a);
            }
        }
        for (Arg f : files) {
            c.path(f, Access.WRITE);
        }
        if (mode == null) {
            return;
        }
        for (Arg f : files.isEmpty() ? List.of((Arg) null) : files) {
            checkMode(c, mode, f);
        }
        if (recursive) {
            for (Arg f : files) {
                Wrappers.recursiveRootCheck(c, f, "chmod -R");
            }
        }
    }

    /** setuid/setgid bits and world-writable modes. */
    static void checkMode(Call c, String mode, Arg target) {
        boolean setuid = false;
        boolean worldWritable = false;
        if (OCTAL.matcher(mode).matches()) {
            int value = Integer.parseInt(mode, 8);
            setuid = (value & 06000) != 0;
            worldWritable = (value & 02) != 0;
        } else {
            for (String clause : mode.split(",")) {
                String who = clause.replaceAll("[-+=].*", "");
                String perms = clause.replaceAll("^[ugoa]*[-+=]", "");
                boolean adds = clause.contains("+") || clause.contains("=");
                if (adds && perms.contains("s") && (who.isEmpty() || who.contains("u") || who.contains("g")
                        || who.contains("a"))) {
                    setuid = true;
                }
                if (adds && perms.contains("w") && (who.contains("o") || who.contains("a"))) {
                    worldWritable = true;
                }
            }
        }
        Scope scope = target == null ? Scope.UNKNOWN : c.scope(target);
        String what = target == null ? c.text : target.value();
        if (setuid) {
            c.tag(Capability.PRIVILEGE, scope, "sets the setuid/setgid bit on " + what);
        }
        if (worldWritable) {
            Path p = target == null ? null : c.resolve(target);
            if (p != null && WEB_ROOT.matcher(p.toString()).matches()) {
                c.tag(Capability.PUBLIC_EXPOSURE, scope, "makes web content world-writable: " + what);
            }
            c.tag(Capability.PRIVILEGE, scope, "makes " + what + " writable by everyone");
        }
    }

    private static void chown(Call c) {
        Call.Opts o = c.opts("--reference", "--from");
        List<Arg> pos = o.positional;
        if (pos.isEmpty()) {
            return;
        }
        Arg owner = o.value("--reference") == null ? pos.getFirst() : null;
        List<Arg> files = owner == null ? pos : pos.subList(1, pos.size());
        if (owner != null && owner.value().matches("(root|0|wheel|admin|sudo)?([:.](root|0|wheel|admin|sudo|shadow"
                + "|staff)?)?") && !owner.value().isEmpty()) {
            c.tag(Capability.PRIVILEGE, Scope.OUTSIDE, c.name + " gives files to root or an admin group: " + c.text);
        }
        for (Arg f : files) {
            c.path(f, Access.WRITE);
            if (c.scope(f) != Scope.INSIDE) {
                c.tag(Capability.PRIVILEGE, c.scope(f), c.name + " changes ownership outside the workspace: "
                        + f.value());
            }
        }
        if (o.has("-R", "--recursive")) {
            for (Arg f : files) {
                Wrappers.recursiveRootCheck(c, f, c.name + " -R");
            }
        }
    }

    private static void dscl(Call c) {
        String text = c.text;
        if (text.contains("ShadowHashData") || text.contains("AuthenticationAuthority") || text.contains("-authonly")
                || c.anyArg("-passwd", "-authonly")) {
            c.tag(Capability.SECRET_RESOLVE, Scope.OUTSIDE, "dscl reads or checks password data: " + text);
        }
        if (c.anyArg("-create", "-append", "-delete", "-merge", "-change", "-passwd")) {
            c.tag(Capability.PRIVILEGE, Scope.OUTSIDE, "dscl changes directory records: " + text);
        }
    }

    private static void mount(Call c) {
        List<String> w = CommandTable.words(c.args);
        if (c.name.equals("mount") && w.isEmpty() && !c.anyArg("-a", "--all")) {
            return;
        }
        if (c.name.equals("sshfs")) {
            for (String x : w) {
                if (NetCommands.isRemoteSpec(x)) {
                    c.host(x.substring(0, x.indexOf(':')));
                }
            }
        }
        c.tag(Capability.SYSTEM_DISRUPTION, Scope.OUTSIDE, c.name + " changes mounts: " + c.text);
        c.tag(Capability.PRIVILEGE, Scope.OUTSIDE, c.name + " needs root: " + c.text);
    }

    private static void sysctl(Call c) {
        boolean write = c.anyArg("-w", "--write", "-p", "--load", "--system");
        for (Arg a : c.args) {
            if (a.literal() && a.value().contains("=") && !a.value().startsWith("-")) {
                write = true;
            }
            if (a.literal() && CommandTable.isPathLike(a.value())) {
                c.path(a, Access.READ);
            }
        }
        if (write) {
            c.tag(Capability.SYSTEM_DISRUPTION, Scope.OUTSIDE, "sysctl changes kernel parameters: " + c.text);
        }
    }

    private static void ip(Call c) {
        CommandTable.scanPaths(c);
        List<String> w = CommandTable.words(c.args);
        if (w.size() < 2) {
            return;
        }
        if (w.stream().anyMatch(x -> Set.of("add", "del", "delete", "change", "replace", "set", "flush", "append",
                "prepend", "exec", "attach", "detach", "down", "up").contains(x))) {
            c.tag(Capability.SYSTEM_DISRUPTION, Scope.OUTSIDE, "ip changes network configuration: " + c.text);
            if (w.contains("exec") && w.contains("netns")) {
                int idx = -1;
                for (int i = 0; i < c.args.size(); i++) {
                    if (c.args.get(i).value().equals("exec")) {
                        idx = i;
                    }
                }
                if (idx >= 0 && idx + 2 < c.args.size()) {
                    c.inner(c.args.subList(idx + 2, c.args.size()));
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ processes

    private static void kill(Call c) {
        if (c.name.equals("kill") && c.anyArg("-l", "-L", "--list", "-0")) {
            return;
        }
        if (c.name.equals("fuser") && !c.anyArg("-k", "--kill")) {
            return;
        }
        boolean all = c.values().stream().anyMatch(v -> v.equals("-1") && c.name.equals("kill")) || c.name.equals(
                "killall5");
        c.tag(Capability.SYSTEM_DISRUPTION, Scope.OUTSIDE, (all ? "kills every process: " : c.name
                + " kills processes: ") + c.text);
    }

    private static final Set<String> SYSTEMCTL_DISRUPT = Set.of("stop", "disable", "mask", "kill", "reboot",
            "poweroff", "halt", "suspend", "hibernate", "hybrid-sleep", "suspend-then-hibernate", "kexec",
            "emergency", "rescue", "soft-reboot", "isolate", "default", "set-default", "switch-root", "daemon-reexec",
            "restart", "try-restart", "reload-or-restart", "force-reload", "exit", "revert", "clean", "freeze",
            "preset-all");
    private static final Set<String> SYSTEMCTL_PERSIST = Set.of("enable", "link", "add-wants", "add-requires",
            "reenable", "edit", "preset", "unmask");

    private static void systemctl(Call c) {
        List<String> w = VcsCommands.words(c.args, Set.of("-t", "--type", "-s", "--signal", "-p", "--property", "-H",
                "--host", "-M", "--machine", "--root", "--preset-mode", "--kill-whom", "--when", "-n", "--lines",
                "-o", "--output", "--state", "--job-mode", "--boot-loader-entry", "--reboot-argument", "--timestamp",
                "--what", "--message", "--image", "--drop-in"));
        if (w.isEmpty()) {
            return;
        }
        String verb = w.getFirst();
        if ((verb.equals("preset") || verb.equals("preset-all")) && c.values().stream().anyMatch(v -> v.contains(
                "disable"))) {
            c.tag(Capability.SYSTEM_DISRUPTION, Scope.OUTSIDE, "systemctl " + verb + " disables services: " + c.text);
            return;
        }
        if (SYSTEMCTL_DISRUPT.contains(verb)) {
            c.tag(Capability.SYSTEM_DISRUPTION, Scope.OUTSIDE, "systemctl " + verb + ": " + c.text);
            if (verb.equals("disable") && c.anyArg("--now") || verb.equals("mask")) {
                return;
            }
        }
        if (verb.equals("set-property")) {
            // Only resource-control properties (CPUQuota, MemoryMax, ...) can be set: limits on a unit, never what it
            // runs or when it starts.
            c.tag(Capability.SYSTEM_DISRUPTION, Scope.OUTSIDE, "systemctl set-property changes a unit's resource "
                    + "limits: " + c.text);
        }
        if (SYSTEMCTL_PERSIST.contains(verb)) {
            c.tag(Capability.PERSISTENCE, Scope.OUTSIDE, "systemctl " + verb + " changes what runs at boot: "
                    + c.text);
            if (verb.equals("edit")) {
                c.tag(Capability.SYSTEM_DISRUPTION, Scope.OUTSIDE, "systemctl edit changes a unit: " + c.text);
            }
            if (verb.equals("link")) {
                for (String f : w.subList(1, w.size())) {
                    c.path(Arg.lit(f), Access.READ);
                }
            }
        }
        if (c.anyArg("-H", "--host") || c.values().stream().anyMatch(v -> v.startsWith("--host="))) {
            c.tag(Capability.DEPLOY, Scope.OUTSIDE, "systemctl on a remote host: " + c.text);
        }
    }

    private static void service(Call c) {
        List<String> w = CommandTable.words(c.args);
        if (w.size() < 2) {
            return;
        }
        String verb = w.get(1);
        if (c.name.equals("sv")) {
            verb = w.getFirst();
        }
        if (Set.of("stop", "restart", "disable", "force-stop", "force-reload", "kill", "down", "exit", "reload",
                "zap", "onestop").contains(verb)) {
            c.tag(Capability.SYSTEM_DISRUPTION, Scope.OUTSIDE, c.name + " " + verb + ": " + c.text);
        } else if (verb.equals("enable")) {
            c.tag(Capability.PERSISTENCE, Scope.OUTSIDE, c.name + " enable: " + c.text);
        }
    }

    private static void launchctl(Call c) {
        List<String> w = CommandTable.words(c.args);
        if (w.isEmpty()) {
            return;
        }
        String verb = w.getFirst();
        switch (verb) {
            case "load", "bootstrap", "enable", "submit", "setenv", "asuser", "config" -> {
                c.tag(Capability.PERSISTENCE, Scope.OUTSIDE, "launchctl " + verb + " registers a job: " + c.text);
                for (String f : w.subList(1, w.size())) {
                    if (CommandTable.isPathLike(f)) {
                        c.path(Arg.lit(f), Access.READ);
                    }
                }
            }
            case "unload", "bootout", "remove", "disable", "kill", "stop", "reboot" -> c.tag(
                    Capability.SYSTEM_DISRUPTION, Scope.OUTSIDE, "launchctl " + verb + ": " + c.text);
            case "start", "kickstart" -> c.tag(Capability.EXEC_COMMAND, Scope.OUTSIDE, "launchctl " + verb + ": "
                    + c.text);
            default -> { }
        }
    }

    private static void crontab(Call c) {
        Call.Opts o = c.opts("-u", "-s");
        if (o.has("-l") && !o.has("-r", "-e") && o.positional.isEmpty()) {
            return;
        }
        if (o.value("-u") != null) {
            c.tag(Capability.PRIVILEGE, Scope.OUTSIDE, "crontab for another user: " + c.text);
        }
        if (o.has("-r")) {
            c.tag(Capability.DELETE, Scope.OUTSIDE, "crontab -r removes all scheduled jobs: " + c.text);
            c.tag(Capability.PERSISTENCE, Scope.OUTSIDE, "crontab -r changes scheduled jobs: " + c.text);
            return;
        }
        c.tag(Capability.PERSISTENCE, Scope.OUTSIDE, "crontab installs scheduled jobs: " + c.text);
        for (Arg f : o.positional) {
            if (f.literal() && f.value().equals("-")) {
                scheduled(c);
            } else {
                c.path(f, Access.READ);
                Path p = c.resolve(f);
                Flow known = p == null ? null : c.w.files.get(p);
                if (known != null && known.text() != null) {
                    cronLines(c, known.text());
                }
            }
        }
        if (o.positional.isEmpty() && !o.has("-e") && c.stdin.present()) {
            scheduled(c);
        }
    }

    private static void scheduled(Call c) {
        if (c.stdin.text() != null) {
            cronLines(c, c.stdin.text());
        } else {
            c.runStdin(Walker.Interpreter.SHELL);
        }
    }

    private static void cronLines(Call c, String text) {
        for (String line : text.split("\n")) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#") || l.matches("[A-Z_]+=.*")) {
                continue;
            }
            String[] fields = l.startsWith("@") ? l.split("\\s+", 2) : l.split("\\s+", 6);
            String cmd = fields[fields.length - 1];
            c.w.walkText(cmd, c.env.copy(), Flow.TERMINAL, c.depth + 1, "scheduled job");
        }
    }

    private static void at(Call c) {
        c.tag(Capability.PERSISTENCE, Scope.OUTSIDE, c.name + " schedules a command: " + c.text);
        Call.Opts o = c.opts("-f", "-q", "-t");
        Arg file = o.value("-f");
        if (file != null) {
            c.w.executeFile(file, c.env, Flow.TERMINAL, c.depth, "at runs ");
        } else if (c.stdin.present()) {
            c.runStdin(Walker.Interpreter.SHELL);
        }
    }

    private static void defaults(Call c) {
        List<String> w = CommandTable.words(c.args);
        if (w.isEmpty() || !w.getFirst().equals("write") && !w.getFirst().equals("delete")) {
            return;
        }
        String joined = String.join(" ", w);
        if (joined.contains("LoginHook") || joined.contains("LogoutHook") || joined.contains("loginwindow")
                || joined.contains("LaunchAgents") || joined.contains("AutoLaunchedApplicationDictionary")) {
            c.tag(Capability.PERSISTENCE, Scope.OUTSIDE, "defaults installs a login hook: " + c.text);
        } else if (joined.contains("com.apple.alf") || joined.contains("GlobalPreferences") || joined.contains(
                "LSQuarantine") || joined.contains("com.apple.security") || joined.contains("SoftwareUpdate")
                || joined.contains("com.apple.screensaver") || w.size() > 1 && w.get(1).startsWith("/Library")) {
            c.tag(Capability.SYSTEM_DISRUPTION, Scope.OUTSIDE, "defaults changes system security settings: "
                    + c.text);
        }
    }

    // ------------------------------------------------------------------------------------------------ shell state

    private static void history(Call c) {
        if (c.anyArg("-c", "-d", "-w", "-a") || c.values().stream().anyMatch(v -> v.matches("-[a-z]*[cdw][a-z]*"))) {
            c.tag(Capability.SYSTEM_DISRUPTION, Scope.NONE, c.name + " clears or rewrites shell history: " + c.text);
            if (!c.anyArg("-w", "-a")) {
                return;
            }
        }
        c.tag(Capability.SECRET_RESOLVE, Scope.NONE, c.name + " reads shell history (may hold credentials): "
                + c.text);
    }

    private static void set(Call c) {
        if (!c.name.equals("set")) {
            return;
        }
        if (c.args.isEmpty()) {
            c.tag(Capability.SECRET_RESOLVE, Scope.NONE, "set prints the environment and variables (credentials)");
            return;
        }
        for (int i = 0; i < c.args.size(); i++) {
            String v = c.args.get(i).value();
            if ((v.equals("+o") || v.equals("-o")) && i + 1 < c.args.size()
                    && c.args.get(i + 1).value().equals("history") && v.equals("+o")) {
                c.tag(Capability.SYSTEM_DISRUPTION, Scope.NONE, "set +o history disables shell history");
            }
            if (v.equals("-o") && i + 1 >= c.args.size() || v.equals("+o") && i + 1 >= c.args.size()) {
                return;
            }
        }
    }

    private static void unset(Call c) {
        for (Arg a : c.args) {
            String v = a.value();
            if (v.startsWith("-")) {
                continue;
            }
            if (v.matches("HISTFILE|HISTSIZE|HISTFILESIZE")) {
                c.tag(Capability.SYSTEM_DISRUPTION, Scope.NONE, "unset " + v + " disables shell history");
            }
            c.env.setUnknown(v);
        }
    }

    private static void read(Call c) {
        Call.Opts o = c.opts("-p", "-t", "-u", "-d", "-n", "-N", "-a", "-i", "-C", "-c", "-O");
        for (Arg a : o.positional) {
            c.env.setUnknown(a.value());
        }
        for (Arg a : o.all("-a")) {
            c.env.setUnknown(a.value());
        }
        c.env.setUnknown("REPLY");
        c.env.setUnknown("MAPFILE");
        c.output(Flow.EMPTY);
    }

    private static void printenv(Call c) {
        List<String> names = CommandTable.words(c.args);
        if (names.isEmpty()) {
            c.tag(Capability.SECRET_RESOLVE, Scope.NONE, "printenv prints the environment (credentials)");
            return;
        }
        for (String n : names) {
            if (Walker.isSecretVar(n)) {
                c.tag(Capability.SECRET_RESOLVE, Scope.NONE, "printenv reads secret variable " + n);
            }
        }
    }

    /** ps options whose next word is their value (a sort key, a format, a user list), never BSD flags. */
    private static final Set<String> PS_VALUE = Set.of("--sort", "-o", "-O", "o", "O", "--format", "-p", "p",
            "--pid", "--ppid", "-u", "U", "-U", "--user", "--User", "-g", "-G", "--group", "--Group", "-t", "t",
            "--tty", "-C", "--cols", "--columns", "--rows", "--lines", "-s", "--sid", "-q", "q", "--quick-pid", "k",
            "-k", "--width");

    private static void ps(Call c) {
        for (int i = 0; i < c.args.size(); i++) {
            Arg a = c.args.get(i);
            String v = a.value();
            if (a.literal() && PS_VALUE.contains(v)) {
                i++;
                continue;
            }
            if (a.literal() && !v.startsWith("-") && v.matches("[a-zA-Z]*e[a-zA-Z]*") && v.length() <= 6
                    || v.equals("-E") || v.equals("--env")) {
                c.tag(Capability.SECRET_RESOLVE, Scope.OUTSIDE, "ps shows other processes' environments: " + c.text);
                return;
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ credentials

    private static void secretStore(Call c) {
        List<String> w = CommandTable.words(c.args);
        String sub = w.isEmpty() ? "" : w.getFirst();
        String text = c.text;
        switch (c.name) {
            case "security" -> {
                if (sub.matches("find-(generic|internet)-password|dump-keychain|export|find-certificate|"
                        + "find-identity|unlock-keychain|show-keychain-info|dump-trust-settings|find-key|"
                        + "list-keychains|default-keychain|cms|smartcard|authorizationdb|add-trusted-cert|"
                        + "remove-trusted-cert|add-generic-password|add-internet-password|delete-.*|set-.*|"
                        + "create-keychain|import|leaks|execute-with-privileges")) {
                    if (sub.startsWith("add-trusted") || sub.startsWith("remove-trusted") || sub.equals(
                            "authorizationdb") || sub.equals("execute-with-privileges")) {
                        c.tag(Capability.PRIVILEGE, Scope.OUTSIDE, "security " + sub + ": " + text);
                    } else {
                        c.tag(Capability.SECRET_RESOLVE, Scope.OUTSIDE, "security " + sub + " reads the keychain: "
                                + text);
                    }
                }
            }
            case "ssh-add" -> {
                for (Arg a : c.args) {
                    if (a.literal() && !a.value().startsWith("-")) {
                        c.path(a, Access.READ);
                    }
                }
                if (!c.anyArg("-D", "-d", "-l", "-L")) {
                    c.tag(Capability.SECRET_RESOLVE, Scope.OUTSIDE, "ssh-add loads a private key into the agent: "
                            + text);
                }
            }
            case "ssh-keygen" -> {
                Call.Opts o = c.opts("-f", "-t", "-b", "-C", "-N", "-P", "-m", "-a", "-Z", "-O", "-I", "-n", "-V",
                        "-z", "-s", "-F", "-R", "-E", "-M", "-r", "-w", "-Y", "-D");
                Arg f = o.value("-f");
                boolean reads = o.has("-y", "-p", "-l", "-e", "-i", "-B", "-c", "-s", "-L", "-Y");
                // -l/-B print a fingerprint and -F/-R look up host keys: only public halves are read.
                boolean publicOnly = o.has("-l", "-B", "-F", "-R") && !o.has("-y", "-p", "-e", "-i", "-c", "-s",
                        "-Y");
                boolean generates = !reads && !o.has("-F", "-R", "-H", "-k", "-A", "-D", "-r", "-G", "-T", "-M",
                        "-Q", "-K");
                if (f != null) {
                    if (publicOnly) {
                        // Even for a private key file only its public half is parsed (never decrypted) and only a
                        // fingerprint or a host entry is printed.
                        c.tag(Capability.READ_FILE, c.scope(f), "ssh-keygen reads a public key or fingerprint: " + text);
                    } else {
                        c.path(f, reads ? Access.READ : Access.WRITE);
                    }
                    if (!reads && generates) {
                        c.path(Arg.lit(f.value() + ".pub"), Access.WRITE);
                    }
                } else if (generates) {
                    // Without -f a new key goes to ~/.ssh/id_<type>.
                    Arg type = o.value("-t");
                    c.path(Arg.lit("~/.ssh/id_" + (type == null ? "ed25519" : type.value()
                            .replaceAll("[^a-z0-9-]", ""))), Access.WRITE);
                }
                Arg ca = o.value("-s");
                if (ca != null) {
                    c.path(ca, Access.READ);
                }
                if (o.value("-R") != null) {
                    c.path(Arg.lit("~/.ssh/known_hosts"), Access.WRITE);
                }
                Arg pkcs = o.value("-D");
                if (pkcs != null) {
                    c.tag(Capability.OBFUSCATED, Scope.UNKNOWN, "ssh-keygen -D loads a native library: " + text);
                }
            }
            case "gpg", "gpg2" -> {
                if (c.values().stream().anyMatch(v -> v.startsWith("--export-secret") || v.equals("-d")
                        || v.equals("--decrypt") || v.equals("--export-ownertrust") || v.equals("--gen-revoke")
                        || v.equals("--show-session-key") || v.startsWith("--passphrase"))) {
                    c.tag(Capability.SECRET_RESOLVE, Scope.OUTSIDE, "gpg exports secret keys or decrypts: " + text);
                }
                if (c.values().stream().anyMatch(v -> v.startsWith("--delete-secret") || v.startsWith("--delete-key"))) {
                    c.tag(Capability.DELETE, Scope.OUTSIDE, "gpg deletes keys: " + text);
                }
                for (Arg a : c.args) {
                    if (a.literal() && CommandTable.isPathLike(a.value())) {
                        c.path(a, Access.READ);
                    }
                }
                if (c.values().stream().anyMatch(v -> v.equals("--recv-keys") || v.equals("--send-keys")
                        || v.equals("--search-keys") || v.equals("--refresh-keys") || v.startsWith("--keyserver"))) {
                    c.network("gpg talks to a keyserver: " + text);
                }
            }
            case "gpg-card" -> {
                if (w.contains("factory-reset")) {
                    c.tag(Capability.DELETE, Scope.OUTSIDE, "gpg-card factory-reset wipes a smartcard: " + text);
                } else if (!w.isEmpty() && w.stream().allMatch(x -> x.matches("list|ls|help|version|fetch|url|"
                        + "name|lang|sex|reset-cache")) && !(w.contains("url") || w.contains("name")
                        || w.contains("lang") || w.contains("sex")) || w.size() == 1 && Set.of("url", "name", "lang")
                        .contains(w.getFirst())) {
                    // Listing a card or printing its URL shows public data objects (serial, fingerprints, URL);
                    // fetch imports the public key from that URL.
                    if (w.contains("fetch")) {
                        c.network("gpg-card fetch downloads the card's public key: " + text);
                    }
                } else {
                    c.tag(Capability.SECRET_RESOLVE, Scope.OUTSIDE, "gpg-card: " + text);
                }
            }
            case "age", "rage", "sops", "git-crypt", "transcrypt", "blackbox_cat" -> {
                if (c.anyArg("-d", "--decrypt", "exec-env", "exec-file", "unlock", "-D") || c.name.equals(
                        "blackbox_cat") || w.contains("unlock") || w.contains("exec-env") || w.contains("decrypt")) {
                    c.tag(Capability.SECRET_RESOLVE, Scope.OUTSIDE, c.name + " decrypts secrets: " + text);
                }
                for (Arg a : c.args) {
                    if (a.literal() && CommandTable.isPathLike(a.value())) {
                        c.path(a, Access.READ);
                    }
                }
            }
            case "keytool", "certutil", "pk12util" -> {
                if (c.values().stream().anyMatch(v -> v.matches("-(importkeystore|exportcert|export|list|importcert"
                        + "|delete|genkeypair|storepasswd|keypasswd)"))) {
                    c.tag(Capability.SECRET_RESOLVE, Scope.OUTSIDE, c.name + " handles keystores: " + text);
                }
                for (Arg a : c.args) {
                    if (a.literal() && CommandTable.isPathLike(a.value())) {
                        c.path(a, Access.READ);
                    }
                }
            }
            case "vault", "bao" -> {
                if (Set.of("read", "kv", "login", "token", "print", "unwrap", "write", "lease", "secrets",
                        "operator").contains(sub)) {
                    c.tag(Capability.SECRET_RESOLVE, Scope.OUTSIDE, c.name + " " + sub + ": " + text);
                }
                if (sub.equals("write") || sub.equals("delete") || sub.equals("kv") && w.size() > 1 && Set.of("put",
                        "delete", "destroy", "patch", "metadata").contains(w.get(1))) {
                    c.tag(Capability.DEPLOY, Scope.OUTSIDE, c.name + " changes stored secrets: " + text);
                }
                c.network(c.name + ": " + text);
            }
            case "pass", "gopass" -> {
                if (sub.isEmpty() || Set.of("show", "ls", "list", "find", "grep", "otp", "cat", "-c", "--clip")
                        .contains(sub) || !Set.of("init", "generate", "insert", "edit", "rm", "mv", "cp", "git",
                        "help", "version").contains(sub)) {
                    c.tag(Capability.SECRET_RESOLVE, Scope.OUTSIDE, c.name + " reads the password store: " + text);
                } else if (sub.equals("rm")) {
                    c.tag(Capability.DELETE, Scope.OUTSIDE, c.name + " rm deletes a password: " + text);
                } else {
                    c.tag(Capability.SECRET_RESOLVE, Scope.OUTSIDE, c.name + " " + sub + ": " + text);
                }
            }
            case "keyctl" -> {
                if (Set.of("print", "read", "pipe", "show", "describe").contains(sub)) {
                    c.tag(Capability.SECRET_RESOLVE, Scope.OUTSIDE, "keyctl reads the kernel keyring: " + text);
                }
            }
            default -> {
                if (!Set.of("help", "--help", "-h", "version", "--version", "completion", "update")
                        .contains(sub)) {
                    c.tag(Capability.SECRET_RESOLVE, Scope.OUTSIDE, c.name + " accesses a credential store: " + text);
                    if (Set.of("run", "exec", "exec-env").contains(sub)) {
                        int idx = -1;
                        for (int i = 0; i < c.args.size(); i++) {
                            if (c.args.get(i).value().equals("--")) {
                                idx = i;
                                break;
                            }
                        }
                        if (idx >= 0 && idx + 1 < c.args.size()) {
                            c.inner(c.args.subList(idx + 1, c.args.size()));
                        }
                    }
                }
            }
        }
    }
}
