package io.airlock.proxy.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.airlock.policy.Glob;
import io.airlock.policy.ListGate;
import io.airlock.policy.NameLists;
import io.airlock.policy.classifier.ClassifierConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads {@code airlock.yaml}. Validation is explicit and complete: an unknown field, a wrong type or an impossible
 * combination stops start-up with {@code field.path: what is wrong (expected: ...)}.
 */
public final class ConfigLoader {

    /** The config used when none is given: the workbench demo. */
    public static final String EMBEDDED_DEFAULT = "default-airlock.yaml";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern SERVER_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    private static final Set<String> TOP = Set.of("listen", "allowedOrigins", "limits", "servers", "policy",
            "admin", "operator", "receipts", "sandbox", "ops", "classifier", "agents");
    private static final Set<String> SERVER = Set.of("command", "args", "cwd", "env", "url", "transport", "headers",
            "builtin", "workspace", "tools", "resources", "prompts", "kind", "trusted", "tags", "sandbox");
    private static final Set<String> POLICY = Set.of("file", "workspace", "allowedHosts", "home");

    private ConfigLoader() {}

    public static AirlockConfig load(Path file) throws ConfigException {
        try {
            return parse(Files.readString(file), file.toString(), file.toAbsolutePath().getParent());
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": no such file");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    public static AirlockConfig embeddedDefault() {
        try (InputStream in = ConfigLoader.class.getResourceAsStream("/" + EMBEDDED_DEFAULT)) {
            if (in == null) {
                throw new IllegalStateException(EMBEDDED_DEFAULT + " is missing from the classpath");
            }
            return parse(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8),
                    "embedded " + EMBEDDED_DEFAULT, Path.of("").toAbsolutePath());
        } catch (IOException | ConfigException e) {
            throw new IllegalStateException("the embedded default config is invalid: " + e.getMessage(), e);
        }
    }

    /** Parses YAML text; relative paths resolve against {@code baseDir}. */
    public static AirlockConfig parse(String yaml, String source, Path baseDir) throws ConfigException {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (JacksonException e) {
            throw new ConfigException(source + ": not valid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"), e);
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw new ConfigException(source + ": empty (expected: at least 'servers:')");
        }
        Reader r = new Reader(source);
        r.object(root, "(top level)");
        r.onlyKnown(root, "", TOP);

        String host = "127.0.0.1";
        int port = 8787;
        JsonNode listen = root.get("listen");
        if (listen != null) {
            HostPort bind = hostPort(r, r.text(listen, "listen"), "listen", "127.0.0.1:8787");
            host = bind.host();
            port = bind.port();
        }
        List<String> origins = root.has("allowedOrigins") ? r.strings(root.get("allowedOrigins"), "allowedOrigins")
                : List.of();
        AirlockConfig.Limits limits = limits(r, root.get("limits"));

