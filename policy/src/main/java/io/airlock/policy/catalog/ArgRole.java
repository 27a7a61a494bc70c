package io.airlock.policy.catalog;

/** What an argument of a catalogued tool means, which decides how it is analysed. */
public enum ArgRole {
    /** A shell command line run by {@code sh -c}. */
    SHELL_COMMAND,
    /** A program and its arguments as an array (no shell). */
    ARGV,
    /** A path the tool reads (or lists). */
    PATH_READ,
    /** A path the tool creates or modifies. */
    PATH_WRITE,
    /** A path the tool deletes (or moves away). */
    PATH_DELETE,
    /**
     * A path the tool reads, or a URL it fetches when the value has a URL scheme ({@code https://…}): analyse as
     * {@link #URL} when it does, as {@link #PATH_READ} otherwise (desktop-commander's {@code read_file}).
     */
    PATH_OR_URL,
    /** A working directory for a command. */
    CWD,
    /**
     * Text written to a command's standard input. It is code when the command is an interpreter reading its program
     * from stdin ({@code sh}, {@code bash}, {@code python3} without a script argument), data otherwise.
     */
    STDIN,
    /** A URL the tool fetches or posts to. */
    URL,
    /** An SQL statement or script. */
    SQL,
    /**
     * A git ref or refspec being pushed or deleted remotely. The values of a call's {@code GIT_REFSPEC} arguments and
     * whether any {@link #FORCE_FLAG} is set go to {@link io.airlock.policy.analysis.GitAnalyzer#analyzePush}.
     */
    GIT_REFSPEC,
    /** A flag argument that forces a destructive variant when true (e.g. {@code force}); pairs with GIT_REFSPEC. */
    FORCE_FLAG;

    /** The id used in catalog.yaml: lower snake case, e.g. {@code path_read}. */
    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Parses an id such as {@code path_read}; null when unknown. */
    public static ArgRole fromId(String id) {
        for (ArgRole role : values()) {
            if (role.id().equals(id)) {
                return role;
            }
        }
        return null;
    }
}
