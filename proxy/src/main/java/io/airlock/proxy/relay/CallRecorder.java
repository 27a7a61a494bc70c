package io.airlock.proxy.relay;

import io.airlock.policy.Gate;
import io.airlock.policy.GateRequest;
import java.time.Instant;

/**
 * Where the relay reports each gated call once it is finished: decided and, if forwarded, answered. Receipts are the
 * implementation; the relay only knows this seam.
 */
public interface CallRecorder {

    /** Null while calls can be recorded; otherwise why not. The relay then refuses gated calls (fail closed). */
    String unavailable();

    /**
     * Records a decision: a denial (final), or an allowed call just before it is forwarded. Returns the decision's id,
     * or null when it could not be recorded: then the relay must not forward the call. Never blocks; never throws.
     */
    String record(Call call);

    /** How a forwarded call ended (answered, failed, cut off). Never blocks; never throws. */
    default void finished(String decisionId, Outcome outcome, long resultBytes, long upstreamMicros) {
    }

    /** Like {@link #finished(String, Outcome, long, long)}, with the call's request (for per-server metrics). */
    default void finished(GateRequest request, String decisionId, Outcome outcome, long resultBytes,
                          long upstreamMicros) {
        finished(decisionId, outcome, resultBytes, upstreamMicros);
    }

    /**
     * Every message of a session as it passed through (for deep review), when full-traffic capture is on; by default
     * nothing is kept. Never blocks; never throws.
     *
     * @param toServer true for a message from the agent, false for one to the agent
     */
    default void traffic(String session, String server, boolean toServer,
                         io.airlock.mcp.jsonrpc.JsonRpcMessage message) {
    }

    /** How the upstream part went; {@code FORWARDED} while it is still under way. */
    enum Outcome {
        OK, ERROR, IS_ERROR, NOT_FORWARDED, FORWARDED,
        /** Answered by a sandboxed twin whose effects were committed; the real server never saw it. */
        SANDBOXED
    }

    /**
     * One finished gated call.
     *
     * @param decisionMicros time the gate took (tiers included, so a held call's wait is in it)
     * @param upstreamMicros time from forwarding to the answer; 0 when not forwarded
     * @param resultBytes    size of the upstream's answer; 0 when not forwarded
     */
    record Call(GateRequest request, Gate.Decided decided, Instant at, long decisionMicros, Outcome outcome,
                long resultBytes, long upstreamMicros, String note) {}

    CallRecorder NONE = new CallRecorder() {
        @Override
        public String unavailable() {
            return null;
        }

        @Override
        public String record(Call call) {
            return "";
        }
    };
}
