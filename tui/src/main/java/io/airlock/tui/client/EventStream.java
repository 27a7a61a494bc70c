package io.airlock.tui.client;

import io.airlock.mcp.sse.SseEvent;
import io.airlock.mcp.sse.SseReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Follows {@code GET /v1/events} on a virtual thread and reconnects with exponential backoff whenever the stream
 * ends, fails, or falls silent for longer than the server's keep-alive allows. Each connection starts with
 * {@code hello}, which carries the whole current state, so a client that was away misses no held call.
 *
 * <p>The listener is called on the stream's thread; it must hand the event over (to a queue) and return.
 */
public final class EventStream implements AutoCloseable {

    /** Generous beside a 16 MiB held call: a hello lists up to {@code maxHeld} calls. */
    private static final int MAX_EVENT_BYTES = 64 * 1024 * 1024;

    /** Receives what the stream sees. */
    public interface Listener {

        /** A server event; {@link AdminEvent.Hello} means (re)connected. */
        void event(AdminEvent event);

        /** The stream is down; the next attempt starts after {@code retryIn}. */
        void disconnected(String why, Duration retryIn);
    }

    /**
     * How long to wait between attempts: {@code initial}, doubling up to {@code max}; back to {@code initial} after a
     * connection that said hello. No jitter: there is one operator's client per gateway, not a herd.
     */
    public record Backoff(Duration initial, Duration max) {
        public static final Backoff DEFAULT = new Backoff(Duration.ofMillis(250), Duration.ofSeconds(8));

        Duration after(Duration previous) {
            Duration doubled = previous == null ? initial : previous.multipliedBy(2);
            return doubled.compareTo(max) > 0 ? max : doubled;
        }
    }

    private final AdminClient client;
    private final Listener listener;
    private final Backoff backoff;
    private final Duration silenceLimit;
    private volatile boolean closed;
    private volatile Thread reader;

    /**
     * @param silenceLimit the longest quiet a live stream may have; the server comments every 15 s, so a stream
     *                     quiet for longer is dead even if TCP has not noticed (a suspended laptop, a lost route)
     */
    public EventStream(AdminClient client, Listener listener, Backoff backoff, Duration silenceLimit) {
        this.client = Objects.requireNonNull(client, "client");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.backoff = Objects.requireNonNull(backoff, "backoff");
        this.silenceLimit = Objects.requireNonNull(silenceLimit, "silenceLimit");
    }

    public EventStream(AdminClient client, Listener listener) {
        this(client, listener, Backoff.DEFAULT, Duration.ofSeconds(40));
    }

    public void start() {
        reader = Thread.ofVirtual().name("airlock-admin-events").start(this::run);
    }

    @Override
    public void close() {
        closed = true;
        Thread thread = reader;
        if (thread != null) {
            thread.interrupt(); // wakes a blocked read or a backoff sleep
        }
    }

    private void run() {
        Duration delay = null;
        while (!closed) {
            String why = followOnce();
            Thread.interrupted(); // a watchdog's interrupt is spent: it must not cut the backoff sleep short
            if (closed) {
                return;
            }
            // After a connection that said hello, retry soon; one that never did backs off further each time.
            delay = greeted ? backoff.initial() : backoff.after(delay);
            listener.disconnected(why, delay);
            try {
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                // close() interrupts; the loop condition decides
            }
        }
    }

    /** Whether the current (or last) connection got as far as hello. Touched by the reader thread only. */
    private boolean greeted;

    /** Follows one connection until it ends; returns why it ended. */
    private String followOnce() {
        greeted = false;
        HttpResponse<InputStream> response;
        try {
            response = client.openEvents();
        } catch (IOException e) {
            return AdminClient.describe(e);
        } catch (InterruptedException e) {
            return "interrupted";
        }
        try (InputStream body = response.body()) {
            if (response.statusCode() == 401) {
                return "unauthorized: the admin token was refused";
            }
            if (response.statusCode() != 200) {
                return "the event stream answered " + response.statusCode();
            }
            return follow(new WatchedStream(body));
        } catch (IOException e) {
            return AdminClient.describe(e);
        }
    }

    private String follow(WatchedStream watched) {
        Thread self = Thread.currentThread();
        Thread watchdog = Thread.ofVirtual().name("airlock-admin-events-watchdog").start(() -> watch(watched, self));
        try {
            SseReader events = new SseReader(watched, MAX_EVENT_BYTES);
            SseEvent event;
            while ((event = events.next()) != null) {
                Optional<AdminEvent> parsed = AdminEvent.parse(event.type(), event.data());
                if (parsed.isPresent()) {
                    greeted |= parsed.get() instanceof AdminEvent.Hello;
                    listener.event(parsed.get());
                }
            }
            return greeted ? "Airlock closed the event stream" : "the event stream ended before hello";
        } catch (IOException e) {
            return watched.silent ? "no keep-alive from Airlock for " + silenceLimit.toSeconds() + " s"
                    : AdminClient.describe(e);
        } finally {
            watched.done = true;
            watchdog.interrupt();
        }
    }

    /** Interrupts the reader when the stream has been quiet too long; the read then fails and we reconnect. */
    private void watch(WatchedStream stream, Thread readerThread) {
        try {
            while (!stream.done) {
                Thread.sleep(Math.min(1000, Math.max(10, silenceLimit.toMillis() / 4)));
                long quietNanos = System.nanoTime() - stream.lastReadNanos;
                if (!stream.done && quietNanos > silenceLimit.toNanos()) {
                    stream.silent = true;
                    readerThread.interrupt();
                    return;
                }
            }
        } catch (InterruptedException e) {
            // the connection ended first
        }
    }

    /** Remembers when bytes last arrived (keep-alive comments count, though the SSE parser drops them). */
    private static final class WatchedStream extends FilterInputStream {
        volatile long lastReadNanos = System.nanoTime();
        volatile boolean done;
        volatile boolean silent;

        WatchedStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            lastReadNanos = System.nanoTime();
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            lastReadNanos = System.nanoTime();
            return n;
        }
    }
}
