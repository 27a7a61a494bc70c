package io.airlock.sandbox.commit;

import io.airlock.sandbox.commit.Change.Kind;
import io.airlock.sandbox.commit.Change.Type;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Everything a sandboxed run changed, read from its overlay's upper directory against the real workspace (the
 * overlay's lower layer), in the order a commit applies it: by path (parents before children), a deletion before an
 * addition at the same path.
 *
 * <p>What the commit cannot reproduce faithfully is listed in {@link #refused()}, and a change set with refusals is
 * never committed: hard links (the commit would split them), fifos, sockets and devices, and entries carrying overlay
 * redirect or metacopy metadata (their content lives elsewhere; {@code userxattr} mounts do not create them).
 *
 * @param upper     the overlay's upper directory
 * @param workspace the real workspace (a real path)
 * @param changes   every change, in commit order
 * @param refused   why the change set cannot be committed; empty if it can
 */
public record ChangeSet(Path upper, Path workspace, List<Change> changes, List<Refusal> refused) {

    /** An entry the commit will not apply, and why. */
    public record Refusal(Path path, String why) {}

    /** Orders changes for the commit: by path, then a deletion before anything else at the same path. */
    static final Comparator<Change> COMMIT_ORDER = Comparator.comparing(Change::path)
            .thenComparing(c -> c.kind() == Kind.DELETED ? 0 : 1);

    public ChangeSet {
        Objects.requireNonNull(upper, "upper");
        Objects.requireNonNull(workspace, "workspace");
        changes = changes.stream().sorted(COMMIT_ORDER).toList();
        refused = List.copyOf(refused);
    }

    /** Reads the change set of an overlay: {@code upper} against {@code workspace}. */
    public static ChangeSet read(Path upper, Path workspace) throws IOException {
        Path root = workspace.toRealPath();
        Reader reader = new Reader(upper, root);
        reader.walk(Path.of(""), false);
        return new ChangeSet(upper, root, reader.changes, reader.refused);
    }

    /** Whether {@link Committer} may apply this change set. */
    public boolean committable() {
        return refused.isEmpty();
    }

    public boolean isEmpty() {
        return changes.isEmpty();
    }

    /** Bytes the commit writes: file contents and symlink targets. */
    public long totalBytes() {
        return changes.stream().filter(Change::writesContent).mapToLong(Change::size).sum();
    }

    /** Files and symlinks the commit writes (added or modified). */
    public int fileCount() {
        return (int) changes.stream().filter(Change::writesContent).count();
    }

    /** The changes of one kind. */
    public List<Change> changes(Kind kind) {
        return changes.stream().filter(c -> c.kind() == kind).toList();
    }

    /**
     * A unified diff (git flavour) of the changes against the real workspace, at most {@code maxBytes} long
     * (UTF-8), ending in a note when cut short. Reads the real side without following symlinks.
     */
    public String unifiedDiff(int maxBytes) {
        return new UnifiedDiff(this, maxBytes).render();
    }

    /** Walks the upper directory, classifying each entry against the real workspace. */
    private static final class Reader {
        private final Path upper;
        private final Path root;
        private final List<Change> changes = new ArrayList<>();
        private final List<Refusal> refused = new ArrayList<>();

        Reader(Path upper, Path root) {
            this.upper = upper;
            this.root = root;
        }

        /**
         * @param fresh the directory is new or replaced: nothing of the workspace shows through it, so its entries
         *              are all additions whatever the workspace holds at the same paths
         */
        void walk(Path relativeDir, boolean fresh) throws IOException {
            List<Path> entries;
            try (Stream<Path> list = Files.list(upper.resolve(relativeDir.toString()))) {
                entries = list.sorted().toList();
            }
            for (Path entry : entries) {
                Path relative = relativeDir.resolve(entry.getFileName().toString());
                visit(entry, relative, fresh);
            }
        }

        private void visit(Path entry, Path relative, boolean fresh) throws IOException {
            Fs.Stat stat = Fs.lstat(entry);
            if (stat == null) {
                return;
            }
            // Only files and directories: opening a fifo to read its xattrs would block.
            List<String> meta = stat.type() == Type.FILE || stat.type() == Type.DIR ? Fs.overlayXattrs(entry)
                    : List.of();
            if (meta.contains("overlay.redirect") || meta.contains("overlay.metacopy")
                    || meta.contains("overlay.whiteout") || meta.contains("overlay.whiteouts")) {
                refused.add(new Refusal(relative, "overlay redirect/metacopy/xattr-whiteout entry: the upper directory"
                        + " alone does not say what it is"));
            }
            Fs.Stat real = fresh ? null : realStat(relative);
            if (stat.isWhiteout()) {
                if (real != null) {
                    changes.add(new Change(relative, Kind.DELETED, real.type(), real.size(), real.permissions(),
                            null, real.type(), real.permissions()));
                }
                return; // a whiteout over nothing deletes nothing
            }
            Type type = stat.type();
            switch (type) {
                case DIR -> {
                    if (real == null) {
                        changes.add(added(relative, stat, null));
                        walk(relative, true);
                    } else if (Fs.isOpaque(entry) || real.type() != Type.DIR) {
                        changes.add(new Change(relative, Kind.REPLACED_DIR, Type.DIR, 0, stat.permissions(), null,
                                real.type(), real.permissions()));
                        walk(relative, true);
                    } else {
                        // Copied up because something inside changed; a change of its own only if chmod'ed.
                        if (stat.permissions() != real.permissions()) {
                            changes.add(new Change(relative, Kind.MODIFIED, Type.DIR, 0, stat.permissions(), null,
                                    Type.DIR, real.permissions()));
                        }
                        walk(relative, false);
                    }
                }
                case FILE, SYMLINK -> {
                    String target = type == Type.SYMLINK ? Files.readSymbolicLink(entry).toString() : null;
                    if (type == Type.FILE && stat.nlink() > 1) {
                        refused.add(new Refusal(relative, "hard link (" + stat.nlink() + " links)"));
                    }
                    if (real == null) {
                        changes.add(added(relative, stat, target));
                    } else if (real.type() == Type.DIR) {
                        // A directory turned into a file: remove the tree, then add the file.
                        changes.add(new Change(relative, Kind.DELETED, Type.DIR, 0, real.permissions(), null,
                                Type.DIR, real.permissions()));
                        changes.add(added(relative, stat, target));
                    } else {
                        changes.add(new Change(relative, Kind.MODIFIED, type, size(stat, target),
                                permissions(stat), target, real.type(), real.permissions()));
                    }
                }
                case OTHER -> {
                    changes.add(new Change(relative, real == null ? Kind.ADDED : Kind.MODIFIED, Type.OTHER, 0,
                            stat.permissions(), null, real == null ? null : real.type(),
                            real == null ? -1 : real.permissions()));
                    refused.add(new Refusal(relative, "special file (fifo, socket or device)"));
                }
            }
        }

        private Fs.Stat realStat(Path relative) throws IOException {
            try {
                return Fs.lstatInside(root, relative);
            } catch (Fs.UnsafePathException e) {
                // A parent is now a symlink or a file in the real workspace: treat it as absent here; the commit's
                // conflict check refuses it.
                return null;
            }
        }

        private static Change added(Path relative, Fs.Stat stat, String target) {
            return new Change(relative, Kind.ADDED, stat.type(), size(stat, target), permissions(stat), target, null,
                    -1);
        }

        private static long size(Fs.Stat stat, String target) {
            return switch (stat.type()) {
                case FILE -> stat.size();
                case SYMLINK -> target.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
                default -> 0;
            };
        }

        private static int permissions(Fs.Stat stat) {
            return stat.type() == Type.SYMLINK ? 0777 : stat.permissions();
        }
    }

    /** Paths of changes by path and kind, for lookups during the conflict check. */
    Map<Path, List<Change>> byPath() {
        Map<Path, List<Change>> map = new HashMap<>();
        for (Change change : changes) {
            map.computeIfAbsent(change.path(), p -> new ArrayList<>()).add(change);
        }
        return map;
    }
}
