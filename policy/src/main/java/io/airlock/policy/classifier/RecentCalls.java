package io.airlock.policy.classifier;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.airlock.policy.Decision;
import io.airlock.policy.PolicyGate;
import io.airlock.policy.cascade.CascadeResult;
import io.airlock.policy.cascade.ToolCall;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The latest calls of each session, as the classifier shows them to the model: server, tool, arguments (withheld for
 * calls a hard rule matched) and Airlock's decision. Never a tool's output: outputs come from upstreams, are
 * untrusted, and are where injected instructions live. Fed as a {@link PolicyGate.Observer}, so it sees every
 * decided call, not only those that reached tier 2. Bounded: sessions (idle ones expire), and entries per session.
 */
public final class RecentCalls implements PolicyGate.Observer {

    public record Entry(String server, String tool, JsonNode arguments, String decision) {}

    static final JsonNode WITHHELD = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance
            .textNode("(withheld: a hard rule matched this call)");

    private final int perSession;
    private final Cache<String, Deque<Entry>> sessions;

    public RecentCalls(int perSession, long maxSessions, Duration idle) {
        this.perSession = perSession;
        this.sessions = Caffeine.newBuilder().maximumSize(maxSessions).expireAfterAccess(idle).build();
    }

    /** Sessions are keyed by their id; stateless clients (no id) by their agent name. */
    static String key(ToolCall call) {
        return call.sessionId().isEmpty() ? "agent:" + call.agent() : "session:" + call.sessionId();
    }

    @Override
    public void decided(ToolCall call, CascadeResult result) {
        if (perSession == 0) {
            return;
        }
        // A call a hard rule matched is shown by name only: its arguments may be the very secret the rail guards,
        // and the model may be a hosted one.
        Entry entry = new Entry(call.server(), call.tool(), result.hard() ? WITHHELD : call.arguments(),
                result.decision() instanceof Decision.Allow ? "allowed" : "refused");
        Deque<Entry> calls = sessions.get(key(call), k -> new ArrayDeque<>());
        synchronized (calls) {
            calls.addLast(entry);
            while (calls.size() > perSession) {
                calls.removeFirst();
            }
        }
    }

    /** The session's latest calls, oldest first. */
    public List<Entry> of(ToolCall call) {
        Deque<Entry> calls = sessions.getIfPresent(key(call));
        if (calls == null) {
            return List.of();
        }
        synchronized (calls) {
            return List.copyOf(calls);
        }
    }
}
