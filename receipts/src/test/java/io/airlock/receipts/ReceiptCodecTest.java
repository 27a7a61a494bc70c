package io.airlock.receipts;

import static io.airlock.receipts.Fixtures.T0;
import static io.airlock.receipts.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReceiptCodecTest {

    @Test
    void everyEntryKindSurvivesARoundTrip() throws Exception {
        List<Entry> entries = List.of(
                new Genesis(T0, "ed25519:0123456789abcdef"),
                Fixtures.receipt(1),
                Fixtures.operatorReceipt(2, "delete", true),
                new Traffic(T0, "s-1", "fs", Traffic.Direction.TO_AGENT, json("{\"jsonrpc\":\"2.0\",\"id\":1,"
                        + "\"result\":{}}"), "standard"),
                new Checkpoint(T0, "ed25519:0123456789abcdef", "c2ln"),
                new Recovery(T0, "receipts-00000000000000000000.jsonl", 17, Hashes.sha256(new byte[17]), "torn"));

        for (Entry entry : entries) {
            byte[] line = ReceiptCodec.line(41, Hashes.ZERO, ReceiptCodec.encodeBody(entry));

            assertThat(ReceiptCodec.decode(line)).isEqualTo(new Line(41, Hashes.ZERO, entry));
        }
    }

    @Test
    void theLineIsTheEnvelopeThenTheBodyWithNoWhitespace() {
        byte[] line = ReceiptCodec.line(7, Hashes.ZERO, ReceiptCodec.encodeBody(new Genesis(T0, "ed25519:k")));

        assertThat(new String(line, StandardCharsets.UTF_8)).isEqualTo("{\"v\":1,\"seq\":7,\"prev\":\"" + Hashes.ZERO
                + "\",\"type\":\"genesis\",\"time\":\"2026-03-01T10:00:00Z\",\"key\":\"ed25519:k\"}");
    }

    @Test
    void malformedLinesAreRejectedWithWhatIsWrong() {
        String prev = Hashes.ZERO;
        assertRejected("{\"v\":1,", "not valid JSON");
        assertRejected("[1]", "not a JSON object");
        assertRejected("{\"v\":2,\"seq\":0,\"prev\":\"" + prev + "\",\"type\":\"genesis\"}", "format version 2");
        assertRejected("{\"v\":1,\"seq\":-1,\"prev\":\"" + prev + "\",\"type\":\"genesis\"}", "'seq'");
        assertRejected("{\"v\":1,\"seq\":0,\"prev\":\"sha256:xyz\",\"type\":\"genesis\"}", "'prev'");
        assertRejected("{\"v\":1,\"seq\":0,\"prev\":\"" + prev + "\",\"type\":\"note\",\"time\":\"x\"}",
                "unknown line type 'note'");
        assertRejected("{\"v\":1,\"seq\":0,\"seq\":1,\"prev\":\"" + prev + "\",\"type\":\"genesis\"}", "Duplicate");
        assertRejected("{\"v\":1,\"seq\":0,\"prev\":\"" + prev + "\",\"type\":\"genesis\",\"time\":\"yesterday\","
                + "\"key\":\"k\"}", "'time'");
        assertRejected("{\"v\":1,\"seq\":0,\"prev\":\"" + prev + "\",\"type\":\"checkpoint\",\"time\":"
                + "\"2026-03-01T10:00:00Z\",\"key\":\"k\"}", "field 'sig' is missing");
    }

    private static void assertRejected(String line, String message) {
        assertThatThrownBy(() -> ReceiptCodec.decode(line.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(ReceiptFormatException.class).hasMessageContaining(message);
    }
}
