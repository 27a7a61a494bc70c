package io.airlock.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The MCP Inspector's CLI (a real, independent client) through Airlock. */
class InspectorCliIT {

    static Airlock airlock;

    @BeforeAll
    static void start() throws Exception {
        Path everything = NodeTools.module("@modelcontextprotocol/server-everything/dist/index.js");
        airlock = Airlock.start(Airlock.nodeServer("everything", everything, "stdio")
                + "  tools:\n    deny: [get-env]\n");
    }

    @AfterAll
    static void stop() {
        airlock.close();
    }

    @Test
    void legacyEraListsAndCallsTools() throws Exception {
        JsonNode tools = inspector("--method", "tools/list");
        List<String> names = new ArrayList<>();
        tools.path("tools").forEach(t -> names.add(t.path("name").asText()));
        assertThat(names).contains("echo").doesNotContain("get-env");

        JsonNode echo = inspector("--method", "tools/call", "--tool-name", "echo", "--tool-arg", "message=inspected");
        assertThat(echo.path("content").path(0).path("text").asText()).isEqualTo("Echo: inspected");
    }

    @Test
    void autoEraFallsBackToInitialize() throws Exception {
        JsonNode echo = inspector("--protocol-era", "auto", "--method", "tools/call", "--tool-name", "echo",
                "--tool-arg", "message=auto");
        assertThat(echo.path("content").path(0).path("text").asText()).isEqualTo("Echo: auto");
    }

    @Test
    void modernEraSpeaks2026ThroughAirlocksBridgeToALegacyServer() throws Exception {
        JsonNode tools = inspector("--protocol-era", "modern", "--method", "tools/list");
        assertThat(tools.toString()).contains("\"echo\"").doesNotContain("get-env");
        JsonNode echo = inspector("--protocol-era", "modern", "--method", "tools/call", "--tool-name", "echo",
                "--tool-arg", "message=stateless");
        assertThat(echo.path("content").path(0).path("text").asText()).isEqualTo("Echo: stateless");
    }

    @Test
    void aDeniedToolIsInvisibleToTheInspector() throws Exception {
        Run run = run("--method", "tools/call", "--tool-name", "get-env");
        assertThat(run.exit()).isNotZero();
        assertThat(run.stderr()).contains("tool_not_found", "get-env");
    }

    private record Run(int exit, String stdout, String stderr) {}

    private static JsonNode inspector(String... args) throws Exception {
        Run run = run(args);
        assertThat(run.exit()).as("inspector exit; stdout:\n%s\nstderr:\n%s", run.stdout(), run.stderr()).isZero();
        return TsClient.JSON.readTree(run.stdout());
    }

    private static Run run(String... args) throws Exception {
        Path launcher = NodeTools.module("@modelcontextprotocol/inspector/clients/launcher/build/index.js");
        List<String> command = new ArrayList<>(List.of(NodeTools.node(), launcher.toString(), "--cli",
                airlock.url("everything"), "--transport", "http"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(false).start();
        byte[] out = process.getInputStream().readAllBytes();
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("inspector did not finish");
        }
        return new Run(process.exitValue(), new String(out, StandardCharsets.UTF_8), err);
    }
}
