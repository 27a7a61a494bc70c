package io.airlock.sandbox.commit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * File-system primitives that never follow a symlink: every lookup is an {@code lstat}, and a path inside the
 * workspace is only used after each of its parent components was seen to be a real directory.
 *
 * <p>Java has no {@code openat}, so a parent swapped for a symlink between the check and the use is a residual race;
 * the sandboxed process cannot do that (it only sees its overlay), only a concurrent writer on the host could.
 */
final class Fs {

    private static final int S_IFMT = 0170000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFDIR = 0040000;
    private static final int S_IFLNK = 0120000;
    private static final int S_IFCHR = 0020000;

    private Fs() {}

    /** What {@code lstat} says about one entry. */
    record Stat(int mode, long size, long ctimeNanos, int nlink, long rdev) {

        Change.Type type() {
            return switch (mode & S_IFMT) {
                case S_IFREG -> Change.Type.FILE;
                case S_IFDIR -> Change.Type.DIR;
                case S_IFLNK -> Change.Type.SYMLINK;
                default -> Change.Type.OTHER;
            };
        }

        int permissions() {
            return mode & 0777;
        }

        boolean isWhiteout() {
            return (mode & S_IFMT) == S_IFCHR && rdev == 0;
        }
    }

    /** A path that must not be used: it leaves the workspace or crosses a symlink or a non-directory. */
    static final class UnsafePathException extends IOException {
        UnsafePathException(String message) {
            super(message);
        }
    }

    /** {@code lstat}, or null if nothing is there. */
    static Stat lstat(Path path) throws IOException {
        Map<String, Object> a;
        try {
            a = Files.readAttributes(path, "unix:mode,size,ctime,nlink,rdev", LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        }
        return new Stat((Integer) a.get("mode"), (Long) a.get("size"),
                ((FileTime) a.get("ctime")).to(TimeUnit.NANOSECONDS), (Integer) a.get("nlink"), (Long) a.get("rdev"));
    }

    /** Rejects a relative path that is empty, absolute, or has {@code .}/{@code ..} components. */
    static void checkRelative(Path relative) throws UnsafePathException {
        if (relative.isAbsolute() || relative.toString().isEmpty()) {
            throw new UnsafePathException("not a relative path inside the workspace");
        }
        for (Path part : relative) {
            String name = part.toString();
            if (name.isEmpty() || name.equals(".") || name.equals("..")) {
                throw new UnsafePathException("resolves outside the workspace");
            }
        }
    }

    /**
     * Checks that every parent component of {@code relative} under {@code root} is a real directory (not a symlink),
     * stopping early at {@code stopAt} levels (a parent that the commit itself creates). Returns false if a parent
     * is missing; throws if one is a symlink or not a directory.
     */
    static boolean parentsAreDirectories(Path root, Path relative, int levels) throws IOException {
        checkRelative(relative);
        Path current = root;
        for (int i = 0; i < levels; i++) {
            current = current.resolve(relative.getName(i));
            Stat stat = lstat(current);
            if (stat == null) {
                return false;
            }
            if (stat.type() != Change.Type.DIR) {
                throw new UnsafePathException(root.relativize(current) + " is "
                        + (stat.type() == Change.Type.SYMLINK ? "a symlink" : "not a directory"));
            }
        }
        return true;
    }

    /**
     * {@code lstat} of {@code relative} under {@code root} after checking all its parents; null if it or a parent
     * is missing.
     */
    static Stat lstatInside(Path root, Path relative) throws IOException {
        if (!parentsAreDirectories(root, relative, relative.getNameCount() - 1)) {
            return null;
        }
        return lstat(root.resolve(relative));
    }

    /** Reads a regular file without following a symlink at its last component; at most {@code max} bytes. */
    static byte[] readNoFollow(Path file, int max) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            long size = Math.min(ch.size(), max);
            ByteBuffer buffer = ByteBuffer.allocate((int) size);
            while (buffer.hasRemaining() && ch.read(buffer) > 0) {
                // keep reading until full or end of file
            }
            return buffer.hasRemaining() ? java.util.Arrays.copyOf(buffer.array(), buffer.position()) : buffer.array();
        }
    }

    /** The overlay's xattrs of an upper entry ({@code userxattr} mounts keep them in {@code user.overlay.*}). */
    static List<String> overlayXattrs(Path entry) throws IOException {
        UserDefinedFileAttributeView view = Files.getFileAttributeView(entry, UserDefinedFileAttributeView.class,
                LinkOption.NOFOLLOW_LINKS);
        if (view == null) {
            return List.of();
        }
        try {
            return view.list().stream().filter(n -> n.startsWith("overlay.")).toList();
        } catch (IOException e) {
            return List.of(); // symlinks cannot carry user xattrs: nothing to read
        }
    }

    static boolean isOpaque(Path dir) throws IOException {
        return io.airlock.sandbox.EffectScanner.isOpaque(dir);
    }

    /** Deletes a file, symlink or whole directory tree; never follows symlinks. */
    static void deleteTree(Path path) throws IOException {
        Stat stat = lstat(path);
        if (stat == null) {
            return;
        }
        if (stat.type() != Change.Type.DIR) {
            Files.delete(path);
            return;
        }
        Files.walkFileTree(path, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                if (exc != null) {
                    throw exc;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** fsync of a directory, so that renames and creations in it are durable. */
    static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}
