package io.airlock.policy.operator;

import io.airlock.policy.cascade.CascadeResult;
import io.airlock.policy.cascade.ToolCall;

/** What the operator tier reports to whoever watches it (the admin API's event stream). */
public sealed interface OperatorEvent {

    record Held(HeldCall call) implements OperatorEvent {}

    record Decided(HeldCall call, HeldCall.Outcome outcome, String operator, String reason, String rememberedRule)
            implements OperatorEvent {}

    /** The deadline passed; the agent was told the call timed out waiting for approval. */
    record Expired(HeldCall call) implements OperatorEvent {}

    /** The agent cancelled the call or went away before anyone decided. */
    record Cancelled(HeldCall call, String why) implements OperatorEvent {}

    /** Any gate decision, held or not, for the operator's tail of recent decisions. */
    record GateDecision(SessionActivity.Entry entry, ToolCall call, CascadeResult result) implements OperatorEvent {}
}
