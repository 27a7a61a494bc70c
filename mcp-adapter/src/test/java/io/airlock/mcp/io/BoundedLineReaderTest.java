package io.airlock.mcp.io;

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

class BoundedLineReaderTest {

    /** Hands out at most {@code chunk} bytes per read, like a slow pipe. */
    static final class TrickleInputStream extends InputStream {
        private final byte[] data;
        private final int chunk;
        private int position;

        TrickleInputStream(byte[] data, int chunk) {
            this.data = data;
            this.chunk = chunk;
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
            if (position >= data.length) {
                return -1;
            }
            int n = Math.min(Math.min(len, chunk), data.length - position);
            System.arraycopy(data, position, b, off, n);
            position += n;
            return n;
        }
    }

    private static List<String> readAll(InputStream in, int max) throws IOException {
        BoundedLineReader reader = new BoundedLineReader(in, max);
        List<String> lines = new ArrayList<>();
        byte[] line;
        while ((line = reader.readLine()) != null) {
            lines.add(new String(line, StandardCharsets.UTF_8));
        }
        assertThat(reader.readLine()).as("stays at end of stream").isNull();
        return lines;
    }

    private static List<String> readAll(String text, int max, int chunk) throws IOException {
        return readAll(new TrickleInputStream(text.getBytes(StandardCharsets.UTF_8), chunk), max);
    }

    @Test
    void splitsOnLf() throws IOException {
        assertThat(readAll("a\nbb\n\nccc\n", 100, 8192)).containsExactly("a", "bb", "", "ccc");
    }

    @Test
    void stripsCrOfCrLfOnly() throws IOException {
        assertThat(readAll("a\r\nb\n\r\nc\rd\r\n", 100, 8192)).containsExactly("a", "b", "", "c\rd");
    }

    @Test
    void returnsLastLineWithoutNewline() throws IOException {
        assertThat(readAll("one\ntwo", 100, 8192)).containsExactly("one", "two");
        assertThat(readAll("only", 100, 8192)).containsExactly("only");
        assertThat(readAll("", 100, 8192)).isEmpty();
        assertThat(readAll("\n", 100, 8192)).containsExactly("");
    }

    @Test
    void oneByteReadsGiveTheSameLines() throws IOException {
        String text = "{\"a\":1}\r\nsecond é😀 line\n\nthird";
        assertThat(readAll(text, 100, 1)).containsExactly("{\"a\":1}", "second é😀 line", "", "third");
    }

    @Test
    void lineOverLimitThrows() {
        BoundedLineReader reader = new BoundedLineReader(
                new ByteArrayInputStream("12345678901\n".getBytes(StandardCharsets.US_ASCII)), 10);
        assertThatThrownBy(reader::readLine).isInstanceOf(BoundedLineReader.LineTooLongException.class)
                .hasMessageContaining("10");
    }

    @Test
    void lineOverLimitThrowsEvenWhenItNeverEnds() {
        // no newline at all: the reader must not buffer the whole stream
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                return 'x';
            }
        };
        BoundedLineReader reader = new BoundedLineReader(endless, 1000);
        assertThatThrownBy(reader::readLine).isInstanceOf(BoundedLineReader.LineTooLongException.class);
    }

    @Test
    void lineOverLimitThrowsWithOneByteReads() {
        BoundedLineReader reader = new BoundedLineReader(new TrickleInputStream(
                "ok\n12345678901\n".getBytes(StandardCharsets.US_ASCII), 1), 10);
        assertThatThrownBy(() -> {
            assertThat(new String(reader.readLine(), StandardCharsets.US_ASCII)).isEqualTo("ok");
            reader.readLine();
        }).isInstanceOf(BoundedLineReader.LineTooLongException.class);
    }

    @Test
    void lineAtExactlyTheLimitIsAcceptedWhateverTheTerminator() throws IOException {
        String ten = "1234567890";
        assertThat(readAll(ten + "\n", 10, 8192)).containsExactly(ten);
        assertThat(readAll(ten + "\r\n", 10, 8192)).containsExactly(ten);
        assertThat(readAll(ten + "\r\n", 10, 1)).containsExactly(ten);
        assertThat(readAll(ten, 10, 8192)).containsExactly(ten);
        assertThatThrownBy(() -> readAll(ten + "1\r\n", 10, 8192))
                .isInstanceOf(BoundedLineReader.LineTooLongException.class);
        assertThatThrownBy(() -> readAll(ten + "1", 10, 3))
                .isInstanceOf(BoundedLineReader.LineTooLongException.class);
    }

    @Test
    void longLinesAcrossBufferBoundariesSurviveIntact() throws IOException {
        Random random = new Random(7);
        StringBuilder text = new StringBuilder();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            int length = random.nextInt(20_000);
            StringBuilder line = new StringBuilder();
            for (int k = 0; k < length; k++) {
                line.append((char) ('a' + random.nextInt(26)));
            }
            expected.add(line.toString());
            text.append(line).append(random.nextBoolean() ? "\n" : "\r\n");
        }
        assertThat(readAll(text.toString(), 20_000, 8192)).isEqualTo(expected);
        assertThat(readAll(text.toString(), 20_000, 1 + random.nextInt(5000))).isEqualTo(expected);
    }
}
