package io.airlock.proxy.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.airlock.proxy.agents.AgentTokenStore;
import io.airlock.proxy.config.AirlockConfig;
import io.airlock.proxy.config.ConfigException;
import io.airlock.proxy.onboard.ClientKind;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code airlock connect CLIENT --server NAME}: what to type or paste to add one Airlock-fronted server by hand. */
@Command(name = "connect", description = "Print the exact command or JSON that adds one Airlock-fronted server to "
        + "a client: claude, cursor, vscode or codex.")
public final class ConnectCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;


    private static final ObjectMapper JSON = new ObjectMapper();

    @CommandLine.Mixin
    AirlockCli.ConfigOption configOption = new AirlockCli.ConfigOption();

    @Parameters(index = "0", description = "claude, cursor, vscode or codex")
    String client;

    @Option(names = {"-s", "--server"}, required = true, description = "The configured server to connect.")
    String server;

    @Option(names = "--agent", description = "The agent name (default: the client's: claude-code, cursor, vscode, "
            + "codex).")
    String agent;

    @Option(names = "--new-token", description = "Create a token for the agent now and put it in the output "
            + "(otherwise a placeholder and the command that makes one).")
    boolean newToken;

    @Option(names = "--stdio", description = "The 'airlock stdio --server NAME' form instead of HTTP.")
    boolean stdio;

    @Override
    public Integer call() {
        java.io.PrintWriter out = spec.commandLine().getOut();
        AirlockConfig config;
        ClientKind kind;
        try {
            config = configOption.load();
            kind = ClientKind.of(client);
        } catch (ConfigException | IllegalArgumentException e) {
            spec.commandLine().getErr().println("airlock connect: " + e.getMessage());
            return 2;
        }
        if (!config.servers().containsKey(server)) {
            spec.commandLine().getErr().println("airlock connect: unknown server '" + server + "'; configured servers: "
                    + config.servers().keySet() + " (in " + config.source() + ")");
            return 2;
        }
        String who = agent != null ? agent : kind.agent();
        String host = config.host().equals("0.0.0.0") || config.host().equals("::") ? "127.0.0.1" : config.host();
        String url = "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + config.port() + "/mcp/"
                + server;
        String token = "<TOKEN>";
        if (newToken && !stdio) {
            try {
                AgentTokenStore.Created created = new AgentTokenStore(config.agents().tokenFile()).create(who);
                token = created.token();
                spec.commandLine().getErr().println("Created token " + created.entry().id() + " for agent '" + who + "' (stored "
                        + "hashed in " + config.agents().tokenFile() + "); it appears below only.");
            } catch (IOException | IllegalArgumentException e) {
                spec.commandLine().getErr().println("airlock connect: " + e.getMessage());
                return 2;
            }
        }
        String launcher = System.getenv().getOrDefault("AIRLOCK_LAUNCHER", "airlock");
        String[] stdioArgs = {"stdio", "--server", server, "--agent", who};
        if (stdio) {
            stdioForm(out, kind, launcher, stdioArgs);
        } else {
            if (!newToken) {
                out.println("# Replace <TOKEN> with a token made by: airlock token create --agent " + who);
            }
            httpForm(out, kind, url, token);
        }
        return 0;
    }

    private void httpForm(java.io.PrintWriter out, ClientKind kind, String url, String token) {
        ObjectNode entry = JSON.createObjectNode();
        switch (kind) {
            case CLAUDE -> {
                out.println("claude mcp add --transport http " + server + " " + url + " --header \"Authorization: "
                        + "Bearer " + token + "\"");
                out.println("# add --scope user to use it in every project, --scope project to share it in .mcp.json");
            }
            case CURSOR -> {
                entry.put("url", url).putObject("headers").put("Authorization", "Bearer " + token);
                out.println("# Add to ~/.cursor/mcp.json (or .cursor/mcp.json in a project), under \"mcpServers\":");
                out.println(pretty(wrap("mcpServers", entry)));
            }
            case VSCODE -> {
                entry.put("type", "http").put("url", url).putObject("headers").put("Authorization", "Bearer " + token);
                ObjectNode named = JSON.createObjectNode().put("name", server);
                named.setAll(entry);
                out.println("code --add-mcp '" + named + "'");
                out.println("# or add to .vscode/mcp.json, under \"servers\":");
                out.println(pretty(wrap("servers", entry)));
            }
            case CODEX -> {
                out.println("# Add to ~/.codex/config.toml:");
                out.println("[mcp_servers." + server + "]");
                out.println("url = \"" + url + "\"");
                out.println("http_headers = { Authorization = \"Bearer " + token + "\" }");
                out.println("# or keep the token in the environment:");
                out.println("#   export AIRLOCK_TOKEN='" + token + "'");
                out.println("#   codex mcp add " + server + " --url " + url + " --bearer-token-env-var AIRLOCK_TOKEN");
            }
        }
    }

    private void stdioForm(java.io.PrintWriter out, ClientKind kind, String launcher, String[] args) {
        ObjectNode entry = JSON.createObjectNode();
        switch (kind) {
            case CLAUDE -> out.println("claude mcp add " + server + " -- " + launcher + " " + String.join(" ", args));
            case CURSOR -> {
                entry.put("command", launcher);
                java.util.Arrays.stream(args).forEach(entry.putArray("args")::add);
                out.println("# Add to ~/.cursor/mcp.json (or .cursor/mcp.json in a project), under \"mcpServers\":");
                out.println(pretty(wrap("mcpServers", entry)));
            }
            case VSCODE -> {
                entry.put("type", "stdio").put("command", launcher);
                java.util.Arrays.stream(args).forEach(entry.putArray("args")::add);
                out.println("# Add to .vscode/mcp.json, under \"servers\":");
                out.println(pretty(wrap("servers", entry)));
            }
            case CODEX -> out.println("codex mcp add " + server + " -- " + launcher + " " + String.join(" ", args));
        }
        out.println("# Each stdio client starts its own Airlock; only the first can open the admin port for "
                + "approvals. Prefer the HTTP form with 'airlock serve'.");
    }

    private ObjectNode wrap(String key, ObjectNode entry) {
        ObjectNode root = JSON.createObjectNode();
        root.putObject(key).set(server, entry);
        return root;
    }

    private static String pretty(ObjectNode node) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
