package io.airlock.mcp.sse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SseReaderTest {

    /** Returns one byte per read call, so every event is split across reads. */
    static final class OneByteInputStream extends InputStream {
        private final byte[] data;
        private int position;

        OneByteInputStream(byte[] data) {
            this.data = data;
        }

        @Override
        public int read() {
            return position < data.length ? data[position++] & 0xFF : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            int c = read();
            if (c < 0) {
                return -1;
            }
            b[off] = (byte) c;
            return 1;
        }
    }

    private static List<SseEvent> readAll(InputStream in, int max) throws IOException {
        SseReader reader = new SseReader(in, max);
        List<SseEvent> events = new ArrayList<>();
        SseEvent event;
        while ((event = reader.next()) != null) {
            events.add(event);
        }
        return events;
    }

    private static List<SseEvent> readAll(String text) throws IOException {
        return readAll(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), 1 << 16);
    }

    @Test
    void joinsMultiLineData() throws IOException {
        List<SseEvent> events = readAll("data: first\ndata: second\ndata:third\ndata\n\n");
        assertThat(events).hasSize(1);
        assertThat(events.getFirst().data()).isEqualTo("first\nsecond\nthird\n");
    }

    @Test
    void handlesCrLf() throws IOException {
        List<SseEvent> events = readAll("event: message\r\nid: 1\r\ndata: a\r\ndata: b\r\n\r\ndata: c\r\n\r\n");
        assertThat(events).extracting(SseEvent::data).containsExactly("a\nb", "c");
        assertThat(events.getFirst().id()).isEqualTo("1");
    }

    @Test
    void skipsComments() throws IOException {
        List<SseEvent> events = readAll(": keep-alive\n\n:another\ndata: x\n: in the middle\ndata: y\n\n");
        assertThat(events).hasSize(1);
        assertThat(events.getFirst().data()).isEqualTo("x\ny");
    }

    @Test
    void readsIdRetryAndEventFields() throws IOException {
        SseReader reader = new SseReader(new ByteArrayInputStream(
                ("retry: 1500\nid: ev-1\nevent: endpoint\ndata: /post\n\n"
                        + "data: plain\n\n"
                        + "id: ev-3\nretry: soon\nunknown: field\ndata: third\n\n").getBytes(StandardCharsets.UTF_8)),
                1024);
        assertThat(reader.lastEventId()).isNull();
        SseEvent first = reader.next();
        assertThat(first).isEqualTo(new SseEvent("ev-1", "endpoint", "/post", 1500));
        assertThat(first.type()).isEqualTo("endpoint");
        assertThat(reader.lastEventId()).isEqualTo("ev-1");
        SseEvent second = reader.next();
        assertThat(second.event()).isNull();
        assertThat(second.type()).isEqualTo(SseEvent.DEFAULT_TYPE);
        assertThat(second.data()).isEqualTo("plain");
        assertThat(second.retryMillis()).isNull();
        assertThat(reader.lastEventId()).as("an event without id keeps the last one").isEqualTo("ev-1");
        SseEvent third = reader.next();
        assertThat(third.id()).isEqualTo("ev-3");
        assertThat(third.retryMillis()).as("a non-numeric retry is ignored").isNull();
        assertThat(reader.lastEventId()).isEqualTo("ev-3");
        assertThat(reader.next()).isNull();
    }

    @Test
    void onlyOneLeadingSpaceIsStrippedAndValuesMayContainColons() throws IOException {
        List<SseEvent> events = readAll("data:  two spaces\ndata: a: b: c\n\n");
        assertThat(events.getFirst().data()).isEqualTo(" two spaces\na: b: c");
    }

    @Test
    void idWithNulIsIgnored() throws IOException {
        List<SseEvent> events = readAll("id: a\u0000b\ndata: x\n\n");
        assertThat(events.getFirst().id()).isNull();
    }

    @Test
    void eventWithoutDataIsNotDispatchedAndItsTypeDoesNotLeak() throws IOException {
        List<SseEvent> events = readAll("event: ping\n\ndata: x\n\n");
        assertThat(events).hasSize(1);
        assertThat(events.getFirst().type()).isEqualTo("message");
    }

    @Test
    void emptyDataLineDispatchesAnEmptyEvent() throws IOException {
        // the 2025-11-25 priming event: an id and an empty data field
        SseReader reader = new SseReader(new ByteArrayInputStream("id: p1\ndata:\n\n".getBytes(StandardCharsets.UTF_8)),
                1024);
        SseEvent event = reader.next();
        assertThat(event.data()).isEmpty();
        assertThat(reader.lastEventId()).isEqualTo("p1");
    }

    @Test
    void incompleteEventAtEndOfStreamIsDropped() throws IOException {
        assertThat(readAll("data: complete\n\ndata: incomplete\n")).extracting(SseEvent::data)
                .containsExactly("complete");
    }

    @Test
    void eventsSplitAcrossOneByteReads() throws IOException {
        String stream = ": hi\r\nid: 1\r\nevent: message\r\ndata: {\"a\":\r\ndata: \"é😀\"}\r\n\r\n"
                + "retry: 10\ndata: second\n\n";
        List<SseEvent> events = readAll(new OneByteInputStream(stream.getBytes(StandardCharsets.UTF_8)), 1024);
        assertThat(events).containsExactly(new SseEvent("1", "message", "{\"a\":\n\"é😀\"}", null),
                new SseEvent(null, null, "second", 10));
    }

    @Test
    void randomlyChunkedStreamsParseLikeWholeOnes() throws IOException {
        Random random = new Random(99);
        StringBuilder stream = new StringBuilder();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String data = "{\"n\":" + i + ",\"s\":\"" + "x".repeat(random.nextInt(300)) + "\"}";
            expected.add(data);
            String eol = random.nextBoolean() ? "\n" : "\r\n";
            if (random.nextInt(4) == 0) {
                stream.append(": comment").append(eol);
            }
            stream.append("id: ").append(i).append(eol).append("data: ").append(data).append(eol).append(eol);
        }
        byte[] bytes = stream.toString().getBytes(StandardCharsets.UTF_8);
        List<SseEvent> whole = readAll(new ByteArrayInputStream(bytes), 4096);
        List<SseEvent> trickled = readAll(new OneByteInputStream(bytes), 4096);
        assertThat(whole).extracting(SseEvent::data).isEqualTo(expected);
        assertThat(trickled).isEqualTo(whole);
    }

    @Test
    void oversizeSingleLineFailsTheStream() {
        String stream = "data: " + "x".repeat(2000) + "\n\n";
        assertThatThrownBy(() -> readAll(new ByteArrayInputStream(stream.getBytes(StandardCharsets.UTF_8)), 1024))
                .isInstanceOf(IOException.class);
    }

    @Test
    void oversizeEventOfManyLinesFailsTheStream() {
        String line = "data: " + "x".repeat(100) + "\n";
        String stream = line.repeat(20) + "\n";
        assertThatThrownBy(() -> readAll(new ByteArrayInputStream(stream.getBytes(StandardCharsets.UTF_8)), 1024))
                .isInstanceOf(IOException.class).hasMessageContaining("1024");
    }

    @Test
    void oversizeEventIsMeasuredInBytesNotChars() {
        // 20 lines of 100 three-byte characters: 6000 bytes of data but only ~2000 chars
        String line = "data: " + "€".repeat(100) + "\n";
        String stream = line.repeat(20) + "\n";
        assertThatThrownBy(() -> readAll(new ByteArrayInputStream(stream.getBytes(StandardCharsets.UTF_8)), 4096))
                .isInstanceOf(IOException.class).hasMessageContaining("4096");
    }

    @Test
    void eventJustUnderTheLimitIsAccepted() throws IOException {
        // 10 lines of 100 bytes + 9 joining newlines = 1009 bytes
        String line = "data: " + "y".repeat(100) + "\n";
        List<SseEvent> events = readAll(new ByteArrayInputStream((line.repeat(10) + "\n")
                .getBytes(StandardCharsets.UTF_8)), 1009);
        assertThat(events).hasSize(1);
        assertThat(events.getFirst().data()).hasSize(1009);
    }
}
