package io.airlock.proxy.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.airlock.mcp.McpHeaders;
import io.airlock.mcp.Meta;
import io.airlock.mcp.ProtocolVersions;
import io.airlock.mcp.jsonrpc.JsonRpcErrors;
import io.airlock.mcp.jsonrpc.JsonRpcFrame;
import io.airlock.mcp.jsonrpc.JsonRpcMessage;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Map;
import java.util.Set;

/**
 * Protocol 2026-07-28 on the HTTP front: recognising a stateless request, and validating its headers against its
 * body before anything is relayed (the headers are spoofable; the body is what the server acts on). Checks run in the
 * order the spec implies: {@code _meta} present (-32602), then header/body agreement (-32020), then version support
 * (-32022), then methods the revision removed (-32601, HTTP 404).
 */
final class StatelessRequests {

    /** Methods 2026-07-28 removed; a request for one of them with modern {@code _meta} is "method not found". */
    static final Set<String> REMOVED = Set.of("initialize", "ping", "logging/setLevel", "resources/subscribe",
            "resources/unsubscribe");

    /** A refusal: HTTP status, JSON-RPC code and message, optional error data. */
    record Rejection(HttpResponseStatus status, int code, String message, JsonNode data) {}

    private StatelessRequests() {}

    /** Whether this POST belongs to the stateless era: modern version header, or modern {@code _meta} in the body. */
    static boolean isStateless(String versionHeader, JsonRpcFrame frame) {
        if (ProtocolVersions.V2026_07_28.equals(versionHeader)) {
            return true;
        }
        if (frame instanceof JsonRpcFrame.Single single) {
            ObjectNode params = switch (single.message()) {
                case JsonRpcMessage.Request r -> r.params();
                case JsonRpcMessage.Notification n -> n.params();
                case JsonRpcMessage.Response ignored -> null;
            };
            JsonNode meta = params == null ? null : params.get("_meta");
            return meta != null && meta.has(Meta.PROTOCOL_VERSION);
        }
        return false;
    }

    /** Null when the request may be relayed, else why not. */
    static Rejection check(JsonRpcMessage.Request request, HttpHeaders headers) {
        JsonNode meta = request.params() == null ? null : request.params().get("_meta");
        JsonNode version = meta == null ? null : meta.get(Meta.PROTOCOL_VERSION);
        JsonNode capabilities = meta == null ? null : meta.get(Meta.CLIENT_CAPABILITIES);
        if (version == null || !version.isTextual() || capabilities == null || !capabilities.isObject()) {
            return new Rejection(HttpResponseStatus.BAD_REQUEST, JsonRpcErrors.INVALID_PARAMS,
                    "Invalid params: _meta must carry '" + Meta.PROTOCOL_VERSION + "' (a string) and '"
                            + Meta.CLIENT_CAPABILITIES + "' (an object)", null);
        }
        String header = headers.get(McpHttpHandler.VERSION_HEADER);
        if (header == null) {
            return mismatch("the MCP-Protocol-Version header is required");
        }
        if (!header.strip().equals(version.textValue())) {
            return mismatch("MCP-Protocol-Version header value '" + header + "' does not match body value '"
                    + version.textValue() + "'");
        }
        if (!ProtocolVersions.V2026_07_28.equals(version.textValue())) {
            ObjectNode data = JsonNodeFactory.instance.objectNode();
            data.putArray("supported").add(ProtocolVersions.V2026_07_28);
            data.put("requested", version.textValue());
            return new Rejection(HttpResponseStatus.BAD_REQUEST, JsonRpcErrors.UNSUPPORTED_PROTOCOL_VERSION,
                    "Unsupported protocol version", data);
        }
        String method = headers.get(McpHeaders.METHOD);
        if (method == null) {
            return mismatch("the Mcp-Method header is required");
        }
        if (!method.strip().equals(request.method())) {
            return mismatch("Mcp-Method header value '" + method + "' does not match body value '"
                    + request.method() + "'");
        }
        if (McpHeaders.needsName(request.method())) {
            String body = McpHeaders.nameOf(request);
            String name = headers.get(McpHeaders.NAME);
            if (name == null) {
                return mismatch("the Mcp-Name header is required for " + request.method());
            }
            String decoded;
            try {
                decoded = McpHeaders.decode(name);
            } catch (IllegalArgumentException e) {
                return mismatch("Mcp-Name header value is invalid: " + e.getMessage());
            }
            if (!decoded.equals(body)) {
                return mismatch("Mcp-Name header value '" + decoded + "' does not match body value '" + body + "'");
            }
        }
        if (REMOVED.contains(request.method())) {
            return new Rejection(HttpResponseStatus.NOT_FOUND, JsonRpcErrors.METHOD_NOT_FOUND,
                    "Method not found: " + request.method() + " does not exist in protocol 2026-07-28", null);
        }
        return null;
    }

