package io.airlock.proxy.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.airlock.mcp.McpHeaders;
import io.airlock.mcp.McpMethods;
import io.airlock.mcp.upstream.StatelessBridge;
import io.netty.handler.codec.http.HttpHeaders;
import io.airlock.mcp.ProtocolVersions;
import io.airlock.mcp.jsonrpc.JsonRpcErrors;
import io.airlock.mcp.jsonrpc.JsonRpcException;
import io.airlock.mcp.jsonrpc.JsonRpcFrame;
import io.airlock.mcp.jsonrpc.JsonRpcId;
import io.airlock.mcp.jsonrpc.JsonRpcMessage;
import io.airlock.mcp.jsonrpc.JsonRpcMessages;
import io.airlock.mcp.jsonrpc.JsonRpcParser;
import io.airlock.mcp.upstream.UpstreamException;
import io.airlock.proxy.relay.IdRestoringStream;
import io.airlock.proxy.relay.RelaySession;
import io.airlock.proxy.relay.SessionRegistry;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent-facing HTTP front, one instance per connection (it holds the connection's current exchange). Routes:
 * <ul>
 *   <li>{@code /mcp/{server}}: Streamable HTTP (POST, GET stream, DELETE), protocol 2025-03-26 and later;</li>
 *   <li>{@code /sse/{server}} and {@code /messages/{server}?sessionId=}: the legacy HTTP+SSE transport
 *       (2024-11-05).</li>
 * </ul>
 * The request body is copied out and released at once; the connection reads its next request only after the
 * current exchange has finished (backpressure: one exchange per connection, no unbounded buffering).
 */
final class McpHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger log = LoggerFactory.getLogger(McpHttpHandler.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String SESSION_HEADER = "Mcp-Session-Id";
    static final String VERSION_HEADER = "MCP-Protocol-Version";

    private final HttpFront front;
    private HttpExchange exchange;
    private SseStream stream;
    private RelaySession streamSession;
    private boolean legacyStream;
    private boolean keepAlive;
    private StatelessCall statelessCall;
    /** The agent the current request's token names (set before routing; read only on this event loop). */
    private String agent = io.airlock.proxy.agents.AgentAuth.ANONYMOUS;

    private static final java.util.concurrent.atomic.AtomicLong STATELESS_IDS = new java.util.concurrent.atomic.AtomicLong();

    /** The stateless call this connection is carrying: a disconnect before its answer cancels it (2026-07-28). */
    private record StatelessCall(RelaySession session, JsonRpcId gatewayId, HttpExchange exchange) {}

    McpHttpHandler(HttpFront front) {
        this.front = front;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.read();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.abandon();
        }
        StatelessCall call = statelessCall;
        if (call != null && !call.exchange().answered()) {
            ObjectNode params = JSON.createObjectNode().put("reason", "the client closed the stream");
            params.set("requestId", call.gatewayId().node());
            call.session().fromClient(JsonRpcMessages.notification(McpMethods.CANCELLED, params), null);
        }
        if (stream != null && streamSession != null) {
            streamSession.detachStandalone(stream);
            if (legacyStream) {
                streamSession.close("the agent closed its SSE stream");
            }
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("connection error: {}", cause.toString());
        ctx.close();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        keepAlive = HttpUtil.isKeepAlive(request);
        if (!request.decoderResult().isSuccess()) {
            writeError(ctx, HttpResponseStatus.BAD_REQUEST, "malformed HTTP request");
            return;
        }
        String refused = front.origins().check(request.headers().get(HttpHeaderNames.ORIGIN),
                request.headers().get(HttpHeaderNames.HOST));
        if (refused != null) {
            writeError(ctx, HttpResponseStatus.FORBIDDEN, refused);
            return;
        }
        // Before routing, so an unauthenticated caller learns nothing (not even the configured server names).
        switch (front.agents().check(request.headers().get(HttpHeaderNames.AUTHORIZATION))) {
            case io.airlock.proxy.agents.AgentAuth.Authenticated ok -> agent = ok.agent();
            case io.airlock.proxy.agents.AgentAuth.Refused denied -> {
                FullHttpResponse response = full(HttpResponseStatus.UNAUTHORIZED, errorBody(denied.reason()),
                        "application/json");
                response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"airlock\"");
                write(ctx, response);
                return;
            }
        }
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        String[] parts = uri.path().split("/");
        if (parts.length != 3 || !parts[0].isEmpty()) {
            writeNotFound(ctx, "no such endpoint: " + uri.path() + " (MCP servers are at /mcp/{server})");
            return;
        }
        String server = parts[2];
        if (!front.servers().contains(server)) {
            writeNotFound(ctx, "unknown server '" + server + "'; configured servers: " + front.servers());
            return;
        }
        switch (parts[1]) {
            case "mcp" -> streamableHttp(ctx, request, server);
            case "sse" -> legacyOpen(ctx, request, server);
            case "messages" -> legacyPost(ctx, request, server, uri);
            default -> writeNotFound(ctx, "no such endpoint: " + uri.path()
                    + " (MCP servers are at /mcp/{server})");
        }
    }

    // ---- Streamable HTTP ----

    private void streamableHttp(ChannelHandlerContext ctx, FullHttpRequest request, String server) {
        String version = request.headers().get(VERSION_HEADER);
        HttpMethod method = request.method();
        if (method.equals(HttpMethod.POST)) {
            post(ctx, request, server, version);
            return;
        }
        if (version != null && !ProtocolVersions.isSupported(version)) {
            writeError(ctx, HttpResponseStatus.BAD_REQUEST, "unsupported " + VERSION_HEADER + ": " + version
                    + " (supported: " + ProtocolVersions.SUPPORTED + ")");
            return;
        }
        if (ProtocolVersions.V2026_07_28.equals(version)
                && (method.equals(HttpMethod.GET) || method.equals(HttpMethod.DELETE))) {
            FullHttpResponse response = full(HttpResponseStatus.METHOD_NOT_ALLOWED, errorBody(method
                    + " is not part of protocol 2026-07-28 (no sessions, no standalone stream)"), "application/json");
            response.headers().set(HttpHeaderNames.ALLOW, "POST");
            write(ctx, response);
            return;
        }
        if (method.equals(HttpMethod.GET)) {
            openStandalone(ctx, request, server);
        } else if (method.equals(HttpMethod.DELETE)) {
            RelaySession session = sessionFor(ctx, request, server);
            if (session != null) {
                session.close("the agent ended the session");
                writeEmpty(ctx, HttpResponseStatus.OK, null);
            }
        } else {
            FullHttpResponse response = full(HttpResponseStatus.METHOD_NOT_ALLOWED, errorBody("method "
                    + method + " is not allowed here"), "application/json");
            response.headers().set(HttpHeaderNames.ALLOW, "GET, POST, DELETE");
            write(ctx, response);
        }
    }

    private void post(ChannelHandlerContext ctx, FullHttpRequest request, String server, String version) {
        String contentType = request.headers().get(HttpHeaderNames.CONTENT_TYPE, "");
        if (!contentType.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            writeError(ctx, HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE,
                    "Content-Type must be application/json, got '" + contentType + "'");
            return;
        }
        String accept = request.headers().get(HttpHeaderNames.ACCEPT, "*/*");
        boolean acceptsSse = accepts(accept, "text/event-stream");
        boolean acceptsJson = accepts(accept, "application/json");
        if (!acceptsSse && !acceptsJson) {
            writeError(ctx, HttpResponseStatus.NOT_ACCEPTABLE,
                    "Accept must include application/json and text/event-stream, got '" + accept + "'");
            return;
        }
        byte[] body = ByteBufUtil.getBytes(request.content());
        JsonRpcFrame frame;
        try {
            frame = front.parser().parseFrame(body);
        } catch (JsonRpcException e) {
            writeJson(ctx, HttpResponseStatus.BAD_REQUEST,
                    JsonRpcMessages.error(e.id(), e.code(), e.getMessage()).raw(), null);
            return;
        }
        if (StatelessRequests.isStateless(version, frame)) {
            stateless(ctx, request, server, frame, acceptsSse, acceptsJson);
            return;
        }
        if (version != null && !ProtocolVersions.isSupported(version)) {
            writeError(ctx, HttpResponseStatus.BAD_REQUEST, "unsupported " + VERSION_HEADER + ": " + version
                    + " (supported: " + ProtocolVersions.SUPPORTED + ")");
            return;
        }
        List<JsonRpcMessage> messages;
        List<JsonRpcException> invalid;
        boolean batch = frame instanceof JsonRpcFrame.Batch;
        switch (frame) {
            case JsonRpcFrame.Single single -> {
                messages = List.of(single.message());
                invalid = List.of();
            }
            case JsonRpcFrame.Batch b -> {
                messages = b.messages();
                invalid = b.invalid();
            }
        }
        boolean initializing = messages.stream().anyMatch(m -> m instanceof JsonRpcMessage.Request r
                && McpMethods.INITIALIZE.equals(r.method()));
        String sessionHeader = request.headers().get(SESSION_HEADER);
        if (initializing && sessionHeader == null) {
            if (messages.size() != 1) {
                writeJson(ctx, HttpResponseStatus.BAD_REQUEST, JsonRpcMessages.error(null,
                        JsonRpcErrors.INVALID_REQUEST, "Invalid Request: initialize must be sent alone").raw(), null);
                return;
            }
            JsonRpcMessage.Request init = (JsonRpcMessage.Request) messages.getFirst();
            front.sessions().open(server, agent).whenComplete((session, error) ->
                    ctx.executor().execute(() -> {
                        if (error != null) {
                            failOpen(ctx, init, error);
                        } else {
                            dispatch(ctx, session, messages, invalid, batch, acceptsSse, acceptsJson);
                        }
                    }));
            return;
        }
        RelaySession session = sessionFor(ctx, request, server);
        if (session == null) {
            return;
        }
        // Batches exist only in 2025-03-26: judge by the header, else by what the session negotiated.
        String effective = version != null ? version : session.protocolVersion();
        if (batch && effective != null && !ProtocolVersions.allowsBatches(effective)) {
            writeJson(ctx, HttpResponseStatus.BAD_REQUEST, JsonRpcMessages.error(null, JsonRpcErrors.INVALID_REQUEST,
                    "Invalid Request: JSON-RPC batches are not part of protocol " + effective).raw(), null);
            return;
        }
        dispatch(ctx, session, messages, invalid, batch, acceptsSse, acceptsJson);
    }

    /**
     * A 2026-07-28 request: validated against its headers, then relayed through the server's shared stateless session
     * under a gateway-unique id. No session id is minted or honoured. Closing the connection cancels the call.
     */
    private void stateless(ChannelHandlerContext ctx, FullHttpRequest http, String server, JsonRpcFrame frame,
                           boolean acceptsSse, boolean acceptsJson) {
        if (!(frame instanceof JsonRpcFrame.Single(JsonRpcMessage message))) {
            writeJson(ctx, HttpResponseStatus.BAD_REQUEST, JsonRpcMessages.error(null, JsonRpcErrors.INVALID_REQUEST,
                    "Invalid Request: batches are not part of protocol 2026-07-28").raw(), null);
            return;
        }
        if (message instanceof JsonRpcMessage.Response) {
            writeJson(ctx, HttpResponseStatus.BAD_REQUEST, JsonRpcMessages.error(null, JsonRpcErrors.INVALID_REQUEST,
                    "Invalid Request: in protocol 2026-07-28 clients do not send responses").raw(), null);
            return;
        }
        if (!(message instanceof JsonRpcMessage.Request request)) {
            // No client-to-server notification exists over 2026-07-28 HTTP; accept and drop, as the spec allows.
            writeEmpty(ctx, HttpResponseStatus.ACCEPTED, null);
            return;
        }
        StatelessRequests.Rejection rejection = StatelessRequests.check(request, http.headers());
        if (rejection != null) {
            writeJson(ctx, rejection.status(), JsonRpcMessages.error(request.id(), rejection.code(),
                    rejection.message(), rejection.data()).raw(), null);
            return;
        }
        HttpHeaders headers = http.headers().copy();
        front.sessions().stateless(server, agent).whenComplete((session, error) -> ctx.executor().execute(() -> {
            if (error != null) {
                failOpen(ctx, request, error);
                return;
            }
            if (session.upstream() instanceof StatelessBridge bridge
                    && McpMethods.TOOLS_CALL.equals(request.method())) {
                StatelessRequests.Rejection bad = StatelessRequests.checkParams(request, headers,
                        bridge.headerParams(McpHeaders.nameOf(request)));
                if (bad != null) {
                    writeJson(ctx, bad.status(), JsonRpcMessages.error(request.id(), bad.code(), bad.message(),
                            bad.data()).raw(), null);
                    return;
                }
            }
            JsonRpcId gatewayId = JsonRpcId.of("airlock-" + STATELESS_IDS.incrementAndGet());
            HttpExchange current = new HttpExchange(ctx, this, Set.of(request.id()), false, acceptsSse, acceptsJson,
                    null, true);
            exchange = current;
            statelessCall = new StatelessCall(session, gatewayId, current);
            session.fromClient(front.parser().withId(request, gatewayId),
                    new IdRestoringStream(current, gatewayId, request.id(), front.parser()));
        }));
    }

    private void failOpen(ChannelHandlerContext ctx, JsonRpcMessage.Request init, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof SessionRegistry.SessionLimitException) {
            writeJson(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, JsonRpcMessages.error(init.id(),
                    JsonRpcErrors.OVERLOADED, cause.getMessage()).raw(), null);
            return;
        }
        String why = cause instanceof UpstreamException ? cause.getMessage() : cause.toString();
        log.warn("cannot open a session: {}", why);
        writeJson(ctx, HttpResponseStatus.BAD_GATEWAY, JsonRpcMessages.error(init.id(),
                JsonRpcErrors.UPSTREAM_UNAVAILABLE, "Airlock could not start the upstream server: " + why).raw(), null);
    }

    private void dispatch(ChannelHandlerContext ctx, RelaySession session, List<JsonRpcMessage> messages,
                          List<JsonRpcException> invalid, boolean batch, boolean acceptsSse, boolean acceptsJson) {
        Set<JsonRpcId> awaited = new LinkedHashSet<>();
        for (JsonRpcMessage m : messages) {
            if (m instanceof JsonRpcMessage.Request r) {
                awaited.add(r.id());
            }
        }
        List<JsonRpcMessage.Response> errors = new ArrayList<>();
        for (JsonRpcException e : invalid) {
            errors.add(JsonRpcMessages.error(e.id(), e.code(), e.getMessage()));
        }
        if (awaited.isEmpty() && errors.isEmpty()) {
            messages.forEach(m -> session.fromClient(m, null));
            writeEmpty(ctx, HttpResponseStatus.ACCEPTED, session.id());
            return;
        }
        // Invalid batch elements without a readable id still need an answer slot.
        int anonymous = 0;
        for (JsonRpcMessage.Response error : errors) {
            awaited.add(error.id() != null ? error.id() : JsonRpcId.of("airlock-invalid-" + anonymous++));
        }
        HttpExchange current = new HttpExchange(ctx, this, awaited, batch, acceptsSse, acceptsJson, session.id(),
                false);
        exchange = current;
        anonymous = 0;
        for (JsonRpcMessage.Response error : errors) {
            current.send(error.id() != null ? error : JsonRpcMessages.error(JsonRpcId.of("airlock-invalid-"
                    + anonymous++), error.error().get("code").intValue(), error.error().get("message").asText()));
        }
        for (JsonRpcMessage m : messages) {
            session.fromClient(m, current);
        }
    }

    private void openStandalone(ChannelHandlerContext ctx, FullHttpRequest request, String server) {
        if (!accepts(request.headers().get(HttpHeaderNames.ACCEPT, ""), "text/event-stream")) {
            writeError(ctx, HttpResponseStatus.NOT_ACCEPTABLE, "GET needs Accept: text/event-stream");
            return;
        }
        RelaySession session = sessionFor(ctx, request, server);
        if (session == null) {
            return;
        }
        SseStream sse = new SseStream(ctx.channel());
        if (!session.attachStandalone(sse)) {
            writeError(ctx, HttpResponseStatus.CONFLICT, "this session already has an open GET stream");
            return;
        }
        stream = sse;
        streamSession = session;
        writeSseHead(ctx, session.id());
    }

    /** The session named by the header, or null after answering 400 (missing) or 404 (unknown or ended). */
    private RelaySession sessionFor(ChannelHandlerContext ctx, FullHttpRequest request, String server) {
        String id = request.headers().get(SESSION_HEADER);
        if (id == null) {
            writeJson(ctx, HttpResponseStatus.BAD_REQUEST, JsonRpcMessages.error(null, JsonRpcErrors.INVALID_REQUEST,
                    "Bad Request: " + SESSION_HEADER + " header is required (send initialize first)").raw(), null);
            return null;
        }
        RelaySession session = front.sessions().get(id);
        // A session id is usable only by the agent that opened it: another agent's token sees "not found".
        if (session == null || !session.server().equals(server) || !agent.equals(session.agent())) {
            writeJson(ctx, HttpResponseStatus.NOT_FOUND, JsonRpcMessages.error(null, JsonRpcErrors.INVALID_REQUEST,
                    "Session not found: it ended or never existed; start a new one with initialize").raw(), null);
            return null;
        }
        return session;
    }

    // ---- legacy HTTP+SSE (2024-11-05) ----

    private void legacyOpen(ChannelHandlerContext ctx, FullHttpRequest request, String server) {
        if (!request.method().equals(HttpMethod.GET)) {
            writeError(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, "the SSE endpoint takes GET");
            return;
        }
        front.sessions().open(server, agent).whenComplete((session, error) -> ctx.executor().execute(() -> {
            if (error != null) {
                Throwable cause = error.getCause() != null ? error.getCause() : error;
                writeError(ctx, HttpResponseStatus.BAD_GATEWAY, "Airlock could not start the upstream server: "
                        + cause.getMessage());
                return;
            }
            if (!ctx.channel().isActive()) {
                session.close("the agent left before the stream opened");
                return;
            }
            SseStream sse = new SseStream(ctx.channel());
            stream = sse;
            streamSession = session;
            legacyStream = true;
            session.attachStandalone(sse); // before the client can learn the endpoint and post to it
            writeSseHead(ctx, null);
            sse.sendEvent("endpoint", "/messages/" + server + "?sessionId=" + session.id());
        }));
    }

    private void legacyPost(ChannelHandlerContext ctx, FullHttpRequest request, String server,
                            QueryStringDecoder uri) {
        if (!request.method().equals(HttpMethod.POST)) {
            writeError(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, "the message endpoint takes POST");
            return;
        }
        List<String> ids = uri.parameters().get("sessionId");
        RelaySession session = ids == null || ids.isEmpty() ? null : front.sessions().get(ids.getFirst());
        if (session == null || !session.server().equals(server) || !agent.equals(session.agent())) {
            writeError(ctx, HttpResponseStatus.NOT_FOUND, "session not found; open a new one with GET /sse/"
                    + server);
            return;
        }
        var sse = session.standalone();
        if (sse == null || !sse.isOpen()) {
            writeError(ctx, HttpResponseStatus.NOT_FOUND, "the session's SSE stream is closed; open a new one");
            return;
        }
        JsonRpcMessage message;
        try {
            message = front.parser().parseMessage(ByteBufUtil.getBytes(request.content()));
        } catch (JsonRpcException e) {
            writeJson(ctx, HttpResponseStatus.BAD_REQUEST,
                    JsonRpcMessages.error(e.id(), e.code(), e.getMessage()).raw(), null);
            return;
        }
        session.fromClient(message, sse);
        FullHttpResponse accepted = full(HttpResponseStatus.ACCEPTED, "Accepted".getBytes(StandardCharsets.UTF_8),
                "text/plain");
        write(ctx, accepted);
    }

    // ---- writing ----

    void exchangeDone(ChannelHandlerContext ctx, boolean ok) {
        exchange = null;
        if (ok && keepAlive && ctx.channel().isActive()) {
            ctx.read();
        } else {
            ctx.close();
        }
    }

    void writeSseHead(ChannelHandlerContext ctx, String sessionId) {
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream")
                .set(HttpHeaderNames.CACHE_CONTROL, "no-cache, no-transform")
                .set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED)
                .set("X-Accel-Buffering", "no");
        if (sessionId != null) {
            head.headers().set(SESSION_HEADER, sessionId);
        }
        ctx.writeAndFlush(head);
    }

    void writeJson(ChannelHandlerContext ctx, HttpResponseStatus status, byte[] body, String sessionId) {
        FullHttpResponse response = full(status, body, "application/json");
        if (sessionId != null) {
            response.headers().set(SESSION_HEADER, sessionId);
        }
        write(ctx, response);
    }

    void writeEmpty(ChannelHandlerContext ctx, HttpResponseStatus status, String sessionId) {
        FullHttpResponse response = full(status, new byte[0], null);
        if (sessionId != null) {
            response.headers().set(SESSION_HEADER, sessionId);
        }
        write(ctx, response);
    }

    private void writeError(ChannelHandlerContext ctx, HttpResponseStatus status, String message) {
        write(ctx, full(status, errorBody(message), "application/json"));
    }

    private void writeNotFound(ChannelHandlerContext ctx, String message) {
        writeError(ctx, HttpResponseStatus.NOT_FOUND, message);
    }

    private void write(ChannelHandlerContext ctx, FullHttpResponse response) {
        exchange = null;
        HttpUtil.setKeepAlive(response, keepAlive);
        if (keepAlive) {
            ctx.writeAndFlush(response).addListener((ChannelFutureListener) f -> {
                if (f.isSuccess()) {
                    f.channel().read();
                } else {
                    f.channel().close();
                }
            });
        } else {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private static FullHttpResponse full(HttpResponseStatus status, byte[] body, String contentType) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.wrappedBuffer(body));
        if (contentType != null) {
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        }
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        return response;
    }

    private static byte[] errorBody(String message) {
        ObjectNode body = JSON.createObjectNode().put("error", message);
        try {
            return JSON.writeValueAsBytes(body);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static boolean accepts(String accept, String type) {
        String lower = accept.toLowerCase(java.util.Locale.ROOT);
        return lower.contains(type) || lower.contains("*/*")
                || lower.contains(type.substring(0, type.indexOf('/') + 1) + "*");
    }
}
