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
    /** A working directory for a command. */
    CWD,
    /** A URL the tool fetches or posts to. */
    URL,
    /** An SQL statement or script. */
    SQL,
    /** A git ref or refspec being pushed or deleted remotely. */
    GIT_REFSPEC,
    /** A flag argument that forces a destructive variant when true (e.g. {@code force}). */
    FORCE_FLAG
}
