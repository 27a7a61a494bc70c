package io.airlock.mcp.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.airlock.mcp.jsonrpc.JsonRpcId;
import io.airlock.mcp.jsonrpc.JsonRpcMessage;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Test listener: records every delivery and every close, in order. */
final class RecordingListener implements UpstreamListener {

    record Delivery(JsonRpcMessage message, JsonRpcId relatedTo) {}

    final BlockingQueue<Delivery> deliveries = new LinkedBlockingQueue<>();
    final List<String> closed = new CopyOnWriteArrayList<>();

    @Override
    public void onMessage(JsonRpcMessage message, JsonRpcId relatedTo) {
        deliveries.add(new Delivery(message, relatedTo));
    }

    @Override
    public void onClosed(String reason) {
        closed.add(reason);
    }

    /** The next delivery, failing the test after {@code seconds}. */
    Delivery next(long seconds) throws InterruptedException {
        Delivery d = deliveries.poll(seconds, TimeUnit.SECONDS);
        assertThat(d).as("a message within %d s", seconds).isNotNull();
        return d;
    }

    Delivery next() throws InterruptedException {
        return next(5);
    }
}
