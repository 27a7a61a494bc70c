package io.airlock.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The 2024-11-05 era on both sides: a legacy-only server, and a legacy HTTP+SSE client. */
class LegacyClientsAndServersIT {

    @TempDir
    Path dir;

    @Test
    void aModernClientUsesALegacyOnlyServer() throws Exception {
        Path commands = NodeTools.module("mcp-server-commands/build/index.js");
        try (Airlock airlock = Airlock.start(Airlock.nodeServer("commands", commands))) {
            JsonNode report = TsClient.http(airlock.url("commands"), """
                    [{"op":"listTools"},
                     {"op":"callTool","name":"run_command","arguments":{"command":"echo legacy-ok"}}]""");

            assertThat(report.path("protocolVersion").asText()).isEqualTo("2024-11-05");
            assertThat(TsClient.result(report, 0).toString()).contains("run_command");
            assertThat(TsClient.result(report, 1).toString()).contains("legacy-ok");
        }
    }

    @Test
    void aLegacySseClientReachesAStdioServer() throws Exception {
        Path everything = NodeTools.module("@modelcontextprotocol/server-everything/dist/index.js");
        try (Airlock airlock = Airlock.start(Airlock.nodeServer("everything", everything, "stdio"))) {
            JsonNode report = TsClient.sse(airlock.sseUrl("everything"), """
                    [{"op":"callTool","name":"echo","arguments":{"message":"old client"}},
                     {"op":"callTool","name":"trigger-sampling-request","arguments":{"prompt":"sse sampling"}}]""");

            assertThat(TsClient.text(TsClient.result(report, 0))).isEqualTo("Echo: old client");
            assertThat(TsClient.text(TsClient.result(report, 1))).contains("sse sampling");
        }
    }

    @Test
    void theFilesystemServerWritesRealFilesThroughAirlock() throws Exception {
        Path fs = NodeTools.module("@modelcontextprotocol/server-filesystem/dist/index.js");
        Path root = Files.createDirectories(dir.resolve("root"));
        try (Airlock airlock = Airlock.start(Airlock.nodeServer("files", fs, root.toString())
                + "  tools:\n    deny: [move_file]\n")) {
            JsonNode report = TsClient.http(airlock.url("files"), """
                    [{"op":"callTool","name":"write_file","arguments":{"path":"%1$s/note.txt","content":"kept"}},
                     {"op":"callTool","name":"read_text_file","arguments":{"path":"%1$s/note.txt"}},
                     {"op":"callTool","name":"move_file","arguments":{"source":"%1$s/note.txt",
                      "destination":"%1$s/moved.txt"}}]""".formatted(root), "--root", root.toUri().toString());

            assertThat(Files.readString(root.resolve("note.txt"))).isEqualTo("kept");
            assertThat(TsClient.text(TsClient.result(report, 1))).isEqualTo("kept");
            assertThat(TsClient.result(report, 2).path("isError").asBoolean()).isTrue();
            assertThat(root.resolve("moved.txt")).doesNotExist();
        }
    }
}
