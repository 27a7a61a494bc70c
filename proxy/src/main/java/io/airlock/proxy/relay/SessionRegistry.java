package io.airlock.proxy.relay;

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

    private final Map<String, RelaySession> sessions = new ConcurrentHashMap<>();
    private final Function<String, Upstream> upstreams;
    private final Gate gate;
    private final int maxSessions;
    private final int maxInFlight;
    private final Executor blocking = Executors.newVirtualThreadPerTaskExecutor();

    /**
     * @param upstreams creates a new, unstarted upstream for a configured server name
     */
    public SessionRegistry(Function<String, Upstream> upstreams, Gate gate, int maxSessions, int maxInFlight) {
        this.upstreams = upstreams;
        this.gate = gate;
        this.maxSessions = maxSessions;
        this.maxInFlight = maxInFlight;
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
                    closed -> sessions.remove(closed.id(), closed));
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

    /** The open session with this id, or null (unknown, or closed). */
    public RelaySession get(String id) {
        return id == null ? null : sessions.get(id);
    }

    public Collection<RelaySession> all() {
        return sessions.values();
    }

    @Override
    public void close() {
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
