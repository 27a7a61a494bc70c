package io.airlock.proxy;

import io.airlock.policy.cascade.Tiers;
import io.airlock.policy.catalog.Catalog;
import io.airlock.policy.catalog.ServerKind;
import io.airlock.policy.rules.CommitPolicy;
import io.airlock.proxy.config.AirlockConfig;
import io.airlock.proxy.config.ServerConfig;
import io.airlock.sandbox.OverlaySandbox;
import io.airlock.sandbox.SandboxSpec;
import io.airlock.sandbox.tier.SandboxTier;
import io.airlock.sandbox.twin.TwinLauncher;
import io.airlock.sandbox.twin.TwinPool;
import io.airlock.workbench.WorkbenchServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Assembles tier 1 from the config: a twin pool for each sandboxable stdio server. */
public final class SandboxEngine {

    private static final Logger log = LoggerFactory.getLogger(SandboxEngine.class);
    private static final Catalog CATALOG = Catalog.builtIn();
    /** Names that carry credentials are never passed into a twin, even when the server's config sets them. */
    private static final Pattern SECRET_NAME = Pattern.compile(
            "(?i).*(token|secret|password|passwd|credential|api_?key|access_?key|private_?key|auth|session|cookie).*");

    private SandboxEngine() {}

    /**
     * The sandbox tier, or empty when it is off, the machine lacks bubblewrap, or no server is sandboxable.
     *
     * @param workbenchWorkspace the workspace of a builtin workbench server (the relay's, so both see one directory)
     */
    public static Optional<SandboxTier> create(AirlockConfig config, Supplier<CommitPolicy> commitPolicy,
                                               Tiers.Operator operator,
                                               Function<String, Path> workbenchWorkspace) {
        AirlockConfig.SandboxSettings settings = config.sandbox();
        if (!settings.enabled()) {
            return Optional.empty();
        }
        Map<String, TwinPool> pools = new LinkedHashMap<>();
        Map<String, io.airlock.sandbox.tier.DirectExec> direct = new LinkedHashMap<>();
        String missing = null;
        for (ServerConfig server : config.servers().values()) {
            if (!sandboxable(server)) {
                continue;
            }
            if (missing == null) {
                missing = OverlaySandbox.unavailable();
                if (missing != null) {
                    log.warn("the sandbox tier is off: {}; calls routed to it pass on to the next tier", missing);
                    return Optional.empty();
                }
            }
            Optional<TwinLauncher> launcher = launcher(config, server, workbenchWorkspace);
            launcher.ifPresent(l -> pools.put(server.name(), new TwinPool(l, settings.warmTwins(),
                    settings.maxTwinAge(), Clock.systemUTC())));
            if (launcher.isPresent() && server.transport() instanceof ServerConfig.Workbench) {
                direct.put(server.name(), new WorkbenchCommands());
            }
        }
        if (pools.isEmpty()) {
            return Optional.empty();
        }
        log.info("sandbox tier: twins for {} ({} warm each)", pools.keySet(), settings.warmTwins());
        SandboxTier tier = new SandboxTier(pools, direct, commitPolicy, operator, settings.callTimeout());
        tier.prestart();
        return Optional.of(tier);
    }

    /**
     * The workbench's {@code run_command} is one {@code sh -c} command: the sandbox runs it itself (no JVM twin to
     * start or warm up) and answers with the text the workbench builds ({@link io.airlock.workbench.CommandReport}).
     * Arguments the workbench would refuse go to its twin, which refuses them in its own words.
     */
    public static final class WorkbenchCommands implements io.airlock.sandbox.tier.DirectExec {
        private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
                new com.fasterxml.jackson.databind.ObjectMapper();

        @Override
        public Optional<Invocation> invocation(io.airlock.policy.cascade.ToolCall call) {
            if (!"run_command".equals(call.tool()) || !call.arguments().isObject()) {
                return Optional.empty();
            }
            com.fasterxml.jackson.databind.JsonNode command = call.arguments().get("command");
            com.fasterxml.jackson.databind.JsonNode timeout = call.arguments().get("timeout_seconds");
            if (command == null || !command.isTextual() || command.asText().isBlank()) {
                return Optional.empty();
            }
            int seconds = io.airlock.workbench.CommandReport.DEFAULT_TIMEOUT_SECONDS;
            if (timeout != null && !timeout.isNull()) {
                if (!timeout.isIntegralNumber() || timeout.asInt() < 1
                        || timeout.asInt() > io.airlock.workbench.CommandReport.MAX_TIMEOUT_SECONDS) {
                    return Optional.empty();
                }
                seconds = timeout.asInt();
            }
            return Optional.of(new Invocation(List.of("sh", "-c", command.asText()), java.time.Duration.ofSeconds(
                    seconds), true, io.airlock.workbench.CommandReport.MAX_OUTPUT_BYTES));
        }

