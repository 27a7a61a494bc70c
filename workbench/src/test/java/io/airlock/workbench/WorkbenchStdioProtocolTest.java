package io.airlock.workbench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Talks raw newline-delimited JSON-RPC to the child: stdout must hold nothing else, and EOF on stdin ends it. */
class WorkbenchStdioProtocolTest {

    private static final TypeRef<Map<String, Object>> MAP = new TypeRef<>() {};

    @Test
    void stdoutCarriesOnlyJsonRpcAndStdinEofStopsTheServer(@TempDir Path tmp) throws Exception {
        McpJsonMapper json = McpJsonDefaults.getMapper();
        List<String> cmd = WorkbenchServer.command(tmp.resolve("ws"));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            OutputStream in = p.getOutputStream();
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));

            send(in, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                    + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}");
            Map<String, Object> init = json.readValue(out.readLine(), MAP);
            assertThat(init).containsEntry("jsonrpc", "2.0").containsEntry("id", 1).containsKey("result");
            @SuppressWarnings("unchecked")
            Map<String, Object> result = (Map<String, Object>) init.get("result");
            assertThat(result).containsEntry("protocolVersion", "2025-06-18");
            assertThat(result.get("serverInfo")).asString().contains("airlock-workbench");

            send(in, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
            send(in, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"run_command\","
                    + "\"arguments\":{\"command\":\"echo to-stdout; echo to-stderr >&2\"}}}");
            Map<String, Object> call = json.readValue(out.readLine(), MAP);
            assertThat(call).containsEntry("id", 2);
            assertThat(call.get("result")).asString().contains("to-stdout").contains("to-stderr");

            in.close();
            assertThat(p.waitFor(10, TimeUnit.SECONDS)).as("server exits on stdin EOF").isTrue();
            assertThat(p.exitValue()).isZero();
            assertThat(out.readLine()).as("nothing else on stdout").isNull();
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void missingWorkspaceArgumentIsAUsageError() throws Exception {
        List<String> cmd = WorkbenchServer.command(Path.of("unused"));
        Process p = new ProcessBuilder(cmd.subList(0, cmd.size() - 2)).redirectErrorStream(false).start();
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