    /**
     * Checks the {@code Mcp-Param-*} headers of a {@code tools/call} against its arguments, for the parameters the
     * tool declares with {@code x-mcp-header} ({@code declared}: lower-case header suffix → argument name). Headers
     * the tool does not declare are not Airlock's to judge.
     */
    static Rejection checkParams(JsonRpcMessage.Request request, HttpHeaders headers, Map<String, String> declared) {
        JsonNode arguments = request.params() == null ? null : request.params().get("arguments");
        for (Map.Entry<String, String> param : declared.entrySet()) {
            String headerName = "Mcp-Param-" + param.getKey();
            String header = headers.get(headerName);
            JsonNode value = arguments == null ? null : arguments.get(param.getValue());
            if (value == null || value.isNull()) {
                if (header != null) {
                    return mismatch(headerName + " header is present but argument '" + param.getValue()
                            + "' is absent");
                }
                continue;
            }
            if (header == null) {
                return mismatch("the " + headerName + " header is required: the tool mirrors argument '"
                        + param.getValue() + "' into it");
            }
            String decoded;
            try {
                decoded = McpHeaders.decode(header);
            } catch (IllegalArgumentException e) {
                return mismatch(headerName + " header value is invalid: " + e.getMessage());
            }
            if (!sameValue(decoded, value)) {
                return mismatch(headerName + " header value '" + decoded + "' does not match body value '"
                        + value.asText() + "'");
            }
        }
        return null;
    }

    private static boolean sameValue(String header, JsonNode value) {
        if (value.isTextual()) {
            return header.equals(value.textValue());
        }
        if (value.isBoolean()) {
            return header.equals(Boolean.toString(value.booleanValue()));
        }
        if (value.isNumber()) {
            try {
                return new java.math.BigDecimal(header).compareTo(value.decimalValue()) == 0;
            } catch (NumberFormatException e) {
                return false;
            }
        }
        return false;
    }

    /** The HTTP status a 2026-07-28 response carries, derived from its JSON-RPC error code. */
    static HttpResponseStatus statusOf(JsonRpcMessage message) {
        if (message instanceof JsonRpcMessage.Response response && response.isError()) {
            int code = response.error().path("code").asInt();
            if (code == JsonRpcErrors.METHOD_NOT_FOUND) {
                return HttpResponseStatus.NOT_FOUND;
            }
            if (code == JsonRpcErrors.HEADER_MISMATCH || code == JsonRpcErrors.MISSING_CLIENT_CAPABILITY
                    || code == JsonRpcErrors.UNSUPPORTED_PROTOCOL_VERSION) {
                return HttpResponseStatus.BAD_REQUEST;
            }
        }
        return HttpResponseStatus.OK;
    }

    private static Rejection mismatch(String why) {
        return new Rejection(HttpResponseStatus.BAD_REQUEST, JsonRpcErrors.HEADER_MISMATCH, "Header mismatch: " + why,
                null);
    }
}
