package io.airlock.proxy.cli;

import io.airlock.proxy.agents.AgentTokenStore;
import io.airlock.proxy.config.ConfigException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code airlock token create|list|revoke}: the agents' bearer tokens for the HTTP front. */
@Command(name = "token", description = "Manage agent tokens: each agent presents its own bearer token to the HTTP "
        + "front; the store keeps only hashes.",
        subcommands = {TokenCommand.Create.class, TokenCommand.ListTokens.class, TokenCommand.Revoke.class})
public final class TokenCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }

    /** Where the store is: {@code --store}, else {@code agents.tokenFile} of the config, else the state dir. */
    static class StoreOption {
        @CommandLine.Mixin
        AirlockCli.ConfigOption configOption = new AirlockCli.ConfigOption();

        @Option(names = "--store", description = "Token store file (default: agents.tokenFile of the config, else "
                + "agent-tokens.json in $AIRLOCK_STATE_DIR or ~/.airlock).")
        Path store;

        AgentTokenStore open() throws ConfigException {
            return new AgentTokenStore(store != null ? store : configOption.load().agents().tokenFile());
        }
    }

    @Command(name = "create", description = "Create a token for an agent and print it once (stdout); only its hash "
            + "is stored.")
    static final class Create implements Callable<Integer> {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        StoreOption storeOption = new StoreOption();

        @Option(names = "--agent", required = true, description = "The agent's name, as policies match it.")
        String agent;

        @Override
        public Integer call() {
            try {
                AgentTokenStore store = storeOption.open();
                AgentTokenStore.Created created = store.create(agent);
                spec.commandLine().getErr().println("Created token " + created.entry().id() + " for agent '" + agent + "' in "
                        + store.file() + ". It is shown once; the HTTP front now requires a token from every agent "
                        + "(unless agents.requireToken says otherwise). Send it as: Authorization: Bearer <token>");
                spec.commandLine().getOut().println(created.token());
                return 0;
            } catch (IllegalArgumentException | ConfigException | IOException e) {
                spec.commandLine().getErr().println("airlock: " + e.getMessage());
                return 2;
            }
        }
    }

    @Command(name = "list", description = "List tokens: id, agent, created (never the tokens themselves).")
    static final class ListTokens implements Callable<Integer> {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        StoreOption storeOption = new StoreOption();

        @Option(names = "--agent", description = "Only this agent's tokens.")
        String agent;

        @Override
        public Integer call() {
            try {
                AgentTokenStore store = storeOption.open();
                List<AgentTokenStore.Entry> entries = store.list().stream()
                        .filter(e -> agent == null || e.agent().equals(agent)).toList();
                if (entries.isEmpty()) {
                    spec.commandLine().getErr().println("no agent tokens in " + store.file()
                            + (agent == null ? "" : " for agent '" + agent + "'"));
                }
                for (AgentTokenStore.Entry e : entries) {
                    spec.commandLine().getOut().printf("%s  %-24s  %s%n", e.id(), e.agent(), e.created());
                }
                return 0;
            } catch (ConfigException | IOException e) {
                spec.commandLine().getErr().println("airlock: " + e.getMessage());
                return 2;
            }
        }
    }

    @Command(name = "revoke", description = "Revoke an agent's tokens (all of them, or the one named by --id). A "
            + "running gateway refuses them within about a second.")
    static final class Revoke implements Callable<Integer> {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        StoreOption storeOption = new StoreOption();

        @Option(names = "--agent", description = "Revoke this agent's tokens.")
        String agent;

        @Option(names = "--id", description = "Revoke only the token with this id (see: airlock token list).")
        String id;

        @Override
        public Integer call() {
            if (agent == null && id == null) {
                spec.commandLine().getErr().println("airlock: give --agent NAME and/or --id ID");
                return 2;
            }
            try {
                AgentTokenStore store = storeOption.open();
                List<AgentTokenStore.Entry> revoked = store.revoke(agent, id);
                if (revoked.isEmpty()) {
                    spec.commandLine().getErr().println("airlock: no such token in " + store.file());
                    return 1;
                }
                revoked.forEach(e -> spec.commandLine().getOut().println("revoked " + e.id() + " (agent " + e.agent() + ")"));
                return 0;
            } catch (ConfigException | IOException e) {
                spec.commandLine().getErr().println("airlock: " + e.getMessage());
                return 2;
            }
        }
    }
}
