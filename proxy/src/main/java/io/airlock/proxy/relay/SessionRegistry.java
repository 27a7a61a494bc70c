package io.airlock.proxy.relay;

import io.airlock.mcp.upstream.StatelessBridge;
import io.airlock.mcp.upstream.Upstream;
import io.airlock.mcp.upstream.UpstreamException;
import io.airlock.policy.Gate;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * The live agent sessions, by the id Airlock minted. Opening one spawns or connects its upstream on a virtual thread,
 * so fronts never block an event loop on a process start.
 */
public final class SessionRegistry implements AutoCloseable {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String VERSION = java.util.Objects.requireNonNullElse(
            SessionRegistry.class.getPackage().getImplementationVersion(), "dev");

    private final Map<String, RelaySession> sessions = new ConcurrentHashMap<>();
    private final Function<String, Upstream> upstreams;
    private final Gate gate;
    private final io.airlock.mcp.jsonrpc.JsonRpcParser parser;
    private final long idleNanos;
    private final Thread reaper;
    private final int maxSessions;
    private final int maxInFlight;
    private final Executor blocking = Executors.newVirtualThreadPerTaskExecutor();
    private final Map<String, CompletableFuture<RelaySession>> stateless = new ConcurrentHashMap<>();

    /**
     * @param upstreams creates a new, unstarted upstream for a configured server name
     */
    public SessionRegistry(Function<String, Upstream> upstreams, Gate gate, int maxSessions, int maxInFlight,
                           io.airlock.mcp.jsonrpc.JsonRpcParser parser, java.time.Duration idleTimeout) {
        this.upstreams = upstreams;
        this.parser = parser;
        this.idleNanos = idleTimeout.toNanos();
        long period = Math.max(1_000, Math.min(30_000, idleTimeout.toMillis() / 4));
        this.reaper = Thread.ofVirtual().name("session-reaper").start(() -> reapEvery(period));
        this.gate = gate;
        this.maxSessions = maxSessions;
        this.maxInFlight = maxInFlight;
    }

    private volatile CallRecorder recorder = CallRecorder.NONE;

    /** Every session opened from now on reports its finished gated calls here. */
    public SessionRegistry recordingTo(CallRecorder recorder) {
        this.recorder = recorder == null ? CallRecorder.NONE : recorder;
        return this;
    }

    /** Opens a session to {@code server}; fails with {@link UpstreamException} when it cannot start. */
    public CompletableFuture<RelaySession> open(String server, String agent) {
        return CompletableFuture.supplyAsync(() -> {
            if (sessions.size() >= maxSessions) {
                throw new SessionLimitException("Airlock already has " + maxSessions
                        + " sessions open; close some or raise limits.maxSessions");
            }
            String id = mintId();
            RelaySession session = new RelaySession(id, server, agent, upstreams.apply(server), gate, maxInFlight,
                    closed -> sessions.remove(closed.id(), closed)).recordingTo(recorder);
            sessions.put(id, session);
            try {
                session.start();
            } catch (UpstreamException e) {
                session.close(e.getMessage());
                throw new java.util.concurrent.CompletionException(e);
            }
            return session;
        }, blocking);
    }

    /**
     * The session shared by every stateless (2026-07-28) request to {@code server}: one upstream behind a
     * {@link StatelessBridge}, opened on first use and reopened after it dies. Stateless sessions have no id an agent
     * could address.
     */
    public CompletableFuture<RelaySession> stateless(String server) {
        return stateless(server, "anonymous");
    }

    /**
     * The stateless session of {@code server} for {@code agent}: each agent gets its own, so the gate, receipts and
     * held calls see who is calling, and one agent's traffic is never attributed to another.
     */
    public CompletableFuture<RelaySession> stateless(String server, String agent) {
        return stateless.compute(server + "\n" + agent, (key, current) -> {
            if (current != null && !current.isCompletedExceptionally()
                    && (!current.isDone() || !current.join().isClosed())) {
                return current;
            }
            return CompletableFuture.supplyAsync(() -> {
                Upstream bridge = new StatelessBridge(server, upstreams.apply(server), VERSION, parser);
                RelaySession session = new RelaySession("stateless-" + server + "-" + agent, server, agent, bridge,
                        gate, maxInFlight * 4, closed -> { }, true).recordingTo(recorder);
                try {
                    session.start();
                } catch (UpstreamException e) {
                    session.close(e.getMessage());
                    throw new java.util.concurrent.CompletionException(e);
                }
                return session;
            }, blocking);
        });
    }

    /** The open session with this id, or null (unknown, or closed). */
    public RelaySession get(String id) {
        return id == null ? null : sessions.get(id);
    }

    public Collection<RelaySession> all() {
        return sessions.values();
    }

    /** Closes the sessions whose agents left without saying so; returns how many. */
    public int reapIdle() {
        long now = System.nanoTime();
        int reaped = 0;
        for (RelaySession session : sessions.values()) {
            if (session.isIdle(now, idleNanos)) {
                session.close("the session was idle for " + java.time.Duration.ofNanos(idleNanos).toSeconds()
                        + " s and expired");
                reaped++;
            }
        }
        return reaped;
    }

    private void reapEvery(long millis) {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                return;
            }
            reapIdle();
        }
    }

    @Override
    public void close() {
        reaper.interrupt();
        for (CompletableFuture<RelaySession> shared : stateless.values()) {
            shared.thenAccept(session -> session.close("Airlock is shutting down"));
        }
        for (RelaySession session : sessions.values()) {
            session.close("Airlock is shutting down");
        }
    }

    /** 128 random bits, URL-safe: unguessable, and visible ASCII as the spec requires. */
    private static String mintId() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Too many sessions: the front answers 503. */
    public static final class SessionLimitException extends RuntimeException {
        public SessionLimitException(String message) {
            super(message);
        }
    }
}
