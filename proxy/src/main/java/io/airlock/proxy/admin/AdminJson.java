package io.airlock.proxy.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.airlock.policy.operator.HeldCall;
import io.airlock.policy.operator.HeldCalls;
import io.airlock.policy.operator.OperatorEvent;
import io.airlock.policy.operator.RememberedApprovals;
import io.airlock.policy.operator.SessionActivity;
import io.airlock.policy.rules.Rule;
import io.airlock.policy.tags.Tag;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The admin API's JSON shapes, as documented in docs/ADMIN-API.md (one place, so the doc has one counterpart). */
final class AdminJson {

    static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private AdminJson() {}

    static ObjectNode held(HeldCall held) {
        ObjectNode node = F.objectNode();
        node.put("id", held.id());
        node.put("heldAt", held.heldAt().toString());
        node.put("deadline", held.deadline().toString());
        node.put("agent", held.call().agent());
        node.put("session", held.call().sessionId());
        node.put("server", held.call().server());
        node.put("method", held.call().method());
        node.put("tool", held.call().tool());
        node.put("summary", held.summary());
        node.set("tags", labels(held.tags()));
        node.put("hard", held.evaluation().hard());
        node.put("rule", held.evaluation().ruleId());
        node.put("why", held.why());
        node.put("callHash", held.callHash());
        node.put("rememberable", held.rememberable());
        if (held.effects() != null) {
            // A sandboxed run's changes wait for commit (approve) or discard (deny).
            ObjectNode effects = node.putObject("effects");
            effects.put("digest", held.effects().digest());
            ArrayNode changes = effects.putArray("changes");
            held.effects().summary().forEach(changes::add);
        }
        return node;
    }

    static ObjectNode detail(HeldCall held, HeldCalls calls) {
        ObjectNode node = held(held);
        node.set("arguments", held.call().arguments().deepCopy());
        ArrayNode rules = node.putArray("matchedRules");
        for (Rule rule : held.evaluation().matched()) {
            rules.addObject().put("id", rule.id()).put("action", rule.action().id()).put("hard", rule.hard())
                    .put("reason", rule.reason());
        }
        ArrayNode path = node.putArray("path");
        path.add("tier 0: rule " + held.evaluation().ruleId() + " -> " + held.evaluation().action().id()
                + (held.evaluation().hard() ? " (hard)" : ""));
        if (held.effects() != null) {
            path.add("tier 1: ran in a sandboxed twin; its changes wait for review");
            ((ObjectNode) node.get("effects")).put("diff", held.effects().diff());
        }
        path.add("tier 3: held for the operator: " + held.why());
        node.put("policyRevision", held.evaluation().revision());
        ArrayNode recent = node.putArray("recentCalls");
        for (SessionActivity.Entry entry : held.recentCalls()) {
            recent.add(entry(entry));
        }
        calls.rememberProposal(held, RememberedApprovals.Scope.TOOL).ifPresent(rule -> node.putObject("remember")
                .put("scope", RememberedApprovals.Scope.TOOL.id()).put("rule", rule));
        node.put("state", state(held.state()));
        return node;
    }

    static String state(HeldCall.State state) {
        return switch (state) {
            case HeldCall.State.Waiting w -> "waiting";
            case HeldCall.State.Decided d -> "decided:" + d.outcome().id();
            case HeldCall.State.Expired e -> "expired";
            case HeldCall.State.Cancelled c -> "cancelled";
        };
    }

    static ObjectNode entry(SessionActivity.Entry entry) {
        ObjectNode node = F.objectNode();
        node.put("at", entry.at().toString());
        node.put("agent", entry.agent());
        node.put("session", entry.session());
        node.put("server", entry.server());
        node.put("tool", entry.tool());
        node.put("summary", entry.summary());
        node.put("decision", entry.decision());
        node.put("tier", entry.tier());
        node.put("rule", entry.rule());
        ArrayNode tags = node.putArray("tags");
        entry.tags().forEach(tags::add);
        return node;
    }

    static ArrayNode labels(List<Tag> tags) {
        Set<String> labels = new LinkedHashSet<>();
        tags.forEach(t -> labels.add(t.label()));
        ArrayNode out = F.arrayNode();
        labels.forEach(out::add);
        return out;
    }

    /** The SSE event name and data for an operator event; null for events the stream does not carry. */
    static String[] event(OperatorEvent event) {
        return switch (event) {
            case OperatorEvent.Held h -> new String[] {"held", held(h.call()).toString()};
            case OperatorEvent.Decided d -> new String[] {"decided", F.objectNode().put("id", d.call().id())
                    .put("outcome", d.outcome().id()).put("operator", d.operator()).put("reason", d.reason())
                    .toString()};
            case OperatorEvent.Expired e -> new String[] {"expired", F.objectNode().put("id", e.call().id())
                    .toString()};
            case OperatorEvent.Cancelled c -> new String[] {"cancelled", F.objectNode().put("id", c.call().id())
                    .put("why", c.why()).toString()};
            case OperatorEvent.GateDecision g -> new String[] {"decision", entry(g.entry()).toString()};
        };
    }

    static ObjectNode error(String message) {
        return F.objectNode().put("error", message);
    }
}
