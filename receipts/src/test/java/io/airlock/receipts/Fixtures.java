package io.airlock.receipts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/** Receipts and logs for tests. */
final class Fixtures {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Signing.Key KEY = Signing.generate();
    static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    private Fixtures() {
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    /** A receipt for call {@code i}: an allowed read at tier 0. */
    static Receipt receipt(int i) {
        JsonNode args = json("{\"path\":\"src/file" + i + ".txt\"}");
        return new Receipt("d-" + i, T0.plusSeconds(i), "agent-a", "s-1", "fs", "filesystem", "tools/call",
                "read_file", CanonicalJson.digest(args), args, "standard",
                List.of(new Receipt.CapabilityTag("read", "inside", "src/file" + i + ".txt")),
                Receipt.Outcome.ALLOW, 0, false, "",
                List.of(new Receipt.Step(0, Receipt.Verdict.ALLOW, new Receipt.Decider.Rule("read-inside"), 12,
                        "tier 0: rule read-inside -> allow")), "rev-7",
                new Receipt.Upstream(Receipt.UpstreamOutcome.OK, 1234, 5678));
    }

    /** A receipt for a call a person decided at tier 3. */
    static Receipt operatorReceipt(int i, String capability, boolean approved) {
        JsonNode args = json("{\"command\":\"rm -rf build" + i + "\"}");
        return new Receipt("op-" + i, T0.plusSeconds(1000 + i), "agent-b", "s-2", "shell", "shell", "tools/call",
                "run_command", CanonicalJson.digest(args), args, "standard",
                List.of(new Receipt.CapabilityTag(capability, "inside", "rm -rf build" + i)),
                approved ? Receipt.Outcome.ALLOW : Receipt.Outcome.DENY, 3, false,
                approved ? "" : "the operator refused",
                List.of(new Receipt.Step(0, Receipt.Verdict.CLASSIFY, new Receipt.Decider.Rule("default"), 20, ""),
                        new Receipt.Step(2, Receipt.Verdict.ASK, new Receipt.Decider.Classifier("haiku", "unsure"),
                                90_000, ""),
                        new Receipt.Step(3, approved ? Receipt.Verdict.ALLOW : Receipt.Verdict.DENY,
                                new Receipt.Decider.Operator("alice"), 4_000_000, "")), "rev-7",
                approved ? new Receipt.Upstream(Receipt.UpstreamOutcome.OK, 10, 200)
                        : Receipt.Upstream.notForwarded());
    }

    static ReceiptLog.Options options(Path dir) {
        return ReceiptLog.Options.defaults(dir, KEY).withFsyncInterval(Duration.ZERO);
    }

    /** Writes {@code count} receipts with a checkpoint every {@code checkpointEvery} lines and closes the log. */
    static void writeLog(Path dir, int count, int checkpointEvery) throws IOException {
        try (ReceiptLog log = ReceiptLog.open(options(dir).withCheckpoints(checkpointEvery, Duration.ofHours(1)))) {
            for (int i = 1; i <= count; i++) {
                accepted(log.append(receipt(i)));
            }
        }
    }

    static long accepted(ReceiptLog.Append append) {
        if (append instanceof ReceiptLog.Append.Accepted(long ticket)) {
            return ticket;
        }
        throw new AssertionError("append refused: " + append);
    }

    static List<String> lines(Path file) throws IOException {
        return new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
    }

    static void writeLines(Path file, List<String> lines) throws IOException {
        Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    }

    static ChainVerifier.Report verify(Path dir) throws IOException {
        return ChainVerifier.verifyDirectory(dir, ChainVerifier.Options.withKey(KEY.publicKey()));
    }

    /** A clock tests move by hand. */
    static final class MutableClock extends Clock {
        private final AtomicReference<Instant> now;

        MutableClock(Instant start) {
            this.now = new AtomicReference<>(start);
        }

        void advance(Duration by) {
            now.updateAndGet(t -> t.plus(by));
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    }
}
