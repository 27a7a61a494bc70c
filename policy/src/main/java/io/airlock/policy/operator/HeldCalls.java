package io.airlock.policy.operator;

import io.airlock.policy.Decision;
import io.airlock.policy.cascade.CascadeResult;
import io.airlock.policy.cascade.Tiers;
import io.airlock.policy.cascade.ToolCall;
import io.airlock.policy.rules.Evaluation;
import io.airlock.policy.rules.Rule;
import io.airlock.policy.tags.Tag;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tier 3: calls held for a person. The semantics, in one place:
 * <ul>
 *   <li>The queue is bounded: when {@code capacity} calls already wait, a new one is denied at once with a message
 *       that says so, and counted.</li>
 *   <li>Each hold has a deadline; on expiry the call is denied ("timed out waiting for approval").</li>
 *   <li>The agent cancelling (or going away) drops its held call.</li>
 *   <li>A decision names the call's {@link CallHash}: it releases exactly the call the operator looked at, once. The
 *       first of {decision, deadline, cancel} wins; the others are told what happened.</li>
 *   <li>Approve-and-remember adds a rule ({@link RememberedApprovals}); never for a hard-stop.</li>
 * </ul>
 * Nothing here blocks: {@link #hold} returns a stage that completes when the call is decided.
 */
public final class HeldCalls implements Tiers.Operator, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HeldCalls.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int FINISHED_KEPT = 1024;

    /** What an operator asks for. */
    public record Choice(HeldCall.Outcome outcome, String callHash, String operator, String reason,
                         RememberedApprovals.Scope scope) {
        public Choice {
            operator = operator == null || operator.isBlank() ? "operator" : operator.strip();
            reason = reason == null ? "" : reason.strip();
        }
    }

    /** What became of a decision request. */
    public sealed interface Result {
        record Done(HeldCall call, HeldCall.Outcome outcome, String operator, String rememberedRule)
                implements Result {}

        record NotFound() implements Result {}

        /** Someone else decided first (or, with {@code state} Expired/Cancelled, the call is gone). */
        record AlreadyFinished(HeldCall call, HeldCall.State state) implements Result {}

        /** The call is not the one the operator looked at. */
        record WrongCall(HeldCall call) implements Result {}

        /** Remember was asked for a call that may not be remembered (a hard-stop). */
        record NotRememberable(HeldCall call, String why) implements Result {}

        /** Remembering failed (the file could not be written); nothing was decided. */
        record Failed(HeldCall call, String why) implements Result {}
    }

    private final int capacity;
    private final Duration timeout;
    private final Clock clock;
    private final RememberedApprovals remembered;
    private final SessionActivity activity;
    private final Map<String, HeldCall> waiting = new ConcurrentHashMap<>();
    private final Map<String, HeldCall> finished = java.util.Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, HeldCall> eldest) {
                    return size() > FINISHED_KEPT;
                }
            });
    private final List<Consumer<OperatorEvent>> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService deadlines = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("held-call-deadlines").factory());
    private final AtomicLong refusedFull = new AtomicLong();
    private volatile String unavailable;

    public HeldCalls(int capacity, Duration timeout, Clock clock, RememberedApprovals remembered,
                     SessionActivity activity) {
        this.capacity = capacity;
        this.timeout = timeout;
        this.clock = clock;
        this.remembered = remembered;
        this.activity = activity;
    }

    public void listen(Consumer<OperatorEvent> listener) {
        listeners.add(listener);
    }

    public void unlisten(Consumer<OperatorEvent> listener) {
        listeners.remove(listener);
    }

    /** For {@code PolicyGate.observe}: every decision, into the activity log and to the listeners. */
    public void gateDecided(ToolCall call, CascadeResult result) {
        SessionActivity.Entry entry = activity.record(clock.instant(), call, result);
        publish(new OperatorEvent.GateDecision(entry, call, result));
    }

    @Override
    public CompletionStage<Decision> hold(ToolCall call, List<Tag> tags, Evaluation evaluation, String why) {
        return hold(call, tags, evaluation, why, null);
    }

    /** Approve commits the sandboxed run's effects, deny discards them; the approval names the effects' digest. */
    @Override
    public CompletionStage<Decision> review(ToolCall call, List<Tag> tags, Evaluation evaluation, String why,
                                            Tiers.EffectReview effects) {
        return hold(call, tags, evaluation, why, java.util.Objects.requireNonNull(effects, "effects"));
    }

    private CompletionStage<Decision> hold(ToolCall call, List<Tag> tags, Evaluation evaluation, String why,
                                           Tiers.EffectReview effects) {
        if (call.cancellation().isCancelled()) {
            return CompletableFuture.completedFuture(new Decision.Deny("the call was cancelled", "", "cancelled"));
        }
        String closed = unavailable;
        if (closed != null) {
            return CompletableFuture.completedFuture(new Decision.Deny("it needs a person's approval, but " + closed,
                    "Ask the user to approve it or to change the policy; do not try to work around the refusal.",
                    "operator-unavailable"));
        }
        Instant now = clock.instant();
        HeldCall held = new HeldCall(newId(), call, tags, evaluation, why, now, now.plus(timeout),
                activity.session(call.sessionId()), effects);
        synchronized (waiting) {
            if (waiting.size() >= capacity) {
                long refused = refusedFull.incrementAndGet();
                log.warn("held-call queue full ({}); refused {} on '{}' ({} refused so far)", capacity, call.tool(),
                        call.server(), refused);
                return CompletableFuture.completedFuture(new Decision.Deny("it needs a person's approval, but "
                        + capacity + " calls are already waiting for one, so it was refused",
                        "Wait for the pending approvals to be answered, then try again.", "operator-queue-full"));
            }
            waiting.put(held.id(), held);
        }
        deadlines.schedule(() -> expire(held), timeout.toMillis(), TimeUnit.MILLISECONDS);
        call.cancellation().onCancel(reason -> cancel(held, reason));
        log.info("held {} {} on '{}' as {} for the operator: {}", call.method(), call.tool(), call.server(),
                held.id(), why);
        publish(new OperatorEvent.Held(held));
        return held.answer;
    }

    /** Waiting calls, newest first. */
    public List<HeldCall> waiting() {
        List<HeldCall> out = new ArrayList<>(waiting.values());
        out.sort(Comparator.comparing(HeldCall::heldAt).reversed().thenComparing(HeldCall::id));
        return out;
    }

    public Optional<HeldCall> find(String id) {
        HeldCall held = waiting.get(id);
        return Optional.ofNullable(held != null ? held : finished.get(id));
    }

    public int capacity() {
        return capacity;
    }

    public long refusedFull() {
        return refusedFull.get();
    }

    public SessionActivity activity() {
        return activity;
    }

    /** The rule approve-and-remember would add for this call, for the operator to confirm; empty if not offered. */
    public Optional<String> rememberProposal(HeldCall held, RememberedApprovals.Scope scope) {
        return held.rememberable() ? Optional.of(remembered.proposal(held.call(), scope, "<operator>",
                clock.instant())) : Optional.empty();
    }

    public Result decide(String id, Choice choice) {
        HeldCall held = waiting.get(id);
        if (held == null) {
            HeldCall gone = finished.get(id);
            return gone == null ? new Result.NotFound() : new Result.AlreadyFinished(gone, gone.state());
        }
        if (choice.callHash() == null || !java.security.MessageDigest.isEqual(
                choice.callHash().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                held.callHash().getBytes(java.nio.charset.StandardCharsets.UTF_8))) {
            return new Result.WrongCall(held);
        }
        String ruleId = null;
        if (choice.outcome() == HeldCall.Outcome.REMEMBER) {
            if (!held.rememberable()) {
                return new Result.NotRememberable(held, held.evaluation().hard()
                        ? "a hard boundary (rule " + held.evaluation().ruleId() + ") is decided per call, never "
                        + "remembered" : "only tools/call can be remembered");
            }
            if (!(held.state() instanceof HeldCall.State.Waiting)) {
                return new Result.AlreadyFinished(held, held.state());
            }
            try {
                RememberedApprovals.Scope scope = choice.scope() == null ? RememberedApprovals.Scope.TOOL
                        : choice.scope();
                Rule rule = remembered.remember(held.call(), scope, choice.operator(), clock.instant());
                ruleId = rule.id();
                log.info("{} remembered approval {} ({} scope) for {} on '{}'", choice.operator(), ruleId,
                        scope.id(), held.call().tool(), held.call().server());
            } catch (Exception e) {
                log.error("could not remember the approval of {}: {}", id, e.toString());
                return new Result.Failed(held, "the approval could not be remembered: " + e.getMessage());
            }
        }
        HeldCall.State next = new HeldCall.State.Decided(choice.outcome(), choice.operator(), choice.reason());
        if (!held.finish(next)) {
            return new Result.AlreadyFinished(held, held.state());
        }
        retire(held);
        Decision decision = switch (choice.outcome()) {
            case APPROVE, REMEMBER -> new Decision.Allow("operator:" + choice.operator());
            case DENY -> new Decision.Deny(choice.reason().isEmpty() ? "the operator denied it"
                    : "the operator denied it: " + choice.reason(),
                    "Do not retry the same call; ask the user how to proceed.", "operator:" + choice.operator());
        };
        log.info("{} {} held call {} ({} on '{}')", choice.operator(), choice.outcome().id(), id,
                held.call().tool(), held.call().server());
        publish(new OperatorEvent.Decided(held, choice.outcome(), choice.operator(), choice.reason(), ruleId));
        held.answer.complete(decision);
        return new Result.Done(held, choice.outcome(), choice.operator(), ruleId);
    }

    private void expire(HeldCall held) {
        if (!held.finish(new HeldCall.State.Expired())) {
            return;
        }
        retire(held);
        log.info("held call {} ({} on '{}') timed out waiting for approval", held.id(), held.call().tool(),
                held.call().server());
        publish(new OperatorEvent.Expired(held));
        held.answer.complete(new Decision.Deny("it timed out waiting for approval (" + timeout.toSeconds()
                + " s)", "Ask the user to approve it in airlock tui, then try again.", "operator-timeout"));
    }

    private void cancel(HeldCall held, String why) {
        if (!held.finish(new HeldCall.State.Cancelled(why))) {
            return;
        }
        retire(held);
        log.info("held call {} dropped: {}", held.id(), why);
        publish(new OperatorEvent.Cancelled(held, why));
        held.answer.complete(new Decision.Deny("the call was cancelled (" + why + ")", "", "cancelled"));
    }

    private void retire(HeldCall held) {
        finished.put(held.id(), held);
        waiting.remove(held.id(), held);
    }

    private void publish(OperatorEvent event) {
        for (Consumer<OperatorEvent> listener : listeners) {
            try {
                listener.accept(event);
            } catch (RuntimeException e) {
                log.error("an operator event listener failed", e);
            }
        }
    }

    private static String newId() {
        byte[] bytes = new byte[12];
        RANDOM.nextBytes(bytes);
        return "h-" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /**
     * From now on, refuses calls that need a person at once, saying {@code why} (e.g. the admin API could not start),
     * and denies those already waiting: nothing is forwarded unapproved, and no agent waits for nobody.
     */
    public void stopAccepting(String why) {
        unavailable = why;
        for (HeldCall held : List.copyOf(waiting.values())) {
            cancel(held, why);
        }
    }

    /** Accepts calls again (an admin API is now there to answer them). */
    public void startAccepting() {
        unavailable = null;
    }

    @Override
    public void close() {
        stopAccepting("Airlock is shutting down");
        deadlines.shutdownNow();
    }
}
