package io.airlock.receipts;

import static io.airlock.receipts.Fixtures.lines;
import static io.airlock.receipts.Fixtures.verify;
import static io.airlock.receipts.Fixtures.writeLines;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tampering: each way of changing a closed log is caught, and the fault names the place. The log under test has
 * lines (line n holds seq n-1): 1 genesis, 2-5 receipts d-1..d-4, 6 checkpoint (a checkpoint every 5 lines), 7-11
 * receipts d-5..d-9, 12 checkpoint, 13 receipt d-10, 14 the closing checkpoint.
 */
class ChainVerifierTest {

    @TempDir
    Path dir;
    private Path file;
    private List<String> lines;

    @BeforeEach
    void writeAClosedLog() throws IOException {
        Fixtures.writeLog(dir, 10, 5);
        file = ReceiptFiles.list(dir).getFirst();
        lines = lines(file);
        assertThat(lines).hasSize(14);
        assertThat(verify(dir).ok()).isTrue();
    }

    @Test
    void anEditedReceiptIsNamed() throws IOException {
        lines.set(2, lines.get(2).replace("src/file2.txt", "src/file9.txt"));
        writeLines(file, lines);

        ChainVerifier.Fault fault = verify(dir).fault().orElseThrow();

        assertThat(fault.place()).isEqualTo(file + ":3");
        assertThat(fault.seq()).isEqualTo(2);
        assertThat(fault.what()).contains("edited or replaced");
    }

    @Test
    void aDeletedReceiptIsNamed() throws IOException {
        lines.remove(7);
        writeLines(file, lines);

        ChainVerifier.Fault fault = verify(dir).fault().orElseThrow();

        assertThat(fault.place()).isEqualTo(file + ":8");
        assertThat(fault.what()).contains("seq 8 follows seq 6").contains("1 line(s) missing");
    }

    @Test
    void reorderedReceiptsAreNamed() throws IOException {
        Collections.swap(lines, 7, 8);
        writeLines(file, lines);

        ChainVerifier.Fault fault = verify(dir).fault().orElseThrow();

        assertThat(fault.place()).isEqualTo(file + ":8");
        assertThat(fault.what()).contains("seq 8 follows seq 6");
    }

    @Test
    void aReceiptTruncatedMidLineIsNamed() throws IOException {
        String kept = String.join("\n", lines.subList(0, 9)) + "\n" + lines.get(9).substring(0, 40);
        Files.writeString(file, kept, StandardCharsets.UTF_8);

        ChainVerifier.Fault fault = verify(dir).fault().orElseThrow();

        assertThat(fault.place()).isEqualTo(file + ":10");
        assertThat(fault.what()).contains("incomplete line");
    }

    @Test
    void cuttingWholeLinesFromTheEndIsCaughtByTheMissingClosingCheckpoint() throws IOException {
        writeLines(file, lines.subList(0, 11));

        ChainVerifier.Fault fault = verify(dir).fault().orElseThrow();

        assertThat(fault.place()).isEqualTo(file + ":11");
        assertThat(fault.what()).contains("ends without a closing checkpoint").contains("after seq 5");
    }

    @Test
    void aChainRewrittenWithFreshHashesIsCaughtByTheNextSignature() throws Exception {
        // The forger edits d-2 and recomputes every later prev, but cannot sign.
        lines.set(2, lines.get(2).replace("src/file2.txt", "src/file9.txt"));
        rechain(lines);
        writeLines(file, lines);

        ChainVerifier.Fault fault = verify(dir).fault().orElseThrow();

        assertThat(fault.place()).isEqualTo(file + ":6");
        assertThat(fault.what()).contains("invalid checkpoint signature");
        // Without the key only the hash chain is checked, and a rechained log passes that: hence the note.
        ChainVerifier.Report unsigned = ChainVerifier.verifyDirectory(dir, new ChainVerifier.Options(null, false,
                false));
        assertThat(unsigned.ok()).isTrue();
        assertThat(unsigned.notes()).anySatisfy(n -> assertThat(n).contains("signatures were not"));
    }

