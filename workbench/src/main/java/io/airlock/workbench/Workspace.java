package io.airlock.workbench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The directory every workbench tool is confined to.
 *
 * <p>{@link #resolve(String)} maps a caller-supplied path onto a location inside the workspace: the path is taken
 * relative to the workspace root (an absolute path is accepted only if it lies inside, under either the root's real
 * path or the name the workspace was opened with), normalised, and then
 * every existing component is resolved through symbolic links. If the result is not the root or below it the call is
 * refused. The returned path has all symbolic links of its existing prefix resolved, so the caller operates on exactly
 * the location that was checked.
 */
final class Workspace {

    private final Path root;
    /** The workspace as it was named (absolute, normalised, symbolic links not resolved). */
    private final Path declared;

    private Workspace(Path root, Path declared) {
        this.root = root;
        this.declared = declared;
    }

    /** Creates {@code dir} if it is missing and opens it as a workspace (its real path becomes the root). */
    static Workspace open(Path dir) throws IOException {
        Files.createDirectories(dir);
        return new Workspace(dir.toRealPath(), dir.toAbsolutePath().normalize());
    }

    /** The workspace root, a real (symlink-free, absolute) path. */
    Path root() {
        return root;
    }

    /**
     * Resolves a caller-supplied path to a location inside the workspace.
     *
     * @throws ToolException if the path is malformed, escapes the workspace (lexically or through a symbolic link), or
     *     runs through a dangling symbolic link
     */
    Path resolve(String raw) throws ToolException {
        if (raw == null || raw.isEmpty()) {
            throw new ToolException("A path is required (relative to the workspace, e.g. \"notes.txt\" or \".\").");
        }
        if (raw.indexOf('\0') >= 0) {
            throw new ToolException("Invalid path: it contains a NUL character.");
        }
        Path requested;
        try {
            requested = root.getFileSystem().getPath(raw);
        } catch (InvalidPathException e) {
            throw new ToolException("Invalid path '" + raw + "': " + e.getReason() + ".");
        }
        Path lexical = root.resolve(requested).normalize();
        if (requested.isAbsolute() && !lexical.startsWith(root) && lexical.startsWith(declared)) {
            // An absolute path spelled with the workspace's original (unresolved) name.
            lexical = root.resolve(declared.relativize(lexical));
        }
        if (!lexical.startsWith(root)) {
            throw escape(raw);
        }
        if (!Files.isDirectory(root)) {
            throw new ToolException("The workspace directory no longer exists.");
        }
        // The deepest component that exists (a symbolic link counts, even a dangling one).
        Path existing = lexical;
        while (!Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            existing = existing.getParent();
            if (existing == null || !existing.startsWith(root)) {
                throw new ToolException("The workspace directory no longer exists.");
            }
        }
        Path real;
        try {
            real = existing.toRealPath();
        } catch (NoSuchFileException e) {
            throw new ToolException("Path '" + raw + "' runs through a dangling symbolic link.");
        } catch (IOException e) {
            throw new ToolException("Cannot resolve path '" + raw + "': " + e.getMessage());
        }
        if (!real.startsWith(root)) {
            throw escape(raw);
        }
        // What is left below the existing prefix does not exist yet, so it holds no symbolic links.
        return real.resolve(existing.relativize(lexical));
    }

    /** The workspace-relative form of a resolved path, for messages ({@code "."} for the root). */
    String display(Path resolved) {
        Path rel = root.relativize(resolved);
        String s = rel.toString();
        return s.isEmpty() ? "." : s;
    }

    private static ToolException escape(String raw) {
        return new ToolException("Access denied: path '" + raw
                + "' resolves outside the workspace. Only paths inside the workspace directory are allowed.");
    }
}