        @Override
        public com.fasterxml.jackson.databind.JsonNode result(Invocation invocation, io.airlock.sandbox.SandboxRun run) {
            String text = io.airlock.workbench.CommandReport.text((int) invocation.timeout().toSeconds(),
                    run.timedOut(), run.stdout().getBytes(java.nio.charset.StandardCharsets.UTF_8), run.stdoutBytes(),
                    false, run.exitCode());
            com.fasterxml.jackson.databind.node.ObjectNode result = JSON.createObjectNode();
            result.putArray("content").addObject().put("type", "text").put("text", text);
            result.put("isError", io.airlock.workbench.CommandReport.isError(run.timedOut(), run.exitCode()));
            return result;
        }
    }

    /** Tier 1's figures on the metrics endpoint: warm twins, and how calls found them. */
    static void watch(SandboxTier tier, io.airlock.proxy.ops.AirlockMetrics metrics) {
        metrics.gauge("airlock.sandbox.twins.warm", "Sandboxed twins started and waiting for a call",
                () -> tier.pools().values().stream().mapToInt(TwinPool::warmCount).sum());
        metrics.counterFrom("airlock.sandbox.twins.taken.warm", "Sandboxed calls that found a warm twin",
                () -> tier.pools().values().stream().mapToLong(TwinPool::warmTakes).sum());
        metrics.counterFrom("airlock.sandbox.twins.started.cold", "Sandboxed calls that waited for a twin to start",
                () -> tier.pools().values().stream().mapToLong(TwinPool::coldStarts).sum());
        for (SandboxTier.Outcome outcome : SandboxTier.Outcome.values()) {
            metrics.counterFrom("airlock.sandbox.runs", "Sandboxed runs by how they ended (reviewed: sent to a "
                    + "person with their diff)", () -> tier.count(outcome), "outcome",
                    outcome.name().toLowerCase(Locale.ROOT));
        }
    }

    /** As configured on the server, else as the catalog marks its kind; HTTP servers have no twin. */
    static boolean sandboxable(ServerConfig server) {
        if (server.transport() instanceof ServerConfig.Http) {
            if (Boolean.TRUE.equals(server.sandbox().enabled())) {
                log.warn("server '{}' is marked sandbox: true but is reached over HTTP; only stdio and builtin "
                        + "servers can have a sandboxed twin", server.name());
            }
            return false;
        }
        if (server.sandbox().enabled() != null) {
            return server.sandbox().enabled();
        }
        String kind = PolicyEngine.kindOf(server);
        return kind != null && CATALOG.findKind(kind).map(ServerKind::sandboxable).orElse(false);
    }

    static Optional<TwinLauncher> launcher(AirlockConfig config, ServerConfig server,
                                           Function<String, Path> workbenchWorkspace) {
        AirlockConfig.SandboxSettings settings = config.sandbox();
        List<String> command;
        Path cwd = null;
        Map<String, String> serverEnv = Map.of();
        Path workspace = server.sandbox().workspace();
        switch (server.transport()) {
            case ServerConfig.Workbench w -> {
                Path ws = workbenchWorkspace.apply(server.name());
                command = WorkbenchServer.command(ws);
                workspace = workspace == null ? ws : workspace;
            }
            case ServerConfig.Stdio s -> {
                command = s.command();
                cwd = s.cwd();
                serverEnv = s.env();
                if (workspace == null) {
                    workspace = cwd != null ? cwd : config.policy().workspace().stream().findFirst().orElse(null);
                }
            }
            case ServerConfig.Http h -> {
                return Optional.empty();
            }
        }
        if (workspace == null || !Files.isDirectory(workspace)) {
            log.warn("server '{}' is sandboxable but has no workspace directory for its twins ({}); set "
                    + "servers.{}.sandbox.workspace or policy.workspace", server.name(), workspace, server.name());
            return Optional.empty();
        }
        Path home = config.policy().home();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin"));
        env.put("HOME", home.toString());
        env.put("LANG", System.getenv().getOrDefault("LANG", "C.UTF-8"));
        env.put("TERM", "dumb");
        Map<String, String> wanted = new LinkedHashMap<>();
        for (String name : settings.passEnv()) {
            String value = System.getenv(name);
            if (value != null) {
                wanted.put(name, value);
            }
        }
        wanted.putAll(serverEnv);
        wanted.forEach((name, value) -> {
            if (SECRET_NAME.matcher(name).matches()) {
                log.info("server '{}': {} is not passed into its sandboxed twins (it looks like a credential)",
                        server.name(), name);
            } else {
                env.put(name, value);
            }
        });
        List<Path> hidden = new ArrayList<>(SandboxSpec.defaultHidden(home));
        hidden.addAll(settings.hide());
        hidden.add(AirlockConfig.OperatorSettings.stateDir()); // keys, tokens and receipts are Airlock's alone
        SandboxSpec spec = new SandboxSpec(env, hidden, settings.cpuSeconds(), settings.memoryBytes(),
                settings.callTimeout(), 1 << 20, settings.maxProcesses());
        Path scratch = settings.scratch().resolve(server.name());
        return Optional.of(new TwinLauncher(server.name(), command, cwd, workspace, spec, scratch,
                settings.startup()));
    }
}
