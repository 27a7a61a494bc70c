package io.airlock.tui.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;

/** The events of {@code GET /v1/events}, one type per SSE event name. */
public sealed interface AdminEvent {

    /** First event of every connection: the whole current state, so a reconnecting client loses nothing. */
    record Hello(String version, List<HeldCall> held) implements AdminEvent {
        public Hello {
            held = List.copyOf(held);
        }
    }

    /** A call was held. */
    record Held(HeldCall call) implements AdminEvent {
    }

    /** An operator decided a held call (possibly another operator, or this one through another client). */
    record Decided(String id, String outcome, String operator, String reason) implements AdminEvent {
    }

    /** The hold's deadline passed; the agent got a denial. */
    record Expired(String id) implements AdminEvent {
    }

    /** The agent cancelled the call or went away. */
    record Cancelled(String id, String why) implements AdminEvent {
    }

    /** Any gate decision. */
    record Decision(GateDecision decision) implements AdminEvent {
    }

    /**
     * Reads one event; empty for event types this client does not know (a newer server may send more), so they are
     * skipped rather than ending the stream.
     */
    static Optional<AdminEvent> parse(String type, String data) throws java.io.IOException {
        JsonNode node = Json.MAPPER.readTree(data);
        return Optional.ofNullable(switch (type) {
            case "hello" -> new Hello(Json.text(node, "version"), Json.list(node, "held", HeldCall::from));
            case "held" -> new Held(HeldCall.from(node));
            case "decided" -> new Decided(Json.text(node, "id"), Json.text(node, "outcome"),
                    Json.text(node, "operator"), Json.text(node, "reason"));
            case "expired" -> new Expired(Json.text(node, "id"));
            case "cancelled" -> new Cancelled(Json.text(node, "id"), Json.text(node, "why"));
            case "decision" -> new Decision(GateDecision.from(node));
            default -> null;
        });
    }
}
