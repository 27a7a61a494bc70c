package io.airlock.proxy.onboard;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Several file changes made all or nothing. Each file is replaced by an atomic rename of a fully written, fsynced
 * temporary file beside it (keeping its permissions; new files are 0600, since they may hold tokens); if any change
 * fails, the ones already made are put back from the bytes held in memory, in reverse order.
 */
public final class FileTransaction {

    /** One file: its bytes before (null: it did not exist) and after (null: delete it). */
    public record Change(Path path, byte[] before, byte[] after) {
        public Change {
            Objects.requireNonNull(path, "path");
        }

        public boolean changes() {
            return !Arrays.equals(before, after);
        }
    }

    /** How a change reaches the disk; tests substitute one that fails on a chosen file. */
    public interface Io {
        void write(Path path, byte[] bytes) throws IOException;

        void delete(Path path) throws IOException;
    }

    /** The real one: atomic replace, permissions kept. */
    public static final Io DISK = new Io() {
        @Override
        public void write(Path path, byte[] bytes) throws IOException {
            writeAtomically(path, bytes);
        }

        @Override
        public void delete(Path path) throws IOException {
            Files.deleteIfExists(path);
        }
    };

    private FileTransaction() {}

    /** Applies every change, or none: on failure the files already changed are restored, then the error is thrown. */
    public static void apply(List<Change> changes, Io io) throws IOException {
        List<Change> done = new ArrayList<>();
        try {
            for (Change c : changes) {
                if (!c.changes()) {
                    continue;
                }
                if (c.after() == null) {
                    io.delete(c.path());
                } else {
                    io.write(c.path(), c.after());
                }
                done.add(c);
            }
        } catch (IOException | RuntimeException e) {
            List<String> unrestored = new ArrayList<>();
            for (int i = done.size() - 1; i >= 0; i--) {
                Change c = done.get(i);
                try {
                    if (c.before() == null) {
                        DISK.delete(c.path());
                    } else {
                        DISK.write(c.path(), c.before());
                    }
                } catch (IOException restore) {
                    unrestored.add(c.path() + " (" + restore.getMessage() + ")");
                }
            }
            String message = "could not write " + (done.size() < changes.size() ? "a file" : "every file") + ": "
                    + e.getMessage() + (unrestored.isEmpty() ? "; every file was put back as it was"
                    : "; COULD NOT RESTORE: " + unrestored);
            throw new IOException(message, e);
        }
    }

    /** Replaces {@code path} (following a symlink to its target) with {@code bytes}, atomically. */
    public static void writeAtomically(Path path, byte[] bytes) throws IOException {
        Path target = Files.isSymbolicLink(path) ? path.toRealPath() : path.toAbsolutePath();
        Path dir = target.getParent();
        Files.createDirectories(dir);
        Set<PosixFilePermission> permissions = Files.exists(target, LinkOption.NOFOLLOW_LINKS)
                ? Files.getPosixFilePermissions(target) : PosixFilePermissions.fromString("rw-------");
        Path temp = Files.createTempFile(dir, "." + target.getFileName(), ".airlock-tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.write(temp, bytes);
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            Files.setPosixFilePermissions(temp, permissions);
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
