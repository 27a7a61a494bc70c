package io.airlock.receipts;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Objects;

/**
 * One proxied message of a session, kept for deep review when the configuration asks for full traffic. Off by
 * default; the message is redacted unless raw payload logging was explicitly enabled ({@code redaction}).
 *
 * @param direction  which way the message went
 * @param message    the JSON-RPC message (redacted)
 * @param redaction  {@link Redactor#name()} of the redactor applied, {@code raw} when none was
 */
public record Traffic(Instant time, String session, String server, Direction direction, JsonNode message,
                      String redaction) implements Entry {
    public static final String TYPE = "traffic";

    public Traffic {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(redaction, "redaction");
    }

    /** A copy whose message went through {@code redactor}. */
    public Traffic redactedWith(Redactor redactor) {
        return new Traffic(time, session, server, direction, redactor.redact(message), redactor.name());
    }

    @Override
    public String type() {
        return TYPE;
    }

    /** Which way a message went through the gateway. */
    public enum Direction {
        TO_SERVER("to-server"), TO_AGENT("to-agent");

        private final String id;

        Direction(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        public static Direction of(String id) {
            for (Direction d : values()) {
                if (d.id.equals(id)) {
                    return d;
                }
            }
            throw new IllegalArgumentException("direction: '" + id + "' (expected: to-server or to-agent)");
        }
    }
}
