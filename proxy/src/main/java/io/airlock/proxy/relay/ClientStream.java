package io.airlock.proxy.relay;

import io.airlock.mcp.jsonrpc.JsonRpcMessage;

/**
 * Somewhere Airlock can send messages to the agent: an HTTP POST's response, a standalone GET stream, or the stdout
 * of {@code airlock stdio}. Implementations are thread-safe and never block the caller on I/O.
 */
public interface ClientStream {

    /** Sends a message; returns false when the stream can no longer carry it (closed or finished). */
    boolean send(JsonRpcMessage message);

    /** Whether {@link #send} can still succeed. */
    boolean isOpen();

    /**
     * No answer will come for request {@code id} (the agent cancelled it before it left the gate), so a stream that
     * waits for answers must not wait for this one.
     */
    default void unanswered(io.airlock.mcp.jsonrpc.JsonRpcId id) {
    }
}
