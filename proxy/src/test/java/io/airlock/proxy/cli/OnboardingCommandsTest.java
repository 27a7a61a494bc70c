package io.airlock.proxy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.airlock.proxy.agents.AgentAuth;
import io.airlock.proxy.agents.AgentTokenStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** airlock token, import and connect as a person runs them. */
class OnboardingCommandsTest {

    @TempDir
    Path dir;
    private StringWriter out = new StringWriter();
    private StringWriter err = new StringWriter();

    private int run(String... args) {
        out = new StringWriter();
        err = new StringWriter();
        CommandLine cli = new CommandLine(new AirlockCli());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void tokensAreShownOnceAndStoredOnlyAsHashesInAnOwnerOnlyFile() throws Exception {
        Path store = dir.resolve("state/agent-tokens.json");
        assertThat(run("token", "create", "--store", store.toString(), "--agent", "ci-bot")).isZero();
        String token = out.toString().strip();
        assertThat(token).startsWith("alk_").hasSizeGreaterThan(40);
        String file = Files.readString(store);
        assertThat(file).doesNotContain(token).contains("ci-bot");
        assertThat(Files.getPosixFilePermissions(store)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        try (AgentAuth auth = AgentAuth.open(store, AgentAuth.Requirement.AUTO, 0)) {
            assertThat(auth.check("Bearer " + token)).isEqualTo(new AgentAuth.Authenticated("ci-bot"));
            assertThat(auth.check("bearer " + token)).isEqualTo(new AgentAuth.Authenticated("ci-bot"));
            assertThat(auth.check("Bearer " + token + "x")).isInstanceOf(AgentAuth.Refused.class);
            assertThat(auth.check(null)).isInstanceOf(AgentAuth.Refused.class);
        }

        assertThat(run("token", "list", "--store", store.toString())).isZero();
        assertThat(out.toString()).contains("ci-bot").doesNotContain(token);
        assertThat(run("token", "create", "--store", store.toString(), "--agent", "bad name")).isEqualTo(2);
        assertThat(run("token", "revoke", "--store", store.toString(), "--agent", "ci-bot")).isZero();
        assertThat(run("token", "revoke", "--store", store.toString(), "--agent", "ci-bot")).isEqualTo(1);
        try (AgentAuth auth = AgentAuth.open(store, AgentAuth.Requirement.AUTO, 0)) {
            assertThat(auth.check("Bearer " + token)).isInstanceOf(AgentAuth.Refused.class);
            // An emptied store: tokens no longer required in the default (auto) mode; always required on request.
            assertThat(auth.tokensRequired()).isFalse();
        }
        try (AgentAuth auth = AgentAuth.open(store, AgentAuth.Requirement.ALWAYS, 0)) {
            assertThat(auth.check(null)).isInstanceOf(AgentAuth.Refused.class);
        }
    }

    @Test
    void anUnreadableTokenStoreRefusesEveryAgent() throws Exception {
        Path store = dir.resolve("agent-tokens.json");
        Files.writeString(store, "{ not json");
        try (AgentAuth auth = AgentAuth.open(store, AgentAuth.Requirement.NEVER, 0)) {
            assertThat(auth.tokensRequired()).isTrue();
            assertThat(auth.check(null)).isInstanceOf(AgentAuth.Refused.class);
            assertThat(auth.check("Bearer alk_x")).isInstanceOf(AgentAuth.Refused.class);
        }
    }

    @Test
    void importDryRunPrintsTheDiffAndWritesNothing() throws Exception {
        Path home = dir.resolve("home");
        Path project = dir.resolve("project");
        Files.createDirectories(home);
        Files.createDirectories(project);
        Files.writeString(home.resolve(".claude.json"), """
                {
                  "mcpServers": {
                    "memory": {
                      "type": "stdio",
                      "command": "npx",
                      "args": [
                        "-y",
                        "@modelcontextprotocol/server-memory"
                      ]
                    }
                  }
                }
                """);
        String before = Files.readString(home.resolve(".claude.json"));
        int code = run("import", "--home", home.toString(), "--project", project.toString(), "-c",
                project.resolve("airlock.yaml").toString(), "--store", dir.resolve("tokens.json").toString(),
                "--backups", dir.resolve("backups").toString(), "--rewrite", "--dry-run");
        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("import  memory").contains("[kind: memory]")
                .contains("+++ " + project.resolve("airlock.yaml").toAbsolutePath())
                .contains("-      \"type\": \"stdio\",")
                .contains("+        \"Authorization\": \"Bearer <new token for claude-code>\"")
                .contains("dry run: nothing was written");
        assertThat(Files.readString(home.resolve(".claude.json"))).isEqualTo(before);
        assertThat(project.resolve("airlock.yaml")).doesNotExist();
        assertThat(dir.resolve("tokens.json")).doesNotExist();

        Files.writeString(home.resolve(".claude.json"), "{\n  \"mcpServers\": [}\n");
        assertThat(run("import", "--home", home.toString(), "--project", project.toString(), "-c",
                project.resolve("airlock.yaml").toString(), "--store", dir.resolve("tokens.json").toString()))
                .isEqualTo(1);
        assertThat(err.toString()).contains(home.resolve(".claude.json") + ":2:").contains("not valid JSON");
    }

    @Test
    void connectPrintsEachClientsFormat() throws Exception {
        Path yaml = Files.writeString(dir.resolve("airlock.yaml"), """
                listen: 127.0.0.1:8790
                servers:
                  files:
                    command: /bin/true
                agents: {tokenFile: %s}
                """.formatted(dir.resolve("tokens.json")));
        assertThat(run("connect", "claude", "--server", "files", "-c", yaml.toString())).isZero();
        assertThat(out.toString()).contains("claude mcp add --transport http files http://127.0.0.1:8790/mcp/files "
                + "--header \"Authorization: Bearer <TOKEN>\"").contains("airlock token create --agent claude-code");

        assertThat(run("connect", "cursor", "--server", "files", "-c", yaml.toString(), "--new-token")).isZero();
        Matcher m = Pattern.compile("Bearer (alk_[A-Za-z0-9_-]+)").matcher(out.toString());
        assertThat(m.find()).isTrue();
        assertThat(out.toString()).contains("\"mcpServers\"").contains("\"url\" : \"http://127.0.0.1:8790/mcp/files\"");
        try (AgentAuth auth = AgentAuth.open(dir.resolve("tokens.json"), AgentAuth.Requirement.AUTO, 0)) {
            assertThat(auth.check("Bearer " + m.group(1))).isEqualTo(new AgentAuth.Authenticated("cursor"));
        }
        assertThat(new AgentTokenStore(dir.resolve("tokens.json")).list()).hasSize(1);

        assertThat(run("connect", "vscode", "--server", "files", "-c", yaml.toString())).isZero();
        assertThat(out.toString()).contains("code --add-mcp '{\"name\":\"files\",\"type\":\"http\"")
                .contains("\"servers\"");
        assertThat(run("connect", "codex", "--server", "files", "-c", yaml.toString())).isZero();
        assertThat(out.toString()).contains("[mcp_servers.files]").contains("url = \"http://127.0.0.1:8790/mcp/files\"")
                .contains("--bearer-token-env-var AIRLOCK_TOKEN");
        assertThat(run("connect", "claude", "--server", "files", "-c", yaml.toString(), "--stdio")).isZero();
        assertThat(out.toString()).contains("claude mcp add files -- ").contains("stdio --server files --agent "
                + "claude-code");
        assertThat(run("connect", "emacs", "--server", "files", "-c", yaml.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("unknown client 'emacs'");
        assertThat(run("connect", "claude", "--server", "nope", "-c", yaml.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("unknown server 'nope'");
    }
}
