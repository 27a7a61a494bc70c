package io.airlock.mcp.jsonrpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonRpcMessagesTest {

    private static final JsonRpcParser PARSER = new JsonRpcParser(ParseLimits.DEFAULT);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final List<JsonRpcId> IDS = List.of(JsonRpcId.of(1), JsonRpcId.of(0), JsonRpcId.of(-5),
            JsonRpcId.of("abc"), JsonRpcId.of(""), JsonRpcId.of("é \"q\" \n"), JsonRpcId.of(Long.MAX_VALUE));

    private static final Comparator<JsonNode> NUMERIC = (a, b) -> {
        if (a.equals(b)) {
            return 0;
        }
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue());
        }
        return 1;
    };

    private static JsonRpcMessage reparse(JsonRpcMessage message) throws JsonRpcException {
        JsonRpcMessage parsed = PARSER.parseMessage(message.raw());
        assertThat(parsed.raw()).isEqualTo(message.raw());
        // numerically the same tree (the builder may hold a LongNode id where parsing yields an IntNode)
        assertThat(parsed.tree().equals(NUMERIC, message.tree())).as("%s", parsed.tree()).isTrue();
        return parsed;
    }

    @Test
    void errorRoundTrips() throws Exception {
        for (JsonRpcId id : IDS) {
            JsonRpcMessage.Response error = JsonRpcMessages.error(id, JsonRpcErrors.METHOD_NOT_FOUND, "no such method");
            assertThat(error.isError()).isTrue();
            JsonRpcMessage parsed = reparse(error);
            assertThat(parsed).isInstanceOfSatisfying(JsonRpcMessage.Response.class, r -> {
                assertThat(r.id()).isEqualTo(id);
                assertThat(r.isError()).isTrue();
                assertThat(r.result()).isNull();
                assertThat(r.error().get("code").intValue()).isEqualTo(JsonRpcErrors.METHOD_NOT_FOUND);
                assertThat(r.error().get("message").textValue()).isEqualTo("no such method");
            });
        }
    }

    @Test
    void errorWithNullIdRoundTrips() throws Exception {
        JsonRpcMessage.Response error = JsonRpcMessages.error(null, JsonRpcErrors.PARSE_ERROR, "Parse error");
        assertThat(new String(error.raw(), java.nio.charset.StandardCharsets.UTF_8)).contains("\"id\":null");
        JsonRpcMessage parsed = reparse(error);
        assertThat(parsed).isInstanceOfSatisfying(JsonRpcMessage.Response.class, r -> {
            assertThat(r.id()).isNull();
            assertThat(r.error().get("code").intValue()).isEqualTo(JsonRpcErrors.PARSE_ERROR);
        });
    }

    @Test
    void toolErrorIsAResultWithIsErrorAndTheText() throws Exception {
        String text = "Airlock denied this call: rm is on the deny list\nUse another tool.";
        for (JsonRpcId id : IDS) {
            JsonRpcMessage.Response toolError = JsonRpcMessages.toolError(id, text);
            assertThat(toolError.isError()).isFalse();
            JsonRpcMessage parsed = reparse(toolError);
            assertThat(parsed).isInstanceOfSatisfying(JsonRpcMessage.Response.class, r -> {
                assertThat(r.id()).isEqualTo(id);
                assertThat(r.isError()).isFalse(); // a tool error is a result, not a protocol error
                assertThat(r.result().get("isError").booleanValue()).isTrue();
                assertThat(r.result().get("content")).hasSize(1);
                assertThat(r.result().get("content").get(0).get("type").textValue()).isEqualTo("text");
                assertThat(r.result().get("content").get(0).get("text").textValue()).isEqualTo(text);
            });
        }
    }

    @Test
    void resultRoundTrips() throws Exception {
        ObjectNode result = NODES.objectNode();
        result.putArray("tools").addObject().put("name", "read_file");
        for (JsonRpcId id : IDS) {
            JsonRpcMessage parsed = reparse(JsonRpcMessages.result(id, result));
            assertThat(parsed).isInstanceOfSatisfying(JsonRpcMessage.Response.class, r -> {
                assertThat(r.id()).isEqualTo(id);
                assertThat(r.result()).isEqualTo(result);
            });
        }
    }

    @Test
    void requestRoundTrips() throws Exception {
        ObjectNode params = NODES.objectNode().put("name", "x");
        params.putObject("_meta").put("progressToken", 5);
        for (JsonRpcId id : IDS) {
            JsonRpcMessage.Request built = JsonRpcMessages.request(id, "tools/call", params);
            JsonRpcMessage parsed = reparse(built);
            assertThat(parsed).isInstanceOfSatisfying(JsonRpcMessage.Request.class, r -> {
                assertThat(r.id()).isEqualTo(id);
                assertThat(r.method()).isEqualTo("tools/call");
                assertThat(r.params()).isEqualTo(params);
                assertThat(r.progressToken().intValue()).isEqualTo(5);
            });
        }
        JsonRpcMessage noParams = reparse(JsonRpcMessages.request(JsonRpcId.of(2), "ping", null));
        assertThat(((JsonRpcMessage.Request) noParams).params()).isNull();
        assertThat(noParams.tree().has("params")).isFalse();
    }

    @Test
    void notificationRoundTrips() throws Exception {
        ObjectNode params = NODES.objectNode().put("requestId", 3).put("reason", "timeout");
        JsonRpcMessage parsed = reparse(JsonRpcMessages.notification("notifications/cancelled", params));
        assertThat(parsed).isInstanceOfSatisfying(JsonRpcMessage.Notification.class, n -> {
            assertThat(n.method()).isEqualTo("notifications/cancelled");
            assertThat(n.params()).isEqualTo(params);
        });
    }

    @Test
    void rewriteKeepsIdAndOtherMembersAndLeavesTheOriginalAlone() throws Exception {
        JsonRpcMessage.Response original = (JsonRpcMessage.Response) PARSER.parseMessage(
                "{\"jsonrpc\":\"2.0\",\"id\":\"r1\",\"result\":{\"tools\":[{\"name\":\"a\"},{\"name\":\"b\"}]},\"x\":1}"
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        byte[] originalRaw = original.raw().clone();
        ObjectNode filtered = NODES.objectNode();
        filtered.putArray("tools").addObject().put("name", "a");
        JsonRpcMessage.Response rewritten = JsonRpcMessages.rewrite(original, filtered);
        JsonRpcMessage parsed = reparse(rewritten);
        assertThat(parsed).isInstanceOfSatisfying(JsonRpcMessage.Response.class, r -> {
            assertThat(r.id()).isEqualTo(JsonRpcId.of("r1"));
            assertThat(r.result()).isEqualTo(filtered);
            assertThat(r.tree().get("x").intValue()).isEqualTo(1);
        });
        assertThat(original.raw()).isEqualTo(originalRaw);
        assertThat(original.result().get("tools")).hasSize(2);
        assertThat(new ObjectMapper().readTree(original.raw())).isEqualTo(original.tree());
    }
}
