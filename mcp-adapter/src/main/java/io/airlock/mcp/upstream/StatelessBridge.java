package io.airlock.mcp.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.airlock.mcp.McpMethods;
import io.airlock.mcp.Meta;
import io.airlock.mcp.ProtocolVersions;
import io.airlock.mcp.jsonrpc.JsonRpcErrors;
import io.airlock.mcp.jsonrpc.JsonRpcId;
import io.airlock.mcp.jsonrpc.JsonRpcMessage;
import io.airlock.mcp.jsonrpc.JsonRpcMessages;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets stateless (2026-07-28) clients share one upstream, whatever era the server speaks. On start it probes with
 * {@code server/discover}: a server that answers is modern and gets requests as they are. Any other answer, or none
 * within the probe timeout, means legacy (the spec forbids keying this on one error code): the bridge runs the
 * {@code initialize} handshake once and answers {@code server/discover} itself from the initialize result.
 *
 * <p>Stateless clients take no server-to-client requests, so the bridge answers those with an error.
 */
public final class StatelessBridge implements Upstream, UpstreamListener {

    /** The server's era, as the probe found it. */
    public enum Era { MODERN, LEGACY }

    private static final Logger log = LoggerFactory.getLogger(StatelessBridge.class);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** How long a server may take to answer server/discover before it is taken for legacy. */
    public static final java.time.Duration DEFAULT_PROBE_TIMEOUT = java.time.Duration.ofSeconds(5);
    private static final long INITIALIZE_SECONDS = 30;

    private static final JsonNode COMPLETE = NODES.textNode("complete");
    /** Results that 2026-07-28 marks cacheable, which must carry {@code ttlMs} and {@code cacheScope}. */
    private static final java.util.Set<String> CACHEABLE = java.util.Set.of("tools/list", "prompts/list",
            "resources/list", "resources/templates/list", "resources/read");

    private final long probeMillis;
    private final String name;
    private final Upstream inner;
    private final io.airlock.mcp.jsonrpc.JsonRpcParser parser;
    private final String version;
    private final ConcurrentHashMap<JsonRpcId, CompletableFuture<JsonRpcMessage.Response>> own =
            new ConcurrentHashMap<>();
    private final ConcurrentHashMap<JsonRpcId, String> methods = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Map<String, String>> headerParams = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, String> headerDisplayNames = new ConcurrentHashMap<>();
    private volatile UpstreamListener listener;
    private volatile Era era;
    private volatile JsonNode initializeResult;

    public StatelessBridge(String name, Upstream inner, String version, io.airlock.mcp.jsonrpc.JsonRpcParser parser) {
        this(name, inner, version, parser, DEFAULT_PROBE_TIMEOUT);
    }

    public StatelessBridge(String name, Upstream inner, String version, io.airlock.mcp.jsonrpc.JsonRpcParser parser,
                           java.time.Duration probeTimeout) {
        this.probeMillis = probeTimeout.toMillis();
        this.name = Objects.requireNonNull(name, "name");
        this.parser = Objects.requireNonNull(parser, "parser");
        this.inner = Objects.requireNonNull(inner, "inner");
        this.version = version;
    }

    public Era era() {
        return era;
    }

    @Override
    public void start(UpstreamListener listener) throws UpstreamException {
        this.listener = Objects.requireNonNull(listener, "listener");
        inner.start(this);
        if (inner instanceof StreamableHttpUpstream http) {
            http.headerParams(this::headerValues);
        }
        JsonRpcMessage.Response discover = ask(McpMethods.SERVER_DISCOVER, discoverParams(), probeMillis);
        if (discover != null && discover.isError() && isModernError(discover)) {
            // A modern server refusing this particular request (version, capability, headers): ask once more.
            log.info("upstream '{}' refused server/discover with a 2026-07-28 error ({}); retrying once", name,
                    discover.error().path("code").asInt());
            discover = ask(McpMethods.SERVER_DISCOVER, discoverParams(), probeMillis);
        }
        JsonNode versions = discover == null || discover.isError() ? null
                : discover.result().get("supportedVersions");
        if (versions != null && versions.isArray() && contains(versions, ProtocolVersions.V2026_07_28)) {
            era = Era.MODERN;
            if (inner instanceof StreamableHttpUpstream http) {
                http.protocolVersion(ProtocolVersions.V2026_07_28);
            }
            log.info("upstream '{}' speaks 2026-07-28; stateless requests pass through", name);
            learnTools();
            return;
        }
        ObjectNode params = NODES.objectNode().put("protocolVersion", ProtocolVersions.V2025_11_25);
        params.putObject("capabilities");
        params.putObject("clientInfo").put("name", "airlock").put("version", version);
        JsonRpcMessage.Response init = ask(McpMethods.INITIALIZE, params, INITIALIZE_SECONDS * 1000);
        if (init == null) {
            throw new UpstreamException("upstream '" + name + "' answered neither server/discover nor initialize "
                    + "within " + INITIALIZE_SECONDS + " s");
        }
        if (init.isError()) {
            throw new UpstreamException("upstream '" + name + "' refused initialize: " + init.error());
        }
        initializeResult = init.result();
        JsonNode negotiated = init.result().get("protocolVersion");
        if (inner instanceof StreamableHttpUpstream http && negotiated != null) {
            http.protocolVersion(negotiated.asText());
        }
        inner.send(JsonRpcMessages.notification(McpMethods.INITIALIZED, null));
        era = Era.LEGACY;
        log.info("upstream '{}' is pre-2026 (negotiated {}); Airlock bridges stateless requests", name, negotiated);
        learnTools();
    }

