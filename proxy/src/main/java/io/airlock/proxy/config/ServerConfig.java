package io.airlock.proxy.config;

import io.airlock.policy.ListGate;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** One named upstream in {@code airlock.yaml}. */
public record ServerConfig(String name, Transport transport, ListGate.ServerLists lists, String kind, boolean trusted,
                           Map<String, List<String>> tagOverrides, Sandboxing sandbox) {

    public ServerConfig {
        tagOverrides = Map.copyOf(tagOverrides);
        sandbox = sandbox == null ? Sandboxing.BY_KIND : sandbox;
    }

    public ServerConfig(String name, Transport transport, ListGate.ServerLists lists, String kind, boolean trusted,
                        Map<String, List<String>> tagOverrides) {
        this(name, transport, lists, kind, trusted, tagOverrides, Sandboxing.BY_KIND);
    }

    /**
     * Whether the server gets sandboxed twins ({@code sandbox:} on the server).
     *
     * @param enabled   true/false as configured; null: as the catalog marks the server's kind
     * @param workspace the directory twins see through an overlay and commit to; null: the workbench's workspace,
     *                  else the server's {@code cwd}, else the first {@code policy.workspace}
     */
    public record Sandboxing(Boolean enabled, Path workspace) {
        public static final Sandboxing BY_KIND = new Sandboxing(null, null);
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
