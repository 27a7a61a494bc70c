package io.airlock.mcp.sse;

import io.airlock.mcp.io.BoundedLineReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads server-sent events from a stream, per the WHATWG event-stream rules: fields {@code event}, {@code data},
 * {@code id}, {@code retry}; comments start with a colon; a blank line dispatches. Bounded: an event whose data
 * exceeds {@code maxEventBytes} fails the stream rather than growing without limit.
 */
public final class SseReader {

    private final BoundedLineReader lines;
    private final int maxEventBytes;
    private String lastEventId;

    public SseReader(InputStream in, int maxEventBytes) {
        this.lines = new BoundedLineReader(in, maxEventBytes);
        this.maxEventBytes = maxEventBytes;
    }

    /** The id of the last event that carried one, for {@code Last-Event-ID} on reconnect. */
    public String lastEventId() {
        return lastEventId;
    }

    /** The next event, or null at the end of the stream. */
    public SseEvent next() throws IOException {
        String event = null;
        String id = null;
        Integer retry = null;
        StringBuilder data = null;
        long dataBytes = 0; // UTF-8 bytes of the joined data, the bound's unit (chars would undercount)
        while (true) {
            byte[] raw = lines.readLine();
            if (raw == null) {
                return null; // an incomplete event at end of stream is dropped, as the standard says
            }
            String line = new String(raw, StandardCharsets.UTF_8);
            if (line.isEmpty()) {
                if (data == null) {
                    event = null; // nothing to dispatch
                    continue;
                }
                if (id != null) {
                    lastEventId = id;
                }
                return new SseEvent(id, event, data.toString(), retry);
            }
            if (line.charAt(0) == ':') {
                continue;
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            boolean space = value.startsWith(" ");
            if (space) {
                value = value.substring(1);
            }
            switch (field) {
                case "event" -> event = value;
                case "data" -> {
                    // "data" is ASCII, so the colon's char index is also its byte index in the raw line.
                    dataBytes += (data == null ? 0 : 1) + (colon < 0 ? 0 : raw.length - colon - 1 - (space ? 1 : 0));
                    if (data == null) {
                        data = new StringBuilder(value);
                    } else {
                        data.append('\n').append(value);
                    }
                    if (dataBytes > maxEventBytes) {
                        throw new IOException("SSE event exceeds " + maxEventBytes + " bytes");
                    }
                }
                case "id" -> {
                    if (value.indexOf('\0') < 0) {
                        id = value;
                    }
                }
                case "retry" -> {
                    try {
                        retry = Integer.parseInt(value);
                    } catch (NumberFormatException ignored) {
                        // the standard says: ignore the field
                    }
                }
                default -> { /* unknown fields are ignored */ }
            }
        }
    }
}
