package io.airlock.sandbox.commit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.airlock.sandbox.OverlaySandbox;
import io.airlock.sandbox.SandboxRun;
import io.airlock.sandbox.SandboxSpec;
import io.airlock.sandbox.commit.CommitResult.Committed;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The operator's diff, from real sandboxed runs; checked line by line and by applying it with {@code git apply}. */
class UnifiedDiffTest {

    @TempDir
    Path dir;

    private Path workspace;
    private Path home;

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
        StringBuilder tenLines = new StringBuilder();
        for (int i = 1; i <= 10; i++) {
            tenLines.append("line ").append(i).append('\n');
        }
        Files.writeString(workspace.resolve("ten.txt"), tenLines);
        Files.writeString(workspace.resolve("gone.txt"), "bye\n");
        Files.write(workspace.resolve("blob.bin"), new byte[] {0, 1, 2, 3});
        Files.writeString(workspace.resolve("tool.sh"), "echo hi\n");
        Files.createDirectories(workspace.resolve("build"));
        Files.writeString(workspace.resolve("build/old.o"), "obj\n");
    }

    private ChangeSet sandbox(String script) throws Exception {
        SandboxRun run = OverlaySandbox.run(workspace, List.of("/bin/sh", "-c", script), SandboxSpec.defaults(home),
                dir.resolve("scratch"));
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        return ChangeSet.read(run.upper(), workspace);
    }

    @Test
    void aModificationShowsAHunkWithThreeLinesOfContext() throws Exception {
        String diff = sandbox("sed -i 's/line 5/LINE FIVE/' ten.txt").unifiedDiff(1 << 16);
        assertThat(diff).isEqualTo("""
                diff --git a/ten.txt b/ten.txt
                --- a/ten.txt
                +++ b/ten.txt
                @@ -2,7 +2,7 @@
                 line 2
                 line 3
                 line 4
                -line 5
                +LINE FIVE
                 line 6
                 line 7
                 line 8
                """);
    }

    @Test
    void anAdditionADeletionAndADeletedDirectory() throws Exception {
        String diff = sandbox("printf 'one\\ntwo' > new.txt; rm gone.txt; rm -rf build").unifiedDiff(1 << 16);
        assertThat(diff).contains("""
                diff --git a/new.txt b/new.txt
                new file mode 100644
                --- /dev/null
                +++ b/new.txt
                @@ -0,0 +1,2 @@
                +one
                +two
                \\ No newline at end of file
                """);
        assertThat(diff).contains("""
                diff --git a/gone.txt b/gone.txt
                deleted file mode 100644
                --- a/gone.txt
                +++ /dev/null
                @@ -1 +0,0 @@
                -bye
                """);
        assertThat(diff).contains("# deleted directory build/ (1 old entries removed)\n", """
                diff --git a/build/old.o b/build/old.o
                deleted file mode 100644
                """);
    }

    @Test
    void aReplacedDirectoryListsWhatGoesAndWhatComes() throws Exception {
        String diff = sandbox("rm -rf build; mkdir build; echo n > build/new.o").unifiedDiff(1 << 16);
        assertThat(diff).startsWith("""
                # replaced directory build/ (1 old entries removed)
                diff --git a/build/old.o b/build/old.o
                deleted file mode 100644
                --- a/build/old.o
                +++ /dev/null
                @@ -1 +0,0 @@
                -obj
                # new directory build/ (mode 755)
                diff --git a/build/new.o b/build/new.o
                new file mode 100644
                """);
    }

    @Test
    void binaryFilesAreNotShownLineByLine() throws Exception {
        String diff = sandbox("printf '\\001\\000x' > blob.bin; printf '\\000\\377' > new.bin").unifiedDiff(1 << 16);
        assertThat(diff).contains("Binary files a/blob.bin and b/blob.bin differ\n",
                "new file mode 100644\nBinary files /dev/null and b/new.bin differ\n");
    }

    @Test
    void aModeChangeAndASymlink() throws Exception {
        String diff = sandbox("chmod 755 tool.sh; ln -s ten.txt ten.link").unifiedDiff(1 << 16);
        assertThat(diff).isEqualTo("""
                diff --git a/ten.link b/ten.link
                new file mode 120000
                --- /dev/null
                +++ b/ten.link
                @@ -0,0 +1 @@
                +ten.txt
                \\ No newline at end of file
                diff --git a/tool.sh b/tool.sh
                old mode 100644
                new mode 100755
                """);
    }

    @Test
    void aFileRewrittenWithTheSameContentIsSaidSo() throws Exception {
        ChangeSet changes = sandbox("touch gone.txt");
        assertThat(changes.changes()).extracting(Change::kind).containsExactly(Change.Kind.MODIFIED);
        assertThat(changes.unifiedDiff(1 << 16)).isEqualTo("# rewritten with the same content and mode: gone.txt\n");
    }

    @Test
    void aFileNameCannotForgeDiffLines() throws Exception {
        String diff = sandbox("printf x > \"$(printf 'evil\\n+++ b')\"").unifiedDiff(1 << 16);
        assertThat(diff).contains("diff --git \"a/evil\\n+++ b\" \"b/evil\\n+++ b\"\n",
                "+++ \"b/evil\\n+++ b\"\n");
        assertThat(diff.lines()).noneMatch(l -> l.equals("+++ b"));
    }

    @Test
    void aDiffBeyondTheLimitIsCutWithANote() throws Exception {
        String diff = sandbox("for i in $(seq 1 200); do echo \"file $i\" > f$i.txt; done").unifiedDiff(2000);
        assertThat(diff.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(2000);
        assertThat(diff).endsWith(" of 200 changes shown in full\n").contains("# diff truncated at 2000 bytes: ");
        assertThat(sandbox("echo x > small.txt").unifiedDiff(2000)).doesNotContain("truncated");
    }

    @Test
    void gitApplyOfTheDiffGivesWhatTheCommitGives() throws Exception {
        Process git = new ProcessBuilder("git", "--version").start();
        assumeThat(git.waitFor()).as("git is installed").isZero();
        Path copy = dir.resolve("copy");
        Trees.sh(dir, "cp -a ws copy");
        Baseline baseline = Trees.baselineAfter(workspace, dir.resolve("scratch"));
        ChangeSet changes = sandbox("sed -i 's/line 2/two/; s/line 9/nine/' ten.txt; printf 'a\\nb' > nonl.txt;"
                + " rm gone.txt; chmod 755 tool.sh; ln -s ten.txt link; mkdir -p d/e && echo deep > d/e/f;"
                + " printf 'x\\ny\\n' >> build/old.o");
        String diff = changes.unifiedDiff(1 << 20);
        Path patch = dir.resolve("changes.diff");
        Files.writeString(patch, diff);
        Trees.sh(copy, "git apply --unsafe-paths -p1 " + patch);
        assertThat(Committer.commit(changes, baseline)).isInstanceOf(Committed.class);
        assertThat(Trees.snapshot(copy)).isEqualTo(Trees.snapshot(workspace));
    }
}
