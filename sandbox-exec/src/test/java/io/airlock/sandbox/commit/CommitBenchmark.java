package io.airlock.sandbox.commit;

import io.airlock.sandbox.commit.CommitResult.Committed;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.ToLongFunction;

/**
 * Commit time of a 1,000-file change set: 500 files of 4 KiB modified and 500 added, across 10 directories. Prints
 * medians; asserts nothing. The upper directory is built the way overlayfs lays it out for plain writes (a mirror of
 * the changed paths), so no sandbox is needed; {@code CommitterTest} covers real overlays.
 *
 * <pre>
 * ./mvnw -q -B -ntp -pl sandbox-exec -am test-compile
 * java -cp sandbox-exec/target/classes:sandbox-exec/target/test-classes \
 *     io.airlock.sandbox.commit.CommitBenchmark [runs=9] [dir=sandbox-exec/target/commit-bench]
 * </pre>
 */
public final class CommitBenchmark {

    private static final int DIRS = 10;
    private static final int PER_DIR = 50; // modified and as many added per directory
    private static final int SIZE = 4096;

    private record Run(long read, long diff, long check, long staging, long apply, long commit) {}

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 9;
        Path base = Path.of(args.length > 1 ? args[1] : "sandbox-exec/target/commit-bench").toAbsolutePath();
        Files.createDirectories(base);
        int warmup = 2;
        List<Run> results = new ArrayList<>();
        for (int i = 0; i < warmup + runs; i++) {
            Path round = Files.createTempDirectory(base, "round-");
            try {
                Run run = once(round, i);
                if (i >= warmup) {
                    results.add(run);
                }
            } finally {
                Fs.deleteTree(round);
            }
        }
        System.out.printf("commit of %d files (%d modified, %d added, %d KiB each, %d directories), %d runs after %d"
                        + " warm-up, in %s%n", 2 * DIRS * PER_DIR, DIRS * PER_DIR, DIRS * PER_DIR, SIZE / 1024, DIRS,
                runs, warmup, base);
        print("ChangeSet.read", results, Run::read);
        print("unifiedDiff(1 MiB)", results, Run::diff);
        print("conflict check", results, Run::check);
        print("staging (write + fsync)", results, Run::staging);
        print("apply (renames, dir fsync)", results, Run::apply);
        print("commit total", results, Run::commit);
    }

    private static Run once(Path round, int seed) throws Exception {
        Path workspace = Files.createDirectories(round.resolve("ws"));
        Path upper = Files.createDirectories(round.resolve("upper"));
        Random random = new Random(seed);
        byte[] content = new byte[SIZE];
        for (int d = 0; d < DIRS; d++) {
            Path real = Files.createDirectories(workspace.resolve("dir" + d));
            Path up = Files.createDirectories(upper.resolve("dir" + d));
            for (int f = 0; f < PER_DIR; f++) {
                Files.write(real.resolve("mod" + f + ".txt"), text(random, content));
                Files.write(up.resolve("mod" + f + ".txt"), text(random, content));
                Files.write(up.resolve("new" + f + ".txt"), text(random, content));
            }
        }
        Baseline baseline = Trees.baselineAfter(workspace, round.resolve("scratch"));
        long t0 = System.nanoTime();
        ChangeSet changes = ChangeSet.read(upper, workspace);
        long t1 = System.nanoTime();
        String diff = changes.unifiedDiff(1 << 20);
        long t2 = System.nanoTime();
        if (changes.fileCount() != 2 * DIRS * PER_DIR || diff.isEmpty()) {
            throw new IllegalStateException("unexpected change set: " + changes.fileCount());
        }
        CommitResult result = Committer.commit(changes, baseline);
        long t3 = System.nanoTime();
        if (!(result instanceof Committed committed)) {
            throw new IllegalStateException("commit did not go through: " + result);
        }
        CommitResult.Timings t = committed.timings();
        return new Run(t1 - t0, t2 - t1, t.conflictCheck().toNanos(), t.staging().toNanos(), t.apply().toNanos(),
                t3 - t2);
    }

    /** 4 KiB of printable lines, so the diff has real text to work on. */
    private static byte[] text(Random random, byte[] into) {
        for (int i = 0; i < into.length; i++) {
            into[i] = (i % 64 == 63) ? (byte) '\n' : (byte) ('a' + random.nextInt(26));
        }
        return into.clone();
    }

    private static void print(String what, List<Run> results, ToLongFunction<Run> field) {
        long[] values = results.stream().mapToLong(field).sorted().toArray();
        System.out.printf("  %-28s median %8.2f ms   min %8.2f ms   max %8.2f ms%n", what,
                values[values.length / 2] / 1e6, values[0] / 1e6, values[values.length - 1] / 1e6);
        Arrays.fill(values, 0);
    }
}
