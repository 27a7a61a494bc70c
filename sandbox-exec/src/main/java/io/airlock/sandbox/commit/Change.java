package io.airlock.sandbox.commit;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One entry a sandboxed run changed, relative to the workspace.
 *
 * @param path       relative to the workspace root; never absolute, never with {@code ..}
 * @param kind       what happened to it
 * @param type       the new entry's type; for {@link Kind#DELETED} the type of the entry removed
 * @param size       bytes to write (file content, or the symlink target's length); for deletions the old size
 * @param mode       permission bits ({@code 0777}) of the new entry; for deletions those of the old one
 * @param linkTarget the symlink's target as written (never resolved), or null
 * @param oldType    the real workspace entry's type when the change set was read, or null if there was none
 * @param oldMode    its permission bits, or -1
 */
public record Change(Path path, Kind kind, Type type, long size, int mode, String linkTarget, Type oldType,
                     int oldMode) {

    public enum Kind {
        /** Did not exist in the workspace (or lies under a directory that is new or replaced). */
        ADDED,
        /** Existed with the same path; its content, symlink target, type or permission bits changed. */
        MODIFIED,
        /** Removed (an overlay whiteout); a directory is removed with everything in it. */
        DELETED,
        /**
         * A directory removed and created again (overlay opaque directory), or something else turned into a
         * directory: nothing of the old entry survives; what is in it now is listed as {@link #ADDED}.
         */
        REPLACED_DIR
    }

    public enum Type {
        FILE, DIR, SYMLINK,
        /** A fifo, socket or device: never committable. */
        OTHER
    }

    public Change {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(type, "type");
    }

    /** Whether the commit writes content for this change (a file or symlink put in place). */
    public boolean writesContent() {
        return (kind == Kind.ADDED || kind == Kind.MODIFIED) && (type == Type.FILE || type == Type.SYMLINK);
    }

    /**
     * Whether this is a symlink whose target points outside the workspace (absolute, or climbing above the root
     * with {@code ..}). Committing one is not an escape in itself (the commit never follows it), but a commit policy
     * may want to ask.
     */
    public boolean linkLeavesWorkspace() {
        if (type != Type.SYMLINK || linkTarget == null || kind == Kind.DELETED) {
            return false;
        }
        if (linkTarget.startsWith("/")) {
            return true;
        }
        int depth = path.getNameCount() - 1; // the link's own directory
        for (String part : linkTarget.split("/")) {
            if (part.equals("..")) {
                if (--depth < 0) {
                    return true;
                }
            } else if (!part.isEmpty() && !part.equals(".")) {
                depth++;
            }
        }
        return false;
    }
}
