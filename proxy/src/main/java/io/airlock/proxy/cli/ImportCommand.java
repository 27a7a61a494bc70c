package io.airlock.proxy.cli;

import io.airlock.proxy.config.AirlockConfig;
import io.airlock.proxy.config.ConfigException;
import io.airlock.proxy.config.ConfigLoader;
import io.airlock.proxy.onboard.ClientKind;
import io.airlock.proxy.onboard.ClientServer;
import io.airlock.proxy.onboard.FileTransaction;
import io.airlock.proxy.onboard.ImportException;
import io.airlock.proxy.onboard.Importer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code airlock import}: the clients' MCP servers into airlock.yaml; {@code --rewrite} points the clients at it. */
@Command(name = "import", description = {
        "Read the MCP servers of Claude Code, Cursor, VS Code and Codex and add them to airlock.yaml.",
        "With --rewrite, also point each client's servers at Airlock (HTTP with a per-client agent token; --stdio for "
                + "'airlock stdio'), after printing a diff; the originals are backed up and --undo restores them."})
public final class ImportCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;


    @Option(names = {"-c", "--config"}, description = "The airlock.yaml to add servers to (default: ./airlock.yaml; "
            + "created if missing).")
    Path config = Path.of("airlock.yaml");

    @Option(names = "--client", split = ",", description = "Which clients (default: all): claude, cursor, vscode, "
            + "codex.")
    List<String> clients;

    @Option(names = "--home", description = "Where the user-level client files are (default: your home).")
    Path home = Path.of(System.getProperty("user.home"));

    @Option(names = "--project", description = "The project whose .mcp.json, .cursor/ and .vscode/ are read "
            + "(default: the current directory).")
    Path project = Path.of("");

    @Option(names = "--rewrite", description = "Also rewrite the client configs to go through Airlock.")
    boolean rewrite;

    @Option(names = "--stdio", description = "With --rewrite: 'airlock stdio --server NAME' entries instead of the "
            + "HTTP URL (each client then spawns its own Airlock; approvals need one admin port, so HTTP is the "
            + "default).")
    boolean stdio;

    @Option(names = "--airlock-command", description = "The command the --stdio form runs (default: this "
            + "launcher, else 'airlock' on PATH).")
    String airlockCommand;

    @Option(names = "--dry-run", description = "Print what would change (a unified diff) and change nothing.")
    boolean dryRun;

    @Option(names = {"-y", "--yes"}, description = "Do not ask before writing (asked only on a terminal).")
    boolean yes;

    @Option(names = "--undo", description = "Restore the files the latest import changed, and revoke its tokens.")
    boolean undo;

    @Option(names = "--force", description = "With --undo: restore even files changed since the import.")
    boolean force;

    @Option(names = "--store", description = "Agent token store (default: agents.tokenFile of the config, else "
            + "agent-tokens.json in the state dir).")
    Path store;

    @Option(names = "--backups", description = "Where backup sets go (default: import-backups in the state dir).")
    Path backups;

    @Override
    public Integer call() {
        java.io.PrintWriter out = spec.commandLine().getOut();
        java.io.PrintWriter err = spec.commandLine().getErr();
        Path backupDir = backups != null ? backups : AirlockConfig.OperatorSettings.stateDir().resolve(
                "import-backups");
        Path tokenStore;
        try {
            tokenStore = tokenStore();
        } catch (ConfigException e) {
            err.println("airlock import: " + e.getMessage());
            return 2;
        }
        try {
            if (undo) {
                Importer.Undone undone = Importer.undo(backupDir, tokenStore, force, FileTransaction.DISK);
                undone.restored().forEach(p -> out.println("restored " + p));
                undone.removed().forEach(p -> out.println("removed " + p + " (the import created it)"));
                undone.revokedTokens().forEach(t -> out.println("revoked token " + t));
                out.println("undone: " + undone.backup());
                return 0;
            }
            List<ClientKind> kinds = clients == null ? Arrays.asList(ClientKind.values())
                    : clients.stream().map(ClientKind::of).toList();
            Importer.Plan plan = Importer.plan(new Importer.Options(home.toAbsolutePath(), project.toAbsolutePath(),
                    kinds, config, rewrite, stdio, airlockCommand(), tokenStore, backupDir));
            summarise(plan, out);
            if (!plan.changesAnything()) {
                out.println("Nothing to change.");
                return 0;
            }
            out.print(plan.diff());
            out.flush(); // the diff must be on screen before the question
            if (dryRun) {
                out.println("(dry run: nothing was written)");
                return 0;
            }
            if (!yes && System.console() != null && System.console().isTerminal()) {
                String answer = System.console().readLine("Apply these changes? [y/N] ");
                if (answer == null || !answer.strip().toLowerCase(java.util.Locale.ROOT).startsWith("y")) {
                    out.println("Nothing was written.");
                    return 1;
                }
            }
            Path backup = Importer.commit(plan, FileTransaction.DISK);
            out.println("Written. Originals backed up in " + backup + " (undo: airlock import --undo).");
            if (!plan.tokens().isEmpty()) {
                out.println("Created agent tokens for " + plan.tokens().keySet() + " (stored hashed in " + tokenStore
                        + "); the HTTP front now requires a token from every agent.");
            }
            plan.references().forEach((agent, refs) -> {
                String token = plan.tokens().get(agent);
                for (String ref : refs) {
                    out.println("Project files name the " + agent + " token instead of holding it (they are often "
                            + "committed): set " + ref + " to:");
                    out.println("  " + token);
                }
            });
            if (!plan.references().isEmpty()) {
                out.println("(These tokens are shown only now; e.g. export AIRLOCK_TOKEN_CLAUDE_CODE='alk_...' in your "
                        + "shell profile. Lost one? Make another with: airlock token create --agent NAME)");
            }
            if (rewrite) {
                out.println("Next: airlock serve -c " + config + "   (restart the clients so they reconnect)");
            } else {
                out.println("Next: airlock serve -c " + config + ", then point the clients at it (airlock import "
                        + "--rewrite, or airlock connect CLIENT --server NAME)");
            }
            return 0;
        } catch (IllegalArgumentException e) {
            err.println("airlock import: " + e.getMessage());
            return 2;
        } catch (ImportException e) {
            err.println("airlock import: " + e.getMessage());
            return 1;
        }
    }

    private Path tokenStore() throws ConfigException {
        if (store != null) {
            return store;
        }
        if (Files.isRegularFile(config)) {
            return ConfigLoader.load(config).agents().tokenFile();
        }
        return AirlockConfig.AgentSettings.defaults().tokenFile();
    }

    private String airlockCommand() {
        if (airlockCommand != null) {
            return airlockCommand;
        }
        String launcher = System.getenv("AIRLOCK_LAUNCHER");
        return launcher != null && !launcher.isBlank() ? launcher : "airlock";
    }

    private static void summarise(Importer.Plan plan, java.io.PrintWriter out) {
        if (plan.imported().isEmpty() && plan.alreadyAirlock().isEmpty()) {
            out.println("No MCP servers found in the client configs.");
        }
        for (Importer.Imported i : plan.imported()) {
            ClientServer s = i.source();
            out.println((i.added() ? "import  " : "same as ") + i.airlockName() + "  <- " + s.client().title() + " "
                    + s.where() + (i.kind() != null ? "  [kind: " + i.kind() + "]" : ""));
        }
        for (ClientServer s : plan.alreadyAirlock()) {
            out.println("skip    " + s.where() + " (already goes through Airlock)");
        }
        plan.warnings().forEach(w -> out.println("warning: " + w));
    }
}
