package io.airlock.policy;

import com.fasterxml.jackson.databind.JsonNode;
import io.airlock.policy.cascade.Cascade;
import io.airlock.policy.cascade.CascadeResult;
import io.airlock.policy.cascade.ToolCall;
import io.airlock.policy.rules.CallFacts;
import io.airlock.policy.rules.Evaluation;
import io.airlock.policy.rules.Policy;
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

    public Policy policy() {
        return policy.get();
    }

    @Override
    public CompletionStage<Decision> decide(GateRequest request) {
        return evaluate(request).thenApply(result -> {
            if (result.decision() instanceof Decision.Deny deny) {
                log.info("{} {} on '{}': denied at tier {} by {}: {}", request.method(), request.target(),
                        request.server(), result.tier(), deny.rule(), deny.reason());
            }
            return result.decision();
        });
    }

    /** The whole cascade result (decision, tier, tags, evaluation, path), for explain, eval and receipts. */
    public CompletionStage<CascadeResult> evaluate(GateRequest request) {
        Decision listed = lists.decideNow(request);
        if (listed instanceof Decision.Deny) {
            return CompletableFuture.completedFuture(new CascadeResult(listed, 0, false, List.of(),
                    new Evaluation(io.airlock.policy.rules.Action.DENY, false, null, List.of(),
                            policy.get().revision(), "the config's deny list"),
                    List.of("tier 0: " + listed.rule() + " -> deny")));
        }
        Tagger.ServerFacts facts = servers.apply(request.server());
        ToolCall call = new ToolCall(request.server(), facts.kind(), request.method(), request.target(),
                request.arguments(), request.agent(), request.sessionId());
        List<Tag> tags = tagger.tag(call, facts, annotations.getOrDefault(request.server(), Map.of())
                .getOrDefault(request.target(), ToolAnnotations.NONE));
        Evaluation evaluation = policy.get().evaluate(new CallFacts(call.server(), call.kind(), call.tool(),
                call.agent(), call.arguments(), tags));
        return cascade.run(call, tags, evaluation);
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
