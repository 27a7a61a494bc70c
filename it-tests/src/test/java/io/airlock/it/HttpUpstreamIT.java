package io.airlock.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Airlock in front of HTTP upstreams: server-everything in Streamable HTTP mode and in legacy SSE mode. */
class HttpUpstreamIT {

    static Process streamable;
    static Process legacy;
    static int streamablePort;
    static int legacyPort;

    @BeforeAll
    static void startUpstreams() throws Exception {
        streamablePort = freePort();
        legacyPort = freePort();
        streamable = startEverything("streamableHttp", streamablePort);
        legacy = startEverything("sse", legacyPort);
        awaitPort(streamablePort);
        awaitPort(legacyPort);
    }

    @AfterAll
    static void stopUpstreams() {
        streamable.destroyForcibly();
        legacy.destroyForcibly();
    }

    @Test
    void streamableHttpUpstreamRelaysCallsAndServerRequestsOnTheRightStream() throws Exception {
        try (Airlock airlock = Airlock.start("remote:\n  url: http://127.0.0.1:" + streamablePort + "/mcp\n"
                + Airlock.VOUCHED + "  tools:\n    deny: [get-env]\n")) {
            JsonNode report = TsClient.http(airlock.url("remote"), """
                    [{"op":"listTools"},
                     {"op":"callTool","name":"echo","arguments":{"message":"over http"}},
                     {"op":"callTool","name":"trigger-sampling-request","arguments":{"prompt":"http sampling"}},
                     {"op":"callTool","name":"trigger-long-running-operation","arguments":{"duration":1,"steps":3},
                      "progress":true},
                     {"op":"callTool","name":"get-env","arguments":{}}]""");

            assertThat(TsClient.result(report, 0).toString()).contains("\"echo\"").doesNotContain("get-env");
            assertThat(TsClient.text(TsClient.result(report, 1))).isEqualTo("Echo: over http");
            assertThat(TsClient.text(TsClient.result(report, 2))).contains("sampled: ", "http sampling");
            assertThat(report.path("steps").get(3).path("progress").size()).isEqualTo(3);
            assertThat(TsClient.result(report, 4).path("isError").asBoolean()).isTrue();
        }
    }

    @Test
    void legacySseUpstreamIsReachableFromAModernClient() throws Exception {
        try (Airlock airlock = Airlock.start("old:\n  url: http://127.0.0.1:" + legacyPort + "/sse\n"
                + "  transport: sse\n" + Airlock.VOUCHED)) {
            JsonNode report = TsClient.http(airlock.url("old"), """
                    [{"op":"callTool","name":"echo","arguments":{"message":"legacy upstream"}},
                     {"op":"callTool","name":"trigger-sampling-request","arguments":{"prompt":"old sampling"}}]""");

            assertThat(TsClient.text(TsClient.result(report, 0))).isEqualTo("Echo: legacy upstream");
            assertThat(TsClient.text(TsClient.result(report, 1))).contains("old sampling");
        }
    }

    private static Process startEverything(String mode, int port) throws IOException {
        Path everything = NodeTools.module("@modelcontextprotocol/server-everything/dist/index.js");
        ProcessBuilder builder = new ProcessBuilder(NodeTools.node(), everything.toString(), mode)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("PORT", Integer.toString(port));
        return builder.start();
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    static void awaitPort(int port) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError("nothing listens on port " + port + " after 30 s");
    }
}
