package io.airlock.mcp;

/** Reserved {@code _meta} keys of protocol 2026-07-28 (per-request metadata replaces the session). */
public final class Meta {

    public static final String PROTOCOL_VERSION = "io.modelcontextprotocol/protocolVersion";
    public static final String CLIENT_CAPABILITIES = "io.modelcontextprotocol/clientCapabilities";
    public static final String CLIENT_INFO = "io.modelcontextprotocol/clientInfo";
    public static final String SERVER_INFO = "io.modelcontextprotocol/serverInfo";
    /** On notifications of a {@code subscriptions/listen} stream: the id of the listen request. */
    public static final String SUBSCRIPTION_ID = "io.modelcontextprotocol/subscriptionId";

    /** {@code params._meta[key]} of a request or notification, or null. */
    public static com.fasterxml.jackson.databind.JsonNode get(io.airlock.mcp.jsonrpc.JsonRpcMessage message,
                                                              String key) {
        com.fasterxml.jackson.databind.node.ObjectNode params = switch (message) {
            case io.airlock.mcp.jsonrpc.JsonRpcMessage.Request r -> r.params();
            case io.airlock.mcp.jsonrpc.JsonRpcMessage.Notification n -> n.params();
            case io.airlock.mcp.jsonrpc.JsonRpcMessage.Response ignored -> null;
        };
        com.fasterxml.jackson.databind.JsonNode meta = params == null ? null : params.get("_meta");
        return meta == null ? null : meta.get(key);
    }

    private Meta() {}
}
