package io.airlock.proxy;

import io.airlock.mcp.jsonrpc.JsonRpcParser;
import io.airlock.mcp.jsonrpc.ParseLimits;
import io.airlock.policy.Gate;
import io.airlock.policy.PolicyGate;
import io.airlock.policy.operator.HeldCalls;
import io.airlock.policy.operator.RememberedApprovals;
import io.airlock.policy.operator.SessionActivity;
import io.airlock.policy.rules.PolicyFileWatcher;
import io.airlock.proxy.admin.AdminServer;
import io.airlock.proxy.admin.AdminToken;
import io.airlock.proxy.audit.ReceiptRecorder;
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
    private final PolicyGate policyGate;
    private final HeldCalls held;
    private final PolicyFileWatcher rememberWatcher;
    private AdminServer admin;
    private final ReceiptRecorder receipts;
    private final UpstreamFactory upstreams;
    private final SessionRegistry sessions;
    private volatile AirlockServer server;
    private final io.airlock.proxy.ops.AirlockMetrics metrics = new io.airlock.proxy.ops.AirlockMetrics();
    private final io.airlock.proxy.ops.Readiness readiness;
    private final io.airlock.proxy.agents.AgentAuth agents;

    /** @throws ConfigException when the configured policy file is missing or invalid */
    public Gateway(AirlockConfig config) throws ConfigException {
        this.config = config;
        io.airlock.proxy.ops.LogFormat.apply(config.ops().logFormat());
        AirlockConfig.Limits limits = config.limits();
        this.parser = new JsonRpcParser(new ParseLimits(limits.maxFrameBytes(), limits.maxDepth(),
                limits.maxFrameBytes(), 64));
        AirlockConfig.OperatorSettings operator = config.operator();
        RememberedApprovals remembered;
        try {
            remembered = RememberedApprovals.open(operator.rememberFile());
        } catch (io.airlock.policy.rules.PolicyException e) {
            throw new ConfigException("operator.rememberFile: " + e.getMessage(), e);
        }
        // Without the admin API nobody can answer a held call: the cascade then refuses such calls at once.
        this.held = operator.adminEnabled() ? new HeldCalls(operator.maxHeld(),
                java.time.Duration.ofSeconds(operator.holdTimeoutSeconds()), java.time.Clock.systemUTC(), remembered,
                new SessionActivity(10, 4096, 200)) : null;
        this.upstreams = new UpstreamFactory(config, parser);
        try {
            this.policyGate = PolicyEngine.live(config, held, upstreams::workbenchWorkspace,
                    new PolicyEngine.Started() {
                        @Override
                        public void sandbox(io.airlock.sandbox.tier.SandboxTier tier) {
                            SandboxEngine.watch(tier, metrics);
                        }

                        @Override
                        public void classifier(io.airlock.policy.classifier.ModelClassifier classifier) {
                            watchClassifier(classifier);
                        }
                    });
        } catch (io.airlock.policy.rules.PolicyException e) {
            throw new ConfigException("policy.file: " + e.getMessage(), e);
        }
        policyGate.remembered(remembered);
        if (held != null) {
            policyGate.observe(held::gateDecided);
            // Until the admin API runs, nobody could answer a held call: refuse such calls at once instead.
            held.stopAccepting("no operator is connected to Airlock (its admin API is not running)");
        }
        this.gate = policyGate;
        this.policyWatcher = watch(config, policyGate);
        this.rememberWatcher = watchRemembered(remembered);
        this.receipts = openReceipts(config);
        this.agents = io.airlock.proxy.agents.AgentAuth.open(config.agents().tokenFile(),
                config.agents().requireToken(), io.airlock.proxy.http.OriginPolicy.isLoopbackName(config.host()),
                1000);
        this.sessions = new SessionRegistry(upstreams, gate, limits.maxSessions(), limits.maxInFlightPerSession(),
                parser, java.time.Duration.ofSeconds(limits.sessionIdleSeconds()))
                .recordingTo(metrics.recording(receipts));
        if (receipts != null) {
            metrics.watch(receipts.log());
        }
        if (held != null) {
            metrics.watch(held);
        }
        metrics.gauge("airlock.sessions", "Open agent sessions (Streamable HTTP, SSE and stdio)",
                () -> sessions.all().size());
        this.readiness = new io.airlock.proxy.ops.Readiness(config,
                () -> receipts == null ? null : receipts.unavailable());
    }

    /** Tier 2's figures on the metrics endpoint: circuit state, cache hits and misses, model requests, tokens. */
    private void watchClassifier(io.airlock.policy.classifier.ModelClassifier classifier) {
        metrics.gauge("airlock.classifier.circuit.open", "1 while the classifier's circuit is open (calls go to a "
                + "person without asking the model)", () -> classifier.circuitState()
                == io.github.resilience4j.circuitbreaker.CircuitBreaker.State.OPEN ? 1 : 0);
        var stats = classifier.stats();
        metrics.counterFrom("airlock.classifier.cache.hits", "Classifier verdicts served from the cache",
                stats::cacheHits);
        metrics.counterFrom("airlock.classifier.cache.misses", "Classifier questions that went to the model",
                stats::cacheMisses);
        metrics.counterFrom("airlock.classifier.requests", "Model requests", stats::fastRequests, "stage", "fast");
        metrics.counterFrom("airlock.classifier.requests", "Model requests", stats::reasoningRequests, "stage",
                "reasoning");
        metrics.counterFrom("airlock.classifier.failures", "Model requests that failed or timed out (asked a person)",
                stats::failures);
        metrics.counterFrom("airlock.classifier.tokens", "Model tokens", stats::inputTokens, "direction", "in");
        metrics.counterFrom("airlock.classifier.tokens", "Model tokens", stats::outputTokens, "direction", "out");
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

    /** The receipt log, unless turned off; a log that cannot be opened stops start-up (never run unaudited). */
    private static ReceiptRecorder openReceipts(AirlockConfig config) throws ConfigException {
        AirlockConfig.ReceiptSettings settings = config.receipts();
        if (!settings.enabled()) {
            org.slf4j.LoggerFactory.getLogger(Gateway.class).warn("receipts are OFF (receipts.enabled: false): "
                    + "decisions leave no audit trail");
            return null;
        }
        java.util.Map<String, String> kinds = new java.util.HashMap<>();
        config.servers().values().forEach(server -> {
            String kind = PolicyEngine.kindOf(server);
            if (kind != null) {
                kinds.put(server.name(), kind);
            }
        });
        try {
            return ReceiptRecorder.open(settings, kinds::get);
        } catch (java.io.IOException | RuntimeException e) {
            throw new ConfigException("receipts: cannot open the receipt log in " + settings.dir() + ": "
                    + e.getMessage(), e);
        }
    }

    private static PolicyFileWatcher watchRemembered(RememberedApprovals remembered) throws ConfigException {
        java.nio.file.Path file = remembered.file();
        if (file == null) {
            return null;
        }
        try {
            java.nio.file.Files.createDirectories(file.toAbsolutePath().getParent());
            String current = java.nio.file.Files.exists(file) ? java.nio.file.Files.readString(file) : "";
            return new PolicyFileWatcher(file, current, policy -> {
                try {
                    remembered.reload(policy);
                } catch (io.airlock.policy.rules.PolicyException e) {
                    org.slf4j.LoggerFactory.getLogger(Gateway.class).error("{} was edited but NOT reloaded: {}",
                            file, e.getMessage());
                }
            }, null, java.time.Duration.ofMillis(200), java.time.Duration.ofSeconds(5));
        } catch (java.io.IOException e) {
            throw new ConfigException("operator.rememberFile: cannot watch " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Starts the admin API for the operator tier, when configured. {@code agentPort} is the agent-facing port (the
     * admin port defaults to the next one). Returns the bound address, or null when the admin API is off.
     */
    public InetSocketAddress startAdmin(int agentPort) throws ConfigException, InterruptedException {
        if (held == null) {
            return null;
        }
        AirlockConfig.OperatorSettings operator = config.operator();
        AdminToken token;
        try {
            token = AdminToken.loadOrCreate(operator.tokenFile());
        } catch (java.io.IOException e) {
            throw new ConfigException("admin.tokenFile: " + e.getMessage(), e);
        }
        int port = operator.adminPortFor(agentPort);
        InetSocketAddress bound;
        try {
            bound = bindAdmin(operator.adminHost(), port, token);
        } catch (ConfigException taken) {
            if (operator.adminPort() >= 0 || port == 0) {
                throw taken; // the operator named this port: say so rather than listen elsewhere
            }
            // Only the default (agent port + 1) was taken: take any free port, and say where.
            org.slf4j.LoggerFactory.getLogger(Gateway.class).warn("{}; the admin API listens on a free port instead",
                    taken.getMessage());
            bound = bindAdmin(operator.adminHost(), 0, token);
        }
        held.startAccepting();
        publishAdminAddress(bound);
        return bound;
    }

    private io.airlock.proxy.ops.OpsEndpoints ops() throws ConfigException {
        java.nio.file.Path file = config.ops().metricsTokenFile();
        AdminToken metricsToken = null;
        if (file != null) {
            try {
                metricsToken = AdminToken.loadOrCreate(file);
            } catch (java.io.IOException e) {
                throw new ConfigException("ops.metricsTokenFile: " + e.getMessage(), e);
            }
        }
        io.airlock.proxy.ops.Liveness liveness = new io.airlock.proxy.ops.Liveness(() -> {
            AirlockServer front = server;
            return front == null ? java.util.List.of() : front.loops();
        }, 2000);
        return new io.airlock.proxy.ops.OpsEndpoints(metrics, readiness, liveness, metricsToken);
    }

    private InetSocketAddress bindAdmin(String host, int port, AdminToken token)
            throws ConfigException, InterruptedException {
        admin = new AdminServer(host, port, token, held, () -> policyGate.policy().revision(), ops());
        try {
            return admin.start();
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) { // Netty rethrows the bind's IOException undeclared
            admin.close();
            admin = null;
            throw new ConfigException("admin.listen: cannot bind " + host + ":" + port + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes {@code admin-address} next to the token, so {@code airlock tui} finds the API wherever it listens. Only
     * the address: the token stays in its own 0600 file.
     */
    private void publishAdminAddress(InetSocketAddress bound) {
        java.nio.file.Path file = config.operator().tokenFile().toAbsolutePath().resolveSibling("admin-address");
        String host = bound.getAddress().getHostAddress();
        String text = "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + bound.getPort() + "\n";
        try {
            java.nio.file.Path temp = java.nio.file.Files.createTempFile(file.getParent(), ".admin-address", ".tmp");
            java.nio.file.Files.writeString(temp, text);
            java.nio.file.Files.move(temp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (java.io.IOException e) {
            org.slf4j.LoggerFactory.getLogger(Gateway.class).warn("could not write {}: {}", file, e.getMessage());
        }
    }

    /** The operator tier, or null when the admin API is off. */
    public HeldCalls held() {
        return held;
    }

    /** Starts the HTTP front; returns the bound address. */
    public InetSocketAddress startHttp() throws InterruptedException {
        server = new AirlockServer(config, parser, sessions, agents);
        return server.start();
    }

    /**
     * The metrics registry: tiers wired here register their own gauges and counters on it (see
     * {@link io.airlock.proxy.ops.AirlockMetrics}).
     */
    public io.airlock.proxy.ops.AirlockMetrics metrics() {
        return metrics;
    }

    /** What {@code /readyz} checks. */
    public io.airlock.proxy.ops.Readiness readiness() {
        return readiness;
    }

    /** The receipt log, or null when receipts are off. */
    public io.airlock.receipts.ReceiptLog receiptLog() {
        return receipts == null ? null : receipts.log();
    }

    /** Who may call the HTTP front: the agent tokens. */
    public io.airlock.proxy.agents.AgentAuth agents() {
        return agents;
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
        agents.close();
        if (policyWatcher != null) {
            policyWatcher.close();
        }
        if (rememberWatcher != null) {
            rememberWatcher.close();
        }
        if (held != null) {
            held.close(); // nothing waits forever, and nothing unapproved is forwarded
        }
        if (admin != null) {
            admin.close();
        }
        sessions.close();
        if (gate instanceof AutoCloseable resources) {
            try {
                resources.close(); // the shell parser's pre-started shfmt processes
            } catch (Exception e) {
                org.slf4j.LoggerFactory.getLogger(Gateway.class).warn("closing the gate failed", e);
            }
        }
        if (receipts != null) {
            receipts.close(); // after the sessions: calls they cut off still get their receipts
        }
    }
}
