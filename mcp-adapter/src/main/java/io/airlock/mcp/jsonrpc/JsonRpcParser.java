package io.airlock.mcp.jsonrpc;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Strict JSON-RPC 2.0 parser. Strict because Airlock decides on what it parsed while the upstream acts on the bytes
 * it forwards: anything two parsers could read differently (duplicate keys, comments, trailing garbage, invalid
 * UTF-8) is rejected rather than relayed. Thread-safe.
 */
public final class JsonRpcParser {

    private final ParseLimits limits;
    private final ObjectMapper mapper;

    public JsonRpcParser(ParseLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(limits.maxDepth())
                        .maxStringLength(limits.maxStringChars())
                        .maxNameLength(Math.min(limits.maxStringChars(), 64 * 1024))
                        .maxDocumentLength(limits.maxFrameBytes())
                        .maxNumberLength(1000)
                        .build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        this.mapper = new ObjectMapper(factory);
    }

    public ParseLimits limits() {
        return limits;
    }

    /** A mapper with the same constraints, for reading message parts. */
    public ObjectMapper mapper() {
        return mapper;
    }

    /** Parses one frame: a message or a batch. */
    public JsonRpcFrame parseFrame(byte[] bytes) throws JsonRpcException {
        checkSize(bytes);
        checkUtf8(bytes);
        try (JsonParser parser = mapper.createParser(bytes)) {
            JsonToken first = parser.nextToken();
            if (first == JsonToken.START_OBJECT) {
                JsonRpcMessage message = readMessage(parser, bytes);
                expectEnd(parser);
                return new JsonRpcFrame.Single(message);
            }
            if (first == JsonToken.START_ARRAY) {
                return readBatch(parser, bytes);
            }
            if (first == null) {
                throw new JsonRpcException(JsonRpcErrors.PARSE_ERROR, "Parse error: empty frame", null);
            }
            // Still has to be well-formed JSON to be an "invalid request" rather than a parse error.
            parser.skipChildren();
            expectEnd(parser);
            throw new JsonRpcException(JsonRpcErrors.INVALID_REQUEST,
                    "Invalid Request: a JSON-RPC message must be an object, got " + first.asString(), null);
        } catch (StreamConstraintsException e) {
            throw new JsonRpcException(JsonRpcErrors.INVALID_REQUEST,
                    "Invalid Request: frame exceeds a parse limit: " + e.getOriginalMessage(), null);
        } catch (JsonParseException e) {
            throw new JsonRpcException(JsonRpcErrors.PARSE_ERROR, "Parse error: " + e.getOriginalMessage(), null);
        } catch (IOException e) {
            throw new JsonRpcException(JsonRpcErrors.PARSE_ERROR, "Parse error: " + e.getMessage(), null);
        }
    }

    /** Parses a frame that must hold exactly one message (stdio lines from 2025-06-18 on, SSE events). */
    public JsonRpcMessage parseMessage(byte[] bytes) throws JsonRpcException {
        return switch (parseFrame(bytes)) {
            case JsonRpcFrame.Single single -> single.message();
            case JsonRpcFrame.Batch ignored -> throw new JsonRpcException(JsonRpcErrors.INVALID_REQUEST,
                    "Invalid Request: batches are not accepted here", null);
        };
    }

    /** Validates a tree built in memory and gives it raw bytes. For messages Airlock writes itself. */
    public JsonRpcMessage fromTree(ObjectNode tree) {
        try {
            return parseMessage(mapper.writeValueAsBytes(tree));
        } catch (JsonRpcException | IOException e) {
            throw new IllegalArgumentException("not a valid JSON-RPC message: " + e.getMessage(), e);
        }
    }

