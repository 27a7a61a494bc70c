package io.airlock.tui.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/** One gate decision ({@code decision} event, {@code GET /v1/decisions}): every gated call, not only held ones. */
public record GateDecision(Instant at, String agent, String session, String server, String tool, String decision,
                           String tier, String rule, List<String> tags, String summary) {

    public GateDecision {
        tags = List.copyOf(tags);
    }

    static GateDecision from(JsonNode node) {
        return new GateDecision(Json.instant(node, "at"), Json.text(node, "agent"), Json.text(node, "session"),
                Json.text(node, "server"), Json.text(node, "tool"), Json.text(node, "decision"),
                Json.text(node, "tier"), Json.text(node, "rule"), Json.texts(node, "tags"),
                Json.text(node, "summary"));
    }
}
