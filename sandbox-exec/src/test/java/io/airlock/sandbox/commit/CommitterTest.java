package io.airlock.sandbox.commit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.airlock.sandbox.OverlaySandbox;
import io.airlock.sandbox.SandboxRun;
import io.airlock.sandbox.SandboxSpec;
import io.airlock.sandbox.commit.Change.Kind;
import io.airlock.sandbox.commit.Change.Type;
import io.airlock.sandbox.commit.CommitResult.Committed;
import io.airlock.sandbox.commit.CommitResult.Conflict;
import io.airlock.sandbox.commit.CommitResult.Failed;
import io.airlock.sandbox.commit.CommitResult.Uncommittable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commit step against real overlays: each change set comes from a real sandboxed run (bubblewrap + overlayfs,
 * as {@code OverlaySandboxTest}; in CI a missing bubblewrap fails instead of skipping), and is committed to real
 * files. The oracle for a successful commit is the same script run directly on a copy of the workspace.
 */
class CommitterTest {

    @TempDir
    Path dir;

    private Path workspace;
    private Path home;
    private Path scratch;

    @BeforeEach
    void workspace() throws Exception {
        String missing = OverlaySandbox.unavailable();
        if (System.getenv("CI") != null) {
            assertThat(missing).as("bubblewrap and util-linux are installed in CI").isNull();
        } else {
            assumeThat(missing).as("sandbox tools").isNull();
        }
        workspace = Files.createDirectories(dir.resolve("ws"));
        home = Files.createDirectories(dir.resolve("home"));
        scratch = dir.resolve("scratch");
        Trees.sh(workspace, "printf 'hello\\n' > a.txt; printf 'keep\\n' > b.txt; printf '#!/bin/sh\\necho hi\\n' > run.sh;"
                + " chmod 644 run.sh; mkdir -p build/sub sub; printf 'obj\\n' > build/old.o;"
                + " printf 'deep\\n' > build/sub/deep.o; printf 'f\\n' > sub/f.txt; ln -s a.txt link;"
                + " printf 'last\\n' > z.txt");
    }

    /** Runs {@code script} in the sandbox over the workspace and reads its change set. */
    private ChangeSet sandbox(String script) throws Exception {
        SandboxRun run = OverlaySandbox.run(workspace, List.of("/bin/sh", "-c", script), SandboxSpec.defaults(home),
                scratch);
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        return ChangeSet.read(run.upper(), workspace);
    }

    /** Commits the sandboxed run of {@code script} and checks the workspace equals the script run directly. */
    private Committed assertCommitMatchesDirectRun(String script) throws Exception {
        Path direct = dir.resolve("direct");
        Trees.sh(dir, "cp -a ws direct");
        Trees.sh(direct, script);
        Baseline baseline = Trees.baselineAfter(workspace, scratch);
        ChangeSet changes = sandbox(script);
        CommitResult result = Committer.commit(changes, baseline);
        assertThat(result).as(changes.unifiedDiff(1 << 16)).isInstanceOf(Committed.class);
        assertThat(Trees.snapshot(workspace)).isEqualTo(Trees.snapshot(direct));
        return (Committed) result;
    }

    @Test
    void addedModifiedDeletedFilesAndNestedNewDirectories() throws Exception {
        Committed done = assertCommitMatchesDirectRun("echo new > c.txt; echo more >> a.txt; rm b.txt;"
                + " mkdir -p src/gen/deep && echo x > src/gen/deep/X.java && echo y > src/Y.java");
        assertThat(done.files()).isEqualTo(4); // c.txt, a.txt, X.java, Y.java
        assertThat(done.bytes()).isEqualTo(4 + 11 + 2 + 2);
        assertThat(workspace.resolve("a.txt")).hasContent("hello\nmore");
    }

    @Test
    void renamesOfFilesAndDirectoriesAreDeletionsPlusAdditions() throws Exception {
        ChangeSet preview = sandboxPreview("mv a.txt renamed.txt; mv build build2");
        assertThat(preview.changes(Kind.DELETED)).extracting(Change::path)
                .contains(Path.of("a.txt"), Path.of("build"));
        assertCommitMatchesDirectRun("mv a.txt renamed.txt; mv build build2");
        assertThat(workspace.resolve("build2/sub/deep.o")).hasContent("deep");
        assertThat(workspace.resolve("build")).doesNotExist();
    }

    /** The change set of a run, without committing (the run's overlay is separate from later runs'). */
    private ChangeSet sandboxPreview(String script) throws Exception {
        return sandbox(script);
    }

