package io.airlock.policy.tags;

import java.util.Locale;

/**
 * What a tool call can do: the normalised taxonomy every tag comes from. The definitions here are the reference
 * (docs/CAPABILITIES.md is generated from them); rules and receipts use the {@link #id()}.
 */
public enum Capability {

    READ_FILE("Reads file contents or directory listings."),
    WRITE_FILE("Creates or modifies files; the scope says inside or outside the workspace."),
    DELETE("Removes files, directories or other data (including truncation and overwriting with nothing)."),
    EXEC_COMMAND("Runs a program or shell command."),
    NETWORK_EGRESS("Opens connections to other hosts: downloads, uploads, API calls, listeners reachable from "
            + "outside."),
    SECRET_RESOLVE("Reads credentials: keys, tokens, passwords, .env files, keychains, credential stores, cloud "
            + "metadata endpoints, shell history."),
    DEPLOY("Applies changes to a running system: kubectl/helm/terraform apply, production migrations, "
            + "`vercel --prod`, service restarts on remote hosts."),
    PUBLISH("Publishes an artifact to a registry: npm, Maven, PyPI, crates, container images, releases."),
    VCS_REMOTE_WRITE("Writes to a shared repository: push, remote branch or tag creation, PR merge."),
    VCS_HISTORY_REWRITE("Rewrites shared history: force push, remote branch deletion, history rewrite then push."),
    DB_READ("Reads from a database."),
    DB_WRITE("Inserts or updates database rows with a bounded scope."),
    DB_DESTRUCTIVE("Drops, truncates, or deletes/updates without WHERE; stacked statements."),
    MEMORY_WRITE("Writes to an agent's long-term memory or knowledge store."),
    PUBLIC_EXPOSURE("Makes something public: repository visibility, bucket ACLs, world-readable shares, tunnels."),
    PRIVILEGE("Gains or changes privileges: sudo/su, setuid, system-wide chmod/chown, user and group changes."),
    PERSISTENCE("Survives the session: shell rc files, cron, systemd units, authorized_keys, login items, git hooks."),
    REMOTE_CODE("Runs code fetched from elsewhere: curl | sh, download-and-execute, eval of decoded payloads."),
    SYSTEM_DISRUPTION("Disturbs the machine or its services: kill, shutdown, package removal, firewall, mounts."),
    OBFUSCATED("Hides what it does: encoded payloads, eval, string-built commands, constructs the analyser does not "
            + "model."),
    UNKNOWN("Nobody knows what it does: an uncatalogued tool (no scope), or an argument the analysers could not make "
            + "sense of, such as a command that does not parse (scope unknown).");

    private final String definition;

    Capability(String definition) {
        this.definition = definition;
    }

    /** The id used in rules, receipts and output: lower snake case, e.g. {@code secret_resolve}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public String definition() {
        return definition;
    }

    /** Parses an id such as {@code write_file}; null when unknown. */
    public static Capability fromId(String id) {
        for (Capability c : values()) {
            if (c.id().equals(id)) {
                return c;
            }
        }
        return null;
    }
}
