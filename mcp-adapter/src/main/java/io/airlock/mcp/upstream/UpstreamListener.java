package io.airlock.mcp.upstream;

import io.airlock.mcp.jsonrpc.JsonRpcId;
import io.airlock.mcp.jsonrpc.JsonRpcMessage;

/** Receives what an upstream sends. Called from the upstream's reader threads, never from an event loop. */
public interface UpstreamListener {

    /**
     * A message from the server.
     *
     * @param relatedTo the id of the client request on whose response stream the message arrived (Streamable HTTP),
     *                  or null when the transport does not say (stdio, standalone streams)
     */
    void onMessage(JsonRpcMessage message, JsonRpcId relatedTo);

    /** The upstream is gone for good (exited, crashed, session lost and not recoverable). Called at most once. */
    void onClosed(String reason);
}
