package io.airlock.mcp.upstream;

import io.airlock.mcp.jsonrpc.JsonRpcParser;

/** Creates the connector for a spec. */
public final class Upstreams {

    private Upstreams() {}

    public static Upstream create(String name, UpstreamSpec spec, JsonRpcParser parser) {
        return switch (spec) {
            case UpstreamSpec.Stdio stdio -> new StdioUpstream(name, stdio, parser);
            case UpstreamSpec.StreamableHttp http -> new StreamableHttpUpstream(name, http, parser);
            case UpstreamSpec.LegacySse sse -> new LegacySseUpstream(name, sse, parser);
        };
    }
}
