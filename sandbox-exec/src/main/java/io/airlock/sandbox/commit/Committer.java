package io.airlock.sandbox.commit;

import io.airlock.sandbox.commit.Change.Kind;
import io.airlock.sandbox.commit.Change.Type;
import io.airlock.sandbox.commit.CommitResult.Committed;
import io.airlock.sandbox.commit.CommitResult.Conflict;
import io.airlock.sandbox.commit.CommitResult.Failed;
import io.airlock.sandbox.commit.CommitResult.Timings;
import io.airlock.sandbox.commit.CommitResult.Uncommittable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Applies a {@link ChangeSet} to the real workspace, file by file and all or nothing.
 *
 * <ol>
 *   <li>Conflict check, before anything is written: every target must be as the run found it (unchanged since the
 *       {@link Baseline}, same type; an added path still absent; a deleted or replaced directory with nothing in it
 *       changed), and every parent component a real directory inside the workspace (never a symlink).</li>
 *   <li>Staging: each new file or symlink is written to a hidden temporary ({@code .airlock-commit-*}) in its
 *       target's directory (or the nearest one that stays), with its permission bits, and fsync'd. A full disk fails
 *       here, before any target is touched.</li>
 *   <li>Apply, in path order, each step recorded for undo: a modified file is hard-linked to a backup
 *       ({@code .airlock-backup-*}, same directory) and the staged file renamed over it (atomic per file); deleted
 *       and replaced entries are renamed aside; directories are created; directory modes are set last. On any
 *       failure the steps are undone in reverse order, so the workspace is as it was before the commit began.</li>
 *   <li>On success the touched directories are fsync'd and the backups removed.</li>
 * </ol>
 *
 * <p>Symlinks are recreated as symlinks and never followed; setuid, setgid and sticky bits are not carried over
 * (the gateway's user would own a file the sandbox made setuid). A crash mid-commit can leave {@code .airlock-*}
 * entries behind; they are not cleaned up at start-up yet.
 */
public final class Committer {

    static final String STAGED_PREFIX = ".airlock-commit-";
    static final String BACKUP_PREFIX = ".airlock-backup-";
    private static final Map<Path, ReentrantLock> LOCKS = new ConcurrentHashMap<>();
    /** Files staged at once. */
    static final int STAGING_THREADS = Integer.getInteger("airlock.commit.stagingThreads", 16);

    /** Called before each apply step; tests inject failures through it. */
    interface StepHook {
        void beforeStep(int step, Change change) throws IOException;
    }

    private final ChangeSet set;
    private final Path root;
    private final Baseline baseline;
    private final StepHook hook;
    /** Paths the commit creates afresh as directories: what lies below them needs no check of its own. */
    private final Set<Path> freshDirs = new HashSet<>();
    private final Set<Path> deletedPaths = new HashSet<>();

    private Committer(ChangeSet set, Baseline baseline, StepHook hook) {
        this.set = set;
        this.root = set.workspace();
        this.baseline = baseline;
        this.hook = hook;
        for (Change change : set.changes()) {
            if (change.type() == Type.DIR && (change.kind() == Kind.ADDED || change.kind() == Kind.REPLACED_DIR)) {
                freshDirs.add(change.path());
            }
            if (change.kind() == Kind.DELETED) {
                deletedPaths.add(change.path());
            }
        }
    }

    /** Takes the baseline to commit against; call it just before the sandboxed run starts. */
    public static Baseline baseline(Path scratch) throws IOException {
        return Baseline.take(scratch);
    }

    /** Commits {@code set} to its workspace unless something there changed since {@code baseline}. */
    public static CommitResult commit(ChangeSet set, Baseline baseline) {
        return commit(set, baseline, (step, change) -> {});
    }

    static CommitResult commit(ChangeSet set, Baseline baseline, StepHook hook) {
        if (!set.committable()) {
            return new Uncommittable(set.refused().stream().map(ChangeSet.Refusal::path).toList(),
                    String.join("; ", set.refused().stream().map(r -> r.path() + ": " + r.why()).toList()));
        }
        // One commit at a time per workspace: a second commit's conflict check then sees the first one's writes
        // (their ctimes are after its baseline) instead of racing them.
        ReentrantLock lock = LOCKS.computeIfAbsent(set.workspace(), w -> new ReentrantLock());
        lock.lock();
        try {
            return new Committer(set, baseline, hook).run();
        } finally {
            lock.unlock();
        }
    }

    private CommitResult run() {
        long t0 = System.nanoTime();
        Map<Path, String> conflicts = checkConflicts();
        if (!conflicts.isEmpty()) {
            return new Conflict(List.copyOf(conflicts.keySet()), String.join("; ",
                    conflicts.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue()).toList()));
        }
        long t1 = System.nanoTime();
        Map<Change, Path> staged = new ConcurrentHashMap<>();
        try {
            stage(staged);
        } catch (IOException | RuntimeException e) {
            List<String> leftovers = removeStaged(staged);
            return new Failed("staging failed, nothing in the workspace was changed: " + e
                    + (leftovers.isEmpty() ? "" : "; could not remove staged files: " + leftovers));
        }
        long t2 = System.nanoTime();
        Deque<Undo> undo = new ArrayDeque<>();
        List<Path> backups = new ArrayList<>();
        try {
            apply(staged, undo, backups);
        } catch (IOException | RuntimeException e) {
            List<String> problems = new ArrayList<>();
            while (!undo.isEmpty()) {
                Undo step = undo.pop();
                try {
                    step.run();
                } catch (IOException | RuntimeException u) {
                    problems.add(step.what() + ": " + u);
                }
            }
            problems.addAll(removeStaged(staged));
            return new Failed("commit failed and was rolled back: " + e + (problems.isEmpty() ? ""
                    : "; ROLLBACK INCOMPLETE, the workspace may be inconsistent: " + problems));
        }
        for (Path backup : backups) {
            try {
                Fs.deleteTree(backup);
            } catch (IOException e) {
                // The commit stands; a leftover backup is hidden and harmless.
            }
        }
        long t3 = System.nanoTime();
        return new Committed(set.fileCount(), set.totalBytes(),
                new Timings(Duration.ofNanos(t1 - t0), Duration.ofNanos(t2 - t1), Duration.ofNanos(t3 - t2)));
    }

    // ---- conflict check -------------------------------------------------------------------------------------------

    /** Every target that is not as the run found it, with why; empty if the commit may go ahead. */
    Map<Path, String> checkConflicts() {
        Map<Path, String> conflicts = new LinkedHashMap<>();
        try {
            Fs.Stat rootStat = Fs.lstat(root);
            if (rootStat == null || rootStat.type() != Type.DIR) {
                conflicts.put(Path.of(""), "the workspace is no longer a directory");
                return conflicts;
            }
        } catch (IOException e) {
            conflicts.put(Path.of(""), "cannot read the workspace: " + e);
            return conflicts;
        }
        for (Change change : set.changes()) {
            Path path = change.path();
            try {
                Fs.checkRelative(path);
                if (freshAncestor(path) != null) {
                    continue; // created by this commit: checked as the ancestor
                }
                if (!Fs.parentsAreDirectories(root, path, path.getNameCount() - 1)) {
                    conflicts.put(path, "its directory is gone from the workspace");
                    continue;
                }
                String why = conflict(change, Fs.lstat(root.resolve(path.toString())));
                if (why != null) {
                    conflicts.putIfAbsent(path, why);
                }
            } catch (Fs.UnsafePathException e) {
                conflicts.put(path, e.getMessage());
            } catch (IOException e) {
                conflicts.put(path, "cannot check: " + e);
            }
        }
        return conflicts;
    }

    private String conflict(Change change, Fs.Stat real) throws IOException {
        return switch (change.kind()) {
            case ADDED -> deletedPaths.contains(change.path()) || real == null ? null
                    : "was created in the workspace since the run started";
            case MODIFIED -> {
                if (real == null) {
                    yield "was deleted from the workspace since the run started";
                }
                if (real.type() != change.oldType()) {
                    yield "is now a " + real.type().name().toLowerCase() + " in the workspace";
                }
                if (change.type() == Type.DIR) {
                    yield real.permissions() == change.oldMode() ? null : "its mode changed since the run started";
                }
                yield baseline.changedSince(real.ctimeNanos()) ? "changed in the workspace since the run started"
                        : null;
            }
            case DELETED, REPLACED_DIR -> {
                if (real == null) {
                    yield "was deleted from the workspace since the run started";
                }
                if (real.type() != change.oldType()) {
                    yield "is now a " + real.type().name().toLowerCase() + " in the workspace";
                }
                yield real.type() == Type.DIR ? changedInside(change.path())
                        : baseline.changedSince(real.ctimeNanos()) ? "changed in the workspace since the run started"
                        : null;
            }
        };
    }

    /** The first entry of a real directory tree (itself included) changed since the baseline, or null. */
    private String changedInside(Path dir) throws IOException {
        String[] found = new String[1];
        Files.walkFileTree(root.resolve(dir.toString()), new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                return visit(d);
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                return visit(file);
            }

            private FileVisitResult visit(Path entry) throws IOException {
                Fs.Stat stat = Fs.lstat(entry);
                if (stat == null || baseline.changedSince(stat.ctimeNanos())) {
                    found[0] = root.relativize(entry) + " changed in the workspace since the run started";
                    return FileVisitResult.TERMINATE;
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return found[0];
    }

    /** The outermost strict ancestor of {@code path} that this commit creates as a directory, or null. */
    private Path freshAncestor(Path path) {
        for (int i = 1; i < path.getNameCount(); i++) {
            Path prefix = path.subpath(0, i);
            if (freshDirs.contains(prefix)) {
                return prefix;
            }
        }
        return null;
    }

    /** The real directory a change's content is staged in: its own, or the parent of the directory it creates. */
    private Path stagingDir(Path path) {
        Path fresh = freshAncestor(path);
        Path anchor = fresh != null ? fresh : path;
        Path parent = anchor.getParent();
        return parent == null ? root : root.resolve(parent.toString());
    }

    // ---- staging --------------------------------------------------------------------------------------------------

    /**
     * Stages every file and symlink, several at a time: each staged file is fsync'd, and concurrent fsyncs share
     * journal commits (ext4, xfs), where one after the other each waits for its own. Returns when every task has
     * ended, so nothing is staged after a failure is reported.
     */
    private void stage(Map<Change, Path> staged) throws IOException {
        List<Change> toStage = set.changes().stream().filter(Change::writesContent).toList();
        if (toStage.isEmpty()) {
            return;
        }
        int threads = Math.min(STAGING_THREADS, toStage.size());
        ExecutorService pool = Executors.newFixedThreadPool(threads, Thread.ofPlatform().daemon().name("airlock-stage-", 0)
                .factory());
        List<Future<?>> tasks = new ArrayList<>();
        try {
            for (Change change : toStage) {
                tasks.add(pool.submit(() -> {
                    stageOne(change, staged);
                    return null;
                }));
            }
        } finally {
            pool.shutdown();
        }
        IOException first = null;
        for (Future<?> task : tasks) {
            try {
                awaitUninterruptibly(task);
            } catch (ExecutionException e) {
                if (first == null) {
                    first = e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private static void awaitUninterruptibly(Future<?> task) throws ExecutionException {
        boolean interrupted = false;
        while (true) {
            try {
                task.get();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // staged files must all be accounted for before cleanup
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void stageOne(Change change, Map<Change, Path> staged) throws IOException {
        Path dir = stagingDir(change.path());
        Path tmp = dir.resolve(STAGED_PREFIX + randomSuffix());
        Path source = set.upper().resolve(change.path().toString());
        if (change.type() == Type.SYMLINK) {
            Path target = Files.readSymbolicLink(source);
            Files.createSymbolicLink(tmp, target);
            staged.put(change, tmp);
            if (!target.toString().equals(change.linkTarget())) {
                throw new IOException(change.path() + ": the overlay changed after the change set was read");
            }
            return;
        }
        try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
             FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                     LinkOption.NOFOLLOW_LINKS)) {
            staged.put(change, tmp);
            long copied = 0;
            long size = in.size();
            while (copied < size) {
                long n = in.transferTo(copied, size - copied, out);
                if (n <= 0) {
                    break;
                }
                copied += n;
            }
            if (copied != change.size() || in.size() != change.size()) {
                throw new IOException(change.path() + ": the overlay changed after the change set was read");
            }
            out.force(true);
        }
        setPermissions(tmp, change.mode());
    }

    private List<String> removeStaged(Map<Change, Path> staged) {
        List<String> problems = new ArrayList<>();
        for (Path tmp : staged.values()) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException e) {
                problems.add(tmp + ": " + e);
            }
        }
        staged.clear();
        return problems;
    }

    // ---- apply ----------------------------------------------------------------------------------------------------

    /** One recorded step to revert, newest first. */
    private record Undo(String what, IoAction action) {
        void run() throws IOException {
            action.run();
        }
    }

    private interface IoAction {
        void run() throws IOException;
    }

    private void apply(Map<Change, Path> staged, Deque<Undo> undo, List<Path> backups) throws IOException {
        List<Change> modes = new ArrayList<>();
        Set<Path> touchedDirs = new LinkedHashSet<>();
        int step = 0;
        for (Change change : set.changes()) {
            hook.beforeStep(step++, change);
            Path path = change.path();
            Path target = root.resolve(path.toString());
            touchedDirs.add(target.getParent());
            switch (change.kind()) {
                case DELETED -> backups.add(moveAside(target, undo));
                case REPLACED_DIR -> {
                    backups.add(moveAside(target, undo));
                    createDirectory(target, undo);
                    modes.add(change);
                }
                case ADDED -> {
                    if (change.type() == Type.DIR) {
                        createDirectory(target, undo);
                        modes.add(change);
                    } else {
                        Files.move(staged.get(change), target); // fails if something is there: never overwrites
                        staged.remove(change);
                        undo.push(new Undo("remove " + path, () -> Files.delete(target)));
                    }
                }
                case MODIFIED -> {
                    if (change.type() == Type.DIR) {
                        modes.add(change);
                    } else {
                        replace(target, staged.get(change), undo, backups);
                        staged.remove(change);
                    }
                }
            }
        }
        // Directory modes last, deepest first: a directory made read-only must still take its new entries first.
        for (int i = modes.size() - 1; i >= 0; i--) {
            Change change = modes.get(i);
            hook.beforeStep(step++, change);
            Path dir = root.resolve(change.path().toString());
            int before = Fs.lstat(dir).permissions();
            setPermissions(dir, change.mode());
            undo.push(new Undo("mode of " + change.path(), () -> setPermissions(dir, before)));
        }
        hook.beforeStep(step, null);
        for (Path dir : touchedDirs) {
            Fs.syncDirectory(dir);
        }
    }

    /**
     * Puts {@code staged} in place of {@code target}: a hard link keeps the original as a backup, then one rename
     * swaps the new content in (readers see the old file or the new one, never none). Where hard links are not
     * possible the original is renamed aside first.
     */
    private void replace(Path target, Path staged, Deque<Undo> undo, List<Path> backups) throws IOException {
        Path backup = target.resolveSibling(BACKUP_PREFIX + randomSuffix());
        try {
            Files.createLink(backup, target); // link(2) does not follow a symlink: the link itself is kept
            undo.push(new Undo("remove backup " + backup, () -> Files.deleteIfExists(backup)));
        } catch (IOException | UnsupportedOperationException e) {
            Files.move(target, backup, StandardCopyOption.ATOMIC_MOVE);
            undo.push(new Undo("restore " + target, () -> Files.move(backup, target, StandardCopyOption.ATOMIC_MOVE)));
            backups.add(backup);
            Files.move(staged, target);
            undo.push(new Undo("remove " + target, () -> Files.delete(target)));
            return;
        }
        backups.add(backup);
        Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
        undo.push(new Undo("restore " + target, () -> Files.move(backup, target, StandardCopyOption.ATOMIC_MOVE)));
    }

    private Path moveAside(Path target, Deque<Undo> undo) throws IOException {
        Path backup = target.resolveSibling(BACKUP_PREFIX + randomSuffix());
        Files.move(target, backup, StandardCopyOption.ATOMIC_MOVE);
        undo.push(new Undo("restore " + target, () -> Files.move(backup, target, StandardCopyOption.ATOMIC_MOVE)));
        return backup;
    }

    private static void createDirectory(Path dir, Deque<Undo> undo) throws IOException {
        Files.createDirectory(dir);
        undo.push(new Undo("remove " + dir, () -> Files.delete(dir)));
        setPermissions(dir, 0700); // its final mode comes last
    }

    private static void setPermissions(Path path, int mode) throws IOException {
        Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = PosixFilePermission.values(); // OWNER_READ .. OTHERS_EXECUTE, 0400 .. 0001
        for (int i = 0; i < bits.length; i++) {
            if ((mode & (0400 >> i)) != 0) {
                permissions.add(bits[i]);
            }
        }
        Files.getFileAttributeView(path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                .setPermissions(permissions);
    }

    private static String randomSuffix() {
        return Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE);
    }
}
