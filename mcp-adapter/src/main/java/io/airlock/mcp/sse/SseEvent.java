package io.airlock.mcp.sse;

import java.nio.charset.StandardCharsets;

/** One server-sent event. {@code id} and {@code event} may be null; {@code data} is the joined data lines. */
public record SseEvent(String id, String event, String data, Integer retryMillis) {

    /** The event type when none is given. */
    public static final String DEFAULT_TYPE = "message";

    public String type() {
        return event == null || event.isEmpty() ? DEFAULT_TYPE : event;
    }

    /**
     * Encodes one event carrying a JSON-RPC message. JSON never holds raw line breaks outside whitespace, so the
     * message's bytes go on one {@code data:} line after line breaks are folded to spaces.
     */
    public static byte[] encodeMessage(String id, byte[] json) {
        byte[] head = ((id == null ? "" : "id: " + id + "\n") + "event: message\ndata: ")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[head.length + json.length + 2];
        System.arraycopy(head, 0, out, 0, head.length);
        for (int i = 0; i < json.length; i++) {
            byte b = json[i];
            out[head.length + i] = b == '\n' || b == '\r' ? (byte) ' ' : b;
        }
        out[out.length - 2] = '\n';
        out[out.length - 1] = '\n';
        return out;
    }

    /** Encodes an event with a free-form text payload (e.g. the legacy transport's {@code endpoint} event). */
    public static byte[] encode(String event, String data) {
        StringBuilder sb = new StringBuilder();
        if (event != null) {
            sb.append("event: ").append(event).append('\n');
        }
        for (String line : data.split("\n", -1)) {
            sb.append("data: ").append(line).append('\n');
        }
        return sb.append('\n').toString().getBytes(StandardCharsets.UTF_8);
    }
}