    /**
     * The {@code Mcp-Param-*} headers the tool declares through {@code x-mcp-header} in its input schema: header
     * name in lower case → argument name. Empty when the tool declares none or is unknown.
     */
    public Map<String, String> headerParams(String tool) {
        return tool == null ? Map.of() : headerParams.getOrDefault(tool, Map.of());
    }

    /** The 2026-07-28 error codes only a modern server sends: they mean "modern, but not like that". */
    private static boolean isModernError(JsonRpcMessage.Response response) {
        int code = response.error().path("code").asInt();
        return code == JsonRpcErrors.UNSUPPORTED_PROTOCOL_VERSION && supports2026(response)
                || code == JsonRpcErrors.HEADER_MISMATCH || code == JsonRpcErrors.MISSING_CLIENT_CAPABILITY;
    }

    private static boolean supports2026(JsonRpcMessage.Response response) {
        JsonNode supported = response.error().path("data").path("supported");
        return supported.isArray() && contains(supported, ProtocolVersions.V2026_07_28);
    }

    /** {@code Mcp-Param-*} headers for a tools/call, computed from its arguments (the front checked they agree). */
    private Map<String, String> headerValues(JsonRpcMessage.Request request) {
        if (!McpMethods.TOOLS_CALL.equals(request.method())) {
            return Map.of();
        }
        Map<String, String> declared = headerParams(io.airlock.mcp.McpHeaders.nameOf(request));
        if (declared.isEmpty()) {
            return Map.of();
        }
        JsonNode arguments = request.params() == null ? null : request.params().get("arguments");
        Map<String, String> headers = new java.util.LinkedHashMap<>();
        declared.forEach((header, argument) -> {
            JsonNode value = arguments == null ? null : arguments.get(argument);
            if (value != null && value.isValueNode() && !value.isNull()) {
                headers.put("Mcp-Param-" + headerDisplayNames.getOrDefault(header, header),
                        io.airlock.mcp.McpHeaders.encode(value.asText()));
            }
        });
        return headers;
    }

    /** Reads the tool list once at start (a few pages at most), so headers can be checked from the first call. */
    private void learnTools() throws UpstreamException {
        String cursor = null;
        for (int page = 0; page < 10; page++) {
            ObjectNode params = era == Era.MODERN ? discoverParams() : NODES.objectNode();
            if (cursor != null) {
                params.put("cursor", cursor);
            }
            JsonRpcMessage.Response tools = ask(McpMethods.TOOLS_LIST, params, probeMillis);
            if (tools == null || tools.isError()) {
                return;
            }
            learnHeaderParams(tools.result());
            JsonNode next = tools.result().get("nextCursor");
            if (next == null || !next.isTextual()) {
                return;
            }
            cursor = next.textValue();
        }
    }

    private void learnHeaderParams(JsonNode listResult) {
        JsonNode tools = listResult.get("tools");
        if (tools == null || !tools.isArray()) {
            return;
        }
        for (JsonNode tool : tools) {
            JsonNode properties = tool.path("inputSchema").path("properties");
            Map<String, String> params = new java.util.HashMap<>();
            properties.properties().forEach(entry -> {
                JsonNode header = entry.getValue().get("x-mcp-header");
                if (header != null && header.isTextual() && !header.textValue().isBlank()) {
                    String lower = header.textValue().toLowerCase(java.util.Locale.ROOT);
                    params.put(lower, entry.getKey());
                    headerDisplayNames.put(lower, header.textValue());
                }
            });
            if (tool.path("name").isTextual()) {
                headerParams.put(tool.path("name").textValue(), Map.copyOf(params));
            }
        }
    }

    @Override
    public void send(JsonRpcMessage message) throws UpstreamException {
        if (message instanceof JsonRpcMessage.Request request) {
            if (era == Era.LEGACY && McpMethods.SERVER_DISCOVER.equals(request.method())) {
                listener.onMessage(JsonRpcMessages.result(request.id(), discoverResult()), request.id());
                return;
            }
            methods.put(request.id(), request.method());
            try {
                inner.send(message);
            } catch (UpstreamException e) {
                methods.remove(request.id());
                throw e;
            }
            return;
        }
        inner.send(message);
    }

