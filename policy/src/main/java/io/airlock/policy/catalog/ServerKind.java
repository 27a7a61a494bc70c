package io.airlock.policy.catalog;

import java.util.List;
import java.util.Map;

/**
 * A well-known kind of MCP server, e.g. {@code shell}, {@code filesystem}, {@code git}.
 *
 * @param id           the kind's name as used in config ({@code kind: git}) and corpus rows ({@code server})
 * @param recognisers  substrings that identify the kind from a configured command line or URL (npm/PyPI package
 *                     names, binary names), e.g. {@code @modelcontextprotocol/server-filesystem}
 * @param sandboxable  whether a sandboxed twin of this server is meaningful (local effects only)
 * @param tools        tool name → spec
 */
public record ServerKind(String id, List<String> recognisers, boolean sandboxable, Map<String, ToolSpec> tools) {
    public ServerKind {
        recognisers = List.copyOf(recognisers);
        tools = Map.copyOf(tools);
    }
}
