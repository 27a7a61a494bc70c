package io.airlock.policy;

import java.util.concurrent.CompletionStage;

/**
 * The seam every gated call goes through ({@code tools/call}, {@code resources/read}, {@code prompts/get}).
 *
 * <p>Contract: {@link #decide} never blocks the caller (slow tiers complete the stage later, off the caller's
 * thread). A stage that completes exceptionally, or a thrown exception, is treated by the relay as a denial: a gate
 * error is never an allow.
 */
public interface Gate {

    CompletionStage<Decision> decide(GateRequest request);

    /** A decision with how it was reached (tags, rules, path through the tiers), for receipts. */
    record Decided(Decision decision, io.airlock.policy.cascade.CascadeResult detail) {}

    /** Like {@link #decide}, with the detail when the gate has it (null otherwise). Same contract. */
    default CompletionStage<Decided> decideInDetail(GateRequest request) {
        return decide(request).thenApply(decision -> new Decided(decision, null));
    }

    /**
     * Whether {@code tools/list} shows the tool to agents. False for tools no call could ever be allowed to reach,
     * so that the listing and the guard apply the same policy.
     */
    boolean isListed(String server, String tool);

    /**
     * The server's {@code tools} array as it passed through {@code tools/list}: the gate may learn the tools'
     * annotations from it. Never blocks; never throws.
     */
    default void observeTools(String server, com.fasterxml.jackson.databind.JsonNode tools) {}
}
