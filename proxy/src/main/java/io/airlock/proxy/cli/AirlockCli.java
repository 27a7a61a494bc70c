package io.airlock.proxy.cli;

import io.airlock.proxy.Gateway;
import io.airlock.proxy.config.AirlockConfig;
import io.airlock.proxy.config.ConfigException;
import io.airlock.proxy.config.ConfigLoader;
import io.airlock.proxy.config.ServerConfig;
import io.airlock.proxy.stdio.StdioFront;
import io.airlock.tui.ApprovalsCommand;
import io.airlock.tui.TuiCommand;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code airlock} command. */
@Command(name = "airlock", mixinStandardHelpOptions = true, versionProvider = AirlockCli.Version.class,
        description = "An MCP gateway that gates every tool call.",
        subcommands = {AirlockCli.Serve.class, AirlockCli.Stdio.class, AirlockCli.Demo.class,
                AirlockCli.CheckConfig.class, EvalCommand.class, ExplainCommand.class, AuditCommand.class,
                TuiCommand.class, ApprovalsCommand.class, TokenCommand.class, ImportCommand.class,
                ConnectCommand.class})
public final class AirlockCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        int code = new CommandLine(new AirlockCli()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
        if (code != Integer.MIN_VALUE) {
            System.exit(code);
        }
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }

    /** Where the config comes from: {@code --config}, else {@code ./airlock.yaml}, else the embedded default. */
    static class ConfigOption {
        @Option(names = {"-c", "--config"}, description = "Config file (default: ./airlock.yaml if present, "
                + "else the embedded default).")
        Path config;

        AirlockConfig load() throws ConfigException {
            if (config != null) {
                return ConfigLoader.load(config);
            }
            Path local = Path.of("airlock.yaml");
            if (Files.isRegularFile(local)) {
                return ConfigLoader.load(local);
            }
            return ConfigLoader.embeddedDefault();
        }
    }

    @Command(name = "serve", description = "Run the HTTP gateway (Streamable HTTP at /mcp/{server}, legacy SSE at "
            + "/sse/{server}).")
    static final class Serve implements Callable<Integer> {
        @CommandLine.Mixin
        ConfigOption configOption = new ConfigOption();

        @Option(names = "--listen", description = "host:port to listen on (overrides the config).")
        String listen;

        @Option(names = "--log-format", description = "json: one JSON object per log line (secrets "
                + "redacted, as in text), like ops.logFormat: json or AIRLOCK_LOG_FORMAT=json. Default: text.")
        LogFormatOption logFormat;

        enum LogFormatOption { text, json }

        @Override
        public Integer call() throws Exception {
            if (logFormat != null) {
                io.airlock.proxy.ops.LogFormat.apply(logFormat.name());
            }
            AirlockConfig config;
            try {
                config = withListen(configOption.load(), listen);
            } catch (ConfigException e) {
                System.err.println("airlock: invalid config: " + e.getMessage());
                return 2;
            }
            try (Gateway gateway = new Gateway(config)) {
                InetSocketAddress bound = gateway.startHttp();
                printEndpoints(System.err, config, bound);
                printAgents(System.err, gateway);
                printAdmin(System.err, config, gateway.startAdmin(bound.getPort()));
                awaitShutdown(gateway);
            } catch (ConfigException e) {
                System.err.println("airlock: invalid config: " + e.getMessage());
                return 2;
            }
            return 0;
        }
    }

    @Command(name = "stdio", description = "Relay one server over stdin/stdout, for agents that spawn their MCP "
            + "servers.")
    static final class Stdio implements Callable<Integer> {
        @CommandLine.Mixin
        ConfigOption configOption = new ConfigOption();

        @Option(names = {"-s", "--server"}, required = true, description = "Name of the configured server.")
        String server;

        @Option(names = "--agent", description = "The agent identity policies, receipts and operators see "
                + "(default: agents.stdio in the config, else 'stdio').")
        String agent;

        @Override
        public Integer call() throws InterruptedException {
            AirlockConfig config;
            try {
                config = configOption.load();
            } catch (ConfigException e) {
                System.err.println("airlock: invalid config: " + e.getMessage());
                return 2;
            }
            if (agent != null && !io.airlock.proxy.agents.AgentTokenStore.AGENT_NAME.matcher(agent).matches()) {
                System.err.println("airlock: --agent '" + agent + "' is not a valid agent name (letters, digits, "
                        + "'_', '.', '@', '-')");
                return 2;
            }
            if (!config.servers().containsKey(server)) {
                System.err.println("airlock: unknown server '" + server + "'; configured servers: "
                        + config.servers().keySet() + " (in " + config.source() + ")");
                return 2;
            }
            try (Gateway gateway = new Gateway(config)) {
                try {
                    gateway.startAdmin(config.port());
                } catch (ConfigException e) {
                    // Several agents may each spawn an 'airlock stdio'; only one can own the admin port.
                    System.err.println("airlock: " + e.getMessage() + "; calls that need approval will be refused "
                            + "(run 'airlock serve' and point agents at it over HTTP to approve calls)");
                    gateway.held().stopAccepting("the admin API of this 'airlock stdio' could not start, so "
                            + "nobody can approve it");
                }
                String who = agent != null ? agent : config.agents().stdioAgent();
                return new StdioFront(gateway, server, who).run(System.in, System.out);
            } catch (ConfigException e) {
                System.err.println("airlock: invalid config: " + e.getMessage());
                return 2;
            }
        }
    }

    @Command(name = "demo", description = "Run Airlock on the embedded default: the built-in workbench server "
            + "over a temporary workspace, and print how to connect agents to it.")
    static final class Demo implements Callable<Integer> {
        @Option(names = "--listen", description = "host:port to listen on (default: 127.0.0.1:8787).")
        String listen;

        @Override
        public Integer call() throws Exception {
            AirlockConfig config;
            try {
                config = withListen(ConfigLoader.embeddedDefault(), listen);
            } catch (ConfigException e) {
                System.err.println("airlock: " + e.getMessage());
                return 2;
            }
            try (Gateway gateway = new Gateway(config)) {
                InetSocketAddress bound = gateway.startHttp();
                ServerConfig workbench = config.servers().get("workbench");
                Path workspace = gateway.upstreams().workspace("workbench",
                        (ServerConfig.Workbench) workbench.transport());
                printDemo(System.out, bound, workspace);
                printAgents(System.out, gateway);
                printAdmin(System.out, config, gateway.startAdmin(bound.getPort()));
                awaitShutdown(gateway);
            } catch (ConfigException e) {
                System.err.println("airlock: " + e.getMessage());
                return 2;
            }
            return 0;
        }
    }

    @Command(name = "check-config", description = "Validate a config file and print what it defines.")
    static final class CheckConfig implements Callable<Integer> {
        @CommandLine.Mixin
        ConfigOption configOption = new ConfigOption();

        @Override
        public Integer call() {
            try {
                AirlockConfig config = configOption.load();
                System.out.println(config.source() + ": OK, listen " + config.host() + ":" + config.port());
                config.servers().values().forEach(s -> System.out.println("  " + s.name() + ": " + s.transport()));
                return 0;
            } catch (ConfigException e) {
                System.err.println("airlock: invalid config: " + e.getMessage());
                return 2;
            }
        }
    }

    static AirlockConfig withListen(AirlockConfig config, String listen) throws ConfigException {
        if (listen == null) {
            return config;
        }
        int colon = listen.lastIndexOf(':');
        if (colon <= 0) {
            throw new ConfigException("--listen: '" + listen + "' (expected: host:port)");
        }
        try {
            int port = Integer.parseInt(listen.substring(colon + 1));
            return config.withListen(listen.substring(0, colon), port);
        } catch (NumberFormatException e) {
            throw new ConfigException("--listen: port '" + listen.substring(colon + 1) + "' is not a number");
        }
    }

    private static void printAdmin(PrintStream out, AirlockConfig config, InetSocketAddress admin) {
        if (admin == null) {
            out.println("Admin API off (admin.listen: off): calls that need approval are refused.");
        } else {
            out.println("Admin API for operators on http://" + hostPort(admin) + " (token: "
                    + config.operator().tokenFile() + "); approve held calls with: airlock tui");
        }
    }

    /** Whether agents need a token here: the first thing to check when a client gets 401. */
    private static void printAgents(PrintStream out, Gateway gateway) {
        if (gateway.agents().tokensRequired()) {
            out.println("Agent tokens are required (" + gateway.agents().file() + "): agents send Authorization: "
                    + "Bearer <token> (airlock token create --agent NAME; airlock connect CLIENT --server NAME).");
        } else {
            out.println("No agent token exists yet, so agents connect without one (as 'anonymous'); the first "
                    + "'airlock token create' turns tokens on (agents.requireToken).");
        }
    }

    private static void printEndpoints(PrintStream out, AirlockConfig config, InetSocketAddress bound) {
        out.println("Airlock listening on http://" + hostPort(bound) + " (config: " + config.source() + ")");
        for (String name : config.servers().keySet()) {
            out.println("  " + name + ": http://" + hostPort(bound) + "/mcp/" + name + "   (legacy SSE: /sse/"
                    + name + ")");
        }
    }

    private static void printDemo(PrintStream out, InetSocketAddress bound, Path workspace) {
        String url = "http://" + hostPort(bound) + "/mcp/workbench";
        out.println("""
                Airlock is running in front of the built-in workbench server.
                  MCP endpoint (Streamable HTTP): %1$s
                  workspace:                      %2$s
                  tools: run_command, read_text_file, write_file, list_directory

                Connect an agent:
                  Claude Code:    claude mcp add --transport http airlock-workbench %1$s
                  Cursor:         add to ~/.cursor/mcp.json:
                                  {"mcpServers": {"airlock-workbench": {"url": "%1$s"}}}
                  MCP Inspector:  npx @modelcontextprotocol/inspector --cli %1$s --transport http --method tools/list
                  stdio agents:   ./airlock stdio --server workbench

                Every tools/call passes Airlock's gate (the built-in default policy; see the log on stderr):
                reads inside the workspace are allowed; edits and commands inside it run in the sandbox and are
                committed (where bubblewrap is installed); calls that need a person's approval wait until you
                decide them in `./airlock tui`, run in another terminal. Try:
                ./airlock explain '{"name":"run_command","arguments":{"command":"rm -rf ~"}}'. Ctrl-C stops.
                """.formatted(url, workspace));
        out.flush();
    }

    private static String hostPort(InetSocketAddress address) {
        String host = address.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    private static void awaitShutdown(Gateway gateway) throws InterruptedException {
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            gateway.close();
            stop.countDown();
        }, "airlock-shutdown"));
        stop.await();
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = AirlockCli.class.getPackage().getImplementationVersion();
            return new String[] {"airlock " + (version == null ? "dev" : version)};
        }
    }
}
