package io.airlock.tui.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * {@code GET /v1/held/{id}}: the listed call plus what a person needs to decide it.
 *
 * @param arguments   the call's arguments as the agent sent them
 * @param path        the cascade's steps, in words
 * @param recentCalls the session's latest gated calls, oldest first
 * @param rememberOffer the rule approve-and-remember would add; null when the call is not rememberable
 */
public record HeldCallDetail(HeldCall call, JsonNode arguments, List<MatchedRule> matchedRules, List<String> path,
                             String policyRevision, List<RecentCall> recentCalls, RememberOffer rememberOffer,
                             Effects effects) {

    public HeldCallDetail(HeldCall call, JsonNode arguments, List<MatchedRule> matchedRules, List<String> path,
                          String policyRevision, List<RecentCall> recentCalls, RememberOffer rememberOffer) {
        this(call, arguments, matchedRules, path, policyRevision, recentCalls, rememberOffer, null);
    }

    /** The changes of the call's sandboxed run, when approving commits them and denying discards them. */
    public Optional<Effects> sandboxEffects() {
        return Optional.ofNullable(effects);
    }

    /** A sandboxed run's changes: one line per change, and a unified diff against the real workspace. */
    public record Effects(List<String> changes, String diff) {
        public Effects {
            changes = List.copyOf(changes);
        }
    }

    public HeldCallDetail {
        matchedRules = List.copyOf(matchedRules);
        path = List.copyOf(path);
        recentCalls = List.copyOf(recentCalls);
    }

    public Optional<RememberOffer> remember() {
        return Optional.ofNullable(rememberOffer);
    }

    /** Reads {@code GET /v1/held/{id}}'s answer; missing fields read as empty. */
    public static HeldCallDetail from(JsonNode node) {
        JsonNode remember = node.path("remember");
        return new HeldCallDetail(HeldCall.from(node),
                node.has("arguments") ? node.get("arguments") : NullNode.getInstance(),
                Json.list(node, "matchedRules", MatchedRule::from), Json.texts(node, "path"),
                Json.text(node, "policyRevision"), Json.list(node, "recentCalls", RecentCall::from),
                remember.isObject() ? new RememberOffer(Json.text(remember, "scope"), Json.text(remember, "rule"))
                        : null,
                node.path("effects").isObject() ? new Effects(Json.texts(node.path("effects"), "changes"),
                        Json.text(node.path("effects"), "diff")) : null);
    }

    /** A rule that matched the call, and what it said. */
    public record MatchedRule(String id, String action, boolean hard, String reason) {
        static MatchedRule from(JsonNode node) {
            return new MatchedRule(Json.text(node, "id"), Json.text(node, "action"),
                    node.path("hard").asBoolean(false), Json.text(node, "reason"));
        }
    }

    /** One of the session's earlier calls (names, argument summary and decision; never the tool's output). */
    public record RecentCall(Instant at, String tool, String summary, String decision, String tier) {
        static RecentCall from(JsonNode node) {
            return new RecentCall(Json.instant(node, "at"), Json.text(node, "tool"), Json.text(node, "summary"),
                    Json.text(node, "decision"), Json.text(node, "tier"));
        }
    }

    /**
     * What approve-and-remember would add.
     *
     * @param scope "session" (this session only) or "tool" (this server, tool and arguments, any session)
     * @param rule  the rule as YAML, shown to the operator before confirming
     */
    public record RememberOffer(String scope, String rule) {
    }
}
