package io.airlock.mcp.sse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SseEventTest {

    private static SseEvent readOne(byte[] bytes) throws IOException {
        SseReader reader = new SseReader(new ByteArrayInputStream(bytes), 1 << 20);
        SseEvent event = reader.next();
        assertThat(reader.next()).as("exactly one event").isNull();
        return event;
    }

    @Test
    void typeDefaultsToMessage() {
        assertThat(new SseEvent(null, null, "x", null).type()).isEqualTo("message");
        assertThat(new SseEvent(null, "", "x", null).type()).isEqualTo("message");
        assertThat(new SseEvent(null, "endpoint", "x", null).type()).isEqualTo("endpoint");
    }

    @Test
    void encodeMessageWritesOneDataLine() {
        byte[] json = "{\"jsonrpc\":\"2.0\",\"method\":\"n\"}".getBytes(StandardCharsets.UTF_8);
        String encoded = new String(SseEvent.encodeMessage("42", json), StandardCharsets.UTF_8);
        assertThat(encoded).isEqualTo("id: 42\nevent: message\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"n\"}\n\n");
        assertThat(new String(SseEvent.encodeMessage(null, json), StandardCharsets.UTF_8))
                .startsWith("event: message\ndata: ");
    }

    @Test
    void encodeMessageFoldsNewlinesAndRoundTrips() throws IOException {
        String pretty = "{\r\n  \"jsonrpc\": \"2.0\",\n  \"method\": \"n\",\r  \"params\": {\"s\": \"é\\n😀\"}\n}";
        byte[] encoded = SseEvent.encodeMessage("7", pretty.getBytes(StandardCharsets.UTF_8));
        String text = new String(encoded, StandardCharsets.UTF_8);
        // exactly: id line, event line, one data line, blank line
        assertThat(text.split("\n", -1)).hasSize(5);
        assertThat(text).doesNotContain("\r");
        SseEvent event = readOne(encoded);
        assertThat(event.id()).isEqualTo("7");
        assertThat(event.type()).isEqualTo("message");
        assertThat(event.data()).isEqualTo(pretty.replace('\r', ' ').replace('\n', ' '));
        assertThat(event.data()).contains("\"é\\n😀\""); // the escaped newline inside the string is untouched
    }

    @Test
    void encodeMessageRoundTripsWithoutNewlines() throws IOException {
        String json = "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"text\":\"a: b\"}}";
        SseEvent event = readOne(SseEvent.encodeMessage(null, json.getBytes(StandardCharsets.UTF_8)));
        assertThat(event.data()).isEqualTo(json);
        assertThat(event.id()).isNull();
    }

    @Test
    void encodeSplitsMultiLineDataAndRoundTrips() throws IOException {
        byte[] encoded = SseEvent.encode("endpoint", "/messages?session=1\nsecond line\n");
        assertThat(new String(encoded, StandardCharsets.UTF_8))
                .isEqualTo("event: endpoint\ndata: /messages?session=1\ndata: second line\ndata: \n\n");
        SseEvent event = readOne(encoded);
        assertThat(event.event()).isEqualTo("endpoint");
        assertThat(event.data()).isEqualTo("/messages?session=1\nsecond line\n");
        SseEvent untyped = readOne(SseEvent.encode(null, "x"));
        assertThat(untyped.type()).isEqualTo("message");
        assertThat(untyped.data()).isEqualTo("x");
    }
}
