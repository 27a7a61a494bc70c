package io.airlock.proxy.admin;

import io.airlock.mcp.sse.SseEvent;
import io.airlock.policy.operator.HeldCalls;
import io.airlock.policy.operator.OperatorEvent;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultHttpContent;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Fans operator events out to every connected {@code /v1/events} stream. Each event is encoded once. A stream whose
 * socket cannot keep up (Netty's outbound buffer above its high-water mark) is closed rather than buffered without
 * bound; its client reconnects and starts again from the {@code hello} snapshot.
 */
final class AdminEvents implements AutoCloseable {

    static final int MAX_STREAMS = 64;

    private final HeldCalls held;
    private final Set<Channel> streams = ConcurrentHashMap.newKeySet();
    private final Consumer<OperatorEvent> listener = this::publish;
    private ScheduledFuture<?> heartbeat;

    AdminEvents(HeldCalls held) {
        this.held = held;
    }

    void start(EventLoop loop) {
        held.listen(listener);
        heartbeat = loop.scheduleAtFixedRate(() -> broadcast(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8)),
                15, 15, TimeUnit.SECONDS);
    }

    /**
     * Sends {@code hello} (the current state) and subscribes the stream, under the same lock as publishing, so no
     * event falls between the snapshot and the subscription. False when too many streams are open already.
     */
    synchronized boolean add(Channel channel, byte[] hello) {
        if (streams.size() >= MAX_STREAMS) {
            return false;
        }
        channel.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(hello)));
        streams.add(channel);
        channel.closeFuture().addListener(f -> streams.remove(channel));
        return true;
    }

    private synchronized void publish(OperatorEvent event) {
        if (streams.isEmpty()) {
            return; // every gate decision comes through here: encode only when someone listens
        }
        String[] encoded = AdminJson.event(event);
        if (encoded != null) {
            broadcast(SseEvent.encode(encoded[0], encoded[1]));
        }
    }

    private synchronized void broadcast(byte[] bytes) {
        for (Channel channel : streams) {
            if (!channel.isActive()) {
                streams.remove(channel);
            } else if (!channel.isWritable()) {
                streams.remove(channel);
                channel.close();
            } else {
                channel.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(bytes)));
            }
        }
    }

    @Override
    public void close() {
        held.unlisten(listener);
        if (heartbeat != null) {
            heartbeat.cancel(false);
        }
        streams.forEach(Channel::close);
    }
}
