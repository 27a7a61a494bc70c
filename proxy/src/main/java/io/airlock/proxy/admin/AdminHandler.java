package io.airlock.proxy.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.airlock.mcp.sse.SseEvent;
import io.airlock.policy.operator.HeldCall;
import io.airlock.policy.operator.HeldCalls;
import io.airlock.policy.operator.RememberedApprovals;
import io.airlock.policy.operator.SessionActivity;
import io.airlock.proxy.http.OriginPolicy;
import io.airlock.proxy.ops.AirlockMetrics;
import io.airlock.proxy.ops.OpsEndpoints;
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
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes the admin API. Order of checks, for every request: the token (401 with an empty body: nothing about held
 * calls leaks to a caller without it), then Origin/Host (403: no browser page may drive it), then the route.
 * Deciding may write the remember file, so it runs on a virtual thread, never on the event loop.
 */
final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger log = LoggerFactory.getLogger(AdminHandler.class);
    static final String VERSION = "1";

    /** @param ops health and metrics endpoints, or null when not served */
    record Context(AdminToken token, HeldCalls held, AdminEvents events, OriginPolicy origins,
                   Supplier<String> policyRevision, OpsEndpoints ops) {}

    private final Context context;

    AdminHandler(Context context) {
        this.context = context;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (!request.decoderResult().isSuccess()) {
            respond(ctx, request, HttpResponseStatus.BAD_REQUEST, AdminJson.error("malformed HTTP request"));
            return;
        }
        String rawPath = new QueryStringDecoder(request.uri()).path();
        boolean get = request.method().equals(HttpMethod.GET);
        if (context.ops() != null && get && (rawPath.equals("/healthz") || rawPath.equals("/readyz"))) {
            // Before the token: probes carry none. The answer says only ok or not (details need the token).
            probe(ctx, request, rawPath.equals("/healthz"));
            return;
        }
        String authorization = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        boolean metrics = context.ops() != null && rawPath.equals("/metrics");
        boolean admitted = context.token().accepts(authorization) || metrics && context.ops().metricsToken() != null
                && context.ops().metricsToken().accepts(authorization);
        if (!admitted) {
            respondEmpty(ctx, request, HttpResponseStatus.UNAUTHORIZED);
            return;
        }
        String refused = context.origins().check(request.headers().get(HttpHeaderNames.ORIGIN),
                request.headers().get(HttpHeaderNames.HOST));
        if (refused != null || request.headers().contains(HttpHeaderNames.ORIGIN)) {
            respond(ctx, request, HttpResponseStatus.FORBIDDEN, AdminJson.error(refused != null ? refused
                    : "the admin API does not serve browsers (Origin header present)"));
            return;
        }
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        String path = uri.path();
        HttpMethod method = request.method();
        if (path.equals("/v1/held") && method.equals(HttpMethod.GET)) {
            ObjectNode body = AdminJson.MAPPER.createObjectNode();
            ArrayNode list = body.putArray("held");
            context.held().waiting().forEach(h -> list.add(AdminJson.held(h)));
            respond(ctx, request, HttpResponseStatus.OK, body);
        } else if (path.startsWith("/v1/held/") && path.endsWith("/decision")) {
            if (!method.equals(HttpMethod.POST)) {
                respond(ctx, request, HttpResponseStatus.METHOD_NOT_ALLOWED, AdminJson.error("use POST"));
                return;
            }
            String id = path.substring("/v1/held/".length(), path.length() - "/decision".length());
            decide(ctx, request, id);
        } else if (path.startsWith("/v1/held/") && method.equals(HttpMethod.GET)) {
            String id = path.substring("/v1/held/".length());
            context.held().find(id).filter(h -> h.state() instanceof HeldCall.State.Waiting).ifPresentOrElse(
                    h -> respond(ctx, request, HttpResponseStatus.OK, AdminJson.detail(h, context.held())),
                    () -> respond(ctx, request, HttpResponseStatus.NOT_FOUND,
                            AdminJson.error("no held call '" + id + "' is waiting")));
        } else if (path.equals("/v1/decisions") && method.equals(HttpMethod.GET)) {
            int limit = 50;
            List<String> given = uri.parameters().get("limit");
            if (given != null && !given.isEmpty()) {
                try {
                    limit = Math.clamp(Integer.parseInt(given.getFirst()), 1, 200);
                } catch (NumberFormatException e) {
                    respond(ctx, request, HttpResponseStatus.BAD_REQUEST, AdminJson.error("limit: not a number"));
                    return;
                }
            }
            ObjectNode body = AdminJson.MAPPER.createObjectNode();
            ArrayNode list = body.putArray("decisions");
            for (SessionActivity.Entry entry : context.held().activity().latest(limit)) {
                list.add(AdminJson.entry(entry));
            }
            respond(ctx, request, HttpResponseStatus.OK, body);
        } else if (path.equals("/v1/events") && method.equals(HttpMethod.GET)) {
            events(ctx);
        } else if (metrics && get) {
            scrape(ctx, request);
        } else if (path.equals("/v1/status") && method.equals(HttpMethod.GET)) {
            ObjectNode body = AdminJson.MAPPER.createObjectNode().put("version", VERSION)
                    .put("held", context.held().waiting().size()).put("heldLimit", context.held().capacity())
                    .put("refusedFull", context.held().refusedFull())
                    .put("policyRevision", context.policyRevision().get());
            if (context.ops() == null) {
                respond(ctx, request, HttpResponseStatus.OK, body);
                return;
            }
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            // The details /readyz keeps from unauthenticated callers.
            context.ops().readiness().check().thenAccept(report -> {
                body.put("ready", report.ready());
                ArrayNode problems = body.putArray("notReady");
                report.problems().forEach(problems::add);
                write(ctx, HttpResponseStatus.OK, bytes(body), keepAlive);
            });
        } else {
            respond(ctx, request, HttpResponseStatus.NOT_FOUND, AdminJson.error("no such endpoint: " + method + " "
                    + path + " (see docs/ADMIN-API.md)"));
        }
    }

    private void probe(ChannelHandlerContext ctx, FullHttpRequest request, boolean live) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        OpsEndpoints ops = context.ops();
        java.util.concurrent.CompletableFuture<String> problem = live
                ? ops.liveness().check(ctx.executor())
                : ops.readiness().check().thenApply(r -> r.ready() ? null : String.join("; ", r.problems()));
        problem.whenComplete((why, error) -> {
            boolean ok = error == null && why == null;
            if (!ok) {
                notReady(live, error != null ? error.toString() : why);
            }
            write(ctx, ok ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
                    bytes(AdminJson.MAPPER.createObjectNode().put("status", ok ? "ok" : live ? "unhealthy"
                            : "not ready")), keepAlive);
        });
    }

    /** Logs why a probe failed, once per distinct reason, so a failing probe every few seconds is not a flood. */
    private static void notReady(boolean live, String why) {
        String key = (live ? "healthz: " : "readyz: ") + why;
        if (!key.equals(lastProbeProblem)) {
            lastProbeProblem = key;
            log.warn("{} (details also in GET /v1/status with the admin token)", key);
        }
    }

    private static volatile String lastProbeProblem;

    /** Off the event loop: gauges read other components (held calls, the receipt log) at scrape time. */
    private void scrape(ChannelHandlerContext ctx, FullHttpRequest request) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        Thread.ofVirtual().name("admin-metrics").start(() -> {
            byte[] text;
            try {
                text = context.ops().metrics().scrape().getBytes(StandardCharsets.UTF_8);
            } catch (RuntimeException e) {
                log.error("metrics scrape failed", e);
                write(ctx, HttpResponseStatus.INTERNAL_SERVER_ERROR, bytes(AdminJson.error("scrape failed")),
                        keepAlive);
                return;
            }
            write(ctx, HttpResponseStatus.OK, text, keepAlive, AirlockMetrics.contentType());
        });
    }

    private void decide(ChannelHandlerContext ctx, FullHttpRequest request, String id) {
        HeldCalls.Choice choice;
        try {
            JsonNode body = AdminJson.MAPPER.readTree(request.content().toString(StandardCharsets.UTF_8));
            if (body == null || !body.isObject()) {
                throw new IllegalArgumentException("the body must be a JSON object");
            }
            if (!body.path("callHash").isTextual()) {
                throw new IllegalArgumentException("callHash is missing: name the call you looked at");
            }
            HeldCall.Outcome outcome = HeldCall.Outcome.of(body.path("outcome").asText(""));
            RememberedApprovals.Scope scope = body.has("scope") ? RememberedApprovals.Scope.of(
                    body.path("scope").asText("")) : null;
            choice = new HeldCalls.Choice(outcome, body.get("callHash").textValue(), body.path("operator")
                    .asText(null), body.path("reason").asText(null), scope);
        } catch (IOException | IllegalArgumentException e) {
            respond(ctx, request, HttpResponseStatus.BAD_REQUEST, AdminJson.error(e.getMessage()));
            return;
        }
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        Thread.ofVirtual().name("admin-decide").start(() -> {
            HeldCalls.Result result = context.held().decide(id, choice);
            HttpResponseStatus status;
            ObjectNode body;
            switch (result) {
                case HeldCalls.Result.Done done -> {
                    status = HttpResponseStatus.OK;
                    body = AdminJson.MAPPER.createObjectNode().put("id", id).put("outcome", done.outcome().id())
                            .put("operator", done.operator());
                    if (done.rememberedRule() != null) {
                        body.put("rule", done.rememberedRule());
                    }
                }
                case HeldCalls.Result.NotFound n -> {
                    status = HttpResponseStatus.NOT_FOUND;
                    body = AdminJson.error("no held call '" + id + "'");
                }
                case HeldCalls.Result.AlreadyFinished f -> {
                    body = AdminJson.error(switch (f.state()) {
                        case HeldCall.State.Decided d -> "already decided (" + d.outcome().id() + ") by "
                                + d.operator();
                        case HeldCall.State.Expired e -> "the hold expired; the agent was told it timed out";
                        case HeldCall.State.Cancelled c -> "the agent cancelled the call (" + c.why() + ")";
                        case HeldCall.State.Waiting w -> "not decided";
                    });
                    if (f.state() instanceof HeldCall.State.Decided d) {
                        status = HttpResponseStatus.CONFLICT;
                        body.put("outcome", d.outcome().id()).put("operator", d.operator());
                    } else {
                        status = HttpResponseStatus.GONE;
                    }
                }
                case HeldCalls.Result.WrongCall w -> {
                    status = HttpResponseStatus.CONFLICT;
                    body = AdminJson.error("callHash does not match this held call: the decision was not applied");
                }
                case HeldCalls.Result.NotRememberable n -> {
                    status = HttpResponseStatus.UNPROCESSABLE_ENTITY;
                    body = AdminJson.error(n.why());
                }
                case HeldCalls.Result.Failed f -> {
                    status = HttpResponseStatus.INTERNAL_SERVER_ERROR;
                    body = AdminJson.error(f.why());
                }
            }
            write(ctx, status, bytes(body), keepAlive);
        });
    }

    private void events(ChannelHandlerContext ctx) {
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream")
                .set(HttpHeaderNames.CACHE_CONTROL, "no-cache, no-transform")
                .set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        ctx.writeAndFlush(head);
        ObjectNode hello = AdminJson.MAPPER.createObjectNode().put("version", VERSION);
        ArrayNode list = hello.putArray("held");
        context.held().waiting().forEach(h -> list.add(AdminJson.held(h)));
        if (!context.events().add(ctx.channel(), SseEvent.encode("hello", hello.toString()))) {
            log.warn("refused an admin event stream: {} are open already", AdminEvents.MAX_STREAMS);
            ctx.close();
        }
    }

    private static byte[] bytes(JsonNode body) {
        return body.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void respond(ChannelHandlerContext ctx, FullHttpRequest request, HttpResponseStatus status,
                                JsonNode body) {
        write(ctx, status, bytes(body), HttpUtil.isKeepAlive(request));
    }

    private static void respondEmpty(ChannelHandlerContext ctx, FullHttpRequest request, HttpResponseStatus status) {
        write(ctx, status, new byte[0], HttpUtil.isKeepAlive(request));
    }

    private static void write(ChannelHandlerContext ctx, HttpResponseStatus status, byte[] body, boolean keepAlive) {
        write(ctx, status, body, keepAlive, "application/json");
    }

    private static void write(ChannelHandlerContext ctx, HttpResponseStatus status, byte[] body, boolean keepAlive,
                              String contentType) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.wrappedBuffer(body));
        if (body.length > 0) {
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        }
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        if (keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(response);
        } else {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("admin connection: {}", cause.toString());
        ctx.close();
    }
}
