package io.airlock.proxy.http;

import io.airlock.mcp.jsonrpc.JsonRpcId;
import io.airlock.mcp.jsonrpc.JsonRpcMessage;
import io.airlock.mcp.sse.SseEvent;
import io.airlock.proxy.relay.ClientStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.ByteArrayOutputStream;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The response to one POST that carried requests. It answers with plain JSON when the only thing to send is the
 * answer itself, and switches to an SSE stream (flushed per event) as soon as anything else must reach the client
 * first: a progress notification, a sampling or elicitation request. It ends once every request it carried is
 * answered. State is touched only on the channel's event loop.
 */
final class HttpExchange implements ClientStream {

    private static final Logger log = LoggerFactory.getLogger(HttpExchange.class);

    private enum Mode { UNDECIDED, SSE, JSON_BATCH }

    private final ChannelHandlerContext ctx;
    private final McpHttpHandler owner;
    private final Set<JsonRpcId> awaited;
    private final boolean batch;
    private final boolean acceptsSse;
    private final boolean acceptsJson;
    private final String sessionId;
    private final boolean stateless;
    private final ByteArrayOutputStream batchBody = new ByteArrayOutputStream();
    private Mode mode = Mode.UNDECIDED;
    private volatile boolean finished;

    HttpExchange(ChannelHandlerContext ctx, McpHttpHandler owner, Set<JsonRpcId> awaited, boolean batch,
                 boolean acceptsSse, boolean acceptsJson, String sessionId, boolean stateless) {
        this.ctx = ctx;
        this.owner = owner;
        this.awaited = new HashSet<>(awaited);
        this.batch = batch;
        this.acceptsSse = acceptsSse;
        this.acceptsJson = acceptsJson;
        this.sessionId = sessionId;
        this.stateless = stateless;
    }

    /** Whether every request it carried has been answered (read on the event loop). */
    boolean answered() {
        return awaited.isEmpty();
    }

    @Override
    public boolean send(JsonRpcMessage message) {
        if (!isOpen()) {
            return false;
        }
        if (ctx.executor().inEventLoop()) {
            sendNow(message);
        } else {
            ctx.executor().execute(() -> sendNow(message));
        }
        return true;
    }

    @Override
    public boolean isOpen() {
        return !finished && ctx.channel().isActive();
    }

    @Override
    public void unanswered(JsonRpcId id) {
        if (ctx.executor().inEventLoop()) {
            unansweredNow(id);
        } else {
            ctx.executor().execute(() -> unansweredNow(id));
        }
    }

    private void unansweredNow(JsonRpcId id) {
        if (finished || !awaited.remove(id) || !awaited.isEmpty()) {
            return;
        }
        finished = true;
        switch (mode) {
            case SSE -> endSse();
            case UNDECIDED -> owner.writeEmpty(ctx, HttpResponseStatus.ACCEPTED, sessionId);
            case JSON_BATCH -> {
                if (batchBody.size() == 0) {
                    owner.writeEmpty(ctx, HttpResponseStatus.ACCEPTED, sessionId);
                } else {
                    writeBatch();
                }
            }
        }
    }

    /** The connection closed under us. */
    void abandon() {
        finished = true;
    }

    private void sendNow(JsonRpcMessage message) {
        if (finished) {
            log.debug("exchange finished; dropping a late message");
            return;
        }
        boolean isAnswer = message instanceof JsonRpcMessage.Response r && r.id() != null && awaited.remove(r.id());
        if (mode == Mode.UNDECIDED) {
            if (isAnswer && awaited.isEmpty() && !batch && acceptsJson) {
                finished = true;
                // 2026-07-28 carries some JSON-RPC errors in the HTTP status too (404, 400).
                owner.writeJson(ctx, stateless ? StatelessRequests.statusOf(message) : HttpResponseStatus.OK,
                        message.raw(), sessionId);
                return;
            }
            if (acceptsSse) {
                mode = Mode.SSE;
                owner.writeSseHead(ctx, sessionId);
            } else {
                mode = Mode.JSON_BATCH;
            }
        }
        if (mode == Mode.SSE) {
            ctx.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(SseEvent.encodeMessage(null,
                    message.raw()))));
            if (awaited.isEmpty()) {
                finished = true;
                endSse();
            }
            return;
        }
        // JSON only: the client cannot take interim messages; only answers are kept.
        if (!isAnswer && !(message instanceof JsonRpcMessage.Response)) {
            log.debug("client accepts no event stream; dropping an interim {}", message.getClass().getSimpleName());
            return;
        }
        batchBody.write(batchBody.size() == 0 ? '[' : ',');
        batchBody.writeBytes(message.raw());
        if (awaited.isEmpty()) {
            finished = true;
            writeBatch();
        }
    }

    private void endSse() {
        ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(f -> owner.exchangeDone(ctx, true));
    }

    /** The collected answers: a JSON array for a batch request, the one object otherwise. */
    private void writeBatch() {
        batchBody.write(']');
        byte[] body = batch ? batchBody.toByteArray() : java.util.Arrays.copyOfRange(batchBody.toByteArray(), 1,
                batchBody.size() - 1);
        owner.writeJson(ctx, HttpResponseStatus.OK, body, sessionId);
    }
}
