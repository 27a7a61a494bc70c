package io.airlock.policy.operator;

import io.airlock.policy.Decision;
import io.airlock.policy.cascade.CascadeResult;
import io.airlock.policy.cascade.ToolCall;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The latest gate decisions, per session and overall, so an operator sees a held call in context. Names, argument
 * summaries and decisions only; never tool outputs (they are the upstream's, untrusted, and may hold secrets).
 * Bounded everywhere: sessions, entries per session, the overall tail.
 */
public final class SessionActivity {

    /** One decided call. */
    public record Entry(Instant at, String agent, String session, String server, String tool,
                        com.fasterxml.jackson.databind.JsonNode arguments, String decision, int tier, String rule,
                        List<String> tags) {

        /** The one-line summary of the arguments; computed when shown (most entries never are). */
        public String summary() {
            return CallSummary.of(arguments);
        }
    }

    private final int perSession;
    private final int overall;
    private final Map<String, Deque<Entry>> bySession;
    private final Deque<Entry> latest = new ArrayDeque<>();

    public SessionActivity(int perSession, int sessions, int overall) {
        this.perSession = perSession;
        this.overall = overall;
        this.bySession = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Deque<SessionActivity.Entry>> eldest) {
                return size() > sessions;
            }
        };
    }

    public Entry record(Instant at, ToolCall call, CascadeResult result) {
        Entry entry = new Entry(at, call.agent(), call.sessionId(), call.server(), call.tool(), call.arguments(),
                result.decision() instanceof Decision.Deny ? "deny" : "allow",
                result.tier(), result.decision().rule(), result.tags().stream().map(t -> t.label()).distinct()
                .toList());
        synchronized (this) {
            Deque<Entry> session = bySession.computeIfAbsent(call.sessionId(), s -> new ArrayDeque<>());
            session.addLast(entry);
            if (session.size() > perSession) {
                session.removeFirst();
            }
            latest.addFirst(entry);
            if (latest.size() > overall) {
                latest.removeLast();
            }
        }
        return entry;
    }

    /** The session's latest calls, oldest first. */
    public synchronized List<Entry> session(String sessionId) {
        Deque<Entry> session = bySession.get(sessionId);
        return session == null ? List.of() : List.copyOf(session);
    }

    /** The latest decisions overall, newest first. */
    public synchronized List<Entry> latest(int limit) {
        List<Entry> out = new ArrayList<>(Math.min(limit, latest.size()));
        for (Entry entry : latest) {
            if (out.size() >= limit) {
                break;
            }
            out.add(entry);
        }
        return out;
    }
}
