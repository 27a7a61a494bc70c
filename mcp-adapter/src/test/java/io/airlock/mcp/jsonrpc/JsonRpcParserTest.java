package io.airlock.mcp.jsonrpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class JsonRpcParserTest {

    private static final JsonRpcParser PARSER = new JsonRpcParser(ParseLimits.DEFAULT);
    /** Small limits so the limit tests need no large inputs. */
    private static final JsonRpcParser SMALL = new JsonRpcParser(new ParseLimits(1024, 8, 1024, 3));

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static JsonRpcMessage parse(String json) throws JsonRpcException {
        return PARSER.parseMessage(utf8(json));
    }

    private static JsonRpcException parseError(JsonRpcParser parser, byte[] bytes) {
        try {
            JsonRpcFrame frame = parser.parseFrame(bytes);
            return fail("expected a JsonRpcException, got %s", frame);
        } catch (JsonRpcException e) {
            return e;
        }
    }

    private static JsonRpcException parseError(String json) {
        return parseError(PARSER, utf8(json));
    }

    // ---- classification -------------------------------------------------------------------------------------

    @Test
    void classifiesRequest() throws Exception {
        JsonRpcMessage m = parse("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\","
                + "\"params\":{\"name\":\"x\",\"_meta\":{\"progressToken\":\"tok\"}}}");
        assertThat(m).isInstanceOf(JsonRpcMessage.Request.class);
        JsonRpcMessage.Request r = (JsonRpcMessage.Request) m;
        assertThat(r.id()).isEqualTo(JsonRpcId.of(7));
        assertThat(r.method()).isEqualTo("tools/call");
        assertThat(r.params().get("name").textValue()).isEqualTo("x");
        assertThat(r.progressToken().textValue()).isEqualTo("tok");
        assertThat(r.tree().get("method").textValue()).isEqualTo("tools/call");
    }

    @Test
    void classifiesRequestWithStringIdAndNoParams() throws Exception {
        JsonRpcMessage.Request r = (JsonRpcMessage.Request) parse("{\"jsonrpc\":\"2.0\",\"id\":\"abc\",\"method\":\"ping\"}");
        assertThat(r.id()).isEqualTo(JsonRpcId.of("abc"));
        assertThat(r.params()).isNull();
        assertThat(r.progressToken()).isNull();
    }

    @Test
    void classifiesNotification() throws Exception {
        JsonRpcMessage m = parse("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        assertThat(m).isInstanceOfSatisfying(JsonRpcMessage.Notification.class,
                n -> assertThat(n.method()).isEqualTo("notifications/initialized"));
    }

    @Test
    void classifiesResultResponse() throws Exception {
        JsonRpcMessage m = parse("{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"result\":{\"tools\":[]}}");
        assertThat(m).isInstanceOfSatisfying(JsonRpcMessage.Response.class, r -> {
            assertThat(r.id()).isEqualTo(JsonRpcId.of("a"));
            assertThat(r.isError()).isFalse();
            assertThat(r.result().get("tools").isArray()).isTrue();
            assertThat(r.error()).isNull();
        });
    }

    @Test
    void nullResultIsStillAResult() throws Exception {
        // "result": null is a present member: a response, not "neither result nor error".
        JsonRpcMessage m = parse("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":null}");
        assertThat(m).isInstanceOfSatisfying(JsonRpcMessage.Response.class, r -> assertThat(r.isError()).isFalse());
    }

    @Test
    void classifiesErrorResponse() throws Exception {
        JsonRpcMessage m = parse("{\"jsonrpc\":\"2.0\",\"id\":3,\"error\":{\"code\":-32601,\"message\":\"nope\"}}");
        assertThat(m).isInstanceOfSatisfying(JsonRpcMessage.Response.class, r -> {
            assertThat(r.isError()).isTrue();
            assertThat(r.error().get("code").intValue()).isEqualTo(-32601);
            assertThat(r.result()).isNull();
            assertThat(r.id()).isEqualTo(JsonRpcId.of(3));
        });
    }

    @Test
    void acceptsErrorResponseWithNullId() throws Exception {
        JsonRpcMessage m = parse("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":\"bad\"}}");
        assertThat(m).isInstanceOfSatisfying(JsonRpcMessage.Response.class, r -> {
            assertThat(r.isError()).isTrue();
            assertThat(r.id()).isNull();
        });
    }

    @Test
    void rejectsResultResponseWithNullOrMissingId() {
        assertThat(parseError("{\"jsonrpc\":\"2.0\",\"id\":null,\"result\":{}}").code())
                .isEqualTo(JsonRpcErrors.INVALID_REQUEST);
        assertThat(parseError("{\"jsonrpc\":\"2.0\",\"result\":{}}").code()).isEqualTo(JsonRpcErrors.INVALID_REQUEST);
        assertThat(parseError("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":1,\"message\":\"m\"}}").code())
                .isEqualTo(JsonRpcErrors.INVALID_REQUEST);
    }

    @Test
    void rejectsMalformedErrorObject() {
        for (String error : List.of("\"oops\"", "{\"code\":\"1\",\"message\":\"m\"}", "{\"code\":1.5,\"message\":\"m\"}",
                "{\"code\":1}", "{\"message\":\"m\"}", "{\"code\":1,\"message\":2}")) {
            JsonRpcException e = parseError("{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":" + error + "}");
            assertThat(e.code()).as(error).isEqualTo(JsonRpcErrors.INVALID_REQUEST);
            assertThat(e.id()).as(error).isEqualTo(JsonRpcId.of(1));
        }
    }

    // ---- raw bytes ------------------------------------------------------------------------------------------

    @Test
    void rawIsByteIdenticalForSingleMessage() throws Exception {
        String json = "{ \"jsonrpc\" : \"2.0\",\n\t\"id\" : 123456789012345678901234567890,"
                + " \"method\":\"tools/call\", \"x-unknown\": {\"a\": [1.0e3, -0.0, 1E-7, 2.50]},"
                + " \"params\": {\"name\": \"caf\\u00e9 \\ud83d\\ude00 \\\"q\\\" \\/\", \"big\": 1.000000000000000000000001,"
                + " \"raw\": \"é😀\"}, \"extra\": null}";
        byte[] bytes = utf8(json);
        JsonRpcMessage m = PARSER.parseMessage(bytes);
        assertThat(m.raw()).isEqualTo(bytes);
        assertThat(new String(m.raw(), StandardCharsets.UTF_8)).isEqualTo(json);
        JsonRpcMessage.Request r = (JsonRpcMessage.Request) m;
        assertThat(r.params().get("name").textValue()).isEqualTo("café \uD83D\uDE00 \"q\" /");
        assertThat(r.tree().get("x-unknown").get("a").size()).isEqualTo(4);
        assertThat(r.id().toString()).isEqualTo("123456789012345678901234567890");
    }

    @Test
    void rawOfSingleMessageExcludesSurroundingWhitespace() throws Exception {
        String message = "{\"jsonrpc\":\"2.0\",\"method\":\"n\",\"params\":{\"v\":1.0e3}}";
        JsonRpcMessage m = PARSER.parseMessage(utf8("  \r\n\t" + message + " \r\n "));
        assertThat(new String(m.raw(), StandardCharsets.UTF_8)).isEqualTo(message);
    }

    @Test
    void rawOfBatchElementsIsTheExactSlice() throws Exception {
        String a = "{\"jsonrpc\":\"2.0\",\"id\":1.0e3,\"method\":\"a\",\"params\":{\"s\":\"\\u00e9é\"}}";
        String b = "{ \"jsonrpc\":\"2.0\", \"method\":\"b\" , \"zz\":[ {}, [] ] }";
        String c = "{\"jsonrpc\":\"2.0\",\"id\":\"x\",\"result\":{\"n\":99999999999999999999999}}";
        String frame = " [" + a + " ,\n" + b + ",\t" + c + "  ] ";
        JsonRpcFrame parsed = PARSER.parseFrame(utf8(frame));
        assertThat(parsed).isInstanceOf(JsonRpcFrame.Batch.class);
        JsonRpcFrame.Batch batch = (JsonRpcFrame.Batch) parsed;
        assertThat(batch.invalid()).isEmpty();
        assertThat(batch.messages()).extracting(msg -> new String(msg.raw(), StandardCharsets.UTF_8))
                .containsExactly(a, b, c);
        assertThat(batch.messages().get(0)).isInstanceOf(JsonRpcMessage.Request.class);
        assertThat(batch.messages().get(1)).isInstanceOf(JsonRpcMessage.Notification.class);
        assertThat(batch.messages().get(2)).isInstanceOf(JsonRpcMessage.Response.class);
        assertThat(((JsonRpcMessage.Request) batch.messages().get(0)).id()).isEqualTo(JsonRpcId.of(1000));
    }

    @Test
    void parseMessageRefusesBatch() {
        assertThatThrownBy(() -> PARSER.parseMessage(utf8("[{\"jsonrpc\":\"2.0\",\"method\":\"a\"}]")))
                .isInstanceOfSatisfying(JsonRpcException.class,
                        e -> assertThat(e.code()).isEqualTo(JsonRpcErrors.INVALID_REQUEST));
    }

    // ---- parse errors ---------------------------------------------------------------------------------------

    @Test
    void malformedJsonIsParseError() {
        for (String bad : List.of("{", "{\"jsonrpc\":\"2.0\",", "{\"jsonrpc\":2.0.1}", "{jsonrpc:\"2.0\"}",
                "{'jsonrpc':'2.0','method':'a'}", "{\"jsonrpc\":\"2.0\",\"method\":\"a\",}",
                "{\"jsonrpc\":\"2.0\" /* c */,\"method\":\"a\"}", "{\"jsonrpc\":\"2.0\",\"id\":NaN,\"method\":\"a\"}",
                "{\"jsonrpc\":\"2.0\",\"id\":01,\"method\":\"a\"}", "{\"a\":\"unterminated}", "", "   ",
                "[{\"jsonrpc\":\"2.0\",\"method\":\"a\"}", "{\"jsonrpc\":\"2.0\",\"method\":\"a\tb\"}")) {
            assertThat(parseError(bad).code()).as(bad).isEqualTo(JsonRpcErrors.PARSE_ERROR);
        }
    }

    @Test
    void trailingGarbageIsParseError() {
        String ok = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"a\"}";
        for (String tail : List.of("x", "}", " 1", "{}", ok, "\u0000", "[", " \"s\"", "//")) {
            JsonRpcException e = parseError(ok + tail);
            assertThat(e.code()).as(tail).isEqualTo(JsonRpcErrors.PARSE_ERROR);
        }
        assertThat(parseError("[" + ok + "] []").code()).isEqualTo(JsonRpcErrors.PARSE_ERROR);
    }

    @Test
    void duplicateKeysAreRejected() {
        JsonRpcException e = parseError("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"a\",\"method\":\"b\"}");
        assertThat(e.code()).isIn(JsonRpcErrors.PARSE_ERROR, JsonRpcErrors.INVALID_REQUEST);
        assertThat(e.getMessage()).containsIgnoringCase("duplicate");
        // nested duplicates are just as ambiguous
        assertThat(parseError("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"a\",\"params\":{\"name\":\"x\",\"name\":\"y\"}}")
                .getMessage()).containsIgnoringCase("duplicate");
        // and so are duplicates inside a batch element
        assertThat(parseError("[{\"jsonrpc\":\"2.0\",\"method\":\"a\",\"method\":\"b\"}]").getMessage())
                .containsIgnoringCase("duplicate");
    }

    @Test
    void invalidUtf8IsParseError() {
        HexFormat hex = HexFormat.of();
        List<String> badSequences = List.of(
                "ff",           // never valid
                "c3",           // truncated 2-byte sequence
                "c328",         // bad continuation
                "80",           // lone continuation byte
                "e28228",       // bad 3rd byte
                "f0908c",       // truncated 4-byte
                "c0af",         // overlong '/'
                "c1b2",         // overlong 'r'
                "e080af",       // overlong 3-byte
                "f08080af",     // overlong 4-byte
                "eda080",       // UTF-16 surrogate D800 encoded in UTF-8
                "f4908080",     // above U+10FFFF
                "f8888080af");  // 5-byte form
        for (String seq : badSequences) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(utf8("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"a"));
            out.writeBytes(hex.parseHex(seq));
            out.writeBytes(utf8("b\"}}"));
            JsonRpcException e = parseError(PARSER, out.toByteArray());
            assertThat(e.code()).as(seq).isEqualTo(JsonRpcErrors.PARSE_ERROR);
        }
        // also in a member name
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(utf8("{\"jsonrpc\":\"2.0\",\"method\":\"a\",\"params\":{\"k"));
        out.writeBytes(hex.parseHex("c0af"));
        out.writeBytes(utf8("\":1}}"));
        assertThat(parseError(PARSER, out.toByteArray()).code()).isEqualTo(JsonRpcErrors.PARSE_ERROR);
    }

    @Test
    void overlongSlashIsNotDecodedIntoThePolicyView() {
        // C0 AF is the classic overlong '/': a lenient decoder reads "..\u002f..", a strict peer rejects it.
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(utf8("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"resources/read\",\"params\":{\"uri\":\"file://.."));
        out.writeBytes(new byte[] {(byte) 0xC0, (byte) 0xAF});
        out.writeBytes(utf8("etc\"}}"));
        JsonRpcException e = parseError(PARSER, out.toByteArray());
        assertThat(e.code()).isEqualTo(JsonRpcErrors.PARSE_ERROR);
        assertThat(e.getMessage()).contains("UTF-8");
    }

    @Test
    void leadingByteOrderMarkIsRejectedOrExcludedFromRaw() throws Exception {
        String message = "{\"jsonrpc\":\"2.0\",\"method\":\"n\"}";
        byte[] withBom = insert(utf8(message), 0, new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
        try {
            JsonRpcMessage m = PARSER.parseMessage(withBom);
            assertThat(new String(m.raw(), StandardCharsets.UTF_8)).isEqualTo(message);
        } catch (JsonRpcException e) {
            assertThat(e.code()).isEqualTo(JsonRpcErrors.PARSE_ERROR);
        }
    }

    @Test
    void validMultibyteUtf8IsAccepted() throws Exception {
        String text = "é€😀\u07ff\uffff\uDBFF\uDFFF";
        JsonRpcMessage.Request r = (JsonRpcMessage.Request) parse(
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"m\",\"params\":{\"" + text + "\":\"" + text + "\"}}");
        assertThat(r.params().get(text).textValue()).isEqualTo(text);
    }

    // ---- invalid requests -----------------------------------------------------------------------------------

    @Test
    void jsonrpcVersionMustBe20() {
        JsonRpcException missing = parseError("{\"id\":1,\"method\":\"a\"}");
        assertThat(missing.code()).isEqualTo(JsonRpcErrors.INVALID_REQUEST);
        assertThat(missing.id()).isEqualTo(JsonRpcId.of(1));
        JsonRpcException old = parseError("{\"jsonrpc\":\"1.0\",\"id\":\"q\",\"method\":\"a\"}");
        assertThat(old.code()).isEqualTo(JsonRpcErrors.INVALID_REQUEST);
        assertThat(old.id()).isEqualTo(JsonRpcId.of("q"));
        assertThat(parseError("{\"jsonrpc\":2.0,\"id\":1,\"method\":\"a\"}").code())
                .isEqualTo(JsonRpcErrors.INVALID_REQUEST);
        assertThat(parseError("{\"jsonrpc\":\"2.0\",\"id\":1}").code()).isEqualTo(JsonRpcErrors.INVALID_REQUEST);
    }

    @Test
    void requestIdMustBeStringOrNumber() {
        for (String id : List.of("null", "true", "false", "{}", "{\"a\":1}", "[]", "[1]")) {
            JsonRpcException e = parseError("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"a\"}");
            assertThat(e.code()).as(id).isEqualTo(JsonRpcErrors.INVALID_REQUEST);
            assertThat(e.id()).as(id).isNull();
        }
    }

    @Test
    void requestIdThatIsNotAFiniteNumberIsRejected() {
        // 1e400 overflows a double; it must be refused as an invalid id, not crash the parser.
        for (String id : List.of("1e400", "-1e400", "12345e678901234567890")) {
            JsonRpcException e = parseError("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"a\"}");
            assertThat(e.code()).as(id).isEqualTo(JsonRpcErrors.INVALID_REQUEST);
            JsonRpcException response = parseError("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":{}}");
            assertThat(response.code()).as(id).isEqualTo(JsonRpcErrors.INVALID_REQUEST);
        }
    }

    @Test
    void methodMustBeNonEmptyString() {
        for (String method : List.of("\"\"", "1", "null", "{}", "[\"a\"]")) {
            JsonRpcException e = parseError("{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":" + method + "}");
            assertThat(e.code()).as(method).isEqualTo(JsonRpcErrors.INVALID_REQUEST);
            assertThat(e.id()).isEqualTo(JsonRpcId.of(5));
        }
    }

    @Test
    void paramsMustBeAnObject() {
        for (String params : List.of("[1,2]", "[]", "\"s\"", "1", "true", "null")) {
            JsonRpcException e = parseError("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"a\",\"params\":" + params + "}");
            assertThat(e.code()).as(params).isEqualTo(JsonRpcErrors.INVALID_REQUEST);
            assertThat(e.getMessage()).contains("params");
            assertThat(e.id()).isEqualTo(JsonRpcId.of(2));
        }
        assertThat(parseError("{\"jsonrpc\":\"2.0\",\"method\":\"a\",\"params\":[]}").code())
                .isEqualTo(JsonRpcErrors.INVALID_REQUEST);
    }

    @Test
    void requestCannotCarryResultOrError() {
        assertThat(parseError("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"a\",\"result\":1}").code())
                .isEqualTo(JsonRpcErrors.INVALID_REQUEST);
        assertThat(parseError("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"a\",\"error\":{\"code\":1,\"message\":\"m\"}}")
                .code()).isEqualTo(JsonRpcErrors.INVALID_REQUEST);
    }

    @Test
    void responseWithBothResultAndErrorIsInvalid() {
        JsonRpcException e = parseError(
                "{\"jsonrpc\":\"2.0\",\"id\":9,\"result\":{},\"error\":{\"code\":1,\"message\":\"m\"}}");
        assertThat(e.code()).isEqualTo(JsonRpcErrors.INVALID_REQUEST);
        assertThat(e.id()).isEqualTo(JsonRpcId.of(9));
    }

    @Test
    void nonObjectTopLevelIsInvalidRequest() {
        for (String json : List.of("1", "\"s\"", "null", "true")) {
            assertThat(parseError(json).code()).as(json).isEqualTo(JsonRpcErrors.INVALID_REQUEST);
        }
    }

    // ---- limits ---------------------------------------------------------------------------------------------

    private static String nested(int depth) {
        return "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
    }

    @Test
    void nestingDeeperThanMaxDepthIsInvalidRequest() throws Exception {
        // envelope (1) + params (2) + nested(n): depth 2 + n
        String ok = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"a\",\"params\":" + nested(6) + "}";
        assertThat(SMALL.parseMessage(utf8(ok))).isInstanceOf(JsonRpcMessage.Request.class);
        String deep = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"a\",\"params\":" + nested(40) + "}";
        JsonRpcException e = parseError(SMALL, utf8(deep));
        assertThat(e.code()).isEqualTo(JsonRpcErrors.INVALID_REQUEST);
        assertThat(e.getMessage()).containsIgnoringCase("depth");
        String arrays = "{\"jsonrpc\":\"2.0\",\"method\":\"a\",\"params\":{\"x\":" + "[".repeat(20) + "]".repeat(20) + "}}";
        assertThat(parseError(SMALL, utf8(arrays)).code()).isEqualTo(JsonRpcErrors.INVALID_REQUEST);
    }

    @Test
    void defaultDepthLimitStopsDeepNesting() {
        String deep = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"a\",\"params\":{\"x\":" + "[".repeat(500)
                + "]".repeat(500) + "}}";
        assertThat(parseError(deep).code()).isEqualTo(JsonRpcErrors.INVALID_REQUEST);
    }

    @Test
    void frameOverMaxFrameBytesIsInvalidRequestNamingTheSize() throws Exception {
        String prefix = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"a\",\"params\":{\"s\":\"";
        String suffix = "\"}}";
        String exact = prefix + "x".repeat(1024 - prefix.length() - suffix.length()) + suffix;
        assertThat(utf8(exact)).hasSize(1024);
        assertThat(SMALL.parseMessage(utf8(exact))).isInstanceOf(JsonRpcMessage.Request.class);
        String over = prefix + "x".repeat(1025 - prefix.length() - suffix.length()) + suffix;
        JsonRpcException e = parseError(SMALL, utf8(over));
        assertThat(e.code()).isEqualTo(JsonRpcErrors.INVALID_REQUEST);
        assertThat(e.getMessage()).contains("1025").contains("1024");
    }

    @Test
    void stringOverMaxStringCharsIsInvalidRequest() {
        JsonRpcParser parser = new JsonRpcParser(new ParseLimits(64 * 1024, 8, 100, 3));
        JsonRpcException e = parseError(parser,
                utf8("{\"jsonrpc\":\"2.0\",\"method\":\"a\",\"params\":{\"s\":\"" + "y".repeat(5000) + "\"}}"));
        assertThat(e.code()).isEqualTo(JsonRpcErrors.INVALID_REQUEST);
    }

    @Test
    void batchOverMaxBatchSizeIsRejected() throws Exception {
        String n = "{\"jsonrpc\":\"2.0\",\"method\":\"a\"}";
        JsonRpcFrame three = SMALL.parseFrame(utf8("[" + n + "," + n + "," + n + "]"));
        assertThat(((JsonRpcFrame.Batch) three).messages()).hasSize(3);
        JsonRpcException e = parseError(SMALL, utf8("[" + n + "," + n + "," + n + "," + n + "]"));
        assertThat(e.code()).isEqualTo(JsonRpcErrors.INVALID_REQUEST);
        assertThat(e.getMessage()).contains("3");
        // invalid elements count too
        assertThat(parseError(SMALL, utf8("[1,2,3,4]")).code()).isEqualTo(JsonRpcErrors.INVALID_REQUEST);
    }

    @Test
    void emptyBatchIsInvalidRequest() {
        for (String json : List.of("[]", " [ ] ")) {
            JsonRpcException e = parseError(json);
            assertThat(e.code()).isEqualTo(JsonRpcErrors.INVALID_REQUEST);
            assertThat(e.getMessage()).contains("empty batch");
        }
    }

    @Test
    void batchKeepsInvalidElementsApart() throws Exception {
        String frame = "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"a\"},"
                + "1,"
                + "{\"jsonrpc\":\"1.0\",\"id\":2,\"method\":\"b\"},"
                + "{\"jsonrpc\":\"2.0\",\"method\":\"n\"},"
                + "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"c\",\"params\":[1]},"
                + "[\"nested\"],"
                + "{\"jsonrpc\":\"2.0\",\"id\":4,\"result\":{}}]";
        JsonRpcFrame.Batch batch = (JsonRpcFrame.Batch) PARSER.parseFrame(utf8(frame));
        assertThat(batch.messages()).hasSize(3);
        assertThat(batch.messages().get(0)).isInstanceOf(JsonRpcMessage.Request.class);
        assertThat(batch.messages().get(1)).isInstanceOf(JsonRpcMessage.Notification.class);
        assertThat(batch.messages().get(2)).isInstanceOf(JsonRpcMessage.Response.class);
        assertThat(batch.invalid()).hasSize(4).allSatisfy(e -> assertThat(e.code())
                .isEqualTo(JsonRpcErrors.INVALID_REQUEST));
        assertThat(batch.invalid()).extracting(JsonRpcException::id)
                .containsExactly(null, JsonRpcId.of(2), JsonRpcId.of(3), null);
    }

    @Test
    void batchOfOnlyInvalidElementsIsStillABatch() throws Exception {
        JsonRpcFrame.Batch batch = (JsonRpcFrame.Batch) PARSER.parseFrame(utf8("[1, \"x\", {}]"));
        assertThat(batch.messages()).isEmpty();
        assertThat(batch.invalid()).hasSize(3);
    }

    @Test
    void fromTreeValidatesAndSerializes() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        var tree = (com.fasterxml.jackson.databind.node.ObjectNode) mapper.readTree(
                "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"m\"}");
        JsonRpcMessage m = PARSER.fromTree(tree);
        assertThat(m).isInstanceOf(JsonRpcMessage.Request.class);
        assertThat(mapper.readTree(m.raw())).isEqualTo(tree);
        tree.put("jsonrpc", "1.0");
        assertThatThrownBy(() -> PARSER.fromTree(tree)).isInstanceOf(IllegalArgumentException.class);
    }

    // ---- fuzz -----------------------------------------------------------------------------------------------

    private static final List<String> SEEDS = List.of(
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"read_file\","
                    + "\"arguments\":{\"path\":\"/etc/passwd\",\"n\":[1,2.5,-3e10,true,null]}}}",
            "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":{\"progressToken\":\"t\","
                    + "\"progress\":0.5}}",
            "{\"jsonrpc\":\"2.0\",\"id\":\"abc\",\"result\":{\"content\":[{\"type\":\"text\","
                    + "\"text\":\"caf\\u00e9 é😀\"}],\"isError\":false}}",
            "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":\"Parse error\"}}",
            "[{\"jsonrpc\":\"2.0\",\"id\":1.0e3,\"method\":\"ping\"},{\"jsonrpc\":\"2.0\",\"method\":\"x\"},"
                    + "{\"jsonrpc\":\"2.0\",\"id\":123456789012345678901234567890,\"result\":{}}]");

    private static final byte[] INTERESTING = utf8("{}[]\",:\\ 0123456789.eE+-truefalsn\u00e9\n\t");

    @Test
    void fuzzedFramesFailOnlyWithJsonRpcExceptionAndYieldValidRaw() {
        Random random = new Random(0x5eed_a1c0L);
        ObjectMapper strict = new ObjectMapper();
        int parsed = 0;
        int rejected = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] input = mutate(utf8(SEEDS.get(random.nextInt(SEEDS.size()))), random);
            JsonRpcFrame frame;
            try {
                frame = PARSER.parseFrame(input);
            } catch (JsonRpcException e) {
                assertThat(e.code()).isIn(JsonRpcErrors.PARSE_ERROR, JsonRpcErrors.INVALID_REQUEST);
                rejected++;
                continue;
            } catch (Throwable t) {
                throw new AssertionError("input #" + i + " " + HexFormat.of().formatHex(input)
                        + " threw " + t, t);
            }
            parsed++;
            List<JsonRpcMessage> messages = switch (frame) {
                case JsonRpcFrame.Single single -> List.of(single.message());
                case JsonRpcFrame.Batch batch -> batch.messages();
            };
            for (JsonRpcMessage m : messages) {
                assertThat(isSingleJsonObject(strict, m.raw()))
                        .as("raw of input #%d: %s", i, new String(m.raw(), StandardCharsets.UTF_8)).isTrue();
                assertThat(isValidUtf8(m.raw())).as("raw of input #%d is UTF-8", i).isTrue();
                assertThat(indexOf(input, m.raw())).as("raw is a slice of the input").isGreaterThanOrEqualTo(0);
            }
        }
        // the fuzzer must exercise both paths to mean anything
        assertThat(parsed).isGreaterThan(200);
        assertThat(rejected).isGreaterThan(10_000);
    }

    private static byte[] mutate(byte[] seed, Random random) {
        byte[] bytes = seed;
        int rounds = 1 + random.nextInt(3);
        for (int r = 0; r < rounds; r++) {
            int pos = random.nextInt(bytes.length + 1);
            switch (random.nextInt(6)) {
                case 0 -> { // flip a bit
                    if (pos < bytes.length) {
                        bytes = bytes.clone();
                        bytes[pos] ^= (byte) (1 << random.nextInt(8));
                    }
                }
                case 1 -> bytes = Arrays.copyOf(bytes, pos); // truncate
                case 2 -> { // insert a random byte
                    bytes = insert(bytes, pos, new byte[] {(byte) random.nextInt(256)});
                }
                case 3 -> { // insert a structural / interesting byte
                    bytes = insert(bytes, pos, new byte[] {INTERESTING[random.nextInt(INTERESTING.length)]});
                }
                case 4 -> { // delete a run
                    if (pos < bytes.length) {
                        int end = Math.min(bytes.length, pos + 1 + random.nextInt(4));
                        byte[] out = new byte[bytes.length - (end - pos)];
                        System.arraycopy(bytes, 0, out, 0, pos);
                        System.arraycopy(bytes, end, out, pos, bytes.length - end);
                        bytes = out;
                    }
                }
                default -> { // duplicate a slice somewhere else
                    int from = random.nextInt(bytes.length + 1);
                    int len = Math.min(bytes.length - from, random.nextInt(12));
                    bytes = insert(bytes, pos, Arrays.copyOfRange(bytes, from, from + len));
                }
            }
        }
        return bytes;
    }

    private static byte[] insert(byte[] bytes, int pos, byte[] what) {
        byte[] out = new byte[bytes.length + what.length];
        System.arraycopy(bytes, 0, out, 0, pos);
        System.arraycopy(what, 0, out, pos, what.length);
        System.arraycopy(bytes, pos, out, pos + what.length, bytes.length - pos);
        return out;
    }

    private static boolean isSingleJsonObject(ObjectMapper mapper, byte[] raw) {
        try (JsonParser p = mapper.createParser(raw)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            JsonNode node = mapper.readTree(p);
            return node.isObject() && p.nextToken() == null;
        } catch (Exception e) {
            return false;
        }
    }

    private static boolean isValidUtf8(byte[] raw) {
        try {
            StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(raw));
            return true;
        } catch (java.nio.charset.CharacterCodingException e) {
            return false;
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
