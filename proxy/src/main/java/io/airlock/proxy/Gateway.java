package io.airlock.proxy;

import io.airlock.mcp.jsonrpc.JsonRpcParser;
import io.airlock.mcp.jsonrpc.ParseLimits;
import io.airlock.policy.Gate;
import io.airlock.proxy.config.AirlockConfig;
import io.airlock.proxy.config.ConfigException;
import io.airlock.proxy.http.AirlockServer;
import io.airlock.proxy.relay.SessionRegistry;
import io.airlock.proxy.relay.UpstreamFactory;
import java.net.InetSocketAddress;

/** Assembles Airlock from a config: parser, gate, upstream factory, sessions, and (for HTTP) the server. */
public final class Gateway implements AutoCloseable {

    private final AirlockConfig config;
    private final JsonRpcParser parser;
    private final Gate gate;
    private final UpstreamFactory upstreams;
    private final SessionRegistry sessions;
    private AirlockServer server;

    /** @throws ConfigException when the configured policy file is missing or invalid */
    public Gateway(AirlockConfig config) throws ConfigException {
        this.config = config;
        AirlockConfig.Limits limits = config.limits();
        this.parser = new JsonRpcParser(new ParseLimits(limits.maxFrameBytes(), limits.maxDepth(),
                limits.maxFrameBytes(), 64));
        try {
            this.gate = PolicyEngine.live(config);
        } catch (io.airlock.policy.rules.PolicyException e) {
            throw new ConfigException("policy.file: " + e.getMessage(), e);
        }
        this.upstreams = new UpstreamFactory(config, parser);
        this.sessions = new SessionRegistry(upstreams, gate, limits.maxSessions(), limits.maxInFlightPerSession(),
                parser, java.time.Duration.ofSeconds(limits.sessionIdleSeconds()));
    }

    /** Starts the HTTP front; returns the bound address. */
    public InetSocketAddress startHttp() throws InterruptedException {
        server = new AirlockServer(config, parser, sessions);
        return server.start();
    }

    public AirlockConfig config() {
        return config;
    }

    public JsonRpcParser parser() {
        return parser;
    }

    public SessionRegistry sessions() {
        return sessions;
    }

    public UpstreamFactory upstreams() {
        return upstreams;
    }

    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    /** Idempotent: the shutdown hook and the CLI's try-with-resources may both close it. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (server != null) {
            server.close();
        }
        sessions.close();
        if (gate instanceof AutoCloseable resources) {
            try {
                resources.close(); // the shell parser's pre-started shfmt processes
            } catch (Exception e) {
                org.slf4j.LoggerFactory.getLogger(Gateway.class).warn("closing the gate failed", e);
            }
        }
    }
}
