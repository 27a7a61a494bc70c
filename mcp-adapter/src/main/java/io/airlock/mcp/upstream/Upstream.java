package io.airlock.mcp.upstream;

import io.airlock.mcp.jsonrpc.JsonRpcMessage;

/**
 * One connection to an upstream MCP server, owned by one agent session. Implementations never block the caller on
 * I/O: {@link #send} queues (bounded) and returns.
 */
public interface Upstream extends AutoCloseable {

    /** Spawns or connects. Throws with a message a person can act on when the server cannot be started. */
    void start(UpstreamListener listener) throws UpstreamException;

    /**
     * Queues a message for the server. A request that cannot be delivered is answered through the listener with a
     * JSON-RPC error, so the client is never left waiting.
     *
     * @throws UpstreamException when the upstream is closed or its queue is full
     */
    void send(JsonRpcMessage message) throws UpstreamException;

    /** Stops the server (stdio: the whole process group) or ends the remote session. Idempotent. */
    @Override
    void close();

    /** For logs and error messages, e.g. {@code stdio 'npx -y server' (pid 123)}. */
    String describe();
}
