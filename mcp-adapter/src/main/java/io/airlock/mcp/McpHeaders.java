package io.airlock.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import io.airlock.mcp.jsonrpc.JsonRpcMessage;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The standard request headers of protocol 2026-07-28 ({@code Mcp-Method}, {@code Mcp-Name}) and their value
 * encoding: a value that is not plain visible ASCII without surrounding blanks travels as
 * {@code =?base64?<Base64 of UTF-8>?=}.
 */
public final class McpHeaders {

    public static final String METHOD = "Mcp-Method";
    public static final String NAME = "Mcp-Name";

    private static final String PREFIX = "=?base64?";
    private static final String SUFFIX = "?=";

    private McpHeaders() {}

    /** The body value {@code Mcp-Name} must mirror, or null when the method takes none. */
    public static String nameOf(JsonRpcMessage.Request request) {
        if (request.params() == null) {
            return null;
        }
        JsonNode value = switch (request.method()) {
            case McpMethods.TOOLS_CALL, McpMethods.PROMPTS_GET -> request.params().get("name");
            case McpMethods.RESOURCES_READ -> request.params().get("uri");
            default -> null;
        };
        return value == null || !value.isTextual() ? null : value.textValue();
    }

    /** Whether the method requires an {@code Mcp-Name} header. */
    public static boolean needsName(String method) {
        return McpMethods.isGated(method);
    }

    public static String encode(String value) {
        boolean plain = !value.isEmpty() && value.equals(value.strip()) && !value.startsWith(PREFIX);
        for (int i = 0; plain && i < value.length(); i++) {
            char c = value.charAt(i);
            plain = c >= 0x20 && c < 0x7f;
        }
        return plain ? value : PREFIX + Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8))
                + SUFFIX;
    }

    /**
     * Decodes a received header value (optional whitespace trimmed; base64 form decoded).
     *
     * @throws IllegalArgumentException when the base64 form is malformed or the value holds control characters
     */
    public static String decode(String header) {
        String value = header.strip();
        if (value.startsWith(PREFIX) && value.endsWith(SUFFIX) && value.length() >= PREFIX.length()
                + SUFFIX.length()) {
            String encoded = value.substring(PREFIX.length(), value.length() - SUFFIX.length());
            if (encoded.length() % 4 != 0) {
                throw new IllegalArgumentException("base64 value with bad padding");
            }
            byte[] bytes = Base64.getDecoder().decode(encoded); // IllegalArgumentException on bad characters
            return new String(bytes, StandardCharsets.UTF_8);
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 && c != '\t' || c == 0x7f) {
                throw new IllegalArgumentException("control character in header value");
            }
        }
        return value;
    }
}
