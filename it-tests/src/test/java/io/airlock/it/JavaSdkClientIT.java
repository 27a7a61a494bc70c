package io.airlock.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The MCP Java SDK's Streamable HTTP client → Airlock → the built-in workbench server. */
class JavaSdkClientIT {

    @TempDir
    Path workspace;

    @Test
    void theJavaSdkClientWorksThroughAirlockAndSeesTheGate() throws Exception {
        try (Airlock airlock = Airlock.start("workbench:\n  builtin: workbench\n  workspace: " + workspace
                + "\n" + Airlock.VOUCHED + "  tools:\n    deny: [run_command]\n")) {
            HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport
                    .builder("http://127.0.0.1:" + airlock.port())
                    .endpoint("/mcp/workbench")
                    .jsonMapper(McpJsonDefaults.getMapper())
                    .build();
            McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(30)).build();
            try {
                client.initialize();
                assertThat(client.listTools().tools()).extracting(Tool::name)
                        .contains("write_file", "read_text_file", "list_directory")
                        .doesNotContain("run_command");

                CallToolResult write = client.callTool(new CallToolRequest("write_file",
                        Map.of("path", "sdk.txt", "content", "from the java sdk")));
                assertThat(write.isError()).isNotEqualTo(Boolean.TRUE);
                assertThat(Files.readString(workspace.resolve("sdk.txt"))).isEqualTo("from the java sdk");

                CallToolResult denied = client.callTool(new CallToolRequest("run_command",
                        Map.of("command", "touch pwned")));
                assertThat(denied.isError()).isTrue();
                assertThat(((TextContent) denied.content().getFirst()).text()).contains("Airlock denied");
                assertThat(workspace.resolve("pwned")).doesNotExist();
            } finally {
                client.closeGracefully();
            }
        }
    }
}
