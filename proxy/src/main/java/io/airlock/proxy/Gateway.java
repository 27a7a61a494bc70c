package io.airlock.proxy;

import io.airlock.mcp.jsonrpc.JsonRpcParser;
import io.airlock.mcp.jsonrpc.ParseLimits;
import io.airlock.policy.Gate;
import io.airlock.policy.PolicyGate;
import io.airlock.policy.rules.PolicyFileWatcher;
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
    private final PolicyFileWatcher policyWatcher;
    private final UpstreamFactory upstreams;
    private final SessionRegistry sessions;
    private AirlockServer server;

    /** @throws ConfigException when the configured policy file is missing or invalid */
    public Gateway(AirlockConfig config) throws ConfigException {
        this.config = config;
        AirlockConfig.Limits limits = config.limits();
        this.parser = new JsonRpcParser(new ParseLimits(limits.maxFrameBytes(), limits.maxDepth(),
                limits.maxFrameBytes(), 64));
        PolicyGate policyGate;
        try {
            policyGate = PolicyEngine.live(config);
        } catch (io.airlock.policy.rules.PolicyException e) {
            throw new ConfigException("policy.file: " + e.getMessage(), e);
        }
        this.gate = policyGate;
        this.policyWatcher = watch(config, policyGate);
        this.upstreams = new UpstreamFactory(config, parser);
        this.sessions = new SessionRegistry(upstreams, gate, limits.maxSessions(), limits.maxInFlightPerSession(),
                parser, java.time.Duration.ofSeconds(limits.sessionIdleSeconds()));
    }

    /** Reloads the policy file when it changes; a broken edit is logged and the running revision stays. */
    private static PolicyFileWatcher watch(AirlockConfig config, PolicyGate gate) throws ConfigException {
        java.nio.file.Path file = config.policy().file();
        if (file == null) {
            return null;
        }
        try {
            return new PolicyFileWatcher(file, java.nio.file.Files.readString(file), gate::reload, null,
                    java.time.Duration.ofMillis(200), java.time.Duration.ofSeconds(5));
        } catch (java.io.IOException e) {
            throw new ConfigException("policy.file: cannot watch " + file + " for changes: " + e.getMessage(), e);
        }
    }

    /** Starts the HTTP front; returns the bound address. */
    public InetSocketAddress startHttp() throws InterruptedException {
        server = new AirlockServer(config, parser, sessions);
        return server.start();
    }

    public AirlockConfig config() {
        return config;
    }

    /** The gate every gated call goes through. */
    public Gate gate() {
        return gate;
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
        if (policyWatcher != null) {
            policyWatcher.close();
        }
        sessions.close();
    }
}
