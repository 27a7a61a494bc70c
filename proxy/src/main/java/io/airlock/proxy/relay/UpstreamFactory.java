package io.airlock.proxy.relay;

import io.airlock.mcp.jsonrpc.JsonRpcParser;
import io.airlock.mcp.upstream.Upstream;
import io.airlock.mcp.upstream.UpstreamSpec;
import io.airlock.mcp.upstream.Upstreams;
import io.airlock.proxy.config.AirlockConfig;
import io.airlock.proxy.config.ServerConfig;
import io.airlock.workbench.WorkbenchServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Turns a configured server into a fresh upstream connection. */
public final class UpstreamFactory implements Function<String, Upstream> {

    private final AirlockConfig config;
    private final JsonRpcParser parser;
    private final Map<String, Path> workspaces = new java.util.concurrent.ConcurrentHashMap<>();

    public UpstreamFactory(AirlockConfig config, JsonRpcParser parser) {
        this.config = config;
        this.parser = parser;
    }

    @Override
    public Upstream apply(String server) {
        ServerConfig sc = config.servers().get(server);
        if (sc == null) {
            throw new IllegalArgumentException("unknown server '" + server + "'");
        }
        UpstreamSpec spec = switch (sc.transport()) {
            case ServerConfig.Stdio s -> new UpstreamSpec.Stdio(s.command(), s.cwd(), s.env());
            case ServerConfig.Http h -> h.legacySse() ? new UpstreamSpec.LegacySse(h.url(), h.headers())
                    : new UpstreamSpec.StreamableHttp(h.url(), h.headers());
            case ServerConfig.Workbench w -> {
                List<String> command = WorkbenchServer.command(workspace(server, w));
                yield new UpstreamSpec.Stdio(command, null, Map.of());
            }
        };
        return Upstreams.create(server, spec, parser);
    }

    /** The workspace of the builtin workbench server {@code server}: the one its twins must see as well. */
    public Path workbenchWorkspace(String server) {
        ServerConfig sc = config.servers().get(server);
        if (sc == null || !(sc.transport() instanceof ServerConfig.Workbench w)) {
            throw new IllegalArgumentException("'" + server + "' is not a builtin workbench server");
        }
        return workspace(server, w);
    }

    /** The workbench's workspace: configured, or one temporary directory per server shared by its sessions. */
    public Path workspace(String server, ServerConfig.Workbench workbench) {
        if (workbench.workspace() != null) {
            return workbench.workspace();
        }
        return workspaces.computeIfAbsent(server, name -> {
            try {
                return Files.createTempDirectory("airlock-" + name + "-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
