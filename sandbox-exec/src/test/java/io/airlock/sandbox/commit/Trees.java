package io.airlock.sandbox.commit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/** Test helpers: tree snapshots (paths, types, modes, contents, symlink targets) and baselines. */
final class Trees {

    private Trees() {}

    /** Every entry under {@code root} (not following symlinks) described by type, mode and content or target. */
    static Map<String, String> snapshot(Path root) throws IOException {
        Map<String, String> tree = new TreeMap<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                tree.put(root.relativize(dir) + "/", "dir " + mode(dir));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                String name = root.relativize(file).toString();
                if (attrs.isSymbolicLink()) {
                    tree.put(name, "link -> " + Files.readSymbolicLink(file));
                } else if (attrs.isRegularFile()) {
                    byte[] bytes = Files.readAllBytes(file);
                    tree.put(name, "file " + mode(file) + " " + HexFormat.of().formatHex(bytes));
                } else {
                    tree.put(name, "other " + mode(file));
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return tree;
    }

    private static String mode(Path p) throws IOException {
        return Integer.toOctalString((Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777);
    }

    /**
     * A baseline later than every entry's ctime under {@code root}: files written by the test set-up in the same
     * clock tick would otherwise count as changed since the run started (the safe direction, but not the case a
     * test means).
     */
    static Baseline baselineAfter(Path root, Path scratch) throws Exception {
        long newest = newestCtime(root);
        for (int i = 0; i < 500; i++) {
            Baseline baseline = Committer.baseline(scratch);
            if (baseline.ctimeNanos() > newest) {
                return baseline;
            }
            Thread.sleep(2);
        }
        throw new AssertionError("the file-system clock did not advance");
    }

    private static long newestCtime(Path root) throws IOException {
        long[] newest = {0};
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                newest[0] = Math.max(newest[0], Fs.lstat(dir).ctimeNanos());
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                newest[0] = Math.max(newest[0], Fs.lstat(file).ctimeNanos());
                return FileVisitResult.CONTINUE;
            }
        });
        return newest[0];
    }

    /** Runs a command directly (no sandbox) and asserts it succeeded. */
    static void sh(Path dir, String script) throws Exception {
        Process p = new ProcessBuilder("/bin/sh", "-c", script).directory(dir.toFile()).redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(script + "\n" + out).isZero();
    }
}
