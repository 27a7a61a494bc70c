package io.airlock.mcp.jsonrpc;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.Objects;

/**
 * A JSON-RPC request id: a string or a number, never null in MCP. Equality follows JSON-RPC matching: the string
 * {@code "1"} and the number {@code 1} are different ids, while {@code 1} and {@code 1.0} are the same number (peers
 * written in JavaScript re-encode numbers).
 */
public final class JsonRpcId {

    private final JsonNode value;
    private final String key;

    private JsonRpcId(JsonNode value, String key) {
        this.value = value;
        this.key = key;
    }

    /**
     * Returns the id, or {@code null} when {@code node} is not a valid MCP id (absent, null, bool, object, array, or a
     * number too large to represent, such as {@code 1e400}).
     */
    public static JsonRpcId ofNode(JsonNode node) {
        if (node == null) {
            return null;
        }
        if (node.isTextual()) {
            return new JsonRpcId(node, "s:" + node.textValue());
        }
        if (node.isNumber()) {
            if (node.isFloatingPointNumber() && !Double.isFinite(node.doubleValue())) {
                return null; // e.g. 1e400: overflows, so no exact value to match on
            }
            BigDecimal number = node.decimalValue().stripTrailingZeros();
            // toString, not toPlainString: canonical once trailing zeros are stripped, and never expands an
            // exponent into millions of digits.
            return new JsonRpcId(node, "n:" + number);
        }
        return null;
    }

    public static JsonRpcId of(String id) {
        return ofNode(com.fasterxml.jackson.databind.node.TextNode.valueOf(Objects.requireNonNull(id, "id")));
    }

    public static JsonRpcId of(long id) {
        return ofNode(com.fasterxml.jackson.databind.node.LongNode.valueOf(id));
    }

    /** The id as it appeared on the wire (echoed verbatim in answers Airlock writes itself). */
    public JsonNode node() {
        return value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof JsonRpcId other && key.equals(other.key);
    }

    @Override
    public int hashCode() {
        return key.hashCode();
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
