package io.airlock.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.airlock.proxy.Gateway;
import io.airlock.proxy.config.ConfigLoader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Operations end to end: a real npm MCP server (server-everything) over stdio and over Streamable HTTP, driven by the
 * TypeScript SDK client through Airlock; then the admin port's probes and metrics. When the HTTP upstream goes away,
 * Airlock stops being ready.
 */
class OpsIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TempDir
    Path dir;

    private static HttpResponse<String> get(String url, String bearer) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET();
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void probesAndMetricsFollowRealTrafficAndAVanishingUpstream() throws Exception {
        int port = HttpUpstreamIT.freePort();
        ProcessBuilder builder = new ProcessBuilder(NodeTools.node(),
                NodeTools.module("@modelcontextprotocol/server-everything/dist/index.js").toString(), "streamableHttp")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("PORT", Integer.toString(port));
        Process everythingHttp = builder.start();
        try {
            HttpUpstreamIT.awaitPort(port);
            String servers = Airlock.nodeServer("everything",
                    NodeTools.module("@modelcontextprotocol/server-everything/dist/index.js"), "stdio")
                    + "remote:\n  url: http://127.0.0.1:" + port + "/mcp\n" + Airlock.VOUCHED;
            try (Gateway gateway = new Gateway(ConfigLoader.parse("""
                    listen: 127.0.0.1:0
                    servers:
                    %s
                    admin: {listen: "127.0.0.1:0", tokenFile: %s}
                    operator: {rememberFile: %s}
                    receipts: {dir: %s, keyDir: %s}
                    """.formatted(servers.indent(2).stripTrailing(), dir.resolve("admin-token"),
                    dir.resolve("remembered.yaml"), dir.resolve("receipts"), dir.resolve("keys")), "ops-it", dir))) {
                String agent = "http://127.0.0.1:" + gateway.startHttp().getPort() + "/mcp/";
                String admin = "http://127.0.0.1:" + gateway.startAdmin(0).getPort();
                String token = Files.readString(dir.resolve("admin-token")).strip();

                assertThat(get(admin + "/healthz", null).statusCode()).isEqualTo(200);
                assertThat(get(admin + "/readyz", null).statusCode()).isEqualTo(200);

                JsonNode stdio = TsClient.http(agent + "everything", """
                        [{"op":"callTool","name":"echo","arguments":{"message":"one"}},
                         {"op":"callTool","name":"echo","arguments":{"message":"two"}}]""");
                assertThat(TsClient.text(TsClient.result(stdio, 1))).isEqualTo("Echo: two");
                JsonNode remote = TsClient.http(agent + "remote", """
                        [{"op":"callTool","name":"echo","arguments":{"message":"three"}}]""");
                assertThat(TsClient.text(TsClient.result(remote, 0))).isEqualTo("Echo: three");

                String scrape = get(admin + "/metrics", token).body();
                assertThat(scrape)
                        .contains("airlock_calls_total{decision=\"allow\",server=\"everything\",tier=\"0\"} 2.0")
                        .contains("airlock_calls_total{decision=\"allow\",server=\"remote\",tier=\"0\"} 1.0")
                        .contains("airlock_upstream_seconds_count{outcome=\"ok\",server=\"everything\"} 2")
                        .contains("airlock_upstream_seconds_count{outcome=\"ok\",server=\"remote\"} 1")
                        .doesNotContain("echo");

                // The HTTP upstream goes away: not ready (after the 5 s the last probe result is reused), still alive.
                everythingHttp.destroyForcibly().waitFor();
                Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500))
                        .until(() -> get(admin + "/readyz", null).statusCode() == 503);
                assertThat(get(admin + "/healthz", null).statusCode()).isEqualTo(200);
                assertThat(get(admin + "/v1/status", token).body()).contains("server 'remote': cannot connect to "
                        + "127.0.0.1:" + port);
            }
        } finally {
            everythingHttp.destroyForcibly();
        }
    }
}
