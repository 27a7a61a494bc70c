package io.airlock.sandbox;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads an overlayfs upper directory (mounted with {@code userxattr}) into an {@link EffectSet}: a character device
 * 0:0 is a whiteout (deleted), a directory with {@code user.overlay.opaque=y} was replaced, anything else in the
 * upper directory was added (absent below) or modified (present below).
 */
public final class EffectScanner {

    private static final int S_IFMT = 0170000;
    private static final int S_IFCHR = 0020000;

    private EffectScanner() {}

    static EffectSet scan(Path upper, Path lower) throws IOException {
        List<Path> added = new ArrayList<>();
        List<Path> modified = new ArrayList<>();
        List<Path> deleted = new ArrayList<>();
        List<Path> replaced = new ArrayList<>();
        Files.walkFileTree(upper, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (dir.equals(upper)) {
                    return FileVisitResult.CONTINUE;
                }
                Path relative = upper.relativize(dir);
                if (isOpaque(dir)) {
                    replaced.add(relative);
                } else if (!Files.exists(lower.resolve(relative), LinkOption.NOFOLLOW_LINKS)) {
                    added.add(relative);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Path relative = upper.relativize(file);
                if (isWhiteout(file)) {
                    deleted.add(relative);
                } else if (Files.exists(lower.resolve(relative), LinkOption.NOFOLLOW_LINKS)) {
                    modified.add(relative);
                } else {
                    added.add(relative);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        added.sort(null);
        modified.sort(null);
        deleted.sort(null);
        replaced.sort(null);
        return new EffectSet(added, modified, deleted, replaced);
    }

    static boolean isWhiteout(Path file) throws IOException {
        int mode = (Integer) Files.getAttribute(file, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        if ((mode & S_IFMT) != S_IFCHR) {
            return false;
        }
        long rdev = (Long) Files.getAttribute(file, "unix:rdev", LinkOption.NOFOLLOW_LINKS);
        return rdev == 0;
    }

    /** Whether an upper-layer directory is opaque ({@code user.overlay.opaque=y}): nothing below shows through. */
    public static boolean isOpaque(Path dir) throws IOException {
        UserDefinedFileAttributeView view = Files.getFileAttributeView(dir, UserDefinedFileAttributeView.class,
                LinkOption.NOFOLLOW_LINKS);
        if (view == null || !view.list().contains("overlay.opaque")) {
            return false;
        }
        ByteBuffer value = ByteBuffer.allocate(view.size("overlay.opaque"));
        view.read("overlay.opaque", value);
        value.flip();
        return StandardCharsets.UTF_8.decode(value).toString().equals("y");
    }
}
