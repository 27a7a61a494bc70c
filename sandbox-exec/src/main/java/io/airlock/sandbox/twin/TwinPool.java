package io.airlock.sandbox.twin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A few twins of one server, started and initialised ahead of the calls that will need them, so a sandboxed call
 * does not wait for the server to start. Every twin serves exactly one call: {@link #take()} hands it over and starts
 * a replacement. A warm twin older than {@code maxAge} is replaced rather than used, so the view it started with
 * stays close to the workspace as it is now.
 */
public final class TwinPool implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TwinPool.class);

    private final TwinLauncher launcher;
    private final int size;
    private final Duration maxAge;
    private final Clock clock;
    private final Deque<CompletableFuture<StdioTwin>> warm = new ArrayDeque<>();
    private final AtomicLong coldStarts = new AtomicLong();
    private final AtomicLong warmTakes = new AtomicLong();
    private boolean closed;

    public TwinPool(TwinLauncher launcher, int size, Duration maxAge, Clock clock) {
        this.launcher = launcher;
        this.size = size;
        this.maxAge = maxAge;
        this.clock = clock;
    }

    /** Starts the warm twins (in the background). */
    public void prestart() {
        synchronized (warm) {
            while (!closed && warm.size() < size) {
                warm.addLast(startAsync());
            }
        }
    }

    /**
     * A twin for one call: a warm one if there is one that is alive and young enough (or still starting: that is
     * sooner than a new start), else a new one. A replacement starts in the background.
     */
    public CompletableFuture<StdioTwin> take() {
        CompletableFuture<StdioTwin> chosen = null;
        synchronized (warm) {
            if (closed) {
                return CompletableFuture.failedFuture(new IOException("the sandbox of '" + launcher.server()
                        + "' is closed"));
            }
            while (chosen == null && !warm.isEmpty()) {
                CompletableFuture<StdioTwin> next = warm.pollFirst();
                if (!next.isDone()) {
                    chosen = next;
                } else if (next.isCompletedExceptionally()) {
                    continue;
                } else {
                    StdioTwin twin = next.join();
                    if (twin.isAlive() && twin.started().plus(maxAge).isAfter(clock.instant())) {
                        chosen = next;
                    } else {
                        retire(twin);
                    }
                }
            }
            prestartLocked();
        }
        if (chosen != null) {
            warmTakes.incrementAndGet();
            return chosen;
        }
        coldStarts.incrementAndGet();
        return startAsync();
    }

    private void prestartLocked() {
        while (!closed && warm.size() < size) {
            warm.addLast(startAsync());
        }
    }

    private CompletableFuture<StdioTwin> startAsync() {
        CompletableFuture<StdioTwin> started = new CompletableFuture<>();
        Thread.ofVirtual().name("twin-start-" + launcher.server()).start(() -> {
            try {
                started.complete(launcher.start());
            } catch (IOException | RuntimeException e) {
                log.warn("could not start a sandboxed twin of '{}': {}", launcher.server(), e.getMessage());
                started.completeExceptionally(e instanceof IOException io ? new UncheckedIOException(io) : e);
            }
        });
        return started;
    }

    private static void retire(StdioTwin twin) {
        Thread.ofVirtual().name("twin-retire").start(twin::close);
    }

    public TwinLauncher launcher() {
        return launcher;
    }

    /** Twins started or starting, waiting for a call. */
    public int warmCount() {
        synchronized (warm) {
            return warm.size();
        }
    }

    /** Waits until every warm twin has finished starting (or failed); false on timeout. For benchmarks and tests. */
    public boolean awaitWarm(Duration timeout) throws InterruptedException {
        java.util.List<CompletableFuture<StdioTwin>> starting;
        synchronized (warm) {
            starting = java.util.List.copyOf(warm);
        }
        try {
            CompletableFuture.allOf(starting.stream().map(f -> f.exceptionally(e -> null))
                    .toArray(CompletableFuture[]::new)).get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            return false;
        }
    }

    public long coldStarts() {
        return coldStarts.get();
    }

    public long warmTakes() {
        return warmTakes.get();
    }

    /** Stops every waiting twin and removes its overlay. */
    @Override
    public void close() {
        synchronized (warm) {
            closed = true;
            for (CompletableFuture<StdioTwin> twin : warm) {
                twin.thenAccept(StdioTwin::close);
            }
            warm.clear();
        }
    }
}
