package io.airlock.policy;

import com.fasterxml.jackson.databind.JsonNode;
import io.airlock.policy.cascade.Cascade;
import io.airlock.policy.cascade.CascadeResult;
import io.airlock.policy.cascade.ToolCall;
import io.airlock.policy.rules.CallFacts;
import io.airlock.policy.rules.Evaluation;
import io.airlock.policy.rules.Action;
import io.airlock.policy.rules.Policy;
import io.airlock.policy.rules.Remembered;
import io.airlock.policy.rules.Rule;
import io.airlock.policy.tagging.Tagger;
import io.airlock.policy.tagging.ToolAnnotations;
import io.airlock.policy.tags.Tag;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The policy engine behind the gate seam: the config's allow/deny lists first (the operator's explicit word), then
 * tagging, tier 0 rules and the cascade. Tagging and tier 0 run synchronously on the caller's thread (they are pure
 * and fast); slower tiers complete the stage later. {@link #close()} releases what the analysers hold (the shell
 * parser's pre-started processes).
 */
public final class PolicyGate implements Gate, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PolicyGate.class);

    private final ListGate lists;
    private final AtomicReference<Policy> policy;
    private final Tagger tagger;
    private final Cascade cascade;
    private final Function<String, Tagger.ServerFacts> servers;
    private final Map<String, Map<String, ToolAnnotations>> annotations = new ConcurrentHashMap<>();
    private final List<Observer> observers = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile Remembered remembered = Remembered.NONE;

    /** Told about every finished decision (receipts, the operator's event stream, metrics). Must not block. */
    public interface Observer {
        void decided(ToolCall call, CascadeResult result);
    }
    private final AutoCloseable resources;

    public PolicyGate(ListGate lists, Policy policy, Tagger tagger, Cascade cascade,
                      Function<String, Tagger.ServerFacts> servers) {
        this(lists, policy, tagger, cascade, servers, () -> { });
    }

    /** @param resources closed by {@link #close()}, e.g. the shell analyser behind the tagger */
    public PolicyGate(ListGate lists, Policy policy, Tagger tagger, Cascade cascade,
                      Function<String, Tagger.ServerFacts> servers, AutoCloseable resources) {
        this.lists = lists;
        this.policy = new AtomicReference<>(policy);
        this.tagger = tagger;
        this.cascade = cascade;
        this.servers = servers;
        this.resources = resources;
    }

    /** Closes the analysers' resources; calls decided afterwards fail closed where they need them. */
    @Override
    public void close() {
        try {
            resources.close();
        } catch (Exception e) {
            log.warn("closing the policy engine's resources failed", e);
        }
    }

    /** Swaps the policy atomically; decisions already under way keep the revision they started with. */
    public void reload(Policy next) {
        Policy previous = policy.getAndSet(next);
        log.info("policy reloaded: revision {} -> {} ({})", previous.revision(), next.revision(), next.source());
    }

    public void observe(Observer observer) {
        observers.add(observer);
    }

    /** The operator's remembered approvals, consulted after tier 0 (see {@link io.airlock.policy.rules.Precedence}). */
    public void remembered(Remembered remembered) {
        this.remembered = remembered == null ? Remembered.NONE : remembered;
    }

    public Policy policy() {
        return policy.get();
    }

    @Override
    public CompletionStage<Decision> decide(GateRequest request) {
        return decideInDetail(request).thenApply(Decided::decision);
    }

    @Override
    public CompletionStage<Decided> decideInDetail(GateRequest request) {
        return evaluate(request).thenApply(result -> {
            if (result.decision() instanceof Decision.Deny deny) {
                // The relay logs each denial at INFO with the session; this is the gate's own view.
                log.debug("{} {} on '{}': denied at tier {} (rule {}) because {}", request.method(),
                        request.target(), request.server(), result.tier(), deny.rule(), deny.reason());
            }
            return new Decided(result.decision(), result);
        });
    }

    /** The whole cascade result (decision, tier, tags, evaluation, path), for explain, eval and receipts. */
    public CompletionStage<CascadeResult> evaluate(GateRequest request) {
        Tagger.ServerFacts server = servers.apply(request.server());
        ToolCall call = new ToolCall(request.server(), server.kind(), request.method(), request.target(),
                request.arguments(), request.agent(), request.sessionId(), request.cancellation());
        CompletionStage<CascadeResult> result = evaluate(call, server, request);
        if (!observers.isEmpty()) {
            result.whenComplete((r, error) -> {
                if (r != null) {
                    for (Observer observer : observers) {
                        try {
                            observer.decided(call, r);
                        } catch (RuntimeException e) {
                            log.error("a decision observer failed", e);
                        }
                    }
                }
            });
        }
        return result;
    }

    private CompletionStage<CascadeResult> evaluate(ToolCall call, Tagger.ServerFacts server, GateRequest request) {
        Decision listed = lists.decideNow(request);
        if (listed instanceof Decision.Deny) {
            return CompletableFuture.completedFuture(new CascadeResult(listed, 0, false, List.of(),
                    new Evaluation(Action.DENY, false, null, List.of(), policy.get().revision(),
                            "the config's deny list"),
                    List.of("tier 0: " + listed.rule() + " -> deny")));
        }
        List<Tag> tags = tagger.tag(call, server, annotations.getOrDefault(request.server(), Map.of())
                .getOrDefault(request.target(), ToolAnnotations.NONE));
        CallFacts facts = new CallFacts(call.server(), call.kind(), call.tool(), call.agent(), call.arguments(),
                tags);
        Evaluation evaluation = withRemembered(policy.get().evaluate(facts), facts, call.sessionId());
        return cascade.run(call, tags, evaluation);
    }

    private Evaluation withRemembered(Evaluation evaluation, CallFacts facts, String sessionId) {
        if (evaluation.hard() || evaluation.action() == Action.DENY || evaluation.action() == Action.ALLOW) {
            return evaluation;
        }
        Rule rule = remembered.approves(facts, sessionId);
        if (rule == null) {
            return evaluation;
        }
        List<Rule> matched = new java.util.ArrayList<>(evaluation.matched());
        matched.add(rule);
        return new Evaluation(Action.ALLOW, false, rule, matched, evaluation.revision(), "would have been "
                + evaluation.action().id() + " by rule " + evaluation.ruleId()
                + "; an operator remembered this approval");
    }

    @Override
    public boolean isListed(String server, String tool) {
        return lists.isListed(server, tool);
    }

    @Override
    public void observeTools(String server, JsonNode tools) {
        if (tools == null || !tools.isArray()) {
            return;
        }
        Map<String, ToolAnnotations> byTool = annotations.computeIfAbsent(server, s -> new ConcurrentHashMap<>());
        for (JsonNode tool : tools) {
            if (tool.path("name").isTextual()) {
                byTool.put(tool.path("name").textValue(), ToolAnnotations.of(tool));
            }
        }
    }
}
