package io.airlock.mcp.jsonrpc;

/**
 * A frame that cannot be relayed, with the JSON-RPC error code to answer it with and, when it could be read, the id of
 * the offending request.
 */
public final class JsonRpcException extends Exception {

    private final int code;
    private final transient JsonRpcId id;

    public JsonRpcException(int code, String message, JsonRpcId id) {
        super(message);
        this.code = code;
        this.id = id;
    }

    public int code() {
        return code;
    }

    /** The id of the request this error answers, or null when it is unknown. */
    public JsonRpcId id() {
        return id;
    }
}
