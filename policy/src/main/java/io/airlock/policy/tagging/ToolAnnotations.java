package io.airlock.policy.tagging;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The MCP tool annotations a server declared in {@code tools/list}. Hints, not guarantees: they may raise risk, and
 * lower it only for servers the operator marks trusted.
 */
public record ToolAnnotations(Boolean readOnly, Boolean destructive, Boolean openWorld) {

    public static final ToolAnnotations NONE = new ToolAnnotations(null, null, null);

    public static ToolAnnotations of(JsonNode tool) {
        JsonNode a = tool == null ? null : tool.get("annotations");
        if (a == null || !a.isObject()) {
            return NONE;
        }
        return new ToolAnnotations(bool(a.get("readOnlyHint")), bool(a.get("destructiveHint")),
                bool(a.get("openWorldHint")));
    }

    private static Boolean bool(JsonNode node) {
        return node != null && node.isBoolean() ? node.booleanValue() : null;
    }
}
