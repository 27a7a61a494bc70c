package io.airlock.policy.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.airlock.policy.tags.Capability;
import io.airlock.policy.tags.Scope;
import io.airlock.policy.tags.Tag;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class CatalogTest {

    private static final Catalog CATALOG = Catalog.builtIn();

    private static Set<String> labels(ToolSpec spec) {
        return spec.baseTags().stream().map(Tag::label).collect(Collectors.toSet());
    }

    private static Map<String, ArgRole> roles(ToolSpec spec) {
        return spec.args().stream().collect(Collectors.toMap(ArgSpec::pointer, ArgSpec::role));
    }

    private static ToolSpec tool(String kind, String name) {
        return CATALOG.tool(kind, name).orElseThrow(() -> new AssertionError(kind + "." + name + " not catalogued"));
    }

    @Test
    void builtInCatalogLoadsEveryKind() {
        assertThat(CATALOG.kinds().keySet()).containsExactly("shell", "workbench", "filesystem", "memory",
                "everything", "fetch", "git", "github", "postgres", "sequential-thinking", "desktop-commander",
                "mcp-server-commands", "mcp-shell-server");
        assertThat(Catalog.builtIn()).isSameAs(CATALOG);
    }

    @Test
    void everyKindHasToolsAndEveryToolIsNamedByItsKey() {
        for (ServerKind kind : CATALOG.kinds().values()) {
            assertThat(kind.tools()).as(kind.id()).isNotEmpty();
            kind.tools().forEach((name, spec) -> assertThat(spec.name()).isEqualTo(name));
        }
    }

    @Test
    void toolCountsPerKind() {
        Map<String, Integer> counts = CATALOG.kinds().values().stream()
                .collect(Collectors.toMap(ServerKind::id, k -> k.tools().size()));
        assertThat(counts).containsEntry("shell", 1).containsEntry("workbench", 4).containsEntry("filesystem", 14)
                .containsEntry("memory", 9).containsEntry("postgres", 1).containsEntry("sequential-thinking", 1)
                .containsEntry("mcp-server-commands", 3).containsEntry("mcp-shell-server", 13);
        assertThat(counts.get("github")).isGreaterThan(150);
        assertThat(counts.get("git")).isGreaterThanOrEqualTo(31);
    }

    @Test
    void sandboxableKindsHaveLocalEffectsOnly() {
        Set<String> sandboxable = CATALOG.kinds().values().stream().filter(ServerKind::sandboxable)
                .map(ServerKind::id).collect(Collectors.toSet());
        assertThat(sandboxable).containsExactlyInAnyOrder("shell", "workbench", "filesystem", "git",
                "desktop-commander", "mcp-server-commands", "mcp-shell-server");
    }

    @Test
    void filesystemListsTheReferenceServersTools() {
        assertThat(CATALOG.kind("filesystem").tools().keySet()).containsExactlyInAnyOrder("read_file",
                "read_text_file", "read_media_file", "read_multiple_files", "write_file", "edit_file",
                "create_directory", "list_directory", "list_directory_with_sizes", "directory_tree", "move_file",
                "search_files", "get_file_info", "list_allowed_directories");
        assertThat(roles(tool("filesystem", "move_file"))).containsExactlyInAnyOrderEntriesOf(Map.of(
                "/source", ArgRole.PATH_DELETE, "/destination", ArgRole.PATH_WRITE));
        assertThat(roles(tool("filesystem", "read_multiple_files"))).containsEntry("/paths/*", ArgRole.PATH_READ);
        assertThat(roles(tool("filesystem", "edit_file"))).containsEntry("/path", ArgRole.PATH_WRITE);
        ToolSpec allowed = tool("filesystem", "list_allowed_directories");
        assertThat(allowed.baseTags()).isEmpty();
        assertThat(allowed.args()).isEmpty();
    }

    @Test
    void workbenchMatchesTheDemoServer() {
        assertThat(CATALOG.kind("workbench").tools().keySet()).containsExactlyInAnyOrder("run_command",
                "read_text_file", "write_file", "list_directory");
        assertThat(roles(tool("workbench", "run_command"))).containsEntry("/command", ArgRole.SHELL_COMMAND);
        ArgSpec list = tool("workbench", "list_directory").args().getFirst();
        assertThat(list.absent()).isEqualTo(".");
    }

    @Test
    void shellServersCarryTheCommandRole() {
        assertThat(roles(tool("shell", "run_command"))).containsEntry("/command", ArgRole.SHELL_COMMAND);
        assertThat(roles(tool("mcp-server-commands", "run_command"))).containsExactlyInAnyOrderEntriesOf(Map.of(
                "/command", ArgRole.SHELL_COMMAND, "/workdir", ArgRole.CWD, "/stdin", ArgRole.STDIN));
        assertThat(roles(tool("mcp-server-commands", "run_process"))).containsEntry("/argv", ArgRole.ARGV);
        assertThat(roles(tool("desktop-commander", "start_process"))).containsEntry("/command",
                ArgRole.SHELL_COMMAND);
        assertThat(roles(tool("desktop-commander", "read_file"))).containsEntry("/path", ArgRole.PATH_OR_URL);
        assertThat(labels(tool("desktop-commander", "kill_process"))).containsExactly("system_disruption");
        assertThat(labels(tool("desktop-commander", "set_config_value"))).containsExactly("privilege");
        assertThat(roles(tool("mcp-shell-server", "shell_execute"))).containsEntry("/command",
                ArgRole.SHELL_COMMAND).containsEntry("/working_directory", ArgRole.CWD);
        assertThat(roles(tool("mcp-shell-server", "terminal_operate"))).containsEntry("/input",
                ArgRole.SHELL_COMMAND);
    }

    @Test
    void memoryWritesAreMemoryWriteAndReadsAreUntagged() {
        for (String write : List.of("create_entities", "create_relations", "add_observations", "delete_entities",
                "delete_observations", "delete_relations")) {
            assertThat(labels(tool("memory", write))).as(write).containsExactly("memory_write");
        }
        for (String read : List.of("read_graph", "search_nodes", "open_nodes")) {
            assertThat(tool("memory", read).baseTags()).as(read).isEmpty();
        }
    }

    @Test
    void everythingServerListsCurrentAndEarlierNames() {
        assertThat(CATALOG.kind("everything").tools()).containsKeys("echo", "get-sum", "get-env",
                "gzip-file-as-resource", "trigger-sampling-request", "simulate-research-query", "add", "printEnv",
                "longRunningOperation");
        assertThat(labels(tool("everything", "get-env"))).containsExactly("secret_resolve");
        assertThat(roles(tool("everything", "gzip-file-as-resource"))).containsEntry("/data", ArgRole.URL);
        assertThat(tool("everything", "echo").baseTags()).isEmpty();
    }

    @Test
    void fetchServersCarryTheUrlRole() {
        for (String name : List.of("fetch", "fetch_html", "fetch_json", "fetch_markdown", "fetch_txt",
                "fetch_readable", "imageFetch", "fetch_url")) {
            assertThat(roles(tool("fetch", name))).as(name).containsExactly(Map.entry("/url", ArgRole.URL));
        }
        assertThat(roles(tool("fetch", "fetch_urls"))).containsExactly(Map.entry("/urls/*", ArgRole.URL));
    }

    @Test
    void gitListsBothServersTools() {
        assertThat(CATALOG.kind("git").tools()).containsKeys("git_status", "git_diff_unstaged", "git_diff_staged",
                "git_diff", "git_commit", "git_add", "git_reset", "git_log", "git_create_branch", "git_checkout",
                "git_show", "git_branch", "git_push", "git_pull", "git_fetch", "git_clone", "git_clean",
                "git_set_working_dir", "git_worktree", "git_stash", "git_tag", "git_remote", "git_rebase");
        assertThat(roles(tool("git", "git_status"))).containsEntry("/repo_path", ArgRole.PATH_READ)
                .containsEntry("/path", ArgRole.PATH_READ);
        assertThat(roles(tool("git", "git_commit"))).containsEntry("/repo_path", ArgRole.PATH_WRITE);
        ToolSpec push = tool("git", "git_push");
        assertThat(labels(push)).containsExactlyInAnyOrder("vcs_remote_write", "network_egress:unknown");
        assertThat(roles(push)).containsEntry("/branch", ArgRole.GIT_REFSPEC)
                .containsEntry("/remoteBranch", ArgRole.GIT_REFSPEC).containsEntry("/force", ArgRole.FORCE_FLAG)
                .containsEntry("/forceWithLease", ArgRole.FORCE_FLAG);
        assertThat(push.when()).singleElement().satisfies(c -> {
            assertThat(c.pointer()).isEqualTo("/delete");
            assertThat(c.tags()).extracting(Tag::label).containsExactly("vcs_history_rewrite");
        });
        assertThat(roles(tool("git", "git_clone"))).containsEntry("/url", ArgRole.URL);
    }

    @Test
    void githubReadsAreInsideEgressAndWritesAreRemoteWrites() {
        for (String read : List.of("get_file_contents", "search_code", "list_issues", "get_me", "pull_request_read",
                "actions_list", "get_pull_request", "list_workflows")) {
            assertThat(labels(tool("github", read))).as(read).containsExactly("network_egress:inside");
        }
        for (String write : List.of("create_issue", "create_pull_request", "merge_pull_request", "push_files",
                "create_or_update_file", "issue_write", "add_issue_comment", "fork_repository", "update_issue")) {
            assertThat(labels(tool("github", write))).as(write).contains("network_egress:inside",
                    "vcs_remote_write");
        }
        assertThat(labels(tool("github", "delete_repository"))).contains("vcs_history_rewrite", "delete:outside");
        assertThat(labels(tool("github", "list_secret_scanning_alerts"))).contains("secret_resolve");
        assertThat(labels(tool("github", "run_workflow"))).contains("deploy");
        assertThat(roles(tool("github", "push_files"))).containsEntry("/branch", ArgRole.GIT_REFSPEC);
        ArgCondition visibility = tool("github", "create_repository").when().getFirst();
        assertThat(visibility.pointer()).isEqualTo("/private");
        assertThat(visibility.values()).containsExactly("false");
        assertThat(visibility.tags()).extracting(Tag::label).containsExactly("public_exposure");
    }

    @Test
    void postgresQueryIsTaggedByItsSql() {
        ToolSpec query = tool("postgres", "query");
        assertThat(query.baseTags()).isEmpty();
        assertThat(roles(query)).containsExactly(Map.entry("/sql", ArgRole.SQL));
        assertThat(tool("sequential-thinking", "sequentialthinking").baseTags()).isEmpty();
    }

    @Test
    void baseTagsCarryScopeAndCatalogEvidence() {
        Tag tag = tool("github", "get_me").baseTags().getFirst();
        assertThat(tag.capability()).isEqualTo(Capability.NETWORK_EGRESS);
        assertThat(tag.scope()).isEqualTo(Scope.INSIDE);
        assertThat(tag.evidence()).isEqualTo("catalog: github.get_me");
        Tag variant = tool("github", "create_gist").when().getFirst().tags().getFirst();
        assertThat(variant.evidence()).isEqualTo("catalog: github.create_gist with /public = true");
    }

    @Test
    void unknownKindsAndToolsAreEmptyOrNamed() {
        assertThat(CATALOG.tool("filesystem", "format_disk")).isEmpty();
        assertThat(CATALOG.tool("nope", "read_file")).isEmpty();
        assertThat(CATALOG.findKind("nope")).isEmpty();
        assertThatThrownBy(() -> CATALOG.kind("nope")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'nope'").hasMessageContaining("filesystem, memory");
    }

    // ---- recognition ---------------------------------------------------------------------------------------------

    static Stream<Arguments> commandLines() {
        return Stream.of(
                Arguments.of("npx -y @modelcontextprotocol/server-filesystem /tmp", "filesystem"),
                Arguments.of("npx -y @modelcontextprotocol/server-filesystem@2025.8.21 /home/me/project",
                        "filesystem"),
                Arguments.of("npx -y @modelcontextprotocol/server-filesystem /src/mcp-server-git", "filesystem"),
                Arguments.of("uvx mcp-server-git --repository .", "git"),
                Arguments.of("uvx mcp-server-git==0.6.2 --repository /repo", "git"),
                Arguments.of("python -m mcp_server_git --repository .", "git"),
                Arguments.of("docker run --rm -i --mount type=bind,src=/w,dst=/w mcp/git", "git"),
                Arguments.of("docker run -i --rm docker.io/mcp/fetch:latest", "fetch"),
                Arguments.of("npx -y @cyanheads/git-mcp-server", "git"),
                Arguments.of("docker run -i --rm -e GITHUB_PERSONAL_ACCESS_TOKEN ghcr.io/github/github-mcp-server",
                        "github"),
                Arguments.of("docker run -i --rm ghcr.io/github/github-mcp-server:v0.20.1 stdio", "github"),
                Arguments.of("/usr/local/bin/github-mcp-server stdio", "github"),
                Arguments.of("npx -y @modelcontextprotocol/server-github", "github"),
                Arguments.of("node /opt/mcp/node_modules/@wonderwhy-er/desktop-commander/dist/index.js",
                        "desktop-commander"),
                Arguments.of("node /home/me/desktop-commander/dist/index.js", "desktop-commander"),
                Arguments.of("npx -y @wonderwhy-er/desktop-commander@latest", "desktop-commander"),
                Arguments.of("npx mcp-server-commands", "mcp-server-commands"),
                Arguments.of("npx -y @mako10k/mcp-shell-server", "mcp-shell-server"),
                Arguments.of("npx -y @modelcontextprotocol/server-memory", "memory"),
                Arguments.of("node it-tests/node/node_modules/@modelcontextprotocol/server-everything/dist/index.js "
                        + "stdio", "everything"),
                Arguments.of("uvx mcp-server-fetch", "fetch"),
                Arguments.of("npx -y mcp-fetch-server", "fetch"),
                Arguments.of("npx -y fetcher-mcp", "fetch"),
                Arguments.of("npx -y @modelcontextprotocol/server-postgres postgresql://localhost/db", "postgres"),
                Arguments.of("npx -y @modelcontextprotocol/server-sequential-thinking", "sequential-thinking"),
                Arguments.of("C:\\Users\\me\\AppData\\Roaming\\npm\\node_modules\\@modelcontextprotocol"
                        + "\\server-filesystem\\dist\\index.js", "filesystem"),
                Arguments.of("java -cp airlock.jar io.airlock.workbench.WorkbenchServer", "workbench"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("commandLines")
    void recognisesKindsFromCommandLines(String commandLine, String kind) {
        List<String> argv = Arrays.asList(commandLine.split(" "));
        assertThat(CATALOG.recognise(argv)).map(ServerKind::id).contains(kind);
    }

    @ParameterizedTest
    @CsvSource({
            "npx -y some-other-mcp-server",
            "uvx mcp-shell-server",
            "python server.py --git",
            "node /srv/github/index.js",
            "npx -y @modelcontextprotocol/server-gitlab",
            "node /home/me/mcp/git/server.js",
            "python /srv/mcp/fetch/main.py"})
    void doesNotGuessUnknownServers(String commandLine) {
        assertThat(CATALOG.recognise(Arrays.asList(commandLine.split(" ")))).isEmpty();
    }

    @Test
    void recognisesFromASingleStringCommandLine() {
        assertThat(CATALOG.recognise(List.of("npx -y @modelcontextprotocol/server-filesystem /tmp")))
                .map(ServerKind::id).contains("filesystem");
        assertThat(CATALOG.recognise(List.of())).isEmpty();
        assertThat(CATALOG.recognise((List<String>) null)).isEmpty();
    }

    @Test
    void serverGithubIsNotMistakenForServerGit() {
        // substring matching would take "server-git" inside "server-github"
        assertThat(CATALOG.recognise(List.of("npx", "@modelcontextprotocol/server-github"))).map(ServerKind::id)
                .contains("github");
    }

    @Test
    void recognisesRemoteServersByUrl() {
        assertThat(CATALOG.recognise("https://api.githubcopilot.com/mcp/")).map(ServerKind::id).contains("github");
        assertThat(CATALOG.recognise("https://api.githubcopilot.com/mcp/x/repos")).map(ServerKind::id)
                .contains("github");
        assertThat(CATALOG.recognise("https://api.githubcopilot.com/mcpx")).isEmpty();
        assertThat(CATALOG.recognise("http://localhost:8080/mcp")).isEmpty();
        assertThat(CATALOG.recognise("not a url")).isEmpty();
        assertThat(CATALOG.recognise((String) null)).isEmpty();
    }

    // ---- validation ----------------------------------------------------------------------------------------------

    private static final String VALID = """
            kinds:
              demo:
                recognise: [demo-server]
                sandboxable: true
                tools:
                  read: [read_file:inside]
            """;

    @Test
    void aMinimalCatalogLoads() {
        Catalog c = Catalog.parse(VALID, "test.yaml");
        assertThat(c.kind("demo").recognisers()).containsExactly("demo-server");
        assertThat(labels(c.tool("demo", "read").orElseThrow())).containsExactly("read_file:inside");
    }

    static Stream<Arguments> brokenCatalogs() {
        return Stream.of(
                Arguments.of(VALID.replace("read_file:inside", "read_files"),
                        "kinds.demo.tools.read[0]: 'read_files' is not a capability"),
                Arguments.of(VALID.replace("read_file:inside", "read_file:nearby"),
                        "kinds.demo.tools.read[0]: 'nearby' is not a scope"),
                Arguments.of(VALID.replace("read: [read_file:inside]", "read: {args: {path: path_read}}"),
                        "kinds.demo.tools.read.args.path: 'path' (expected: a JSON pointer"),
                Arguments.of(VALID.replace("read: [read_file:inside]", "read: {args: {/a//b: path_read}}"),
                        "kinds.demo.tools.read.args./a//b: '/a//b' has an empty segment"),
                Arguments.of(VALID.replace("read: [read_file:inside]", "read: {args: {/path: path_reed}}"),
                        "kinds.demo.tools.read.args./path: 'path_reed' is not a role"),
                Arguments.of(VALID + "      read: [write_file]\n", "Duplicate field 'read'"),
                Arguments.of(VALID.replace("read: [read_file:inside]", "read: {tagz: [read_file]}"),
                        "kinds.demo.tools.read.tagz: unknown key"),
                Arguments.of(VALID.replace("    sandboxable: true\n", ""), "kinds.demo.sandboxable: expected true"),
                Arguments.of(VALID + "  other:\n    recognise: [demo-server]\n    sandboxable: false\n    tools:\n"
                        + "      x:\n", "kinds.other.recognise: 'demo-server' also recognises kind 'demo'"),
                Arguments.of(VALID.replace("read: [read_file:inside]",
                        "read: {when: [{at: /mode, is: hard}]}"), "kinds.demo.tools.read.when[0]: a condition needs"),
                Arguments.of(VALID.replace("read: [read_file:inside]",
                        "read: {when: [{at: mode, is: hard, tags: [delete]}]}"), "kinds.demo.tools.read.when[0].at"),
                Arguments.of(VALID.replace("demo:", "Demo_Kind:"), "kinds.Demo_Kind: kind id"),
                Arguments.of("kinds: {}\n", "kinds: expected a non-empty mapping"),
                Arguments.of(VALID.replace("tools:\n      read: [read_file:inside]\n", "tools: {}\n"),
                        "kinds.demo.tools: expected a non-empty mapping"));
    }

    @ParameterizedTest
    @MethodSource("brokenCatalogs")
    void invalidCatalogsFailNamingTheEntry(String yaml, String message) {
        assertThatThrownBy(() -> Catalog.parse(yaml, "test.yaml")).isInstanceOf(CatalogException.class)
                .hasMessageStartingWith("test.yaml: ").hasMessageContaining(message);
    }
}
