package io.airlock.mcp.jsonrpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One parsed JSON-RPC 2.0 message. Each variant keeps the exact bytes it was parsed from: Airlock forwards
 * {@link #raw()} unchanged unless it deliberately rewrites a message, so ids, unknown fields and number formats survive
 * the relay.
 */
public sealed interface JsonRpcMessage {

    /** The message's own bytes (for a batch element, just that element), UTF-8 JSON without trailing newline. */
    byte[] raw();

    /** The parsed object, for reading. Never mutate it: build a new message to rewrite. */
    ObjectNode tree();

    /** A request expects exactly one response with the same id. */
    record Request(JsonRpcId id, String method, ObjectNode params, ObjectNode tree, byte[] raw)
            implements JsonRpcMessage {

        /** {@code params._meta.progressToken}, or null. */
        public JsonNode progressToken() {
            JsonNode meta = params == null ? null : params.get("_meta");
            return meta == null ? null : meta.get("progressToken");
        }
    }

    /** A notification has no id and gets no response. */
    record Notification(String method, ObjectNode params, ObjectNode tree, byte[] raw) implements JsonRpcMessage {}

    /**
     * A response: exactly one of {@code result} and {@code error} is non-null. {@code id} is null only for an error
     * answering a message whose id could not be read.
     */
    record Response(JsonRpcId id, JsonNode result, ObjectNode error, ObjectNode tree, byte[] raw)
            implements JsonRpcMessage {

        public boolean isError() {
            return error != null;
        }
    }
}