    @Test
    void symlinksStaySymlinksAndAreNeverFollowed() throws Exception {
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("secret"), "outside\n");
        assertCommitMatchesDirectRun("ln -s " + outside + "/secret out; ln -sfn b.txt link; ln -s ../escape sub/up;"
                + " rm sub/f.txt; ln -s ../a.txt sub/f.txt");
        assertThat(Files.readSymbolicLink(workspace.resolve("out"))).isEqualTo(outside.resolve("secret"));
        assertThat(Files.readSymbolicLink(workspace.resolve("link"))).isEqualTo(Path.of("b.txt"));
        assertThat(Files.isSymbolicLink(workspace.resolve("sub/f.txt"))).isTrue();
        assertThat(outside.resolve("secret")).hasContent("outside");
        assertThat(Trees.snapshot(outside)).hasSize(2);
    }

    @Test
    void aSymlinkPointingOutsideIsFlaggedForThePolicy() throws Exception {
        ChangeSet changes = sandbox("ln -s /etc/passwd out; ln -s ../../x sub/up; ln -s ../a.txt sub/in");
        Map<Path, Boolean> leaves = new java.util.TreeMap<>();
        changes.changes().forEach(c -> leaves.put(c.path(), c.linkLeavesWorkspace()));
        assertThat(leaves).containsEntry(Path.of("out"), true).containsEntry(Path.of("sub/up"), true)
                .containsEntry(Path.of("sub/in"), false);
    }

    @Test
    void permissionBitsAreCarriedOver() throws Exception {
        assertCommitMatchesDirectRun("chmod 755 run.sh; printf 'echo y\\n' > new.sh; chmod 750 new.sh;"
                + " chmod 600 a.txt; chmod 700 build; mkdir -p priv/inner; chmod 500 priv");
        assertThat(Files.isExecutable(workspace.resolve("run.sh"))).isTrue();
    }

    @Test
    void setuidBitsAreNotCarriedOver() throws Exception {
        Baseline baseline = Trees.baselineAfter(workspace, scratch);
        ChangeSet changes = sandbox("printf x > s; chmod 4755 s");
        assertThat(Committer.commit(changes, baseline)).isInstanceOf(Committed.class);
        assertThat((Integer) Files.getAttribute(workspace.resolve("s"), "unix:mode") & 07777).isEqualTo(0755);
    }

    @Test
    void anOpaqueDirectoryReplacesTheOldContents() throws Exception {
        ChangeSet preview = sandboxPreview("rm -rf build && mkdir build && touch build/new && echo again > build/old.o");
        assertThat(preview.changes(Kind.REPLACED_DIR)).extracting(Change::path).containsExactly(Path.of("build"));
        assertThat(preview.changes(Kind.ADDED)).extracting(Change::path)
                .containsExactly(Path.of("build/new"), Path.of("build/old.o"));
        assertCommitMatchesDirectRun("rm -rf build && mkdir build && touch build/new && echo again > build/old.o");
        assertThat(workspace.resolve("build/sub")).doesNotExist();
        assertThat(workspace.resolve("build/new")).exists();
    }

    @Test
    void typeChangesBetweenFilesAndDirectories() throws Exception {
        assertCommitMatchesDirectRun("rm a.txt && mkdir a.txt && echo in > a.txt/inner; rm -rf build && echo f > build;"
                + " rm link && echo now-a-file > link; rm z.txt && ln -s a.txt z.txt");
    }

    @Test
    void nothingIsLeftBehindButTheChanges() throws Exception {
        assertCommitMatchesDirectRun("echo more >> a.txt; rm -rf build; echo n > sub/n.txt");
        try (var all = Files.walk(workspace)) {
            assertThat(all.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".airlock-"));
        }
    }

    // ---- conflicts ------------------------------------------------------------------------------------------------

    @Test
    void aRealFileChangedAfterTheBaselineIsAConflictAndNothingIsWritten() throws Exception {
        Baseline baseline = Trees.baselineAfter(workspace, scratch);
        ChangeSet changes = sandbox("echo sandbox >> a.txt; echo new > c.txt; rm b.txt");
        Files.writeString(workspace.resolve("a.txt"), "edited by the operator\n");
        Map<String, String> before = Trees.snapshot(workspace);
        CommitResult result = Committer.commit(changes, baseline);
        assertThat(result).isInstanceOf(Conflict.class);
        Conflict conflict = (Conflict) result;
        assertThat(conflict.paths()).containsExactly(Path.of("a.txt"));
        assertThat(conflict.why()).contains("a.txt", "changed");
        assertThat(Trees.snapshot(workspace)).isEqualTo(before);
    }

    @Test
    void anEditToAFileTheRunDidNotTouchIsNoConflict() throws Exception {
        Baseline baseline = Trees.baselineAfter(workspace, scratch);
        ChangeSet changes = sandbox("echo sandbox >> a.txt");
        Files.writeString(workspace.resolve("b.txt"), "edited meanwhile\n");
        assertThat(Committer.commit(changes, baseline)).isInstanceOf(Committed.class);
        assertThat(workspace.resolve("b.txt")).hasContent("edited meanwhile");
        assertThat(workspace.resolve("a.txt")).hasContent("hello\nsandbox");
    }

    @Test
    void ofTwoRunsEditingTheSameFileOnlyOneCommits() throws Exception {
        Baseline baseline = Trees.baselineAfter(workspace, scratch);
        ChangeSet first = sandbox("echo first >> a.txt");
        ChangeSet second = sandbox("echo second >> a.txt");
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(2)) {
            var one = pool.submit(() -> Committer.commit(first, baseline));
            var two = pool.submit(() -> Committer.commit(second, baseline));
            List<CommitResult> results = List.of(one.get(), two.get());
            assertThat(results).filteredOn(Committed.class::isInstance).hasSize(1);
            assertThat(results).filteredOn(Conflict.class::isInstance).hasSize(1);
        }
        assertThat(Files.readString(workspace.resolve("a.txt"))).isIn("hello\nfirst\n", "hello\nsecond\n");
    }

    @Test
    void anAddedPathCreatedMeanwhileIsAConflict() throws Exception {
        Baseline baseline = Trees.baselineAfter(workspace, scratch);
        ChangeSet changes = sandbox("echo sandbox > c.txt; mkdir newdir; echo x > newdir/x");
        Files.writeString(workspace.resolve("c.txt"), "mine\n");
        Files.createDirectory(workspace.resolve("newdir"));
        Map<String, String> before = Trees.snapshot(workspace);
        CommitResult result = Committer.commit(changes, baseline);
        assertThat(result).isInstanceOf(Conflict.class);
        assertThat(((Conflict) result).paths()).containsExactlyInAnyOrder(Path.of("c.txt"), Path.of("newdir"));
        assertThat(Trees.snapshot(workspace)).isEqualTo(before);
    }

    @Test
    void aFileChangedInsideADeletedDirectoryIsAConflict() throws Exception {
        Baseline baseline = Trees.baselineAfter(workspace, scratch);
        ChangeSet changes = sandbox("rm -rf build");
        Files.writeString(workspace.resolve("build/sub/deep.o"), "rebuilt\n");
        CommitResult result = Committer.commit(changes, baseline);
        assertThat(result).isInstanceOf(Conflict.class);
        assertThat(((Conflict) result).why()).contains("build/sub/deep.o");
        assertThat(workspace.resolve("build/sub/deep.o")).hasContent("rebuilt");
    }

    @Test
    void aParentReplacedByASymlinkToOutsideIsRefusedAndOutsideIsUntouched() throws Exception {
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("f.txt"), "outside\n");
        Baseline baseline = Trees.baselineAfter(workspace, scratch);
        ChangeSet changes = sandbox("echo pwned > sub/f.txt; echo pwned > sub/new.txt");
        Files.move(workspace.resolve("sub"), workspace.resolve("sub.old"));
        Files.createSymbolicLink(workspace.resolve("sub"), outside);
        Map<String, String> outsideBefore = Trees.snapshot(outside);
        Map<String, String> before = Trees.snapshot(workspace);
        CommitResult result = Committer.commit(changes, baseline);
        assertThat(result).isInstanceOf(Conflict.class);
        assertThat(((Conflict) result).why()).contains("sub is a symlink");
        assertThat(Trees.snapshot(outside)).isEqualTo(outsideBefore);
        assertThat(Trees.snapshot(workspace)).isEqualTo(before);
        // The diff for the operator does not read through the symlink either.
        assertThat(changes.unifiedDiff(1 << 16)).doesNotContain("outside").contains("sub is a symlink");
    }

    @Test
    void aChangeSetWithAPathOutsideTheWorkspaceIsRefused() throws Exception {
        Baseline baseline = Trees.baselineAfter(workspace, scratch);
        ChangeSet real = sandbox("echo x > c.txt");
        Change escape = new Change(Path.of("../escaped.txt"), Kind.ADDED, Type.FILE, 2, 0644, null, null, -1);
        ChangeSet forged = new ChangeSet(real.upper(), real.workspace(), List.of(escape), List.of());
        CommitResult result = Committer.commit(forged, baseline);
        assertThat(result).isInstanceOf(Conflict.class);
        assertThat(((Conflict) result).why()).contains("outside the workspace");
        assertThat(dir.resolve("escaped.txt")).doesNotExist();
    }

    // ---- refusals -------------------------------------------------------------------------------------------------

    @Test
    void specialFilesAndHardLinksAreNeverCommitted() throws Exception {
        Baseline baseline = Trees.baselineAfter(workspace, scratch);
        ChangeSet changes = sandbox("mkfifo pipe; echo h > h1; ln h1 h2; echo ok > fine.txt");
        assertThat(changes.committable()).isFalse();
        assertThat(changes.refused()).extracting(ChangeSet.Refusal::path)
                .contains(Path.of("pipe"), Path.of("h1"), Path.of("h2"));
        Map<String, String> before = Trees.snapshot(workspace);
        CommitResult result = Committer.commit(changes, baseline);
        assertThat(result).isInstanceOf(Uncommittable.class);
        assertThat(((Uncommittable) result).why()).contains("special file", "hard link");
        assertThat(Trees.snapshot(workspace)).isEqualTo(before);
    }

    // ---- all or nothing -------------------------------------------------------------------------------------------

    @Test
    void aFailureAtAnyStepLeavesTheWorkspaceExactlyAsBefore() throws Exception {
        Map<String, String> before = Trees.snapshot(workspace);
        Baseline baseline = Trees.baselineAfter(workspace, scratch);
        ChangeSet changes = sandbox("echo more >> a.txt; rm b.txt; rm -rf build && mkdir build && echo n > build/n;"
                + " mkdir -p src/gen && echo x > src/gen/X; chmod 755 run.sh; ln -sfn z.txt link; chmod 700 sub;"
                + " echo zz >> z.txt");
        int steps = changes.changes().size() + changes.changes(Kind.ADDED).stream()
                .filter(c -> c.type() == Type.DIR).toList().size() + 2; // + dir modes + the final sync
        int failures = 0;
        for (int failAt = 0; failAt < steps; failAt++) {
            int target = failAt;
            CommitResult result = Committer.commit(changes, baseline, (step, change) -> {
                if (step == target) {
                    throw new IOException("injected failure at step " + target);
                }
            });
            if (result instanceof Failed failed) {
                failures++;
                assertThat(failed.why()).contains("injected failure").doesNotContain("ROLLBACK INCOMPLETE");
                assertThat(Trees.snapshot(workspace)).as("after a failure at step " + failAt).isEqualTo(before);
                // The rollback's renames moved ctimes: a retry needs a fresh baseline (the content is as the run saw).
                baseline = Trees.baselineAfter(workspace, scratch);
            } else {
                assertThat(result).isInstanceOf(Committed.class);
                break;
            }
        }
        assertThat(failures).isGreaterThan(10);
    }

    @Test
    void aRealFailureMidApplyIsRolledBack() throws Exception {
        // z.txt comes last in path order: everything before it is applied when its replacement fails.
        ChangeSet changes = sandbox("echo more >> a.txt; rm b.txt; rm -rf build; echo x > c.txt; echo zz >> z.txt");
        Path immutable = workspace.resolve("z.txt");
        Process chattr = new ProcessBuilder("chattr", "+i", immutable.toString()).redirectErrorStream(true).start();
        assumeThat(chattr.waitFor()).as("chattr +i works here (root, ext4/tmpfs)").isZero();
        try {
            // chattr moved z.txt's ctime; the baseline comes after it (the content is still as the run saw it).
            Baseline baseline = Trees.baselineAfter(workspace, scratch);
            Map<String, String> before = Trees.snapshot(workspace);
            CommitResult result = Committer.commit(changes, baseline);
            assertThat(result).isInstanceOf(Failed.class);
            assertThat(((Failed) result).why()).contains("rolled back", "z.txt")
                    .doesNotContain("ROLLBACK INCOMPLETE");
            assertThat(Trees.snapshot(workspace)).isEqualTo(before);
        } finally {
            new ProcessBuilder("chattr", "-i", immutable.toString()).start().waitFor();
        }
    }

    @Test
    void aStagingFailureTouchesNoTarget() throws Exception {
        Path locked = workspace.resolve("sub");
        Baseline baseline = Trees.baselineAfter(workspace, scratch);
        ChangeSet changes = sandbox("echo more >> a.txt; echo x > sub/new.txt");
        Process chattr = new ProcessBuilder("chattr", "+i", locked.toString()).redirectErrorStream(true).start();
        assumeThat(chattr.waitFor()).as("chattr +i works here (root, ext4/tmpfs)").isZero();
        try {
            Map<String, String> before = Trees.snapshot(workspace);
            CommitResult result = Committer.commit(changes, baseline);
            assertThat(result).isInstanceOf(Failed.class);
            assertThat(((Failed) result).why()).contains("staging failed");
            assertThat(Trees.snapshot(workspace)).isEqualTo(before);
        } finally {
            new ProcessBuilder("chattr", "-i", locked.toString()).start().waitFor();
        }
    }
}
