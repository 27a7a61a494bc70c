package io.airlock.proxy.onboard;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One MCP server definition found in a client's config.
 *
 * @param client    whose config it is in
 * @param file      the file
 * @param container JSON pointer to the map that holds it (e.g. {@code /mcpServers}; for Codex {@code /mcp_servers})
 * @param name      its key in that map
 * @param spec      how the client starts or reaches it
 * @param line      where it starts in the file (1-based; 0 when unknown)
 * @param warnings  what of its definition Airlock cannot carry over, said plainly
 */
public record ClientServer(ClientKind client, Path file, String container, String name, Spec spec, int line,
                           List<String> warnings) {

    public ClientServer {
        warnings = List.copyOf(warnings);
    }

    /** Where to point a person: {@code file:line: container/name}. */
    public String where() {
        return file + (line > 0 ? ":" + line : "") + ": " + container + "/" + name;
    }

    /** How a server is started or reached. */
    public sealed interface Spec {}

    /** A command the client spawns. */
    public record Stdio(String command, List<String> args, Map<String, String> env, String cwd) implements Spec {
        public Stdio {
            args = List.copyOf(args);
            env = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(env));
        }
    }

    /** A URL the client connects to; {@code sse} for the legacy HTTP+SSE transport. */
    public record Http(String url, boolean sse, Map<String, String> headers) implements Spec {
        public Http {
            headers = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(headers));
        }
    }
}
