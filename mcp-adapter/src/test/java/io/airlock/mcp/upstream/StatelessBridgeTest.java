package io.airlock.mcp.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.airlock.mcp.jsonrpc.JsonRpcId;
import io.airlock.mcp.jsonrpc.JsonRpcMessage;
import io.airlock.mcp.jsonrpc.JsonRpcParser;
import io.airlock.mcp.jsonrpc.ParseLimits;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class StatelessBridgeTest {

    private static final JsonRpcParser PARSER = new JsonRpcParser(ParseLimits.DEFAULT);
    private final RecordingListener listener = new RecordingListener();

    @Test
    void aServerThatAnswersDiscoverIsModernAndPassedThroughUntouched() throws Exception {
        ScriptedUpstream server = new ScriptedUpstream(request -> switch (request.method()) {
            case "server/discover" -> "{\"resultType\":\"complete\",\"supportedVersions\":[\"2026-07-28\"],"
                    + "\"capabilities\":{}}";
            default -> "{\"tools\":[],\"n\":1.50}";
        });
        StatelessBridge bridge = bridge(server, Duration.ofSeconds(5));
        bridge.start(listener);
        assertThat(bridge.era()).isEqualTo(StatelessBridge.Era.MODERN);
        assertThat(server.methods()).containsExactly("server/discover", "tools/list");

        bridge.send(request("t1", "tools/list"));
        JsonRpcMessage.Response answer = (JsonRpcMessage.Response) listener.next().message();
        assertThat(text(answer)).isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":\"t1\",\"result\":{\"tools\":[],\"n\":1.50}}");
    }

    @Test
    void aServerThatRejectsDiscoverIsBridgedWithOneInitialize() throws Exception {
        ScriptedUpstream server = new ScriptedUpstream(request -> switch (request.method()) {
            case "server/discover" -> null; // answered with -32601
            case "initialize" -> "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{\"tools\":{}},"
                    + "\"serverInfo\":{\"name\":\"old\",\"version\":\"1\"},\"instructions\":\"be nice\"}";
            case "tools/list" -> "{\"tools\":[{\"name\":\"a\"}],\"n\":1.50}";
            default -> "{\"content\":[]}";
        });
        StatelessBridge bridge = bridge(server, Duration.ofSeconds(5));
        bridge.start(listener);

        assertThat(bridge.era()).isEqualTo(StatelessBridge.Era.LEGACY);
        assertThat(server.methods()).containsExactly("server/discover", "initialize", "notifications/initialized",
                "tools/list");
        assertThat(server.sent.get(1).tree().path("params").path("protocolVersion").asText()).isEqualTo("2025-11-25");

        bridge.send(request("d", "server/discover"));
        JsonNode discover = ((JsonRpcMessage.Response) listener.next().message()).result();
        assertThat(discover.path("supportedVersions").toString()).contains("2026-07-28");
        assertThat(discover.path("capabilities").has("tools")).isTrue();
        assertThat(discover.path("instructions").asText()).isEqualTo("be nice");
        assertThat(discover.path("_meta").path("io.modelcontextprotocol/serverInfo").path("name").asText())
                .isEqualTo("old");

        bridge.send(request("l", "tools/list"));
        assertThat(text((JsonRpcMessage.Response) listener.next().message())).isEqualTo(
                "{\"jsonrpc\":\"2.0\",\"id\":\"l\",\"result\":{\"resultType\":\"complete\",\"ttlMs\":0,"
                        + "\"cacheScope\":\"private\",\"tools\":[{\"name\":\"a\"}],\"n\":1.50}}");
        bridge.send(request("c", "tools/call"));
        assertThat(text((JsonRpcMessage.Response) listener.next().message())).isEqualTo(
                "{\"jsonrpc\":\"2.0\",\"id\":\"c\",\"result\":{\"resultType\":\"complete\",\"content\":[]}}");
    }

    @Test
    void toolsDeclaringHeaderParamsAreLearnedAtStart() throws Exception {
        ScriptedUpstream server = new ScriptedUpstream(request -> switch (request.method()) {
            case "server/discover" -> "{\"resultType\":\"complete\",\"supportedVersions\":[\"2026-07-28\"],"
                    + "\"capabilities\":{}}";
            case "tools/list" -> "{\"resultType\":\"complete\",\"tools\":[{\"name\":\"geo\",\"inputSchema\":"
                    + "{\"type\":\"object\",\"properties\":{\"region\":{\"type\":\"string\","
                    + "\"x-mcp-header\":\"Region\"},\"q\":{\"type\":\"string\"}}}}]}";
            default -> "{}";
        });
        StatelessBridge bridge = bridge(server, Duration.ofSeconds(5));
        bridge.start(listener);
        assertThat(bridge.headerParams("geo")).containsExactly(java.util.Map.entry("region", "region"));
        assertThat(bridge.headerParams("other")).isEmpty();
        assertThat(bridge.headerParams(null)).isEmpty();
    }

    @Test
    void aServerThatIgnoresDiscoverIsTakenForLegacyAfterTheProbeTimeout() throws Exception {
        ScriptedUpstream server = new ScriptedUpstream(request -> switch (request.method()) {
            case "server/discover" -> "SILENT";
            default -> "{\"protocolVersion\":\"2024-11-05\",\"capabilities\":{}}";
        });
        StatelessBridge bridge = bridge(server, Duration.ofMillis(200));
        bridge.start(listener);
        assertThat(bridge.era()).isEqualTo(StatelessBridge.Era.LEGACY);
    }

    @Test
    void aServerThatRefusesInitializeCannotStart() {
        ScriptedUpstream server = new ScriptedUpstream(request -> null);
        StatelessBridge bridge = bridge(server, Duration.ofSeconds(5));
        assertThatThrownBy(() -> bridge.start(listener)).isInstanceOf(UpstreamException.class)
                .hasMessageContaining("refused initialize");
    }

    @Test
    void serverRequestsAreRefusedAndNotificationsAreLeftToTheRelay() throws Exception {
        ScriptedUpstream server = new ScriptedUpstream(request -> switch (request.method()) {
            case "server/discover" -> "{\"resultType\":\"complete\",\"supportedVersions\":[\"2026-07-28\"],"
                    + "\"capabilities\":{}}";
            default -> "{}";
        });
        StatelessBridge bridge = bridge(server, Duration.ofSeconds(5));
        bridge.start(listener);
        bridge.onMessage(parse("{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"sampling/createMessage\",\"params\":{}}"),
                null);
        bridge.onMessage(parse("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\",\"params\":{\"level\":"
                + "\"info\",\"data\":\"someone else's log\"}}"), null);
        bridge.onMessage(parse("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":"
                + "{\"progressToken\":\"p\",\"progress\":1}}"), null);

        JsonRpcMessage refusal = server.sent.getLast();
        assertThat(refusal).isInstanceOf(JsonRpcMessage.Response.class);
        assertThat(((JsonRpcMessage.Response) refusal).error().path("code").asInt()).isEqualTo(-32601);
        assertThat(listener.next().message()).isInstanceOfSatisfying(JsonRpcMessage.Notification.class,
                n -> assertThat(n.method()).isEqualTo("notifications/message"));
        assertThat(listener.next().message()).isInstanceOfSatisfying(JsonRpcMessage.Notification.class,
                n -> assertThat(n.method()).isEqualTo("notifications/progress"));
        assertThat(listener.deliveries).isEmpty();
    }

    private static StatelessBridge bridge(Upstream server, Duration probe) {
        return new StatelessBridge("test", server, "t", PARSER, probe);
    }

    private static JsonRpcMessage request(String id, String method) {
        return parse("{\"jsonrpc\":\"2.0\",\"id\":\"" + id + "\",\"method\":\"" + method + "\",\"params\":{}}");
    }

    private static JsonRpcMessage parse(String json) {
        try {
            return PARSER.parseMessage(json.getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static String text(JsonRpcMessage message) {
        return new String(message.raw(), StandardCharsets.UTF_8);
    }

    /**
     * Answers each request synchronously with the scripted result JSON; null means a -32601 error, "SILENT" means
     * no answer at all.
     */
    private static final class ScriptedUpstream implements Upstream {
        final List<JsonRpcMessage> sent = new CopyOnWriteArrayList<>();
        private final Function<JsonRpcMessage.Request, String> script;
        private UpstreamListener listener;

        ScriptedUpstream(Function<JsonRpcMessage.Request, String> script) {
            this.script = script;
        }

        List<String> methods() {
            return sent.stream().map(m -> switch (m) {
                case JsonRpcMessage.Request r -> r.method();
                case JsonRpcMessage.Notification n -> n.method();
                case JsonRpcMessage.Response r -> "response";
            }).toList();
        }

        @Override
        public void start(UpstreamListener listener) {
            this.listener = listener;
        }

        @Override
        public void send(JsonRpcMessage message) {
            sent.add(message);
            if (message instanceof JsonRpcMessage.Request request) {
                String result = script.apply(request);
                if ("SILENT".equals(result)) {
                    return;
                }
                String id = request.id().node().toString();
                listener.onMessage(parse(result == null
                        ? "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"error\":{\"code\":-32601,\"message\":\"nope\"}}"
                        : "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":" + result + "}"), JsonRpcId.of(0));
            }
        }

        @Override
        public void close() {}

        @Override
        public String describe() {
            return "scripted";
        }
    }
}
