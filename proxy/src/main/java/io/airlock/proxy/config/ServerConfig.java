package io.airlock.proxy.config;

import io.airlock.policy.ListGate;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** One named upstream in {@code airlock.yaml}. */
public record ServerConfig(String name, Transport transport, ListGate.ServerLists lists, String kind, boolean trusted,
                           Map<String, List<String>> tagOverrides) {

    public ServerConfig {
        tagOverrides = Map.copyOf(tagOverrides);
    }

    public ServerConfig(String name, Transport transport, ListGate.ServerLists lists) {
        this(name, transport, lists, null, false, Map.of());
    }

    /** How the server is reached. */
    public sealed interface Transport {}

    /** {@code command} + {@code args}, run as a child per agent session. */
    public record Stdio(List<String> command, Path cwd, Map<String, String> env) implements Transport {}

    /** {@code url} with {@code transport: streamable-http} (default) or {@code sse}. */
    public record Http(URI url, boolean legacySse, Map<String, String> headers) implements Transport {}

    /** {@code builtin: workbench}: Airlock's demo server over {@code workspace}. */
    public record Workbench(Path workspace) implements Transport {}
}
