package io.airlock.workbench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starts the workbench as a real child process and drives it with the MCP Java SDK's stdio client. */
class WorkbenchServerTest {

    @TempDir
    static Path tmp;

    static Path workspace;
    static Path outside;
    static McpSyncClient client;

    @BeforeAll
    static void startServer() throws IOException {
        workspace = tmp.resolve("ws"); // does not exist yet: the server must create it
        outside = Files.createDirectories(tmp.resolve("outside"));

        List<String> cmd = WorkbenchServer.command(workspace);
        ServerParameters params = ServerParameters.builder(cmd.getFirst()).args(cmd.subList(1, cmd.size())).build();
        StdioClientTransport transport = new StdioClientTransport(params, McpJsonDefaults.getMapper());
        transport.setStdErrorHandler(line -> System.err.println("[workbench] " + line));
        client = McpClient.sync(transport)
                .requestTimeout(Duration.ofSeconds(20))
                .initializationTimeout(Duration.ofSeconds(20))
                .build();
        client.initialize();
    }

    @AfterAll
    static void stopServer() {
        if (client != null) {
            client.closeGracefully();
        }
    }

    @Test
    void initializeReportsServerInfoAndCreatesWorkspace() {
        assertThat(client.getServerInfo().name()).isEqualTo("airlock-workbench");
        assertThat(client.getServerInfo().version()).isNotBlank();
        // The 2.1.0 client asks for its newest version and the stdio server transport accepts it.
        assertThat(client.getCurrentInitializationResult().protocolVersion()).isEqualTo("2025-11-25");
        assertThat(client.getServerCapabilities().tools()).isNotNull();
        assertThat(workspace).isDirectory();
    }

    @Test
    void listsTheFourToolsWithAnnotations() {
        Map<String, Tool> tools = client.listTools().tools().stream()
                .collect(Collectors.toMap(Tool::name, Function.identity()));
        assertThat(tools).containsOnlyKeys("run_command", "read_text_file", "write_file", "list_directory");

        for (Tool t : tools.values()) {
            assertThat(t.description()).as(t.name()).isNotBlank();
            assertThat(t.inputSchema()).as(t.name()).containsEntry("type", "object").containsKey("properties");
            assertThat(t.annotations()).as(t.name()).isNotNull();
            assertThat(t.annotations().openWorldHint()).as(t.name()).isFalse();
        }
        assertThat(tools.get("read_text_file").annotations().readOnlyHint()).isTrue();
        assertThat(tools.get("list_directory").annotations().readOnlyHint()).isTrue();
        assertThat(tools.get("run_command").annotations().destructiveHint()).isTrue();
        assertThat(tools.get("run_command").annotations().readOnlyHint()).isFalse();
        assertThat(tools.get("write_file").annotations().destructiveHint()).isTrue();
        assertThat(tools.get("write_file").annotations().readOnlyHint()).isFalse();
        assertThat(tools.get("run_command").inputSchema().get("required")).isEqualTo(List.of("command"));
    }

    @Test
    void writeThenReadRoundTripsAndListShowsTheFile() throws IOException {
        String content = "héllo wörld ✓\nsecond line\n";
        CallToolResult written = call("write_file", Map.of("path", "docs/notes.txt", "content", content));
        assertThat(written.isError()).as(text(written)).isFalse();
        assertThat(workspace.resolve("docs/notes.txt")).hasContent(content);
        assertThat(Files.readString(workspace.resolve("docs/notes.txt"), StandardCharsets.UTF_8)).isEqualTo(content);

        CallToolResult read = call("read_text_file", Map.of("path", "docs/notes.txt"));
        assertThat(read.isError()).as(text(read)).isFalse();
        assertThat(text(read)).isEqualTo(content);

        CallToolResult overwritten = call("write_file", Map.of("path", "docs/notes.txt", "content", "v2"));
        assertThat(overwritten.isError()).isFalse();
        assertThat(text(call("read_text_file", Map.of("path", "./docs/../docs/notes.txt")))).isEqualTo("v2");

        CallToolResult listing = call("list_directory", Map.of("path", "docs"));
        assertThat(listing.isError()).as(text(listing)).isFalse();
        assertThat(text(listing).lines()).containsExactly("[FILE] notes.txt");
        // no temp files left behind by the atomic write
        try (var s = Files.list(workspace.resolve("docs"))) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("notes.txt");
        }

