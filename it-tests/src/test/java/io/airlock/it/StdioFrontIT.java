package io.airlock.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An agent that spawns its server: TS SDK client → {@code airlock stdio} (a real process) → server-everything. */
class StdioFrontIT {

    @TempDir
    Path dir;

    @Test
    void theStdioFrontRelaysCallsServerRequestsAndDenials() throws Exception {
        Path everything = NodeTools.module("@modelcontextprotocol/server-everything/dist/index.js");
        Path config = dir.resolve("airlock.yaml");
        Files.writeString(config, "servers:\n" + Airlock.nodeServer("everything", everything, "stdio").indent(2)
                + "    tools:\n      deny: [get-env]\n");

        JsonNode report = TsClient.stdio(airlockStdio(config, "everything"), """
                [{"op":"listTools"},
                 {"op":"callTool","name":"echo","arguments":{"message":"via stdio"}},
                 {"op":"callTool","name":"get-env","arguments":{}},
                 {"op":"callTool","name":"trigger-sampling-request","arguments":{"prompt":"stdio sampling"}},
                 {"op":"callTool","name":"trigger-long-running-operation","arguments":{"duration":1,"steps":3},
                  "progress":true}]""");

        assertThat(TsClient.result(report, 0).toString()).contains("\"echo\"").doesNotContain("get-env");
        assertThat(TsClient.text(TsClient.result(report, 1))).isEqualTo("Echo: via stdio");
        assertThat(TsClient.result(report, 2).path("isError").asBoolean()).isTrue();
        assertThat(TsClient.text(TsClient.result(report, 3))).contains("sampled: ", "stdio sampling");
        assertThat(report.path("steps").get(4).path("progress").size()).isEqualTo(3);
    }

    @Test
    void anUpstreamThatCannotStartIsReportedNotHung() throws Exception {
        Path config = dir.resolve("airlock.yaml");
        Files.writeString(config, "servers:\n  broken:\n    command: /nonexistent/mcp-server\n");
        Process process = new ProcessBuilder(airlockStdio(config, "broken")).redirectErrorStream(false).start();
        process.getOutputStream().write(("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
                + "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\","
                + "\"version\":\"1\"}}}\n").getBytes());
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes());
        process.waitFor();
        assertThat(out).contains("\"id\":1", "-32000", "could not start the upstream server",
                "/nonexistent/mcp-server");
        assertThat(process.exitValue()).isEqualTo(1);
    }

    static List<String> airlockStdio(Path config, String server) {
        String java = ProcessHandle.current().info().command().orElse("java");
        return List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "io.airlock.proxy.cli.AirlockCli", "stdio", "--server", server, "--config", config.toString());
    }
}
