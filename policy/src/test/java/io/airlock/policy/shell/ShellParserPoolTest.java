package io.airlock.policy.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pre-started shfmt processes of {@link ShellParser}: reuse, replacement, fallback, timeouts, no leaks. */
class ShellParserPoolTest {

    private static final Path SHFMT = ShellParser.defaultShfmt();

    private static void assumeShfmt() {
        assumeTrue(Files.isExecutable(SHFMT), "shfmt not installed at " + SHFMT);
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(10);
        }
    }

    private static Set<Long> pids(List<ProcessHandle> handles) {
        return handles.stream().map(ProcessHandle::pid).collect(Collectors.toSet());
    }

    private static Set<Long> childPids() {
        return ProcessHandle.current().children().map(ProcessHandle::pid).collect(Collectors.toSet());
    }

    private static void awaitGone(List<ProcessHandle> handles) throws InterruptedException {
        await(() -> handles.stream().noneMatch(ProcessHandle::isAlive), "the processes are gone");
        Set<Long> children = childPids();
        for (ProcessHandle h : handles) {
            assertThat(children).as("children of this JVM").doesNotContain(h.pid());
        }
    }

    @Test
    void aParseTakesAPreStartedProcessAndTheFreedSlotIsRefilled() throws Exception {
        assumeShfmt();
        try (ShellParser parser = new ShellParser(SHFMT, Duration.ofSeconds(5), 2)) {
            parser.prestart();
            await(() -> parser.pooledProcesses().size() == 2, "the pool is full");
            List<ProcessHandle> before = parser.pooledProcesses();
            assertThat(before).allMatch(ProcessHandle::isAlive);

            assertThat(parser.parse("ls -la src")).isInstanceOf(ShellParser.Parsed.class);
            assertThat(parser.takenFromPool()).isEqualTo(1);
            assertThat(parser.startedOnDemand()).isZero();
            // The process that parsed was one of the pooled ones, and it has exited: one process per command.
            ProcessHandle used = before.stream().filter(h -> !parser.pooledProcesses().contains(h)).findFirst()
                    .orElseThrow();
            used.onExit().get(5, TimeUnit.SECONDS);

            await(() -> parser.pooledProcesses().size() == 2, "the pool is full again");
            assertThat(pids(parser.pooledProcesses())).doesNotContain(used.pid());
            // Outcomes stay explicit through pooled processes.
            assertThat(parser.parse("echo 'unclosed")).isInstanceOf(ShellParser.SyntaxError.class);
            assertThat(parser.parse("git status && ls")).isInstanceOf(ShellParser.Parsed.class);
            assertThat(parser.takenFromPool()).isEqualTo(3);
        }
    }

    @Test
    void anEmptyPoolFallsBackToStartingAProcess() throws Exception {
        assumeShfmt();
        try (ShellParser parser = new ShellParser(SHFMT, Duration.ofSeconds(5), 1)) {
            // No prestart: the first parse finds the pool empty and starts its own process.
            assertThat(parser.parse("ls")).isInstanceOf(ShellParser.Parsed.class);
            assertThat(parser.startedOnDemand()).isEqualTo(1);
            assertThat(parser.takenFromPool()).isZero();
            await(() -> parser.pooledProcesses().size() == 1, "the pool is filled after the first parse");
        }
        try (ShellParser unpooled = new ShellParser(SHFMT, Duration.ofSeconds(5))) {
            assertThat(unpooled.poolSize()).isZero();
            assertThat(unpooled.parse("ls")).isInstanceOf(ShellParser.Parsed.class);
            assertThat(unpooled.parse("pwd")).isInstanceOf(ShellParser.Parsed.class);
            assertThat(unpooled.startedOnDemand()).isEqualTo(2);
            unpooled.prestart();
            Thread.sleep(50);
            assertThat(unpooled.pooledProcesses()).isEmpty();
            assertThat(unpooled.liveProcesses()).isEmpty();
        }
    }

    @Test
    void aPooledProcessThatDiedIsDiscardedAndReplaced() throws Exception {
        assumeShfmt();
        try (ShellParser parser = new ShellParser(SHFMT, Duration.ofSeconds(5), 2)) {
            parser.prestart();
            await(() -> parser.pooledProcesses().size() == 2, "the pool is full");
            List<ProcessHandle> killed = parser.pooledProcesses();
            for (ProcessHandle h : killed) {
                h.destroyForcibly();
                h.onExit().get(5, TimeUnit.SECONDS);
            }

            assertThat(parser.parse("cat README.md | wc -l")).isInstanceOf(ShellParser.Parsed.class);
            assertThat(parser.discardedDead()).isEqualTo(2);
            assertThat(parser.takenFromPool()).isZero();
            assertThat(parser.startedOnDemand()).isEqualTo(1);

            await(() -> parser.pooledProcesses().size() == 2, "the pool is refilled");
            Set<Long> refilled = pids(parser.pooledProcesses());
            killed.forEach(h -> assertThat(refilled).doesNotContain(h.pid()));
            assertThat(parser.pooledProcesses()).allMatch(ProcessHandle::isAlive);
            assertThat(parser.parse("ls")).isInstanceOf(ShellParser.Parsed.class);
            assertThat(parser.takenFromPool()).isEqualTo(1);
        }
    }

    @Test
    void closeKillsThePooledProcessesAndLaterParsesFailClosed() throws Exception {
        assumeShfmt();
        ShellParser parser = new ShellParser(SHFMT, Duration.ofSeconds(5), 3);
        parser.prestart();
        await(() -> parser.pooledProcesses().size() == 3, "the pool is full");
        List<ProcessHandle> pooled = parser.pooledProcesses();
        assertThat(childPids()).containsAll(pids(pooled));

        parser.close();
        awaitGone(pooled);
        assertThat(parser.pooledProcesses()).isEmpty();
        assertThat(parser.liveProcesses()).isEmpty();

        ShellParser.Result after = parser.parse("ls");
        assertThat(after).isInstanceOf(ShellParser.Unavailable.class);
        assertThat(((ShellParser.Unavailable) after).reason()).contains("closed");
        parser.prestart();
        Thread.sleep(100);
        assertThat(parser.pooledProcesses()).isEmpty();
        parser.close(); // idempotent
    }

    @Test
    void theTimeoutStillHoldsForAPooledProcessAndCloseKillsOneStillParsing(@TempDir Path dir) throws Exception {
        // Reads the command, then hangs: the pre-started process is alive and takes the input, but never answers.
        Path fake = dir.resolve("hanging-shfmt");
        Files.writeString(fake, "#!/bin/sh\ncat >/dev/null\nexec sleep 30\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwx------"));
        List<ProcessHandle> seen;
        try (ShellParser parser = new ShellParser(fake, Duration.ofMillis(300), 1)) {
            parser.prestart();
            await(() -> parser.pooledProcesses().size() == 1, "the pool is full");
            seen = new java.util.ArrayList<>(parser.pooledProcesses());
            long start = System.nanoTime();
            ShellParser.Result r = parser.parse("ls");
            assertThat(r).isInstanceOf(ShellParser.Unavailable.class);
            assertThat(((ShellParser.Unavailable) r).reason()).contains("timed out");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            assertThat(parser.takenFromPool()).isEqualTo(1);
            awaitGone(seen); // the timed-out process was killed

            // One parse stuck in a pooled process while the parser closes: close kills it, the parse fails closed.
            await(() -> parser.pooledProcesses().size() == 1, "the pool is refilled");
            seen = new java.util.ArrayList<>(parser.pooledProcesses());
        }
        awaitGone(seen);
    }

    @Test
    void closeDuringAParseKillsItsProcess(@TempDir Path dir) throws Exception {
        Path fake = dir.resolve("hanging-shfmt");
        Files.writeString(fake, "#!/bin/sh\ncat >/dev/null\nexec sleep 30\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwx------"));
        ShellParser parser = new ShellParser(fake, Duration.ofSeconds(20), 1);
        parser.prestart();
        await(() -> parser.pooledProcesses().size() == 1, "the pool is full");
        var result = new java.util.concurrent.CompletableFuture<ShellParser.Result>();
        Thread.ofVirtual().start(() -> result.complete(parser.parse("ls")));
        await(() -> parser.takenFromPool() == 1, "the parse took the pooled process");
        Set<ProcessHandle> all = new HashSet<>(parser.liveProcesses());
        parser.close();
        ShellParser.Result r = result.get(5, TimeUnit.SECONDS);
        assertThat(r).isInstanceOf(ShellParser.Unavailable.class);
        awaitGone(List.copyOf(all));
        assertThat(parser.liveProcesses()).isEmpty();
    }

    @Test
    void poolSizeIsBounded() {
        assertThatThrownBy(() -> new ShellParser(SHFMT, Duration.ofSeconds(1), -1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ShellParser(SHFMT, Duration.ofSeconds(1), ShellParser.MAX_POOL_SIZE + 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aMissingParserStartsNothing() {
        try (ShellParser missing = new ShellParser(Path.of("/nonexistent/shfmt"), Duration.ofSeconds(1), 2)) {
            missing.prestart();
            assertThat(missing.parse("ls")).isInstanceOf(ShellParser.Unavailable.class);
            assertThat(missing.pooledProcesses()).isEmpty();
            assertThat(missing.liveProcesses()).isEmpty();
        }
    }
}
