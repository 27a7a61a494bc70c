package io.airlock.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The TypeScript SDK client over Streamable HTTP → Airlock → {@code server-everything} over stdio: every feature that
 * needs a faithful, unbuffered, bidirectional relay.
 */
class StreamableHttpRelayIT {

    static Airlock airlock;

    @BeforeAll
    static void start() throws Exception {
        Path everything = NodeTools.module("@modelcontextprotocol/server-everything/dist/index.js");
        airlock = Airlock.start(Airlock.nodeServer("everything", everything, "stdio")
                + "  tools:\n    deny: [get-env]\n  prompts:\n    deny: [args-prompt]\n");
    }

    @AfterAll
    static void stop() {
        airlock.close();
    }

    @Test
    void toolCallsAreRelayedAndTheDenyListIsEnforcedAndHidden() throws Exception {
        JsonNode report = TsClient.http(airlock.url("everything"), """
                [{"op":"listTools"},
                 {"op":"callTool","name":"echo","arguments":{"message":"through airlock"}},
                 {"op":"callTool","name":"get-env","arguments":{}},
                 {"op":"callTool","name":"get-sum","arguments":{"a":2,"b":40}}]""");

        List<String> tools = new ArrayList<>();
        TsClient.result(report, 0).path("tools").forEach(t -> tools.add(t.path("name").asText()));
        assertThat(tools).contains("echo", "get-sum", "trigger-sampling-request").doesNotContain("get-env");

        assertThat(TsClient.text(TsClient.result(report, 1))).isEqualTo("Echo: through airlock");

        JsonNode denied = TsClient.result(report, 2);
        assertThat(denied.path("isError").asBoolean()).isTrue();
        assertThat(TsClient.text(denied)).contains("Airlock denied this call", "get-env", "deny list");

        assertThat(TsClient.text(TsClient.result(report, 3))).contains("42");
        assertThat(report.path("sessionId").asText()).isNotBlank();
    }

    @Test
    void samplingElicitationAndRootsReachTheClientAndTheirAnswersReachTheServer() throws Exception {
        JsonNode report = TsClient.http(airlock.url("everything"), """
                [{"op":"callTool","name":"trigger-sampling-request","arguments":{"prompt":"relay me"}},
                 {"op":"callTool","name":"trigger-elicitation-request","arguments":{}},
                 {"op":"callTool","name":"get-roots-list","arguments":{}}]""", "--root", "file:///airlock-root");

        assertThat(TsClient.text(TsClient.result(report, 0))).contains("sampled: ", "relay me");
        assertThat(TsClient.result(report, 1).toString()).contains("User provided", "Name: airlock");
        assertThat(TsClient.text(TsClient.result(report, 2))).contains("file:///airlock-root");
        assertThat(TsClient.methods(report.path("serverRequests")))
                .contains("sampling/createMessage", "elicitation/create", "roots/list");
    }

    @Test
    void progressAndLoggingNotificationsFlowToTheClient() throws Exception {
        JsonNode report = TsClient.http(airlock.url("everything"), """
                [{"op":"setLoggingLevel","level":"debug"},
                 {"op":"callTool","name":"trigger-long-running-operation","arguments":{"duration":1,"steps":4},
                  "progress":true},
                 {"op":"callTool","name":"toggle-simulated-logging","arguments":{}},
                 {"op":"waitForNotification","method":"notifications/message","count":1}]""");

        JsonNode progress = report.path("steps").get(1).path("progress");
        assertThat(progress.size()).isEqualTo(4);
        assertThat(progress.get(3).path("progress").asInt()).isEqualTo(4);
        assertThat(TsClient.methods(report.path("notifications"))).contains("notifications/message");
    }

    @Test
    void promptsAndResourcesAreGatedToo() throws Exception {
        JsonNode report = TsClient.http(airlock.url("everything"), """
                [{"op":"getPrompt","name":"simple-prompt","arguments":{}},
                 {"op":"getPrompt","name":"args-prompt","arguments":{"city":"Paris"}},
                 {"op":"readResource","uri":"demo://resource/dynamic/text/1"}]""");

        assertThat(TsClient.result(report, 0).path("messages").size()).isPositive();
        JsonNode denied = report.path("steps").get(1).path("error");
        assertThat(denied.path("message").asText()).contains("Airlock denied this call", "args-prompt");
        assertThat(TsClient.result(report, 2).path("contents").size()).isPositive();
    }
}
