package io.airlock.mcp.io;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads LF- or CRLF-terminated lines of bytes with a hard bound on line length. A longer line is an error, not an
 * allocation: stdio peers and SSE streams are not trusted to be small.
 */
public final class BoundedLineReader {

    private final InputStream in;
    private final int maxLineBytes;
    private final byte[] buffer = new byte[8192];
    private int position;
    private int limit;
    private byte[] line = new byte[256];

    public BoundedLineReader(InputStream in, int maxLineBytes) {
        this.in = in;
        this.maxLineBytes = maxLineBytes;
    }

    /** The next line without its terminator, or null at end of stream (a final unterminated line is returned). */
    public byte[] readLine() throws IOException {
        int length = 0;
        while (true) {
            if (position == limit) {
                limit = in.read(buffer);
                position = 0;
                if (limit <= 0) {
                    limit = 0;
                    if (length > maxLineBytes) {
                        throw new LineTooLongException(maxLineBytes);
                    }
                    return length == 0 ? null : Arrays.copyOf(line, length);
                }
            }
            int start = position;
            while (position < limit && buffer[position] != '\n') {
                position++;
            }
            int chunk = position - start;
            // One byte of slack for the CR of a CRLF terminator: the bound is on the line, not its terminator.
            if ((long) length + chunk > (long) maxLineBytes + 1) {
                throw new LineTooLongException(maxLineBytes);
            }
            if (length + chunk > line.length) {
                line = Arrays.copyOf(line, Math.max(line.length * 2, length + chunk));
            }
            System.arraycopy(buffer, start, line, length, chunk);
            length += chunk;
            if (position < limit) { // found '\n'
                position++;
                if (length > 0 && line[length - 1] == '\r') {
                    length--;
                }
                if (length > maxLineBytes) {
                    throw new LineTooLongException(maxLineBytes);
                }
                return Arrays.copyOf(line, length);
            }
        }
    }

    /** A line over the bound. The stream is left mid-line: callers treat it as broken. */
    public static final class LineTooLongException extends IOException {
        public LineTooLongException(int max) {
            super("line exceeds " + max + " bytes");
        }
    }
}