    @Override
    public void onMessage(JsonRpcMessage message, JsonRpcId relatedTo) {
        if (message instanceof JsonRpcMessage.Response response && response.id() != null) {
            CompletableFuture<JsonRpcMessage.Response> waiting = own.remove(response.id());
            if (waiting != null) {
                waiting.complete(response);
                return;
            }
        }
        switch (message) {
            case JsonRpcMessage.Request request -> {
                try {
                    inner.send(JsonRpcMessages.error(request.id(), JsonRpcErrors.METHOD_NOT_FOUND, request.method()
                            + " is not available: the client is stateless (2026-07-28) and takes no server requests"));
                } catch (UpstreamException e) {
                    log.debug("upstream '{}': {}", name, e.getMessage());
                }
            }
            // The relay attributes notifications to a request (by relation, progress token, subscription id, or
            // the only call in flight) and drops those it cannot attribute, so one client never sees another's.
            case JsonRpcMessage.Notification notification -> listener.onMessage(notification, relatedTo);
            case JsonRpcMessage.Response response -> {
                String method = response.id() == null ? null : methods.remove(response.id());
                if (McpMethods.TOOLS_LIST.equals(method) && !response.isError()) {
                    learnHeaderParams(response.result());
                }
                listener.onMessage(era == Era.LEGACY && !response.isError() ? modernise(response, method) : response,
                        relatedTo);
            }
        }
    }

    /**
     * Gives a legacy result the fields 2026-07-28 requires: {@code resultType}, and on cacheable results hints that
     * forbid caching ({@code ttlMs: 0}, {@code cacheScope: private}): Airlock cannot know what the server would allow.
     */
    private JsonRpcMessage.Response modernise(JsonRpcMessage.Response response, String method) {
        JsonRpcMessage.Response out = response;
        if (method != null && CACHEABLE.contains(method)) {
            out = parser.withResultField(out, "cacheScope", NODES.textNode("private"));
            out = parser.withResultField(out, "ttlMs", NODES.numberNode(0));
        }
        return parser.withResultField(out, "resultType", COMPLETE);
    }

    @Override
    public void onClosed(String reason) {
        own.values().forEach(f -> f.complete(null));
        UpstreamListener l = listener;
        if (l != null) {
            l.onClosed(reason);
        }
    }

    @Override
    public void close() {
        inner.close();
    }

    @Override
    public String describe() {
        return inner.describe() + (era == null ? "" : " (" + era.name().toLowerCase(java.util.Locale.ROOT) + ")");
    }

    /** Sends one of the bridge's own requests and waits (on the caller's virtual thread); null on timeout. */
    private JsonRpcMessage.Response ask(String method, ObjectNode params, long millis) throws UpstreamException {
        JsonRpcId id = JsonRpcId.of("airlock-" + method + "-" + System.nanoTime());
        CompletableFuture<JsonRpcMessage.Response> answer = new CompletableFuture<>();
        own.put(id, answer);
        inner.send(JsonRpcMessages.request(id, method, params));
        try {
            return answer.get(millis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            own.remove(id);
            return null;
        } catch (ExecutionException e) {
            throw new UpstreamException("upstream '" + name + "': " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpstreamException("interrupted while starting upstream '" + name + "'");
        }
    }

    private ObjectNode discoverParams() {
        ObjectNode params = NODES.objectNode();
        ObjectNode meta = params.putObject("_meta");
        meta.put(Meta.PROTOCOL_VERSION, ProtocolVersions.V2026_07_28);
        meta.putObject(Meta.CLIENT_CAPABILITIES);
        meta.putObject(Meta.CLIENT_INFO).put("name", "airlock").put("version", version);
        return params;
    }

    /** A DiscoverResult built from what the legacy server said in initialize. */
    private ObjectNode discoverResult() {
        JsonNode init = initializeResult;
        ObjectNode result = NODES.objectNode().put("resultType", "complete").put("ttlMs", 0)
                .put("cacheScope", "private");
        result.putArray("supportedVersions").add(ProtocolVersions.V2026_07_28);
        result.set("capabilities", init.has("capabilities") ? init.get("capabilities").deepCopy()
                : NODES.objectNode());
        if (init.hasNonNull("instructions")) {
            result.set("instructions", init.get("instructions"));
        }
        if (init.has("serverInfo")) {
            result.putObject("_meta").set(Meta.SERVER_INFO, init.get("serverInfo").deepCopy());
        }
        return result;
    }

    private static boolean contains(JsonNode array, String value) {
        for (JsonNode item : array) {
            if (value.equals(item.asText())) {
                return true;
            }
        }
        return false;
    }
}
