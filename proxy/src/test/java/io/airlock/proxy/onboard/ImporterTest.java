package io.airlock.proxy.onboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import io.airlock.proxy.agents.AgentAuth;
import io.airlock.proxy.agents.AgentTokenStore;
import io.airlock.proxy.config.AirlockConfig;
import io.airlock.proxy.config.ConfigLoader;
import io.airlock.proxy.config.ServerConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * airlock import against fixture configs of each client, written from each client's documented format: Claude Code
 * (~/.claude.json user and local scope, .mcp.json), Cursor (~/.cursor/mcp.json), VS Code (.vscode/mcp.json with
 * comments and inputs) and Codex (~/.codex/config.toml).
 */
class ImporterTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private Path home;
    private Path project;
    private Path yaml;
    private Path store;
    private Path backups;
    /** Every client file as it was before the test touched anything. */
    private final Map<Path, byte[]> originals = new LinkedHashMap<>();

    @BeforeEach
    void fixtures() throws Exception {
        home = dir.resolve("home");
        project = dir.resolve("work/project");
        yaml = project.resolve("airlock.yaml");
        store = dir.resolve("state/agent-tokens.json");
        backups = dir.resolve("state/import-backups");
        copy("home/claude.json", home.resolve(".claude.json"));
        copy("home/cursor/mcp.json", home.resolve(".cursor/mcp.json"));
        copy("home/codex/config.toml", home.resolve(".codex/config.toml"));
        copy("project/mcp.json", project.resolve(".mcp.json"));
        copy("project/vscode/mcp.json", project.resolve(".vscode/mcp.json"));
    }

    private void copy(String resource, Path to) throws Exception {
        String text = new String(ImporterTest.class.getResourceAsStream("/onboard/" + resource).readAllBytes(),
                StandardCharsets.UTF_8).replace("__PROJECT__", project.toAbsolutePath().toString());
        Files.createDirectories(to.getParent());
        Files.writeString(to, text);
        originals.put(to, Files.readAllBytes(to));
    }

    private Importer.Options options(boolean rewrite, boolean stdio) {
        return new Importer.Options(home, project, Arrays.asList(ClientKind.values()), yaml, rewrite, stdio,
                "/opt/airlock/airlock", store, backups);
    }

    private void assertClientFilesUnchanged() throws IOException {
        for (Map.Entry<Path, byte[]> e : originals.entrySet()) {
            assertThat(Files.readAllBytes(e.getKey())).as(e.getKey().toString()).isEqualTo(e.getValue());
        }
    }

    @Test
    void importReadsEveryClientIntoAValidAirlockYamlAndLeavesTheClientsAlone() throws Exception {
        Importer.Plan plan = Importer.plan(options(false, false));
        assertThat(Importer.commit(plan, FileTransaction.DISK)).isNotNull();
        assertClientFilesUnchanged();

        AirlockConfig config = ConfigLoader.load(yaml);
        assertThat(config.servers().keySet()).containsExactlyInAnyOrder("github", "memory", "postgres", "filesystem",
                "github-cursor", "brave", "fetch", "docs", "linear");
        // Local scope: only the imported project's servers, not another project's.
        assertThat(config.servers()).doesNotContainKey("other");
        assertThat(config.servers().get("github").transport()).isEqualTo(new ServerConfig.Http(
                java.net.URI.create("https://api.githubcopilot.com/mcp/"), false,
                Map.of("Authorization", "Bearer ghp_example_not_real")));
        assertThat(config.servers().get("github-cursor").transport()).isInstanceOfSatisfying(ServerConfig.Http.class,
                h -> assertThat(h.headers()).containsEntry("Authorization", "Bearer ghp_cursor_not_real"));
        assertThat(config.servers().get("docs").transport()).isInstanceOfSatisfying(ServerConfig.Stdio.class, s -> {
            assertThat(s.command()).containsExactly("npx", "-y", "mcp-server-docs");
            assertThat(s.env()).containsEntry("DOCS_TOKEN", "abc123");
        });
        assertThat(config.servers().get("linear").transport()).isInstanceOfSatisfying(ServerConfig.Http.class,
                h -> assertThat(h.headers()).containsEntry("X-Team", "eng"));
        // Catalog kinds are recognised from the command line or URL and written down.
        assertThat(config.servers().get("memory").kind()).isEqualTo("memory");
        assertThat(config.servers().get("filesystem").kind()).isEqualTo("filesystem");
        assertThat(config.servers().get("github").kind()).isEqualTo("github");
        // The same server in two clients is imported once.
        assertThat(plan.imported()).filteredOn(i -> i.airlockName().equals("memory")).hasSize(2)
                .extracting(Importer.Imported::added).containsExactlyInAnyOrder(true, false);
        assertThat(plan.warnings()).anyMatch(w -> w.contains("${input:brave-key}") && w.contains(".vscode/mcp.json"));
        assertThat(plan.tokens()).isEmpty();
        assertThat(store).doesNotExist();
    }

    @Test
    void rewritePointsEveryClientAtAirlockWithATokenAndKeepsEveryOtherKey() throws Exception {
        Importer.Plan plan = Importer.plan(options(true, false));
        String diff = plan.diff();
        assertThat(diff).contains("--- " + home.resolve(".claude.json")).contains("+++ " + home.resolve(".claude.json"))
                .contains("<new token for claude-code>");
        plan.tokens().values().forEach(token -> assertThat(diff).doesNotContain(token));
        Importer.commit(plan, FileTransaction.DISK);

        AgentAuth auth = AgentAuth.open(store, AgentAuth.Requirement.AUTO, 0);
        JsonNode claude = JSON.readTree(home.resolve(".claude.json").toFile());
        JsonNode github = claude.path("mcpServers").path("github");
        assertThat(github.path("type").asText()).isEqualTo("http");
        assertThat(github.path("url").asText()).isEqualTo("http://127.0.0.1:8787/mcp/github");
        assertThat(auth.check(github.path("headers").path("Authorization").asText()))
                .isEqualTo(new AgentAuth.Authenticated("claude-code"));
        JsonNode postgres = claude.path("projects").path(project.toAbsolutePath().toString()).path("mcpServers")
                .path("postgres");
        assertThat(postgres.path("url").asText()).isEqualTo("http://127.0.0.1:8787/mcp/postgres");
        // Unrelated keys are kept, in place.
        JsonNode before = JSON.readTree(originals.get(home.resolve(".claude.json")));
        assertThat(claude.path("numStartups")).isEqualTo(before.path("numStartups"));
        assertThat(claude.path("tipsHistory")).isEqualTo(before.path("tipsHistory"));
        assertThat(claude.path("projects").path("/some/other/project"))
                .isEqualTo(before.path("projects").path("/some/other/project"));
        assertThat(claude.path("projects").path(project.toAbsolutePath().toString()).path("lastCost").decimalValue())
                .isEqualByComparingTo("0.5");
        assertThat(fieldNames(claude)).isEqualTo(fieldNames(before));
        // Written the way Claude Code writes it: untouched lines stay byte for byte.
        String claudeText = Files.readString(home.resolve(".claude.json"));
        assertThat(claudeText).startsWith("{\n  \"numStartups\": 42,\n  \"theme\": \"dark\",")
                .contains("\"allowedTools\": [],").endsWith("}\n");

        JsonNode cursor = JSON.readTree(home.resolve(".cursor/mcp.json").toFile());
        assertThat(cursor.path("mcpServers").path("github").path("url").asText())
                .isEqualTo("http://127.0.0.1:8787/mcp/github-cursor");
        assertThat(cursor.path("mcpServers").path("github").has("type")).isFalse();
        assertThat(auth.check(cursor.path("mcpServers").path("memory").path("headers").path("Authorization")
                .asText())).isEqualTo(new AgentAuth.Authenticated("cursor"));

        // Project files are often committed: they name the token (each client's own syntax), never hold it.
        JsonNode filesystem = JSON.readTree(project.resolve(".mcp.json").toFile()).path("mcpServers")
                .path("filesystem");
        assertThat(filesystem.path("headers").path("Authorization").asText())
                .isEqualTo("Bearer ${AIRLOCK_TOKEN_CLAUDE_CODE}");
        JsonNode vscode = JSON.readTree(project.resolve(".vscode/mcp.json").toFile());
        JsonNode vscodeBefore = new com.fasterxml.jackson.databind.ObjectMapper()
                .enable(com.fasterxml.jackson.core.JsonParser.Feature.ALLOW_COMMENTS)
                .readTree(originals.get(project.resolve(".vscode/mcp.json")));
        assertThat(vscode.path("inputs").get(0)).isEqualTo(vscodeBefore.path("inputs").get(0));
        assertThat(vscode.path("inputs").get(1).path("id").asText()).isEqualTo("airlock-token");
        assertThat(vscode.path("inputs").get(1).path("password").asBoolean()).isTrue();
        assertThat(vscode.path("servers").path("brave").path("type").asText()).isEqualTo("http");
        assertThat(vscode.path("servers").path("fetch").path("headers").path("Authorization").asText())
                .isEqualTo("Bearer ${input:airlock-token}");
        assertThat(auth.check("Bearer " + plan.tokens().get("vscode")))
                .isEqualTo(new AgentAuth.Authenticated("vscode"));
        assertThat(plan.references()).containsOnlyKeys("claude-code", "vscode");
        assertThat(plan.references().get("claude-code")).anyMatch(r -> r.contains("AIRLOCK_TOKEN_CLAUDE_CODE"));
        assertThat(plan.warnings()).anyMatch(w -> w.contains("has comments"));
        String projectFiles = Files.readString(project.resolve(".mcp.json"))
                + Files.readString(project.resolve(".vscode/mcp.json"));
        plan.tokens().values().forEach(token -> assertThat(projectFiles).doesNotContain(token));

        String codex = Files.readString(home.resolve(".codex/config.toml"));
        // Every line outside the rewritten tables is kept byte for byte, comments included.
        assertThat(codex).startsWith("# Codex configuration\nmodel = \"o4-mini\"\napproval_policy = \"on-request\"\n")
                .contains("\n# A remote server\n").endsWith("\n[profiles.fast]\nmodel = \"gpt-5-mini\"\n")
                .doesNotContain("[mcp_servers.docs.env]").doesNotContain("abc123");
        JsonNode toml = new TomlMapper().readTree(codex);
        JsonNode docs = toml.path("mcp_servers").path("docs");
        assertThat(docs.path("url").asText()).isEqualTo("http://127.0.0.1:8787/mcp/docs");
        assertThat(docs.path("startup_timeout_sec").asInt()).isEqualTo(20);
        assertThat(docs.has("command")).isFalse();
        assertThat(auth.check(docs.path("http_headers").path("Authorization").asText()))
                .isEqualTo(new AgentAuth.Authenticated("codex"));
        assertThat(toml.path("mcp_servers").path("linear").path("enabled_tools").size()).isEqualTo(2);
        assertThat(toml.path("profiles").path("fast").path("model").asText()).isEqualTo("gpt-5-mini");

        // A second import finds everything already behind Airlock and changes nothing.
        Importer.Plan again = Importer.plan(options(true, false));
        assertThat(again.changesAnything()).isFalse();
        assertThat(again.alreadyAirlock()).hasSize(plan.imported().size());
        // Also after the listen address changed: entries carrying an Airlock token are never imported into Airlock.
        Files.writeString(yaml, Files.readString(yaml).replace("127.0.0.1:8787", "127.0.0.1:9999"));
        assertThat(Importer.plan(options(true, false)).changesAnything()).isFalse();
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void rewriteThenUndoGivesBackTheOriginalBytesAndRevokesTheTokens() throws Exception {
        Importer.Plan plan = Importer.plan(options(true, false));
        Path backup = Importer.commit(plan, FileTransaction.DISK);
        assertThat(backup).isDirectory();
        assertThat(Files.getPosixFilePermissions(backup)).isEqualTo(
                java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        assertThat(new AgentTokenStore(store).list()).hasSize(4);
        assertThat(yaml).exists();

        Importer.Undone undone = Importer.undo(backups, store, false, FileTransaction.DISK);
        assertClientFilesUnchanged();
        assertThat(yaml).doesNotExist();
        assertThat(undone.removed()).containsExactly(yaml.toAbsolutePath());
        assertThat(undone.revokedTokens()).hasSize(4);
        assertThat(new AgentTokenStore(store).list()).isEmpty();
        assertThatThrownBy(() -> Importer.undo(backups, store, false, FileTransaction.DISK))
                .isInstanceOf(ImportException.class).hasMessageContaining("no import to undo");
    }

    @Test
    void theStdioFormRunsAirlockStdioForEachServer() throws Exception {
        Importer.commit(Importer.plan(options(true, true)), FileTransaction.DISK);
        JsonNode memory = JSON.readTree(home.resolve(".cursor/mcp.json").toFile()).path("mcpServers").path("memory");
        assertThat(memory.path("command").asText()).isEqualTo("/opt/airlock/airlock");
        assertThat(memory.path("args")).extracting(JsonNode::asText).containsExactly("stdio", "--server", "memory",
                "--config", yaml.toAbsolutePath().toString(), "--agent", "cursor");
        assertThat(store).doesNotExist();
        assertThat(Importer.plan(options(true, true)).changesAnything()).isFalse();
    }

    @Test
    void undoRefusesToOverwriteAFileChangedSinceTheImportUnlessForced() throws Exception {
        Importer.commit(Importer.plan(options(true, false)), FileTransaction.DISK);
        Path cursor = home.resolve(".cursor/mcp.json");
        Files.writeString(cursor, "{\"mcpServers\": {}}\n");
        assertThatThrownBy(() -> Importer.undo(backups, store, false, FileTransaction.DISK))
                .isInstanceOf(ImportException.class).hasMessageContaining(cursor.toString())
                .hasMessageContaining("--force");
        assertThat(Files.readString(cursor)).isEqualTo("{\"mcpServers\": {}}\n");
        Importer.undo(backups, store, true, FileTransaction.DISK);
        assertClientFilesUnchanged();
    }

    @Test
    void aFailureMidRewriteLeavesEveryFileAsItWas() throws Exception {
        Files.writeString(yaml, """
                listen: 127.0.0.1:9000
                servers:
                  mine:
                    command: my-server
                """);
        byte[] yamlBefore = Files.readAllBytes(yaml);
        Importer.Plan plan = Importer.plan(options(true, false));
        assertThat(plan.baseUrl()).isEqualTo("http://127.0.0.1:9000");
        AtomicInteger writes = new AtomicInteger();
        FileTransaction.Io failing = new FileTransaction.Io() {
            @Override
            public void write(Path path, byte[] bytes) throws IOException {
                // Token store, airlock.yaml and two client files get written; the next one fails.
                if (writes.incrementAndGet() == 5) {
                    throw new IOException("disk full (simulated) writing " + path);
                }
                FileTransaction.DISK.write(path, bytes);
            }

            @Override
            public void delete(Path path) throws IOException {
                FileTransaction.DISK.delete(path);
            }
        };
        assertThatThrownBy(() -> Importer.commit(plan, failing)).isInstanceOf(ImportException.class)
                .hasMessageContaining("disk full").hasMessageContaining("put back as it was");
        assertThat(writes.get()).isEqualTo(5);
        assertClientFilesUnchanged();
        assertThat(Files.readAllBytes(yaml)).isEqualTo(yamlBefore);
        assertThat(store).doesNotExist();
        // No undoable backup set is left for an import that did not happen.
        assertThatThrownBy(() -> Importer.undo(backups, store, false, FileTransaction.DISK))
                .hasMessageContaining("no import to undo");
    }

    @Test
    void malformedJsonIsReportedWithFileAndLineAndNothingIsWritten() throws Exception {
        Path cursor = home.resolve(".cursor/mcp.json");
        Files.writeString(cursor, "{\n  \"mcpServers\": {\n    \"x\": {\"command\": \"a\",,}\n  }\n}\n");
        assertThatThrownBy(() -> Importer.plan(options(true, false))).isInstanceOf(ImportException.class)
                .hasMessageStartingWith(cursor + ":3:").hasMessageContaining("not valid JSON");
        assertThat(yaml).doesNotExist();
        assertThat(backups).doesNotExist();
    }

    @Test
    void anEntryAirlockCannotUnderstandIsReportedWithFileAndLine() throws Exception {
        Path mcp = project.resolve(".mcp.json");
        Files.writeString(mcp, """
                {
                  "mcpServers": {
                    "ok": {"command": "x"},
                    "broken": {
                      "type": "stdio"
                    }
                  }
                }
                """);
        assertThatThrownBy(() -> Importer.plan(options(false, false))).isInstanceOf(ImportException.class)
                .hasMessageStartingWith(mcp + ":4: /mcpServers/broken").hasMessageContaining("neither 'command'");
        Files.writeString(mcp, "{\"mcpServers\": {\"ws\": {\"type\": \"websocket\", \"url\": \"ws://x\"}}}");
        assertThatThrownBy(() -> Importer.plan(options(false, false))).hasMessageStartingWith(mcp + ":1:")
                .hasMessageContaining("unknown type 'websocket'");
        Files.writeString(mcp, "[1, 2]");
        assertThatThrownBy(() -> Importer.plan(options(false, false))).hasMessageStartingWith(mcp + ":1:")
                .hasMessageContaining("expected a JSON object");
    }

    @Test
    void malformedTomlIsReportedWithFileAndLine() throws Exception {
        Path codex = home.resolve(".codex/config.toml");
        Files.writeString(codex, "model = \"x\"\n\n[mcp_servers.a]\ncommand = \n");
        assertThatThrownBy(() -> Importer.plan(options(false, false))).isInstanceOf(ImportException.class)
                .hasMessageStartingWith(codex + ":4:").hasMessageContaining("not valid TOML");
    }

    @Test
    void aCodexServerWrittenAsAnInlineTableIsImportedButNotRewritten() throws Exception {
        Path codex = home.resolve(".codex/config.toml");
        Files.writeString(codex, "mcp_servers = { inline = { command = \"npx\", args = [\"srv\"] } }\n");
        Importer.Plan plain = Importer.plan(options(false, false));
        assertThat(plain.imported()).anyMatch(i -> i.airlockName().equals("inline"));
        assertThatThrownBy(() -> Importer.plan(options(true, false))).isInstanceOf(ImportException.class)
                .hasMessageStartingWith(codex + ":1:").hasMessageContaining("not written as its own");
        assertThat(yaml).doesNotExist();
    }
}
