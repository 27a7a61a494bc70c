package io.airlock.mcp.jsonrpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Builds the messages Airlock writes itself: errors, tool-error results, its own requests. */
public final class JsonRpcMessages {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private JsonRpcMessages() {}

    /** A JSON-RPC error response; {@code id} null answers a message whose id could not be read. */
    public static JsonRpcMessage.Response error(JsonRpcId id, int code, String message) {
        ObjectNode error = NODES.objectNode().put("code", code).put("message", message);
        ObjectNode tree = envelope(id);
        tree.set("error", error);
        return new JsonRpcMessage.Response(id, null, error, tree, bytes(tree));
    }

    /** A JSON-RPC error response with {@code data}. */
    public static JsonRpcMessage.Response error(JsonRpcId id, int code, String message, JsonNode data) {
        if (data == null) {
            return error(id, code, message);
        }
        ObjectNode error = NODES.objectNode().put("code", code).put("message", message);
        error.set("data", data);
        ObjectNode tree = envelope(id);
        tree.set("error", error);
        return new JsonRpcMessage.Response(id, null, error, tree, bytes(tree));
    }

    /**
     * A successful {@code tools/call} response whose result is a tool error: MCP wants refusals the model can read and
     * act on, not protocol errors.
     */
    public static JsonRpcMessage.Response toolError(JsonRpcId id, String text) {
        ObjectNode result = NODES.objectNode();
        ArrayNode content = result.putArray("content");
        content.addObject().put("type", "text").put("text", text);
        result.put("isError", true);
        return result(id, result);
    }

    public static JsonRpcMessage.Response result(JsonRpcId id, JsonNode result) {
        ObjectNode tree = envelope(id);
        tree.set("result", result);
        return new JsonRpcMessage.Response(id, result, null, tree, bytes(tree));
    }

    public static JsonRpcMessage.Request request(JsonRpcId id, String method, ObjectNode params) {
        ObjectNode tree = NODES.objectNode().put("jsonrpc", "2.0");
        tree.set("id", id.node());
        tree.put("method", method);
        if (params != null) {
            tree.set("params", params);
        }
        return new JsonRpcMessage.Request(id, method, params, tree, bytes(tree));
    }

    public static JsonRpcMessage.Notification notification(String method, ObjectNode params) {
        ObjectNode tree = NODES.objectNode().put("jsonrpc", "2.0").put("method", method);
        if (params != null) {
            tree.set("params", params);
        }
        return new JsonRpcMessage.Notification(method, params, tree, bytes(tree));
    }

    /** A response built from an edited copy of another response's tree (e.g. a filtered {@code tools/list}). */
    public static JsonRpcMessage.Response rewrite(JsonRpcMessage.Response original, JsonNode newResult) {
        ObjectNode tree = original.tree().deepCopy();
        tree.set("result", newResult);
        return new JsonRpcMessage.Response(original.id(), newResult, null, tree, bytes(tree));
    }

    private static ObjectNode envelope(JsonRpcId id) {
        ObjectNode tree = NODES.objectNode().put("jsonrpc", "2.0");
        tree.set("id", id == null ? NullNode.getInstance() : id.node());
        return tree;
    }

    private static byte[] bytes(JsonNode tree) {
        try {
            return MAPPER.writeValueAsBytes(tree);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
