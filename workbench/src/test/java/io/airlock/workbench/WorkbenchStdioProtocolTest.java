package io.airlock.workbench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Talks raw newline-delimited JSON-RPC to the child, the way a shell pipe would: stdout must hold nothing but
 * JSON-RPC, garbage must not end the session, and closing stdin must still let in-flight requests be answered before
 * the server exits.
 */
class WorkbenchStdioProtocolTest {

    private static final TypeRef<Map<String, Object>> MAP = new TypeRef<>() {};

    @Test
    void pipedSessionIsAnsweredAndTheServerExitsOnStdinEof(@TempDir Path tmp) throws Exception {
        McpJsonMapper json = McpJsonDefaults.getMapper();
        Process p = new ProcessBuilder(WorkbenchServer.command(tmp.resolve("ws")))
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            try (OutputStream in = p.getOutputStream()) {
                send(in, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                        + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"pipe\",\"version\":\"1\"}}}");
                send(in, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
                // Garbage must not end the session (the bare SDK transport would stop reading at either line).
                send(in, "");
                send(in, "this is not json");
                send(in, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"run_command\","
                        + "\"arguments\":{\"command\":\"sleep 1; echo to-stdout; echo to-stderr >&2\"}}}");
            } // stdin closed while the command is still running

            List<String> lines = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))
                    .lines().toList();
            assertThat(p.waitFor(15, TimeUnit.SECONDS)).as("server exits after stdin EOF").isTrue();
            assertThat(p.exitValue()).isZero();

            assertThat(lines).hasSize(3);
            Map<Object, Map<String, Object>> byId = new HashMap<>();
            for (String line : lines) {
                Map<String, Object> msg = json.readValue(line, MAP); // every stdout line is a JSON-RPC message
                assertThat(msg).containsEntry("jsonrpc", "2.0");
                byId.put(msg.get("id"), msg);
            }
            assertThat(byId).containsOnlyKeys(1, 2, null);

            @SuppressWarnings("unchecked")
            Map<String, Object> init = (Map<String, Object>) byId.get(1).get("result");
            assertThat(init).containsEntry("protocolVersion", "2025-06-18");
            assertThat(init.get("serverInfo")).asString().contains("airlock-workbench");

            assertThat(byId.get(null)).containsKey("error");
            assertThat(byId.get(null).get("error")).asString().contains("-32700");

            assertThat(byId.get(2).get("result")).asString()
                    .contains("to-stdout").contains("to-stderr").contains("exit code: 0");
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void missingWorkspaceArgumentIsAUsageError() throws Exception {
        List<String> cmd = WorkbenchServer.command(Path.of("unused"));
        Process p = new ProcessBuilder(cmd.subList(0, cmd.size() - 2)).start();
        try {
            p.getOutputStream().close();
            assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isEqualTo(2);
            assertThat(p.getInputStream().readAllBytes()).isEmpty();
            assertThat(new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8)).contains("--workspace");
        } finally {
            p.destroyForcibly();
        }
    }

    private static void send(OutputStream in, String line) throws Exception {
        in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }
}
