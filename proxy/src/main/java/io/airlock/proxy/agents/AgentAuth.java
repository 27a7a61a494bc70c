package io.airlock.proxy.agents;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who is calling the agent-facing HTTP front. The rule, in full:
 * <ul>
 *   <li>A request with {@code Authorization: Bearer T}: T must hash to a stored token, whatever the mode; the agent
 *       is that token's agent. Anything else in the header (another scheme, an unknown or revoked token) is refused.</li>
 *   <li>A request without the header is refused when tokens are required: {@code requireToken: true}, or
 *       {@code auto} (the default) once the store holds at least one token or whenever the front listens beyond
 *       loopback. Otherwise (loopback, no token created yet, or an explicit {@code false}) it is the agent
 *       {@code anonymous}.</li>
 *   <li>A token store that cannot be read counts as "tokens exist, none valid": everything is refused (fail closed).</li>
 * </ul>
 * Checks run on the event loop against an immutable snapshot; a virtual thread re-reads the store when its file
 * changes (so {@code airlock token create|revoke} take effect within about a second, without a restart). Hashes are
 * compared in constant time, against every entry, without stopping at the first match.
 */
public final class AgentAuth implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AgentAuth.class);
    public static final String ANONYMOUS = "anonymous";

    /** How tokens are required ({@code agents.requireToken}). */
    public enum Requirement { AUTO, ALWAYS, NEVER }

    /** The outcome of a check. */
    public sealed interface Result {}

    /** The caller is {@code agent}. */
    public record Authenticated(String agent) implements Result {}

    /** 401: {@code reason} is safe to show the caller (it never names an agent or a token). */
    public record Refused(String reason) implements Result {}

    private record Snapshot(List<Entry> entries, boolean broken, Object fileKey, long modified, long size) {}

    private record Entry(String agent, byte[] hash) {}

    private final AgentTokenStore store;
    private final Requirement requirement;
    private final boolean loopbackOnly;
    private volatile Snapshot snapshot;
    private final Thread refresher;

    private AgentAuth(AgentTokenStore store, Requirement requirement, boolean loopbackOnly, long refreshMillis) {
        this.store = store;
        this.requirement = requirement;
        this.loopbackOnly = loopbackOnly;
        this.snapshot = load(null);
        this.refresher = refreshMillis <= 0 ? null : Thread.ofVirtual().name("agent-token-refresh").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(refreshMillis);
                } catch (InterruptedException e) {
                    return;
                }
                refresh();
            }
        });
    }

    /** Opens the store at {@code file} for a front on loopback; refreshes it every {@code refreshMillis} (0: never). */
    public static AgentAuth open(Path file, Requirement requirement, long refreshMillis) {
        return open(file, requirement, true, refreshMillis);
    }

    /**
     * @param loopbackOnly whether the front listens on loopback only; beyond it, {@code auto} always requires a token
     *                     (a fresh network-facing Airlock is not open to anyone who can reach it)
     */
    public static AgentAuth open(Path file, Requirement requirement, boolean loopbackOnly, long refreshMillis) {
        return new AgentAuth(new AgentTokenStore(file), Objects.requireNonNull(requirement, "requirement"),
                loopbackOnly, refreshMillis);
    }

    /** Re-reads the store if its file changed. Blocking file I/O: never call on an event loop. */
    public void refresh() {
        Snapshot current = snapshot;
        Snapshot next = load(current);
        if (next != current) {
            snapshot = next;
        }
    }

    private Snapshot load(Snapshot previous) {
        Path file = store.file();
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            return previous != null && previous.fileKey() == null && !previous.broken()
                    ? previous : new Snapshot(List.of(), false, null, 0, 0);
        } catch (IOException e) {
            log.error("cannot read the agent token store {}: {}; refusing every agent until it is readable", file,
                    e.getMessage());
            return new Snapshot(List.of(), true, null, 0, 0);
        }
        long modified = attributes.lastModifiedTime().toMillis();
        if (previous != null && Objects.equals(previous.fileKey(), attributes.fileKey())
                && previous.modified() == modified && previous.size() == attributes.size() && !previous.broken()) {
            return previous;
        }
        try {
            List<Entry> entries = store.list().stream()
                    .map(e -> new Entry(e.agent(), HexFormat.of().parseHex(e.sha256()))).toList();
            return new Snapshot(entries, false, attributes.fileKey(), modified, attributes.size());
        } catch (IOException e) {
            log.error("the agent token store is unusable ({}); refusing every agent until it is fixed",
                    e.getMessage());
            return new Snapshot(List.of(), true, attributes.fileKey(), modified, attributes.size());
        }
    }

    /** Whether a request without a token is refused right now. */
    public boolean tokensRequired() {
        Snapshot s = snapshot;
        return switch (requirement) {
            case ALWAYS -> true;
            case NEVER -> s.broken();
            case AUTO -> s.broken() || !s.entries().isEmpty() || !loopbackOnly;
        };
    }

    /** Checks an {@code Authorization} header value (null when absent). Cheap: safe on the event loop. */
    public Result check(String authorization) {
        if (authorization == null) {
            return tokensRequired() ? new Refused("this Airlock requires an agent token: send Authorization: "
                    + "Bearer <token> (create one with: airlock token create --agent NAME)")
                    : new Authenticated(ANONYMOUS);
        }
        if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return new Refused("the Authorization header must be: Bearer <agent token>");
        }
        String offered = authorization.substring(7).strip();
        byte[] hash = AgentTokenStore.sha256(offered.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        String agent = null;
        for (Entry entry : snapshot.entries()) {
            // No early exit: the time taken does not depend on which entry (if any) matched.
            if (MessageDigest.isEqual(hash, entry.hash()) & agent == null) {
                agent = entry.agent();
            }
        }
        return agent != null ? new Authenticated(agent)
                : new Refused("unknown or revoked agent token");
    }

    public Path file() {
        return store.file();
    }

    @Override
    public void close() {
        if (refresher != null) {
            refresher.interrupt();
        }
    }
}