        JsonNode serversNode = root.get("servers");
        if (serversNode == null) {
            throw r.error("servers", "missing (expected: a map of server names to their settings)");
        }
        r.object(serversNode, "servers");
        if (serversNode.isEmpty()) {
            throw r.error("servers", "empty (expected: at least one server)");
        }
        Map<String, ServerConfig> servers = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = serversNode.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            servers.put(entry.getKey(), server(r, entry.getKey(), entry.getValue(), baseDir));
        }
        return new AirlockConfig(host, port, origins, limits, servers, source, policy(r, root.get("policy"), baseDir),
                operator(r, root.get("admin"), root.get("operator"), baseDir),
                receipts(r, root.get("receipts"), baseDir), sandbox(r, root.get("sandbox"), baseDir),
                ops(r, root.get("ops"), baseDir), classifier(r, root.get("classifier"), baseDir),
                agents(r, root.get("agents"), baseDir));
    }

    private static AirlockConfig.SandboxSettings sandbox(Reader r, JsonNode node, Path baseDir)
            throws ConfigException {
        AirlockConfig.SandboxSettings d = AirlockConfig.SandboxSettings.defaults();
        if (node == null) {
            return d;
        }
        r.object(node, "sandbox");
        r.onlyKnown(node, "sandbox", Set.of("enabled", "scratch", "warmTwins", "maxTwinAgeSeconds",
                "startupSeconds", "callTimeoutSeconds", "cpuSeconds", "memoryMegabytes", "maxProcesses", "passEnv",
                "hide"));
        boolean enabled = r.bool(node, "sandbox.enabled", "enabled", d.enabled());
        Path scratch = node.has("scratch") ? baseDir.resolve(home(r.text(node.get("scratch"), "sandbox.scratch")))
                : d.scratch();
        int warm = r.intIn(node, "sandbox.warmTwins", "warmTwins", d.warmTwins(), 0, 16);
        int age = r.intIn(node, "sandbox.maxTwinAgeSeconds", "maxTwinAgeSeconds", (int) d.maxTwinAge().toSeconds(),
                1, 86_400);
        int startup = r.intIn(node, "sandbox.startupSeconds", "startupSeconds", (int) d.startup().toSeconds(), 1,
                600);
        int call = r.intIn(node, "sandbox.callTimeoutSeconds", "callTimeoutSeconds",
                (int) d.callTimeout().toSeconds(), 1, 3600);
        int cpu = r.intIn(node, "sandbox.cpuSeconds", "cpuSeconds", (int) d.cpuSeconds(), 1, 86_400);
        int memory = r.intIn(node, "sandbox.memoryMegabytes", "memoryMegabytes", (int) (d.memoryBytes() >> 20), 64,
                1 << 20);
        int processes = r.intIn(node, "sandbox.maxProcesses", "maxProcesses", d.maxProcesses(), 8, 1 << 16);
        List<String> passEnv = node.has("passEnv") ? r.strings(node.get("passEnv"), "sandbox.passEnv") : List.of();
        List<Path> hide = new ArrayList<>();
        if (node.has("hide")) {
            for (String path : r.strings(node.get("hide"), "sandbox.hide")) {
                hide.add(baseDir.resolve(home(path)).normalize());
            }
        }
        return new AirlockConfig.SandboxSettings(enabled, scratch, warm, java.time.Duration.ofSeconds(age),
                java.time.Duration.ofSeconds(startup), java.time.Duration.ofSeconds(call), cpu,
                (long) memory << 20, processes, passEnv, hide);
    }

    /** A server's {@code sandbox:} as {@code true}/{@code false} or {@code {enabled, workspace}}. */
    private static ServerConfig.Sandboxing sandboxing(Reader r, JsonNode node, String at, Path baseDir)
            throws ConfigException {
        if (node == null) {
            return ServerConfig.Sandboxing.BY_KIND;
        }
        if (node.isBoolean()) {
            return new ServerConfig.Sandboxing(node.booleanValue(), null);
        }
        r.object(node, at);
        r.onlyKnown(node, at, Set.of("enabled", "workspace"));
        Boolean enabled = node.has("enabled") ? r.bool(node, at + ".enabled", "enabled", true) : null;
        Path workspace = node.has("workspace")
                ? baseDir.resolve(home(r.text(node.get("workspace"), at + ".workspace"))).normalize() : null;
        return new ServerConfig.Sandboxing(enabled, workspace);
    }

    private static AirlockConfig.OpsSettings ops(Reader r, JsonNode node, Path baseDir) throws ConfigException {
        AirlockConfig.OpsSettings d = AirlockConfig.OpsSettings.defaults();
        if (node == null) {
            return d;
        }
        r.object(node, "ops");
        r.onlyKnown(node, "ops", Set.of("metricsTokenFile", "logFormat"));
        Path metricsToken = node.has("metricsTokenFile")
                ? baseDir.resolve(home(r.text(node.get("metricsTokenFile"), "ops.metricsTokenFile")))
                : d.metricsTokenFile();
        String format = node.has("logFormat") ? r.text(node.get("logFormat"), "ops.logFormat") : d.logFormat();
        if (!format.equals("text") && !format.equals("json")) {
            throw r.error("ops.logFormat", "'" + format + "' (expected: text or json)");
        }
        return new AirlockConfig.OpsSettings(metricsToken, format);
    }

    private static AirlockConfig.AgentSettings agents(Reader r, JsonNode node, Path baseDir) throws ConfigException {
        AirlockConfig.AgentSettings d = AirlockConfig.AgentSettings.defaults();
        if (node == null) {
            return d;
        }
        r.object(node, "agents");
        r.onlyKnown(node, "agents", Set.of("tokenFile", "requireToken", "stdio"));
        Path tokenFile = node.has("tokenFile") ? baseDir.resolve(home(r.text(node.get("tokenFile"),
                "agents.tokenFile"))) : d.tokenFile();
        io.airlock.proxy.agents.AgentAuth.Requirement require = d.requireToken();
        JsonNode requireNode = node.get("requireToken");
        if (requireNode != null) {
            String text = requireNode.isBoolean() ? String.valueOf(requireNode.booleanValue())
                    : r.text(requireNode, "agents.requireToken");
            require = switch (text) {
                case "auto" -> io.airlock.proxy.agents.AgentAuth.Requirement.AUTO;
                case "true" -> io.airlock.proxy.agents.AgentAuth.Requirement.ALWAYS;
                case "false" -> io.airlock.proxy.agents.AgentAuth.Requirement.NEVER;
                default -> throw r.error("agents.requireToken", "'" + text + "' (expected: auto, true or false)");
            };
        }
        String stdio = d.stdioAgent();
        if (node.has("stdio")) {
            stdio = r.text(node.get("stdio"), "agents.stdio");
            if (!io.airlock.proxy.agents.AgentTokenStore.AGENT_NAME.matcher(stdio).matches()) {
                throw r.error("agents.stdio", "'" + stdio + "' is not a valid agent name (letters, digits, '_', "
                        + "'.', '@', '-')");
            }
        }
        return new AirlockConfig.AgentSettings(tokenFile, require, stdio);
    }

    private record HostPort(String host, int port) {}

    /** {@code host:port} or {@code [v6]:port}, port 0-65535 (0: any free port). */
    private static HostPort hostPort(Reader r, String text, String field, String example) throws ConfigException {
        int colon = text.lastIndexOf(':');
        if (colon <= 0) {
            throw r.error(field, "'" + text + "' has no port (expected: host:port, e.g. " + example + ")");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw r.error(field, "port '" + text.substring(colon + 1) + "' is not a number");
        }
        if (port < 0 || port > 65535) {
            throw r.error(field, "port " + port + " (expected: 0-65535)");
        }
        return new HostPort(host, port);
    }

    private static AirlockConfig.ReceiptSettings receipts(Reader r, JsonNode node, Path baseDir)
            throws ConfigException {
        AirlockConfig.ReceiptSettings d = AirlockConfig.ReceiptSettings.defaults();
        if (node == null) {
            return d;
        }
        r.object(node, "receipts");
        r.onlyKnown(node, "receipts", Set.of("enabled", "dir", "keyDir", "fsyncMillis", "rotateMegabytes",
                "rotateHours", "rawArguments", "masks", "traffic"));
        boolean enabled = r.bool(node, "receipts.enabled", "enabled", d.enabled());
        boolean raw = r.bool(node, "receipts.rawArguments", "rawArguments", d.rawArguments());
        boolean traffic = r.bool(node, "receipts.traffic", "traffic", d.traffic());
        Path dir = node.has("dir") ? baseDir.resolve(home(r.text(node.get("dir"), "receipts.dir"))) : d.dir();
        Path keyDir = node.has("keyDir") ? baseDir.resolve(home(r.text(node.get("keyDir"), "receipts.keyDir")))
                : d.keyDir();
        int fsync = r.intIn(node, "receipts.fsyncMillis", "fsyncMillis", d.fsyncMillis(), 0, 10_000);
        int megabytes = r.intIn(node, "receipts.rotateMegabytes", "rotateMegabytes", (int) (d.rotateBytes() >> 20), 1,
                1 << 20);
        int hours = r.intIn(node, "receipts.rotateHours", "rotateHours", d.rotateHours(), 1, 24 * 366);
        List<String> masks = node.has("masks") ? r.strings(node.get("masks"), "receipts.masks") : d.masks();
        for (String mask : masks) {
            if (!mask.startsWith("/")) {
                throw r.error("receipts.masks", "'" + mask + "' (expected a JSON pointer such as /password)");
            }
        }
        return new AirlockConfig.ReceiptSettings(enabled, dir, keyDir, fsync, (long) megabytes << 20, hours, raw,
                masks, traffic);
    }

    /** Tier 2 ({@code classifier:}); README "Classifier" documents every field. */
    private static AirlockConfig.ClassifierSettings classifier(Reader r, JsonNode node, Path baseDir)
            throws ConfigException {
        if (node == null) {
            return AirlockConfig.ClassifierSettings.defaults();
        }
        r.object(node, "classifier");
        r.onlyKnown(node, "classifier", Set.of("enabled", "provider", "endpoint", "model", "key", "policyText",
                "connectTimeoutMillis", "fast", "reasoning", "cache", "circuit", "maxConcurrent", "retriesBeforeAsk",
                "recentCalls"));
        if (!r.bool(node, "classifier.enabled", "enabled", true)) {
            return AirlockConfig.ClassifierSettings.defaults();
        }
        ClassifierConfig.Provider provider;
        try {
            provider = ClassifierConfig.Provider.of(node.has("provider")
                    ? r.text(node.get("provider"), "classifier.provider") : "ollama");
        } catch (IllegalArgumentException e) {
            throw r.error("classifier.provider", e.getMessage());
        }
        String endpointText = node.has("endpoint") ? r.text(node.get("endpoint"), "classifier.endpoint")
                : switch (provider) {
                    case OLLAMA -> "http://127.0.0.1:11434";
                    case ANTHROPIC -> "https://api.anthropic.com";
                    case OPENAI -> throw r.error("classifier.endpoint", "missing (expected: the server's base URL, "
                            + "e.g. http://127.0.0.1:8000 for vLLM or https://api.openai.com)");
                };
        URI endpoint;
        try {
            endpoint = new URI(endpointText);
        } catch (URISyntaxException e) {
            throw r.error("classifier.endpoint", "'" + endpointText + "' is not a URL: " + e.getReason());
        }
        if (!"http".equals(endpoint.getScheme()) && !"https".equals(endpoint.getScheme())
                || endpoint.getHost() == null) {
            throw r.error("classifier.endpoint", "'" + endpointText + "' (expected: an http:// or https:// URL)");
        }
        if (!node.has("model")) {
            throw r.error("classifier.model", "missing (expected: the model name the endpoint knows, e.g. "
                    + "qwen2.5:7b)");
        }
        String model = r.text(node.get("model"), "classifier.model");
        ClassifierConfig.KeySource key = new ClassifierConfig.KeySource.None();
        if (node.has("key")) {
            JsonNode k = node.get("key");
            if (!k.isObject()) {
                // Never echo the value: it may be the key itself, pasted in by mistake.
                throw r.error("classifier.key", "must be {env: VARIABLE} or {file: path}; a key written into the "
                        + "config file is refused (keep it in an environment variable or a file)");
            }
            r.onlyKnown(k, "classifier.key", Set.of("env", "file"));
            if (k.size() != 1) {
                throw r.error("classifier.key", "give exactly one of 'env' or 'file'");
            }
            key = k.has("env") ? new ClassifierConfig.KeySource.Env(r.text(k.get("env"), "classifier.key.env"))
                    : new ClassifierConfig.KeySource.File(baseDir.resolve(home(r.text(k.get("file"),
                    "classifier.key.file"))));
        }
        List<Path> text = new ArrayList<>();
        JsonNode textNode = node.get("policyText");
        List<String> names = textNode == null ? List.of() : textNode.isArray()
                ? r.strings(textNode, "classifier.policyText") : List.of(r.text(textNode, "classifier.policyText"));
        for (String name : names) {
            Path file = baseDir.resolve(home(name)).normalize();
            if (!Files.isRegularFile(file)) {
                throw r.error("classifier.policyText", file + ": no such file (expected: Markdown files with the "
                        + "operator's policy, e.g. airlock-policy.md or AGENTS.md)");
            }
            text.add(file);
        }
        ClassifierConfig.Stage fast = stage(r, node.get("fast"), "classifier.fast", model,
                ClassifierConfig.DEFAULT_FAST_TOKENS, ClassifierConfig.DEFAULT_FAST_TIMEOUT);
        ClassifierConfig.Stage reasoning;
        JsonNode reasoningNode = node.get("reasoning");
        if (reasoningNode != null && (reasoningNode.isBoolean() && !reasoningNode.booleanValue()
                || reasoningNode.isTextual() && reasoningNode.textValue().equals("off"))) {
            reasoning = null;
        } else if (reasoningNode != null && reasoningNode.isObject() && reasoningNode.has("enabled")
                && !r.bool(reasoningNode, "classifier.reasoning.enabled", "enabled", true)) {
            reasoning = null;
        } else {
            reasoning = stage(r, reasoningNode, "classifier.reasoning", model,
                    ClassifierConfig.DEFAULT_REASONING_TOKENS, ClassifierConfig.DEFAULT_REASONING_TIMEOUT);
        }
        java.time.Duration cacheTtl = ClassifierConfig.DEFAULT_CACHE_TTL;
        long cacheSize = ClassifierConfig.DEFAULT_CACHE_SIZE;
        JsonNode cache = node.get("cache");
        if (cache != null) {
            r.object(cache, "classifier.cache");
            r.onlyKnown(cache, "classifier.cache", Set.of("ttlSeconds", "maxEntries"));
            cacheTtl = java.time.Duration.ofSeconds(r.intIn(cache, "classifier.cache.ttlSeconds", "ttlSeconds",
                    (int) cacheTtl.toSeconds(), 0, 7 * 24 * 3600));
            cacheSize = r.intIn(cache, "classifier.cache.maxEntries", "maxEntries", (int) cacheSize, 0, 10_000_000);
        }
        ClassifierConfig.Circuit circuit = ClassifierConfig.Circuit.defaults();
        JsonNode c = node.get("circuit");
        if (c != null) {
            r.object(c, "classifier.circuit");
            r.onlyKnown(c, "classifier.circuit", Set.of("windowCalls", "minimumCalls", "failureRatePercent",
                    "openSeconds"));
            circuit = new ClassifierConfig.Circuit(
                    r.intIn(c, "classifier.circuit.windowCalls", "windowCalls", circuit.windowCalls(), 1, 10_000),
                    r.intIn(c, "classifier.circuit.minimumCalls", "minimumCalls", circuit.minimumCalls(), 1, 10_000),
                    r.intIn(c, "classifier.circuit.failureRatePercent", "failureRatePercent",
                            (int) circuit.failureRatePercent(), 1, 100),
                    java.time.Duration.ofSeconds(r.intIn(c, "classifier.circuit.openSeconds", "openSeconds",
                            (int) circuit.openFor().toSeconds(), 1, 24 * 3600)));
        }
        int connect = r.intIn(node, "classifier.connectTimeoutMillis", "connectTimeoutMillis",
                (int) ClassifierConfig.DEFAULT_CONNECT_TIMEOUT.toMillis(), 1, 600_000);
        return new AirlockConfig.ClassifierSettings(new ClassifierConfig(provider, endpoint, key, fast, reasoning,
                java.time.Duration.ofMillis(connect), cacheTtl, cacheSize, circuit,
                r.intIn(node, "classifier.maxConcurrent", "maxConcurrent", ClassifierConfig.DEFAULT_MAX_CONCURRENT, 1,
                        1024),
                r.intIn(node, "classifier.retriesBeforeAsk", "retriesBeforeAsk",
                        ClassifierConfig.DEFAULT_RETRIES_BEFORE_ASK, 1, 1000), text,
                r.intIn(node, "classifier.recentCalls", "recentCalls", ClassifierConfig.DEFAULT_RECENT_CALLS, 0, 50)));
    }

    private static ClassifierConfig.Stage stage(Reader r, JsonNode node, String at, String model, int tokens,
                                                java.time.Duration timeout) throws ConfigException {
        if (node == null) {
            return new ClassifierConfig.Stage(model, tokens, timeout);
        }
        r.object(node, at);
        r.onlyKnown(node, at, Set.of("enabled", "model", "maxTokens", "timeoutMillis"));
        return new ClassifierConfig.Stage(node.has("model") ? r.text(node.get("model"), at + ".model") : model,
                r.intIn(node, at + ".maxTokens", "maxTokens", tokens, 1, 100_000),
                java.time.Duration.ofMillis(r.intIn(node, at + ".timeoutMillis", "timeoutMillis",
                        (int) timeout.toMillis(), 10, 600_000)));
    }

    private static AirlockConfig.OperatorSettings operator(Reader r, JsonNode admin, JsonNode operator, Path baseDir)
            throws ConfigException {
        AirlockConfig.OperatorSettings d = AirlockConfig.OperatorSettings.defaults();
        String adminHost = d.adminHost();
        int adminPort = d.adminPort();
        Path tokenFile = d.tokenFile();
        if (admin != null) {
            r.object(admin, "admin");
            r.onlyKnown(admin, "admin", Set.of("listen", "tokenFile"));
            if (admin.has("listen")) {
                // YAML 1.1 reads a bare `off` (or `false`) as a boolean: both mean the same here.
                JsonNode listenNode = admin.get("listen");
                String text = listenNode.isBoolean() && !listenNode.booleanValue() ? "off"
                        : r.text(listenNode, "admin.listen");
                if (text.equals("off")) {
                    adminHost = null;
                } else {
                    HostPort bind = hostPort(r, text, "admin.listen", "127.0.0.1:8788, or off");
                    adminHost = bind.host();
                    adminPort = bind.port();
                }
            }
            if (admin.has("tokenFile")) {
                tokenFile = baseDir.resolve(home(r.text(admin.get("tokenFile"), "admin.tokenFile")));
            }
        }
        int timeout = d.holdTimeoutSeconds();
        int maxHeld = d.maxHeld();
        Path rememberFile = d.rememberFile();
        if (operator != null) {
            r.object(operator, "operator");
            r.onlyKnown(operator, "operator", Set.of("holdTimeoutSeconds", "maxHeld", "rememberFile"));
            timeout = r.intIn(operator, "operator.holdTimeoutSeconds", "holdTimeoutSeconds", timeout, 1, 7 * 24 * 3600);
            maxHeld = r.intIn(operator, "operator.maxHeld", "maxHeld", maxHeld, 1, 100_000);
            if (operator.has("rememberFile")) {
                rememberFile = baseDir.resolve(home(r.text(operator.get("rememberFile"), "operator.rememberFile")));
            }
        }
        return new AirlockConfig.OperatorSettings(adminHost, adminPort, tokenFile, timeout, maxHeld, rememberFile);
    }

    private static String home(String path) {
        return path.startsWith("~/") ? System.getProperty("user.home") + path.substring(1) : path;
    }

    private static AirlockConfig.PolicySettings policy(Reader r, JsonNode node, Path baseDir) throws ConfigException {
        AirlockConfig.PolicySettings d = AirlockConfig.PolicySettings.defaults();
        if (node == null) {
            return d;
        }
        r.object(node, "policy");
        r.onlyKnown(node, "policy", POLICY);
        Path file = node.has("file") ? baseDir.resolve(r.text(node.get("file"), "policy.file")) : null;
        List<Path> workspace = d.workspace();
        if (node.has("workspace")) {
            workspace = r.strings(node.get("workspace"), "policy.workspace").stream()
                    .map(w -> baseDir.resolve(w.startsWith("~/") ? System.getProperty("user.home") + w.substring(1)
                            : w).normalize()).toList();
            if (workspace.isEmpty()) {
                throw r.error("policy.workspace", "empty (expected: at least one directory)");
            }
        }
        List<String> hosts = node.has("allowedHosts") ? r.strings(node.get("allowedHosts"), "policy.allowedHosts")
                : d.allowedHosts();
        Path home = node.has("home") ? baseDir.resolve(r.text(node.get("home"), "policy.home")) : d.home();
        return new AirlockConfig.PolicySettings(file, workspace, hosts, home);
    }

    private static AirlockConfig.Limits limits(Reader r, JsonNode node) throws ConfigException {
        AirlockConfig.Limits d = AirlockConfig.Limits.DEFAULT;
        if (node == null) {
            return d;
        }
        r.object(node, "limits");
        r.onlyKnown(node, "limits", Set.of("maxFrameBytes", "maxDepth", "maxInFlightPerSession", "maxSessions",
                "sessionIdleSeconds"));
        return new AirlockConfig.Limits(
                r.intIn(node, "limits.maxFrameBytes", "maxFrameBytes", d.maxFrameBytes(), 1024, 256 * 1024 * 1024),
                r.intIn(node, "limits.maxDepth", "maxDepth", d.maxDepth(), 4, 1000),
                r.intIn(node, "limits.maxInFlightPerSession", "maxInFlightPerSession", d.maxInFlightPerSession(), 1,
                        100_000),
                r.intIn(node, "limits.maxSessions", "maxSessions", d.maxSessions(), 1, 1_000_000),
                r.intIn(node, "limits.sessionIdleSeconds", "sessionIdleSeconds", d.sessionIdleSeconds(), 1,
                        7 * 24 * 3600));
    }

    private static ServerConfig server(Reader r, String name, JsonNode node, Path baseDir) throws ConfigException {
        String at = "servers." + name;
        if (!SERVER_NAME.matcher(name).matches()) {
            throw r.error(at, "invalid server name (expected: letters, digits, '_', '.', '-'; at most 64; it is "
                    + "part of the URL /mcp/{name})");
        }
        r.object(node, at);
        r.onlyKnown(node, at, SERVER);
        int kinds = (node.has("command") ? 1 : 0) + (node.has("url") ? 1 : 0) + (node.has("builtin") ? 1 : 0);
        if (kinds != 1) {
            throw r.error(at, "give exactly one of 'command' (stdio), 'url' (HTTP) or 'builtin'");
        }
        ServerConfig.Transport transport;
        if (node.has("command")) {
            notWith(r, node, at, "command", "url", "transport", "headers", "builtin", "workspace");
            List<String> command = new ArrayList<>();
            command.add(r.text(node.get("command"), at + ".command"));
            if (node.has("args")) {
                command.addAll(r.strings(node.get("args"), at + ".args"));
            }
            Path cwd = node.has("cwd") ? baseDir.resolve(r.text(node.get("cwd"), at + ".cwd")) : null;
            Map<String, String> env = node.has("env") ? r.stringMap(node.get("env"), at + ".env") : Map.of();
            transport = new ServerConfig.Stdio(command, cwd, env);
        } else if (node.has("url")) {
            notWith(r, node, at, "url", "args", "cwd", "env", "builtin", "workspace");
            String text = r.text(node.get("url"), at + ".url");
            URI url;
            try {
                url = new URI(text);
            } catch (URISyntaxException e) {
                throw r.error(at + ".url", "'" + text + "' is not a URL: " + e.getReason());
            }
            if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme()) || url.getHost() == null) {
                throw r.error(at + ".url", "'" + text + "' (expected: an http:// or https:// URL with a host)");
            }
            String kind = node.has("transport") ? r.text(node.get("transport"), at + ".transport")
                    : "streamable-http";
            if (!kind.equals("streamable-http") && !kind.equals("sse")) {
                throw r.error(at + ".transport", "'" + kind + "' (expected: streamable-http or sse)");
            }
            Map<String, String> headers = node.has("headers") ? r.stringMap(node.get("headers"), at + ".headers")
                    : Map.of();
            transport = new ServerConfig.Http(url, kind.equals("sse"), headers);
        } else {
            notWith(r, node, at, "builtin", "args", "cwd", "env", "url", "transport", "headers");
            String builtin = r.text(node.get("builtin"), at + ".builtin");
            if (!builtin.equals("workbench")) {
                throw r.error(at + ".builtin", "'" + builtin + "' (expected: workbench)");
            }
            Path workspace = node.has("workspace")
                    ? baseDir.resolve(r.text(node.get("workspace"), at + ".workspace")) : null;
            transport = new ServerConfig.Workbench(workspace);
        }
        ListGate.ServerLists lists = new ListGate.ServerLists(lists(r, node.get("tools"), at + ".tools"),
                lists(r, node.get("resources"), at + ".resources"), lists(r, node.get("prompts"), at + ".prompts"));
        String kind = node.has("kind") ? r.text(node.get("kind"), at + ".kind") : null;
        boolean trusted = r.bool(node, at + ".trusted", "trusted", false);
        Map<String, List<String>> tags = new LinkedHashMap<>();
        if (node.has("tags")) {
            r.object(node.get("tags"), at + ".tags");
            for (Iterator<Map.Entry<String, JsonNode>> it = node.get("tags").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                List<String> labels = r.strings(e.getValue(), at + ".tags." + e.getKey());
                for (String label : labels) {
                    try {
                        io.airlock.policy.rules.TagPattern.parse(label);
                    } catch (IllegalArgumentException ex) {
                        throw r.error(at + ".tags." + e.getKey(), ex.getMessage());
                    }
                }
                tags.put(e.getKey(), labels);
            }
        }
        return new ServerConfig(name, transport, lists, kind, trusted, tags,
                sandboxing(r, node.get("sandbox"), at + ".sandbox", baseDir));
    }

    private static void notWith(Reader r, JsonNode node, String at, String kind, String... fields)
            throws ConfigException {
        for (String field : fields) {
            if (!field.equals(kind) && node.has(field)) {
                throw r.error(at + "." + field, "does not go with '" + kind + "'");
            }
        }
    }

    private static NameLists lists(Reader r, JsonNode node, String at) throws ConfigException {
        if (node == null) {
            return NameLists.OPEN;
        }
        r.object(node, at);
        r.onlyKnown(node, at, Set.of("allow", "deny"));
        List<String> allow = node.has("allow") ? r.strings(node.get("allow"), at + ".allow") : List.of();
        List<String> deny = node.has("deny") ? r.strings(node.get("deny"), at + ".deny") : List.of();
        for (String pattern : allow) {
            if (pattern.isEmpty()) {
                throw r.error(at + ".allow", "empty pattern");
            }
        }
        for (String pattern : deny) {
            if (pattern.isEmpty()) {
                throw r.error(at + ".deny", "empty pattern");
            }
        }
        return new NameLists(allow.stream().map(Glob::of).toList(), deny.stream().map(Glob::of).toList());
    }

    /** Typed reads that fail with the field's path. */
    private record Reader(String source) {

        ConfigException error(String field, String what) {
            return new ConfigException(source + ": " + field + ": " + what);
        }

        void object(JsonNode node, String field) throws ConfigException {
            if (!node.isObject()) {
                throw error(field, "must be a map, got " + kind(node));
            }
        }

        void onlyKnown(JsonNode node, String at, Set<String> known) throws ConfigException {
            for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!known.contains(name)) {
                    throw error(at.isEmpty() ? name : at + "." + name, "unknown field (expected one of "
                            + known.stream().sorted().toList() + ")");
                }
            }
        }

        String text(JsonNode node, String field) throws ConfigException {
            if (!node.isTextual() && !node.isNumber()) {
                throw error(field, "must be a string, got " + kind(node));
            }
            String text = node.asText();
            if (text.isBlank()) {
                throw error(field, "is empty");
            }
            return text;
        }

        List<String> strings(JsonNode node, String field) throws ConfigException {
            if (!node.isArray()) {
                throw error(field, "must be a list, got " + kind(node));
            }
            List<String> out = new ArrayList<>();
            for (int i = 0; i < node.size(); i++) {
                JsonNode item = node.get(i);
                if (!item.isTextual() && !item.isNumber()) {
                    throw error(field + "[" + i + "]", "must be a string, got " + kind(item));
                }
                out.add(item.asText());
            }
            return out;
        }

        Map<String, String> stringMap(JsonNode node, String field) throws ConfigException {
            object(node, field);
            Map<String, String> out = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode v = e.getValue();
                if (!v.isTextual() && !v.isNumber() && !v.isBoolean()) {
                    throw error(field + "." + e.getKey(), "must be a string, got " + kind(v));
                }
                out.put(e.getKey(), v.asText());
            }
            return out;
        }

        boolean bool(JsonNode parent, String field, String key, boolean dflt) throws ConfigException {
            JsonNode node = parent.get(key);
            if (node == null) {
                return dflt;
            }
            if (!node.isBoolean()) {
                throw error(field, "must be true or false");
            }
            return node.booleanValue();
        }

        int intIn(JsonNode parent, String field, String key, int dflt, int min, int max) throws ConfigException {
            JsonNode node = parent.get(key);
            if (node == null) {
                return dflt;
            }
            if (!node.canConvertToInt() || !node.isIntegralNumber()) {
                throw error(field, "must be a whole number, got " + kind(node));
            }
            int value = node.intValue();
            if (value < min || value > max) {
                throw error(field, value + " (expected: " + min + " to " + max + ")");
            }
            return value;
        }

        private static String kind(JsonNode node) {
            return switch (node.getNodeType()) {
                case OBJECT -> "a map";
                case ARRAY -> "a list";
                case STRING -> "a string";
                case NUMBER -> "a number";
                case BOOLEAN -> "a boolean";
                case NULL -> "nothing (null)";
                default -> node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
            };
        }
    }
}
