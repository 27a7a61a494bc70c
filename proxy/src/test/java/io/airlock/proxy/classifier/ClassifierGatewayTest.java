package io.airlock.proxy.classifier;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.airlock.proxy.Gateway;
import io.airlock.proxy.config.ConfigLoader;
import io.airlock.receipts.ReceiptFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import io.airlock.proxy.testing.AgentClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tier 2 end to end through a real gateway: an agent's soft call is judged by the (stubbed) model and forwarded, a
 * retry comes back as a tool error with the model's reason, and a hard call never reaches the model (WireMock records
 * no request for it). The receipts name the model as the decider.
 */
class ClassifierGatewayTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private WireMockServer model;
    private Gateway gateway;
    private String agentBase;

    @BeforeEach
    void start() throws Exception {
        model = new WireMockServer(WireMockConfiguration.options().dynamicPort());
        model.start();
        // The model allows what the operator's policy text allows, and asks the agent to retry "force" edits.
        // Priorities: a later call's prompt also holds "hello" among its recent calls; "force" decides there.
        model.stubFor(post(urlEqualTo("/api/chat")).atPriority(5)
                .withRequestBody(matchingJsonPath("$.messages[1].content", containing("hello")))
                .willReturn(ollama("{\"verdict\":\"allow\",\"reason\":\"echoing a greeting is harmless\"}")));
        model.stubFor(post(urlEqualTo("/api/chat")).atPriority(1)
                .withRequestBody(matchingJsonPath("$.messages[1].content", containing("force")))
                .willReturn(ollama("{\"verdict\":\"retry\",\"reason\":\"do not force; echo the text without "
                        + "the force flag\"}")));
        Path fake = Path.of(ClassifierGatewayTest.class.getResource("/fake-mcp-server.sh").toURI());
        Path policy = Files.writeString(dir.resolve("policy.yaml"), """
                default: ask
                rules:
                  - {id: classify-echo, match: {tools: [echo]}, action: classify, reason: echo is judged by the model}
                  - {id: hard-ask-secret, match: {tools: [secret]}, action: ask, hard: true, reason: reads secrets}
                """);
        Path text = Files.writeString(dir.resolve("airlock-policy.md"), """
                # Policy
                Echoing greetings is fine. Anything forced is not.
                """);
        gateway = new Gateway(ConfigLoader.parse("""
                listen: 127.0.0.1:0
                servers:
                  fake:
                    command: %s
                    tags: {"*": []}
                policy: {file: %s}
                admin: {listen: "off"}
                receipts: {dir: %s, keyDir: %s}
                classifier:
                  provider: ollama
                  endpoint: %s
                  model: tiny-judge
                  policyText: [airlock-policy.md]
                  reasoning: off
                """.formatted(fake, policy, dir.resolve("receipts"), dir.resolve("keys"), model.baseUrl()),
                "test", dir));
        agentBase = "http://127.0.0.1:" + gateway.startHttp().getPort();
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        model.stop();
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder ollama(String content) {
        var body = JSON.createObjectNode();
        body.putObject("message").put("role", "assistant").put("content", content);
        body.put("done", true).put("prompt_eval_count", 50).put("eval_count", 8);
        return okJson(body.toString());
    }

    private AgentClient agent;

    private String initialize() throws Exception {
        agent = new AgentClient(agentBase + "/mcp/fake");
        return agent.initialize();
    }

    private JsonNode call(String session, String tool, String args) throws Exception {
        return agent.call(session, tool, args);
    }

    private List<LoggedRequest> modelRequests() {
        return model.findAll(anyRequestedFor(anyUrl()));
    }

    @Test
    void aSoftCallIsAllowedByTheModelAndAHardCallNeverReachesIt() throws Exception {
        String session = initialize();

        JsonNode allowed = call(session, "echo", "{\"text\":\"hello\"}");
        assertThat(allowed.path("isError").asBoolean(false)).isFalse();
        assertThat(allowed.path("content").get(0).path("text").asText()).isEqualTo("ok"); // forwarded upstream
        assertThat(modelRequests()).hasSize(1);
        assertThat(modelRequests().getFirst().getBodyAsString()).contains("Echoing greetings is fine")
                .contains("classify-echo");

        JsonNode hard = call(session, "secret", "{\"path\":\"~/.aws/credentials\"}");
        assertThat(hard.path("isError").asBoolean()).isTrue();
        assertThat(hard.path("content").get(0).path("text").asText()).contains("approval");
        assertThat(modelRequests()).hasSize(1); // the model saw nothing of the hard call
        assertThat(modelRequests()).noneMatch(r -> r.getBodyAsString().contains("credentials"));
        // The tier's figures reach the metrics endpoint.
        assertThat(gateway.metrics().scrape()).contains("airlock_classifier_cache_misses_total 1.0",
                "airlock_classifier_requests_total{stage=\"fast\"} 1.0", "airlock_classifier_circuit_open 0.0");

        JsonNode retried = call(session, "echo", "{\"text\":\"force it\"}");
        assertThat(retried.path("isError").asBoolean()).isTrue();
        assertThat(retried.path("content").get(0).path("text").asText())
                .contains("do not force; echo the text without the force flag");
        assertThat(modelRequests()).hasSize(2);
        // The session's earlier calls went to the model as context, arguments only, and the hard call by name only.
        assertThat(modelRequests().get(1).getBodyAsString()).contains("recentCalls").contains("hello")
                .contains("secret").contains("withheld: a hard rule matched");
        assertThat(modelRequests()).noneMatch(r -> r.getBodyAsString().contains("credentials"));

        gateway.close(); // flushes the receipt log
        StringBuilder receipts = new StringBuilder();
        for (Path file : ReceiptFiles.list(dir.resolve("receipts"))) {
            receipts.append(Files.readString(file));
        }
        assertThat(receipts.toString()).contains("\"kind\":\"classifier\",\"name\":\"tiny-judge\"");
    }
}
