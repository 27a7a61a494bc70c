package io.airlock.proxy.config;

import java.util.List;
import java.util.Map;

/**
 * The validated contents of {@code airlock.yaml}. Built only by {@link ConfigLoader}, which rejects anything it does
 * not understand with a message naming the field.
 *
 * @param host           address the agent-facing HTTP front binds (default 127.0.0.1: loopback only)
 * @param port           its port (0 picks a free one)
 * @param allowedOrigins {@code Origin} values accepted besides loopback ones
 * @param servers        upstreams by name, in config order
 */
public record AirlockConfig(String host, int port, List<String> allowedOrigins, Limits limits,
                            Map<String, ServerConfig> servers, String source, PolicySettings policy,
                            OperatorSettings operator, ReceiptSettings receipts, SandboxSettings sandbox,
                            OpsSettings ops, ClassifierSettings classifier, AgentSettings agents) {

    public AirlockConfig(String host, int port, List<String> allowedOrigins, Limits limits,
                         Map<String, ServerConfig> servers, String source, PolicySettings policy,
                         OperatorSettings operator, ReceiptSettings receipts) {
        this(host, port, allowedOrigins, limits, servers, source, policy, operator, receipts,
                SandboxSettings.defaults(), OpsSettings.defaults(), ClassifierSettings.defaults(),
                AgentSettings.defaults());
    }

    /** This config listening on another address (the command line's {@code --listen}). */
    public AirlockConfig withListen(String newHost, int newPort) {
        return new AirlockConfig(newHost, newPort, allowedOrigins, limits, servers, source, policy, operator,
                receipts, sandbox, ops, classifier, agents);
    }

    /** This config with other policy settings (eval/explain's {@code --workspace}, {@code --home}). */
    public AirlockConfig withPolicy(PolicySettings newPolicy) {
        return new AirlockConfig(host, port, allowedOrigins, limits, servers, source, newPolicy, operator, receipts,
                sandbox, ops, classifier, agents);
    }

    /**
     * Tier 1 ({@code sandbox:} in the file): sandboxed twins of the servers marked sandboxable.
     *
     * @param enabled        false: calls routed to the sandbox pass on to the classifier/operator
     * @param scratch        where twins' overlays live (Airlock's own directory)
     * @param warmTwins      twins kept started per server, so a call does not wait for a server to start
     * @param maxTwinAge     a warm twin older than this is replaced instead of used
     * @param startup        how long a twin may take to start and answer initialize
     * @param callTimeout    how long a twin may take to answer the call
     * @param cpuSeconds     CPU time per twin process
     * @param memoryBytes    memory per twin (a cgroup as root, else the address-space rlimit)
     * @param maxProcesses   processes per twin (a pids cgroup as root)
     * @param passEnv        variables passed from Airlock's environment into twins (besides PATH, HOME, LANG)
     * @param hide           paths hidden from twins, besides ~/.ssh, ~/.aws, ~/.config/gh, ~/.docker, ~/.kube, ...
     */
    public record SandboxSettings(boolean enabled, java.nio.file.Path scratch, int warmTwins,
                                  java.time.Duration maxTwinAge, java.time.Duration startup,
                                  java.time.Duration callTimeout, long cpuSeconds, long memoryBytes, int maxProcesses,
                                  List<String> passEnv, List<java.nio.file.Path> hide) {
        public SandboxSettings {
            passEnv = List.copyOf(passEnv);
            hide = List.copyOf(hide);
        }

        public static SandboxSettings defaults() {
            return new SandboxSettings(true, OperatorSettings.stateDir().resolve("sandbox"), 1,
                    java.time.Duration.ofMinutes(5), java.time.Duration.ofSeconds(60),
                    java.time.Duration.ofSeconds(120), 120, 2L << 30, 512, List.of(), List.of());
        }
    }

    /**
     * Operations ({@code ops:} in the file; docs/ADMIN-API.md, deploy/README.md).
     *
     * @param metricsTokenFile a read-only token for {@code /metrics} (created 0600 on first start), or null: then
     *                         only the admin token opens it
     * @param logFormat        {@code text} (default) or {@code json} (one JSON object per line, secrets redacted)
     */
    public record OpsSettings(java.nio.file.Path metricsTokenFile, String logFormat) {
        public OpsSettings {
            if (!logFormat.equals("text") && !logFormat.equals("json")) {
                throw new IllegalArgumentException("logFormat: " + logFormat + " (expected: text or json)");
            }
        }

        public static OpsSettings defaults() {
            return new OpsSettings(null, "text");
        }
    }

    /**
     * Agent identity ({@code agents:} in the file).
     *
     * @param tokenFile    the hashed agent tokens ({@code airlock token create|list|revoke})
     * @param requireToken AUTO (default): the HTTP front requires a token once the store holds one, and always when
     *                     it listens beyond loopback; ALWAYS; NEVER (a token that is sent must still be valid)
     * @param stdioAgent   the identity of {@code airlock stdio} sessions (the {@code --agent} option overrides it)
     */
    public record AgentSettings(java.nio.file.Path tokenFile, io.airlock.proxy.agents.AgentAuth.Requirement requireToken,
                                String stdioAgent) {
        public static AgentSettings defaults() {
            return new AgentSettings(OperatorSettings.stateDir().resolve("agent-tokens.json"),
                    io.airlock.proxy.agents.AgentAuth.Requirement.AUTO, "stdio");
        }
    }

    public AirlockConfig(String host, int port, List<String> allowedOrigins, Limits limits,
                         Map<String, ServerConfig> servers, String source, PolicySettings policy) {
        this(host, port, allowedOrigins, limits, servers, source, policy, OperatorSettings.defaults(),
                ReceiptSettings.defaults());
    }

    public AirlockConfig(String host, int port, List<String> allowedOrigins, Limits limits,
                         Map<String, ServerConfig> servers, String source, PolicySettings policy,
                         OperatorSettings operator) {
        this(host, port, allowedOrigins, limits, servers, source, policy, operator, ReceiptSettings.defaults());
    }

    /**
     * The receipt log ({@code receipts:} in the file; docs/RECEIPTS.md).
     *
     * @param enabled      false only by explicit choice: then no call leaves a receipt
     * @param dir          where the receipts files go
     * @param keyDir       the Ed25519 checkpoint key
     * @param fsyncMillis  group-commit interval
     * @param rotateBytes  a new file beyond this size
     * @param rotateHours  a new file beyond this age
     * @param rawArguments explicit opt-in to record arguments unredacted
     * @param masks        JSON pointers (into the arguments) always masked
     * @param traffic      also keep every proxied message of every session (redacted), for deep review
     */
    public record ReceiptSettings(boolean enabled, java.nio.file.Path dir, java.nio.file.Path keyDir, int fsyncMillis,
                                  long rotateBytes, int rotateHours, boolean rawArguments, List<String> masks,
                                  boolean traffic) {
        public ReceiptSettings {
            masks = List.copyOf(masks);
        }

        public static ReceiptSettings defaults() {
            java.nio.file.Path state = OperatorSettings.stateDir();
            return new ReceiptSettings(true, state.resolve("receipts"), state.resolve("keys"), 10, 64L << 20, 24,
                    false, List.of(), false);
        }
    }

    /**
     * Tier 3 and its admin API ({@code admin:} and {@code operator:} in the file; see docs/ADMIN-API.md).
     *
     * @param adminHost          null: the admin API is off, and calls that need a person are refused
     * @param adminPort          -1: the agent-facing port + 1 (0 when that one is 0)
     * @param tokenFile          the admin token, generated on first start with mode 0600
     * @param holdTimeoutSeconds a held call not decided in time is denied
     * @param maxHeld            more held calls than this: new ones are denied at once
     * @param rememberFile       rules added by approve-and-remember
     */
    public record OperatorSettings(String adminHost, int adminPort, java.nio.file.Path tokenFile,
                                   int holdTimeoutSeconds, int maxHeld, java.nio.file.Path rememberFile) {

        /** {@code -Dairlock.stateDir}, else {@code $AIRLOCK_STATE_DIR}, else {@code ~/.airlock}. */
        public static java.nio.file.Path stateDir() {
            return io.airlock.receipts.ReceiptFiles.defaultStateDir();
        }

        public static OperatorSettings defaults() {
            java.nio.file.Path state = stateDir();
            return new OperatorSettings("127.0.0.1", -1, state.resolve("admin-token"), 600, 256,
                    state.resolve("remembered-policy.yaml"));
        }

        public boolean adminEnabled() {
            return adminHost != null;
        }

        /** The admin port for an agent-facing front on {@code agentPort}. */
        public int adminPortFor(int agentPort) {
            return adminPort >= 0 ? adminPort : agentPort == 0 ? 0 : agentPort + 1;
        }
    }

    /**
     * The policy engine's settings.
     *
     * @param file         the policy file, or null for the built-in default
     * @param workspace    the directories agents work in (relative paths resolve against the first)
     * @param allowedHosts hosts (or {@code *.suffix}) network access to which is expected
     * @param home         the user's home, for {@code ~} and home secrets
     */
    public record PolicySettings(java.nio.file.Path file, List<java.nio.file.Path> workspace,
                                 List<String> allowedHosts, java.nio.file.Path home) {

        /** Package registries and code hosts agents fetch from in everyday work. */
        public static final List<String> DEFAULT_ALLOWED_HOSTS = List.of("registry.npmjs.org", "*.npmjs.org",
                "pypi.org", "files.pythonhosted.org", "repo.maven.apache.org", "repo1.maven.org", "crates.io",
                "static.crates.io", "proxy.golang.org", "sum.golang.org", "rubygems.org", "github.com",
                "*.githubusercontent.com", "deb.debian.org", "security.debian.org");

        public PolicySettings {
            workspace = List.copyOf(workspace);
            allowedHosts = List.copyOf(allowedHosts);
        }

        public static PolicySettings defaults() {
            return new PolicySettings(null, List.of(java.nio.file.Path.of("").toAbsolutePath()),
                    DEFAULT_ALLOWED_HOSTS, java.nio.file.Path.of(System.getProperty("user.home")));
        }
    }

    public AirlockConfig(String host, int port, List<String> allowedOrigins, Limits limits,
                         Map<String, ServerConfig> servers, String source) {
        this(host, port, allowedOrigins, limits, servers, source, PolicySettings.defaults());
    }

    /** Per-frame and per-session bounds. */
    public record Limits(int maxFrameBytes, int maxDepth, int maxInFlightPerSession, int maxSessions,
                         int sessionIdleSeconds) {
        public static final Limits DEFAULT = new Limits(4 * 1024 * 1024, 64, 256, 1024, 1800);
    }

    public AirlockConfig {
        allowedOrigins = List.copyOf(allowedOrigins);
        classifier = classifier == null ? ClassifierSettings.defaults() : classifier;
        servers = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(servers));
    }

    public AirlockConfig withPort(int newPort) {
        return withListen(host, newPort);
    }

    /**
     * Tier 2, the classifier ({@code classifier:} in the file; README "Classifier"). Off unless configured: then calls
     * the policy sends to {@code classify} go to the operator.
     *
     * @param config the endpoint, model, stages and limits, or null when off
     */
    public record ClassifierSettings(io.airlock.policy.classifier.ClassifierConfig config) {
        public static ClassifierSettings defaults() {
            return new ClassifierSettings(null);
        }

        public boolean enabled() {
            return config != null;
        }
    }
}
