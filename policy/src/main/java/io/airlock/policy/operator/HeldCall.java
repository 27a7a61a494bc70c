package io.airlock.policy.operator;

import io.airlock.policy.Decision;
import io.airlock.policy.cascade.Tiers;
import io.airlock.policy.cascade.ToolCall;
import io.airlock.policy.rules.Evaluation;
import io.airlock.policy.tags.Tag;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One call waiting for a person. Immutable facts plus one state that moves once, from {@link State.Waiting} to a
 * final state; the first transition wins, which is what makes several operators (and the deadline, and the agent's
 * cancel) safe to race.
 */
public final class HeldCall {

    /** How an operator decided. */
    public enum Outcome {
        APPROVE("approve"), DENY("deny"), REMEMBER("remember");

        private final String id;

        Outcome(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        public static Outcome of(String id) {
            for (Outcome outcome : values()) {
                if (outcome.id.equals(id)) {
                    return outcome;
                }
            }
            throw new IllegalArgumentException("outcome '" + id + "' (expected approve, deny or remember)");
        }
    }

    /** Where the call is. */
    public sealed interface State {
        record Waiting() implements State {}

        record Decided(Outcome outcome, String operator, String reason) implements State {}

        record Expired() implements State {}

        record Cancelled(String why) implements State {}
    }

    private final String id;
    private final ToolCall call;
    private final List<Tag> tags;
    private final Evaluation evaluation;
    private final String why;
    private final String callHash;
    private final String summary;
    private final Instant heldAt;
    private final Instant deadline;
    private final List<SessionActivity.Entry> recentCalls;
    private final Tiers.EffectReview effects;
    final CompletableFuture<Decision> answer = new CompletableFuture<>();
    private static final State WAITING = new State.Waiting();
    private final AtomicReference<State> state = new AtomicReference<>(WAITING);

    HeldCall(String id, ToolCall call, List<Tag> tags, Evaluation evaluation, String why, Instant heldAt,
             Instant deadline, List<SessionActivity.Entry> recentCalls, Tiers.EffectReview effects) {
        this.id = id;
        this.call = call;
        this.tags = List.copyOf(tags);
        this.evaluation = evaluation;
        this.why = why;
        this.effects = effects;
        this.callHash = CallHash.of(call, effects == null ? null : effects.digest());
        this.summary = CallSummary.of(call.arguments());
        this.heldAt = heldAt;
        this.deadline = deadline;
        this.recentCalls = List.copyOf(recentCalls);
    }

    /** Moves from waiting to {@code next}; false when something else got there first. */
    boolean finish(State next) {
        return state.compareAndSet(WAITING, next);
    }

    public String id() {
        return id;
    }

    public ToolCall call() {
        return call;
    }

    public List<Tag> tags() {
        return tags;
    }

    public Evaluation evaluation() {
        return evaluation;
    }

    /** Why it was held, in words. */
    public String why() {
        return why;
    }

    public String callHash() {
        return callHash;
    }

    public String summary() {
        return summary;
    }

    public Instant heldAt() {
        return heldAt;
    }

    public Instant deadline() {
        return deadline;
    }

    public List<SessionActivity.Entry> recentCalls() {
        return recentCalls;
    }

    /** The effects of the call's sandboxed run, when the operator is asked to commit or discard them; else null. */
    public Tiers.EffectReview effects() {
        return effects;
    }

    public State state() {
        return state.get();
    }

    /** Hard boundaries stay per call; and only tools/call has a stable shape worth remembering. */
    public boolean rememberable() {
        // A sandboxed run's effects are reviewed per run: remembering them would commit changes nobody saw.
        return !evaluation.hard() && "tools/call".equals(call.method()) && effects == null;
    }
}