    @Test
    void anotherPublicKeyIsReported() throws IOException {
        ChainVerifier.Report report = ChainVerifier.verifyDirectory(dir,
                ChainVerifier.Options.withKey(Signing.generate().publicKey()));

        assertThat(report.fault().orElseThrow().what()).contains("the chain was started for key "
                + Fixtures.KEY.keyId());
    }

    @Test
    void aDeletedFileIsCaughtAsAGapOrAMissingGenesis() throws IOException {
        Path rotated = dir.resolve("rotated");
        try (ReceiptLog log = ReceiptLog.open(Fixtures.options(rotated).withRotation(1_000, Duration.ofDays(1)))) {
            for (int i = 0; i < 30; i++) {
                long ticket = Fixtures.accepted(log.append(Fixtures.receipt(i)));
                log.awaitDurable(ticket, Duration.ofSeconds(5));
            }
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        List<Path> files = ReceiptFiles.list(rotated);
        assertThat(files).hasSizeGreaterThan(3);

        ChainVerifier.Report withoutMiddle = ChainVerifier.verify(
                files.stream().filter(f -> !f.equals(files.get(1))).toList(),
                ChainVerifier.Options.withKey(Fixtures.KEY.publicKey()));
        ChainVerifier.Report withoutFirst = ChainVerifier.verify(files.subList(1, files.size()),
                ChainVerifier.Options.withKey(Fixtures.KEY.publicKey()));
        ChainVerifier.Report partial = ChainVerifier.verify(files.subList(1, files.size()),
                new ChainVerifier.Options(Fixtures.KEY.publicKey(), false, true));

        assertThat(withoutMiddle.fault().orElseThrow().what()).contains("line(s) missing");
        assertThat(withoutMiddle.fault().orElseThrow().file()).isEqualTo(files.get(2));
        assertThat(withoutFirst.fault().orElseThrow().what()).contains("does not start with a genesis");
        assertThat(partial.ok()).isTrue();
    }

    @Test
    void aRenamedFileIsCaught() throws IOException {
        Files.move(file, dir.resolve(ReceiptFiles.name(3)));

        assertThat(verify(dir).fault().orElseThrow().what()).contains("file name says it starts at seq 3");
    }

    @Test
    void aLiveLogMayEndUnsignedOrMidWrite() throws IOException {
        Files.writeString(file, String.join("\n", lines.subList(0, 13)) + "\n{\"v\":1,\"seq\":13", StandardCharsets.UTF_8);

        ChainVerifier.Report live = ChainVerifier.verifyDirectory(dir,
                new ChainVerifier.Options(Fixtures.KEY.publicKey(), true, false));

        assertThat(live.ok()).isTrue();
        assertThat(live.notes()).anySatisfy(n -> assertThat(n).contains("incomplete last line"))
                .anySatisfy(n -> assertThat(n).contains("not covered by a signed checkpoint yet"));
    }

    @Test
    void aLineThatIsNotAReceiptIsNamed() throws IOException {
        lines.add(4, "{\"hello\":\"world\"}");
        writeLines(file, lines);

        ChainVerifier.Fault fault = verify(dir).fault().orElseThrow();

        assertThat(fault.place()).isEqualTo(file + ":5");
        assertThat(fault.what()).startsWith("not a receipt line");
    }

    /** Recomputes every prev after an edit, as a forger with write access but without the key would. */
    private static void rechain(List<String> lines) throws ReceiptFormatException {
        for (int i = 1; i < lines.size(); i++) {
            String previousHash = Hashes.sha256(lines.get(i - 1).getBytes(StandardCharsets.UTF_8));
            Line line = ReceiptCodec.decode(lines.get(i).getBytes(StandardCharsets.UTF_8));
            lines.set(i, lines.get(i).replace(line.prev(), previousHash));
        }
    }
}
