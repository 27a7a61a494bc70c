package io.airlock.proxy.http;

import io.airlock.mcp.jsonrpc.JsonRpcMessage;
import io.airlock.mcp.sse.SseEvent;
import io.airlock.proxy.relay.ClientStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultHttpContent;

/**
 * A long-lived SSE stream: the standalone GET stream of Streamable HTTP, or the legacy transport's only stream.
 * Each message is written and flushed as its own event; nothing is buffered.
 */
final class SseStream implements ClientStream {

    private final Channel channel;

    SseStream(Channel channel) {
        this.channel = channel;
    }

    @Override
    public boolean send(JsonRpcMessage message) {
        if (!channel.isActive()) {
            return false;
        }
        channel.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(SseEvent.encodeMessage(null,
                message.raw()))));
        return true;
    }

    /** A non-message event (the legacy {@code endpoint} event). */
    void sendEvent(String event, String data) {
        channel.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(SseEvent.encode(event, data))));
    }

    @Override
    public boolean isOpen() {
        return channel.isActive();
    }
}
