package io.airlock.mcp.upstream;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** How to reach one upstream MCP server. */
public sealed interface UpstreamSpec {

    /**
     * A server Airlock spawns and speaks to over stdin/stdout. The child gets a minimal environment (see
     * {@link StdioUpstream#BASE_ENVIRONMENT}) plus {@code env}, never the gateway's whole environment.
     */
    record Stdio(List<String> command, Path cwd, Map<String, String> env) implements UpstreamSpec {
        public Stdio {
            command = List.copyOf(command);
            if (command.isEmpty()) {
                throw new IllegalArgumentException("command: empty (expected: the program and its arguments)");
            }
            env = Map.copyOf(env);
        }
    }

    /** A Streamable HTTP server (protocol 2025-03-26 and later). */
    record StreamableHttp(URI url, Map<String, String> headers) implements UpstreamSpec {
        public StreamableHttp {
            Objects.requireNonNull(url, "url");
            headers = Map.copyOf(headers);
        }
    }

    /** A legacy HTTP+SSE server (protocol 2024-11-05): GET opens the stream, whose first event names the POST URL. */
    record LegacySse(URI url, Map<String, String> headers) implements UpstreamSpec {
        public LegacySse {
            Objects.requireNonNull(url, "url");
            headers = Map.copyOf(headers);
        }
    }
}
