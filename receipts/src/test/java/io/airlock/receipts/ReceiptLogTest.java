package io.airlock.receipts;

import static io.airlock.receipts.Fixtures.accepted;
import static io.airlock.receipts.Fixtures.lines;
import static io.airlock.receipts.Fixtures.options;
import static io.airlock.receipts.Fixtures.receipt;
import static io.airlock.receipts.Fixtures.verify;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReceiptLogTest {

    @TempDir
    Path dir;

    @Test
    void aClosedLogStartsWithAGenesisEndsWithACheckpointAndVerifies() throws IOException {
        Fixtures.writeLog(dir, 10, 4);

        List<Path> files = ReceiptFiles.list(dir);
        List<String> lines = lines(files.getFirst());
        ChainVerifier.Report report = verify(dir);

        assertThat(files).extracting(p -> p.getFileName().toString()).containsExactly(ReceiptFiles.name(0));
        assertThat(lines.getFirst()).contains("\"seq\":0,\"prev\":\"" + Hashes.ZERO + "\",\"type\":\"genesis\"");
        assertThat(lines).filteredOn(l -> l.contains("\"type\":\"checkpoint\"")).hasSize(3);
        assertThat(lines.getLast()).contains("\"type\":\"checkpoint\"");
        assertThat(report.fault()).isEmpty();
        assertThat(report.receipts()).isEqualTo(10);
        assertThat(report.lastSignedSeq()).isEqualTo(report.lastSeq());
    }

    @Test
    void appendsFromManyThreadsAreAllRecordedOnceInOneUnbrokenChain() throws Exception {
        int threads = 8;
        int perThread = 2000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try (ReceiptLog log = ReceiptLog.open(options(dir).withFsyncInterval(Duration.ofMillis(2)))) {
            for (int t = 0; t < threads; t++) {
                int base = t * perThread;
                pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        accepted(log.append(receipt(base + i)));
                    }
                    return null;
                });
            }
            start.countDown();
            pool.shutdown();
            assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        }

        Set<String> ids = new HashSet<>();
        new ReceiptQuery(null, null, null, null, null, null, null, null, null)
                .run(ReceiptFiles.list(dir), (line, r) -> assertThat(ids.add(r.decisionId())).isTrue());
        assertThat(ids).hasSize(threads * perThread);
        assertThat(verify(dir).fault()).isEmpty();
    }

    @Test
    void anEntryThatCannotBeBuiltOnTheWriterFailsTheLogClosed() throws Exception {
        ReceiptLog log = ReceiptLog.open(options(dir).withFsyncInterval(Duration.ofMillis(2)));
        assertThat(log.appendLater(() -> {
            throw new IllegalStateException("redaction bug");
        })).isInstanceOf(ReceiptLog.Append.Accepted.class);
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
        while (log.healthy() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(log.healthy()).isFalse();
        assertThat(log.failure()).get().asString().contains("could not be built", "redaction bug");
        assertThat(log.append(receipt(1))).isInstanceOf(ReceiptLog.Append.Refused.class);
        // Closing a failed log reports the failure too.
        assertThatThrownBy(log::close).hasMessageContaining("redaction bug");
    }

    @Test
    void awaitDurableReturnsOnceTheEntryIsForcedToDisk() throws Exception {
        try (ReceiptLog log = ReceiptLog.open(options(dir).withFsyncInterval(Duration.ofMillis(5)))) {
            long ticket = accepted(log.append(receipt(1)));

            assertThat(log.awaitDurable(ticket, Duration.ofSeconds(10))).isTrue();
            assertThat(log.counters().durableTicket()).isGreaterThanOrEqualTo(ticket);
            assertThat(Files.readString(ReceiptFiles.list(dir).getFirst())).contains("\"id\":\"d-1\"");
        }
    }

    @Test
    void aFullQueueRefusesTheAppendWithAReason() throws Exception {
        // The writer cannot drain while it is blocked opening its next file, so the queue fills.
        CountDownLatch release = new CountDownLatch(1);
        ReceiptLog.ChannelOpener slow = file -> {
            if (!file.getFileName().toString().equals(ReceiptFiles.name(0))) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return ReceiptLog.ChannelOpener.FILES.open(file);
        };
        try (ReceiptLog log = ReceiptLog.open(options(dir).withQueueCapacity(4).withRotation(1, Duration.ofDays(1))
                .withChannels(slow))) {
            accepted(log.append(receipt(0)));
            List<ReceiptLog.Append> answers = new ArrayList<>();
            for (int i = 1; i <= 20; i++) {
                answers.add(log.append(receipt(i)));
                Thread.sleep(1);
            }
            release.countDown();

            assertThat(answers).filteredOn(a -> a instanceof ReceiptLog.Append.Refused).isNotEmpty()
                    .allSatisfy(a -> assertThat(((ReceiptLog.Append.Refused) a).reason()).contains("4 entries behind"));
            assertThat(log.counters().refusedQueueFull()).isPositive();
        }
        assertThat(verify(dir).fault()).isEmpty();
    }

    @Test
    void theLogRotatesBySizeAndTheChainContinuesAcrossFiles() throws IOException {
        try (ReceiptLog log = ReceiptLog.open(options(dir).withRotation(2_000, Duration.ofDays(1)))) {
            for (int i = 0; i < 50; i++) {
                accepted(log.append(receipt(i)));
            }
        }

        List<Path> files = ReceiptFiles.list(dir);
        // Rotation happens between batches, so how many files depends on batching; more than one is the point.
        assertThat(files).hasSizeGreaterThan(1);
        for (Path file : files.subList(0, files.size() - 1)) {
            assertThat(lines(file).getLast()).as(file.toString()).contains("\"type\":\"checkpoint\"");
        }
        ChainVerifier.Report report = verify(dir);
        assertThat(report.fault()).isEmpty();
        assertThat(report.receipts()).isEqualTo(50);
        assertThat(report.files()).isEqualTo(files.size());
    }

    @Test
    void theLogRotatesByAge() throws Exception {
        Fixtures.MutableClock clock = new Fixtures.MutableClock(Fixtures.T0);
        try (ReceiptLog log = ReceiptLog.open(options(dir).withClock(clock).withRotation(1 << 30,
                Duration.ofHours(1)))) {
            long ticket = accepted(log.append(receipt(1)));
            log.awaitDurable(ticket, Duration.ofSeconds(5));
            clock.advance(Duration.ofHours(2));
            ticket = accepted(log.append(receipt(2)));
            log.awaitDurable(ticket, Duration.ofSeconds(5));
            waitUntil(() -> ReceiptFiles.list(dir).size() == 2);
            accepted(log.append(receipt(3)));
        }

        assertThat(ReceiptFiles.list(dir)).hasSize(2);
        assertThat(verify(dir).fault()).isEmpty();
    }

    @Test
    void aCleanReopenContinuesTheChainWithoutARecoveryLine() throws IOException {
        Fixtures.writeLog(dir, 3, 100);
        try (ReceiptLog log = ReceiptLog.open(options(dir))) {
            assertThat(log.recovery()).isEmpty();
            accepted(log.append(receipt(4)));
        }

        ChainVerifier.Report report = verify(dir);
        assertThat(report.fault()).isEmpty();
        assertThat(report.receipts()).isEqualTo(4);
        assertThat(report.recoveries()).isZero();
    }

    @Test
    void aTornLastLineIsCutRecordedAndTheChainResumesFromTheLastGoodLine() throws IOException {
        Path crashed = crashedLog(3);
        Path file = ReceiptFiles.list(crashed).getFirst();
        String torn = "{\"v\":1,\"seq\":99,\"prev\":\"sha256:12";
        Files.writeString(file, torn, StandardOpenOption.APPEND);

        try (ReceiptLog log = ReceiptLog.open(options(crashed))) {
            Recovery recovery = log.recovery().orElseThrow();
            assertThat(recovery.cutBytes()).isEqualTo(torn.length());
            assertThat(recovery.cutDigest()).isEqualTo(Hashes.sha256(torn.getBytes(StandardCharsets.UTF_8)));
            assertThat(recovery.reason()).contains("torn last line");
            accepted(log.append(receipt(4)));
        }

        ChainVerifier.Report report = verify(crashed);
        assertThat(report.fault()).isEmpty();
        assertThat(report.receipts()).isEqualTo(4);
        assertThat(report.notes()).anySatisfy(n -> assertThat(n).contains("recovery").contains("bytes cut"));
        assertThat(Files.readString(file)).doesNotContain(torn);
    }

    @Test
    void aStopWithoutClosingCheckpointIsRecordedAndTheUnsignedTailSignedOnReopen() throws IOException {
        Path crashed = crashedLog(3);
        assertThat(verify(crashed).fault()).hasValueSatisfying(f -> assertThat(f.what())
                .contains("without a closing checkpoint"));

        try (ReceiptLog log = ReceiptLog.open(options(crashed))) {
            assertThat(log.recovery()).hasValueSatisfying(r -> {
                assertThat(r.cutBytes()).isZero();
                assertThat(r.reason()).contains("without a closing checkpoint");
            });
        }

        assertThat(verify(crashed).fault()).isEmpty();
    }

    @Test
    void aNewestFileThatIsOnlyATornLineResumesFromThePreviousFile() throws IOException {
        Fixtures.writeLog(dir, 3, 100);
        long nextSeq = verify(dir).lastSeq() + 1;
        String torn = "{\"v\":1,\"se";
        Files.writeString(dir.resolve(ReceiptFiles.name(nextSeq)), torn);

        try (ReceiptLog log = ReceiptLog.open(options(dir))) {
            assertThat(log.recovery()).hasValueSatisfying(r -> assertThat(r.cutBytes()).isEqualTo(torn.length()));
            accepted(log.append(receipt(4)));
        }

        assertThat(verify(dir).fault()).isEmpty();
    }

    @Test
    void aDamagedLastCompleteLineStopsTheOpenInsteadOfGuessing() throws IOException {
        Fixtures.writeLog(dir, 3, 100);
        Path file = ReceiptFiles.list(dir).getFirst();
        List<String> lines = lines(file);
        lines.set(lines.size() - 1, "garbage");
        Fixtures.writeLines(file, lines);

        assertThatThrownBy(() -> ReceiptLog.open(options(dir))).isInstanceOf(IOException.class)
                .hasMessageContaining("last complete line is damaged").hasMessageContaining("audit verify");
    }

    @Test
    void aChainSignedWithAnotherKeyIsNotContinued() throws IOException {
        Fixtures.writeLog(dir, 1, 100);

        assertThatThrownBy(() -> ReceiptLog.open(ReceiptLog.Options.defaults(dir, Signing.generate())))
                .isInstanceOf(IOException.class).hasMessageContaining("signed with key " + Fixtures.KEY.keyId());
    }

    @Test
    void onlyReceiptsAndTrafficCanBeAppended() throws IOException {
        try (ReceiptLog log = ReceiptLog.open(options(dir))) {
            assertThatThrownBy(() -> log.append(new Checkpoint(Fixtures.T0, "k", "s")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("the log writes those itself");
        }
    }

    @Test
    void appendsAfterCloseAreRefused() throws IOException {
        ReceiptLog log = ReceiptLog.open(options(dir));
        log.close();

        assertThat(log.append(receipt(1))).isEqualTo(new ReceiptLog.Append.Refused("the receipt log is closed"));
        assertThat(log.healthy()).isFalse();
    }

    // ---- fail closed -----------------------------------------------------------------------------------------------

    @Test
    void aFullDiskAtOpenIsAnErrorThatSaysSo() {
        // /dev/full fails every write with ENOSPC, no root needed.
        ReceiptLog.ChannelOpener full = file -> FileChannel.open(Path.of("/dev/full"), StandardOpenOption.WRITE);

        assertThatThrownBy(() -> ReceiptLog.open(options(dir).withChannels(full))).isInstanceOf(IOException.class)
                .hasMessageContaining("No space left on device");
    }

    @Test
    void aDiskThatFillsUpMidRunFailsClosedAndRefusesEveryLaterAppend() throws Exception {
        // The first file is real; the file the log rotates into is /dev/full.
        ReceiptLog.ChannelOpener fillsUp = file -> file.getFileName().toString().equals(ReceiptFiles.name(0))
                ? ReceiptLog.ChannelOpener.FILES.open(file)
                : FileChannel.open(Path.of("/dev/full"), StandardOpenOption.WRITE);
        ReceiptLog log = ReceiptLog.open(options(dir).withRotation(1_500, Duration.ofDays(1)).withChannels(fillsUp));
        long lastAccepted = 0;
        for (int i = 0; i < 200 && log.healthy(); i++) {
            if (log.append(receipt(i)) instanceof ReceiptLog.Append.Accepted(long ticket)) {
                lastAccepted = ticket;
            }
            Thread.sleep(2);
        }
        long last = lastAccepted;

        waitUntil(() -> !log.healthy());
        assertThat(log.failure()).hasValueSatisfying(reason -> assertThat(reason)
                .contains("No space left on device").contains("stops forwarding gated calls"));
        assertThat(log.append(receipt(1000))).isInstanceOfSatisfying(ReceiptLog.Append.Refused.class,
                refused -> assertThat(refused.reason()).contains("No space left on device"));
        assertThatThrownBy(() -> log.awaitDurable(last + 1, Duration.ofSeconds(5))).isInstanceOf(IOException.class)
                .hasMessageContaining("No space left on device");
        assertThatThrownBy(log::close).isInstanceOf(IOException.class);
        // What did reach the disk is still a valid (if cut short) chain.
        assertThat(ChainVerifier.verifyDirectory(dir, new ChainVerifier.Options(Fixtures.KEY.publicKey(), true,
                false)).fault()).isEmpty();
    }

    @Test
    void aDirectoryTheGatewayMayNotWriteToIsAnErrorThatSaysSo() throws Exception {
        Path locked = dir.resolve("locked");
        Files.createDirectories(locked);
        try (Unwritable ignored = Unwritable.make(locked)) {
            assertThatThrownBy(() -> ReceiptLog.open(options(locked))).isInstanceOf(IOException.class)
                    .satisfies(e -> assertThat(e.toString()).containsAnyOf("Permission denied",
                            "Operation not permitted", "AccessDenied"));
        }
    }

    @Test
    void losingWritePermissionMidRunFailsClosed() throws Exception {
        Path locked = dir.resolve("locked");
        ReceiptLog log = ReceiptLog.open(options(locked).withRotation(1_500, Duration.ofDays(1)));
        try (Unwritable ignored = Unwritable.make(locked)) {
            for (int i = 0; i < 200 && log.healthy(); i++) {
                log.append(receipt(i));
                Thread.sleep(2);
            }
            waitUntil(() -> !log.healthy());
            assertThat(log.append(receipt(1000))).isInstanceOf(ReceiptLog.Append.Refused.class);
            assertThat(log.failure().orElseThrow()).containsAnyOf("Permission denied", "Operation not permitted",
                    "AccessDenied");
        }
        assertThatThrownBy(log::close).isInstanceOf(IOException.class);
    }

    @Test
    void aRealFullFilesystemFailsClosed() throws Exception {
        // A real tmpfs of 64 KiB, when this runs as root (CI does); /dev/full covers the same path everywhere.
        Path mount = dir.resolve("tiny");
        Files.createDirectories(mount);
        assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", mount.toString()) == 0,
                "needs root to mount a tmpfs");
        try {
            ReceiptLog log = ReceiptLog.open(options(mount.resolve("receipts")));
            for (int i = 0; i < 5000 && log.healthy(); i++) {
                log.append(receipt(i));
                if (i % 50 == 0) {
                    Thread.sleep(1);
                }
            }
            waitUntil(() -> !log.healthy());
            assertThat(log.failure().orElseThrow()).contains("No space left on device");
            assertThat(log.append(receipt(-1))).isInstanceOf(ReceiptLog.Append.Refused.class);
            assertThatThrownBy(log::close).isInstanceOf(IOException.class);
        } finally {
            run("umount", mount.toString());
        }
    }

    /** A directory this process cannot create files in: chmod for ordinary users; root ignores modes, so chattr +i. */
    private record Unwritable(Path dir, boolean immutable) implements AutoCloseable {
        static Unwritable make(Path dir) throws Exception {
            if ("root".equals(System.getProperty("user.name"))) {
                assumeTrue(run("chattr", "+i", dir.toString()) == 0, "chattr +i is not supported here");
                return new Unwritable(dir, true);
            }
            Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("r-x------"));
            return new Unwritable(dir, false);
        }

        @Override
        public void close() throws Exception {
            if (immutable) {
                run("chattr", "-i", dir.toString());
            } else {
                Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
            }
        }
    }

    private static int run(String... command) throws Exception {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return process.waitFor(30, TimeUnit.SECONDS) ? process.exitValue() : -1;
        } catch (IOException e) {
            return -1;
        }
    }

    /** A log that was written to and never closed, copied as a crash would leave it (all forced, no checkpoint). */
    private Path crashedLog(int receipts) throws IOException {
        Path live = dir.resolve("live");
        Path crashed = dir.resolve("crashed");
        ReceiptLog log = ReceiptLog.open(options(live).withCheckpoints(1000, Duration.ofHours(1)));
        long ticket = 0;
        for (int i = 1; i <= receipts; i++) {
            ticket = accepted(log.append(receipt(i)));
        }
        try {
            assertThat(log.awaitDurable(ticket, Duration.ofSeconds(10))).isTrue();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        Files.createDirectories(crashed);
        for (Path file : ReceiptFiles.list(live)) {
            Files.copy(file, crashed.resolve(file.getFileName()));
        }
        log.close();
        return crashed;
    }

    private interface Condition {
        boolean holds() throws Exception;
    }

    private static void waitUntil(Condition condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 10 s");
            }
            Thread.sleep(5);
        }
    }
}
