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

    /** Never blocks; never throws. */
    void record(Call call);

    /** How the upstream part went. */
    enum Outcome { OK, ERROR, IS_ERROR, NOT_FORWARDED }

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
        public void record(Call call) {
        }
    };
}
