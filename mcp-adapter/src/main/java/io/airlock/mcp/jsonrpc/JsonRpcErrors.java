package io.airlock.mcp.jsonrpc;

/** The JSON-RPC and MCP error codes Airlock answers with. */
public final class JsonRpcErrors {

    public static final int PARSE_ERROR = -32700;
    public static final int INVALID_REQUEST = -32600;
    public static final int METHOD_NOT_FOUND = -32601;
    public static final int INVALID_PARAMS = -32602;
    public static final int INTERNAL_ERROR = -32603;
    /** Implementation-defined server error: the upstream is gone, could not start, or timed out. */
    public static final int UPSTREAM_UNAVAILABLE = -32000;
    /** Too many requests in flight on one session. */
    public static final int OVERLOADED = -32001;
    /** 2026-07-28: an {@code Mcp-Method} / {@code Mcp-Name} header disagrees with the body. */
    public static final int HEADER_MISMATCH = -32020;
    /** 2026-07-28: the request needs a client capability the client did not declare. */
    public static final int MISSING_CLIENT_CAPABILITY = -32021;
    /** 2026-07-28: the protocol version is not supported; {@code data} lists the supported ones. */
    public static final int UNSUPPORTED_PROTOCOL_VERSION = -32022;

    private JsonRpcErrors() {}
}
