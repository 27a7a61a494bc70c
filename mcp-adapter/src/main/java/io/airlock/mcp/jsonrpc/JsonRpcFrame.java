package io.airlock.mcp.jsonrpc;

import java.util.List;

/** What one frame held: a single message, or a JSON-RPC batch (protocol 2025-03-26 only). */
public sealed interface JsonRpcFrame {

    record Single(JsonRpcMessage message) implements JsonRpcFrame {}

    /**
     * A batch. Elements that are not valid messages are kept as {@code invalid}: JSON-RPC answers each with its own
     * error while the valid ones proceed.
     */
    record Batch(List<JsonRpcMessage> messages, List<JsonRpcException> invalid) implements JsonRpcFrame {
        public Batch {
            messages = List.copyOf(messages);
            invalid = List.copyOf(invalid);
        }
    }
}