    /**
     * The message with its top-level {@code id} replaced by {@code newId}, every other byte unchanged. Used where
     * Airlock multiplexes several clients onto one upstream and must keep their ids apart.
     */
    public JsonRpcMessage withId(JsonRpcMessage message, JsonRpcId newId) {
        byte[] raw = message.raw();
        try (JsonParser parser = mapper.createParser(raw)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("not an object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                parser.nextToken();
                int start = (int) parser.currentTokenLocation().getByteOffset();
                parser.skipChildren();
                parser.finishToken(); // strings are parsed lazily: read to the end of the token
                if ("id".equals(name)) {
                    int end = (int) parser.currentLocation().getByteOffset();
                    byte[] id = mapper.writeValueAsBytes(newId.node());
                    byte[] out = new byte[raw.length - (end - start) + id.length];
                    System.arraycopy(raw, 0, out, 0, start);
                    System.arraycopy(id, 0, out, start, id.length);
                    System.arraycopy(raw, end, out, start + id.length, raw.length - end);
                    return parseMessage(out);
                }
            }
        } catch (IOException | JsonRpcException e) {
            throw new IllegalArgumentException("cannot replace the id: " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("message has no id");
    }

    /**
     * The message with the value at {@code path} (object member names from the top) replaced by {@code value}, every
     * other byte unchanged; the message itself when the path does not exist.
     */
    public JsonRpcMessage withValueAt(JsonRpcMessage message, java.util.List<String> path, JsonNode value) {
        byte[] raw = message.raw();
        try (JsonParser parser = mapper.createParser(raw)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return message;
            }
            int depth = 0;
            while (true) {
                JsonToken token = parser.nextToken();
                if (token != JsonToken.FIELD_NAME) {
                    return message; // end of this object without finding the member
                }
                String name = parser.currentName();
                parser.nextToken();
                if (!name.equals(path.get(depth))) {
                    parser.skipChildren();
                    continue;
                }
                if (depth == path.size() - 1) {
                    int start = (int) parser.currentTokenLocation().getByteOffset();
                    parser.skipChildren();
                    parser.finishToken();
                    int end = (int) parser.currentLocation().getByteOffset();
                    byte[] replacement = mapper.writeValueAsBytes(value);
                    byte[] out = new byte[raw.length - (end - start) + replacement.length];
                    System.arraycopy(raw, 0, out, 0, start);
                    System.arraycopy(replacement, 0, out, start, replacement.length);
                    System.arraycopy(raw, end, out, start + replacement.length, raw.length - end);
                    return parseMessage(out);
                }
                if (parser.currentToken() != JsonToken.START_OBJECT) {
                    return message;
                }
                depth++;
            }
        } catch (IOException | JsonRpcException e) {
            throw new IllegalArgumentException("cannot replace " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * The response with {@code "name": value} added as the first member of its {@code result} object, every other
     * byte unchanged. Used to present a legacy server's results in a newer protocol's shape.
     */
    public JsonRpcMessage.Response withResultField(JsonRpcMessage.Response response, String name, JsonNode value) {
        if (response.result() == null || !response.result().isObject() || response.result().has(name)) {
            return response;
        }
        byte[] raw = response.raw();
        try (JsonParser parser = mapper.createParser(raw)) {
            parser.nextToken();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                parser.nextToken();
                if ("result".equals(field)) {
                    int brace = (int) parser.currentTokenLocation().getByteOffset();
                    boolean empty = response.result().isEmpty();
                    byte[] member = (mapper.writeValueAsString(name) + ":" + mapper.writeValueAsString(value)
                            + (empty ? "" : ",")).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    byte[] out = new byte[raw.length + member.length];
                    System.arraycopy(raw, 0, out, 0, brace + 1);
                    System.arraycopy(member, 0, out, brace + 1, member.length);
                    System.arraycopy(raw, brace + 1, out, brace + 1 + member.length, raw.length - brace - 1);
                    return (JsonRpcMessage.Response) parseMessage(out);
                }
                parser.skipChildren();
            }
        } catch (IOException | JsonRpcException e) {
            throw new IllegalArgumentException("cannot add to the result: " + e.getMessage(), e);
        }
        return response;
    }

    private void checkSize(byte[] bytes) throws JsonRpcException {
        if (bytes.length > limits.maxFrameBytes()) {
            throw new JsonRpcException(JsonRpcErrors.INVALID_REQUEST, "Invalid Request: frame of " + bytes.length
                    + " bytes exceeds the limit of " + limits.maxFrameBytes() + " bytes", null);
        }
    }

    /**
     * Jackson decodes some ill-formed UTF-8 (overlong forms such as {@code C0 AF} for '/', encoded surrogates, code
     * points above U+10FFFF) instead of rejecting it, so the bytes are checked against RFC 3629 first.
     */
    private static void checkUtf8(byte[] bytes) throws JsonRpcException {
        int i = 0;
        int n = bytes.length;
        while (i < n) {
            int b = bytes[i] & 0xFF;
            if (b < 0x80) {
                i++;
                continue;
            }
            int length;
            int min = 0x80; // allowed range of the second byte
            int max = 0xBF;
            if (b >= 0xC2 && b <= 0xDF) {
                length = 2;
            } else if (b >= 0xE0 && b <= 0xEF) {
                length = 3;
                if (b == 0xE0) {
                    min = 0xA0; // no overlong forms
                } else if (b == 0xED) {
                    max = 0x9F; // no UTF-16 surrogates
                }
            } else if (b >= 0xF0 && b <= 0xF4) {
                length = 4;
                if (b == 0xF0) {
                    min = 0x90; // no overlong forms
                } else if (b == 0xF4) {
                    max = 0x8F; // nothing above U+10FFFF
                }
            } else {
                throw invalidUtf8(i);
            }
            if (i + length > n) {
                throw invalidUtf8(i);
            }
            int second = bytes[i + 1] & 0xFF;
            if (second < min || second > max) {
                throw invalidUtf8(i);
            }
            for (int k = 2; k < length; k++) {
                if ((bytes[i + k] & 0xC0) != 0x80) {
                    throw invalidUtf8(i);
                }
            }
            i += length;
        }
    }

    private static JsonRpcException invalidUtf8(int offset) {
        return new JsonRpcException(JsonRpcErrors.PARSE_ERROR, "Parse error: invalid UTF-8 at byte " + offset, null);
    }

    private JsonRpcFrame readBatch(JsonParser parser, byte[] bytes) throws IOException, JsonRpcException {
        List<JsonRpcMessage> messages = new ArrayList<>();
        List<JsonRpcException> invalid = new ArrayList<>();
        JsonToken token;
        while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
            if (token == null) {
                throw new JsonRpcException(JsonRpcErrors.PARSE_ERROR, "Parse error: unterminated batch", null);
            }
            if (messages.size() + invalid.size() >= limits.maxBatchSize()) {
                throw new JsonRpcException(JsonRpcErrors.INVALID_REQUEST,
                        "Invalid Request: batch exceeds " + limits.maxBatchSize() + " messages", null);
            }
            if (token == JsonToken.START_OBJECT) {
                try {
                    messages.add(readMessage(parser, bytes));
                } catch (JsonRpcException e) {
                    invalid.add(e);
                }
            } else {
                parser.skipChildren();
                invalid.add(new JsonRpcException(JsonRpcErrors.INVALID_REQUEST,
                        "Invalid Request: batch element is not an object", null));
            }
        }
        expectEnd(parser);
        if (messages.isEmpty() && invalid.isEmpty()) {
            throw new JsonRpcException(JsonRpcErrors.INVALID_REQUEST, "Invalid Request: empty batch", null);
        }
        return new JsonRpcFrame.Batch(messages, invalid);
    }

    /** Reads the object starting at the parser's current START_OBJECT, keeping its exact byte range. */
    private JsonRpcMessage readMessage(JsonParser parser, byte[] bytes) throws IOException, JsonRpcException {
        int start = (int) parser.currentTokenLocation().getByteOffset();
        ObjectNode tree = mapper.readTree(parser);
        int end = (int) parser.currentLocation().getByteOffset();
        byte[] raw = start == 0 && end == bytes.length ? bytes : Arrays.copyOfRange(bytes, start, end);
        return classify(tree, raw);
    }

    private static void expectEnd(JsonParser parser) throws IOException, JsonRpcException {
        if (parser.nextToken() != null) {
            throw new JsonRpcException(JsonRpcErrors.PARSE_ERROR, "Parse error: trailing data after the message",
                    null);
        }
    }

    private static JsonRpcMessage classify(ObjectNode tree, byte[] raw) throws JsonRpcException {
        JsonNode idNode = tree.get("id");
        JsonRpcId id = JsonRpcId.ofNode(idNode);
        JsonNode version = tree.get("jsonrpc");
        if (version == null || !"2.0".equals(version.textValue())) {
            throw invalid("\"jsonrpc\" must be \"2.0\"", id);
        }
        JsonNode method = tree.get("method");
        if (method != null) {
            if (!method.isTextual() || method.textValue().isEmpty()) {
                throw invalid("\"method\" must be a non-empty string", id);
            }
            if (tree.has("result") || tree.has("error")) {
                throw invalid("a request cannot carry \"result\" or \"error\"", id);
            }
            JsonNode params = tree.get("params");
            if (params != null && !params.isObject()) {
                throw invalid("\"params\" must be an object", id);
            }
            ObjectNode paramsObject = (ObjectNode) params;
            if (idNode == null) {
                return new JsonRpcMessage.Notification(method.textValue(), paramsObject, tree, raw);
            }
            if (id == null) {
                throw invalid("\"id\" must be a string or a number", null);
            }
            return new JsonRpcMessage.Request(id, method.textValue(), paramsObject, tree, raw);
        }
        JsonNode result = tree.get("result");
        JsonNode error = tree.get("error");
        if (result == null && error == null) {
            throw invalid("a message needs \"method\" (request) or \"result\"/\"error\" (response)", id);
        }
        if (result != null && error != null) {
            throw invalid("a response cannot carry both \"result\" and \"error\"", id);
        }
        if (idNode == null || (id == null && !idNode.isNull())) {
            throw invalid("a response needs a string or number \"id\"", null);
        }
        if (error != null) {
            if (!error.isObject() || !error.path("code").canConvertToExactIntegral()
                    || !error.path("message").isTextual()) {
                throw invalid("\"error\" must be an object with an integer \"code\" and a string \"message\"", id);
            }
            return new JsonRpcMessage.Response(id, null, (ObjectNode) error, tree, raw);
        }
        if (id == null) {
            throw invalid("a result needs a string or number \"id\"", null);
        }
        return new JsonRpcMessage.Response(id, result, null, tree, raw);
    }

    private static JsonRpcException invalid(String why, JsonRpcId id) {
        return new JsonRpcException(JsonRpcErrors.INVALID_REQUEST, "Invalid Request: " + why, id);
    }
}
