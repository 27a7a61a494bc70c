package io.airlock.mcp;

import java.util.List;

/** The MCP protocol revisions Airlock relays. */
public final class ProtocolVersions {

    public static final String V2024_11_05 = "2024-11-05";
    public static final String V2025_03_26 = "2025-03-26";
    public static final String V2025_06_18 = "2025-06-18";
    public static final String V2025_11_25 = "2025-11-25";
    /** The stateless revision: no initialize, no session, per-request {@code _meta}. */
    public static final String V2026_07_28 = "2026-07-28";

    /** Oldest first. */
    public static final List<String> SUPPORTED = List.of(V2024_11_05, V2025_03_26, V2025_06_18, V2025_11_25,
            V2026_07_28);

    /** What a Streamable HTTP server assumes when a request has no {@code MCP-Protocol-Version} header. */
    public static final String HTTP_DEFAULT = V2025_03_26;

    private ProtocolVersions() {}

    public static boolean isSupported(String version) {
        return SUPPORTED.contains(version);
    }

    /** Batches exist only in 2025-03-26. */
    public static boolean allowsBatches(String version) {
        return V2025_03_26.equals(version);
    }
}
