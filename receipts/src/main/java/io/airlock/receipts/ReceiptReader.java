package io.airlock.receipts;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Reads receipt files line by line as raw bytes, exactly as written, so that the verifier hashes what is on disk.
 * A line longer than {@value #MAX_LINE_BYTES} bytes is an error (no receipt is that large; it is damage).
 */
public final class ReceiptReader {

    public static final int MAX_LINE_BYTES = 16 * 1024 * 1024;

    private ReceiptReader() {
    }

    /**
     * One line as stored.
     *
     * @param number     1-based line number within its file
     * @param bytes      the line without its newline
     * @param terminated whether a newline followed (only the very last line of a file can lack one: a torn write)
     */
    public record RawLine(Path file, long number, byte[] bytes, boolean terminated) {
        public RawLine {
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(bytes, "bytes");
        }

        /** {@code file:line}, for messages. */
        public String place() {
            return file + ":" + number;
        }
    }

    /** Receives lines; returns false to stop reading. */
    @FunctionalInterface
    public interface Visitor {
        boolean line(RawLine line) throws IOException;
    }

    /** Reads {@code files} in the order given; stops early when the visitor returns false. */
    public static void read(List<Path> files, Visitor visitor) throws IOException {
        for (Path file : files) {
            if (!readFile(file, visitor)) {
                return;
            }
        }
    }

    private static boolean readFile(Path file, Visitor visitor) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": not a regular file");
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[64 * 1024];
            byte[] line = new byte[4096];
            int lineLength = 0;
            long number = 0;
            int read;
            while ((read = in.read(buffer)) > 0) {
                int start = 0;
                for (int i = 0; i < read; i++) {
                    if (buffer[i] == '\n') {
                        line = append(line, lineLength, buffer, start, i - start, file, number + 1);
                        lineLength += i - start;
                        if (!visitor.line(new RawLine(file, ++number, Arrays.copyOf(line, lineLength), true))) {
                            return false;
                        }
                        lineLength = 0;
                        start = i + 1;
                    }
                }
                line = append(line, lineLength, buffer, start, read - start, file, number + 1);
                lineLength += read - start;
            }
            if (lineLength > 0) {
                return visitor.line(new RawLine(file, number + 1, Arrays.copyOf(line, lineLength), false));
            }
            return true;
        }
    }

    private static byte[] append(byte[] line, int length, byte[] from, int offset, int count, Path file, long number)
            throws IOException {
        if (length + count > MAX_LINE_BYTES) {
            throw new IOException(file + ":" + number + ": line longer than " + MAX_LINE_BYTES + " bytes");
        }
        byte[] target = line;
        if (length + count > line.length) {
            target = Arrays.copyOf(line, Math.max(line.length * 2, length + count));
        }
        System.arraycopy(from, offset, target, length, count);
        return target;
    }
}
