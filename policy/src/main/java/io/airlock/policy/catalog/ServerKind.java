package io.airlock.policy.catalog;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A well-known kind of MCP server, e.g. {@code shell}, {@code filesystem}, {@code git}.
 *
 * @param id           the kind's name as used in config ({@code kind: git}) and corpus rows ({@code server})
 * @param recognisers  names that identify the kind from a configured command line (npm/PyPI package, binary,
 *                     container image or module names, matched as whole path segments, versions and tags ignored, e.g.
 *                     {@code @modelcontextprotocol/server-filesystem}) or URL (host-and-path prefixes containing a dot,
 *                     e.g. {@code api.githubcopilot.com/mcp}); see {@link Catalog#recognise(java.util.List)}
 * @param sandboxable  whether a sandboxed twin of this server is meaningful (local effects only)
 * @param tools        tool name → spec
 */
public record ServerKind(String id, List<String> recognisers, boolean sandboxable, Map<String, ToolSpec> tools) {
    public ServerKind {
        recognisers = List.copyOf(recognisers);
        tools = Map.copyOf(tools);
    }

    /** The spec of one of this kind's tools. */
    public Optional<ToolSpec> tool(String name) {
        return Optional.ofNullable(tools.get(name));
    }
}
