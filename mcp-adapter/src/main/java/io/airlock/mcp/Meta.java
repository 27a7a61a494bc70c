package io.airlock.mcp;

/** Reserved {@code _meta} keys of protocol 2026-07-28 (per-request metadata replaces the session). */
public final class Meta {

    public static final String PROTOCOL_VERSION = "io.modelcontextprotocol/protocolVersion";
    public static final String CLIENT_CAPABILITIES = "io.modelcontextprotocol/clientCapabilities";
    public static final String CLIENT_INFO = "io.modelcontextprotocol/clientInfo";
    public static final String SERVER_INFO = "io.modelcontextprotocol/serverInfo";

    private Meta() {}
}