        CallToolResult root = call("list_directory", Map.of());
        assertThat(root.isError()).isFalse();
        assertThat(text(root).lines()).contains("[DIR] docs");
    }

    @Test
    void runCommandReturnsOutputAndExitCode() {
        CallToolResult r = call("run_command", Map.of("command", "echo hi"));
        assertThat(r.isError()).as(text(r)).isFalse();
        assertThat(text(r).lines()).contains("hi", "exit code: 0");
    }

    @Test
    void runCommandRunsInTheWorkspaceWithStdinClosed() throws IOException {
        CallToolResult r = call("run_command", Map.of("command", "pwd; cat; echo done >&2"));
        assertThat(r.isError()).as(text(r)).isFalse();
        assertThat(text(r).lines()).contains(workspace.toRealPath().toString(), "done", "exit code: 0");
    }

    @Test
    void nonZeroExitIsAnError() {
        CallToolResult r = call("run_command", Map.of("command", "exit 3"));
        assertThat(r.isError()).isTrue();
        assertThat(text(r)).contains("exit code: 3");
    }

    @Test
    void timeoutKillsTheCommand() {
        long start = System.nanoTime();
        CallToolResult r = call("run_command", Map.of("command", "echo started; sleep 60", "timeout_seconds", 1));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        assertThat(r.isError()).isTrue();
        assertThat(text(r)).contains("timed out").contains("started");
    }

    @Test
    void largeOutputIsTruncated() {
        CallToolResult r = call("run_command", Map.of("command", "head -c 200000 /dev/zero | tr '\\0' 'a'"));
        assertThat(r.isError()).as(text(r).substring(0, 100)).isFalse();
        assertThat(text(r)).contains("[output truncated: showing the first 65536 of 200000 bytes]");
        assertThat(text(r).length()).isLessThan(70_000);
    }

    @Test
    void invalidArgumentsAreToolErrors() {
        assertThat(call("run_command", Map.of()).isError()).isTrue();
        assertThat(call("run_command", Map.of("command", "true", "timeout_seconds", 301)).isError()).isTrue();
        assertThat(call("read_text_file", Map.of("path", "does/not/exist.txt")).isError()).isTrue();
        assertThat(call("list_directory", Map.of("path", "nope")).isError()).isTrue();
    }

    @Test
    void pathEscapesAreRejectedAndNothingIsWrittenOutside() throws IOException {
        CallToolResult w = call("write_file", Map.of("path", "../x", "content", "escaped"));
        assertThat(w.isError()).isTrue();
        assertThat(text(w)).contains("outside the workspace");
        assertThat(tmp.resolve("x")).doesNotExist();

        assertThat(call("write_file", Map.of("path", "a/../../../y", "content", "escaped")).isError()).isTrue();
        assertThat(tmp.getParent().resolve("y")).doesNotExist();

        String abs = outside.resolve("abs.txt").toString();
        assertThat(call("write_file", Map.of("path", abs, "content", "escaped")).isError()).isTrue();
        assertThat(outside.resolve("abs.txt")).doesNotExist();

        Files.writeString(outside.resolve("secret.txt"), "secret");
        assertThat(call("read_text_file", Map.of("path", "../outside/secret.txt")).isError()).isTrue();
        assertThat(call("list_directory", Map.of("path", "..")).isError()).isTrue();
    }

    @Test
    void symlinksLeadingOutsideAreRejected() throws IOException {
        Files.writeString(outside.resolve("secret.txt"), "secret");
        Files.createSymbolicLink(workspace.resolve("link-out"), outside);
        Files.createSymbolicLink(workspace.resolve("secret-link"), outside.resolve("secret.txt"));

        CallToolResult w = call("write_file", Map.of("path", "link-out/evil.txt", "content", "escaped"));
        assertThat(w.isError()).isTrue();
        assertThat(outside.resolve("evil.txt")).doesNotExist();

        assertThat(call("write_file", Map.of("path", "link-out/sub/evil.txt", "content", "x")).isError()).isTrue();
        assertThat(outside.resolve("sub")).doesNotExist();

        CallToolResult r = call("read_text_file", Map.of("path", "secret-link"));
        assertThat(r.isError()).isTrue();
        assertThat(text(r)).doesNotContain("secret\n").contains("outside the workspace");

        assertThat(call("write_file", Map.of("path", "secret-link", "content", "overwritten")).isError()).isTrue();
        assertThat(outside.resolve("secret.txt")).hasContent("secret");

        assertThat(call("list_directory", Map.of("path", "link-out")).isError()).isTrue();
    }

    private static CallToolResult call(String tool, Map<String, Object> args) {
        return client.callTool(CallToolRequest.builder(tool).arguments(args).build());
    }

    private static String text(CallToolResult r) {
        return r.content().stream()
                .filter(TextContent.class::isInstance)
                .map(c -> ((TextContent) c).text())
                .collect(Collectors.joining());
    }
}
