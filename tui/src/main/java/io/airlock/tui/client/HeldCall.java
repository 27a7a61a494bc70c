package io.airlock.tui.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A call the cascade sent to the operator, as {@code GET /v1/held} lists it. {@code callHash} binds a decision to
 * exactly this call: the client sends back the hash of the call the operator looked at, never a fresh one.
 *
 * @param heldAt   when it was held; null if the server sent something unreadable
 * @param deadline when it will be denied for lack of an answer; null likewise
 * @param hard     a hard rule held it, so approve-and-remember is not offered
 */
public record HeldCall(String id, Instant heldAt, Instant deadline, String agent, String session, String server,
                       String method, String tool, String summary, List<String> tags, boolean hard, String rule,
                       String why, String callHash, boolean rememberable) {

    public HeldCall {
        Objects.requireNonNull(id, "id");
        tags = List.copyOf(tags);
    }

    /** Reads one held call as the admin API sends it; missing fields read as empty. */
    public static HeldCall from(JsonNode node) {
        return new HeldCall(Json.text(node, "id"), Json.instant(node, "heldAt"), Json.instant(node, "deadline"),
                Json.text(node, "agent"), Json.text(node, "session"), Json.text(node, "server"),
                Json.text(node, "method"), Json.text(node, "tool"), Json.text(node, "summary"),
                Json.texts(node, "tags"), node.path("hard").asBoolean(false), Json.text(node, "rule"),
                Json.text(node, "why"), Json.text(node, "callHash"), node.path("rememberable").asBoolean(false));
    }
}
