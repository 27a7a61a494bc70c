package io.airlock.proxy.ops;

import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Whether the process serves: each event loop of the agent-facing front runs a no-op task within a deadline. A loop
 * stuck on blocking work (the bug Airlock must never have) makes {@code /healthz} fail, so an orchestrator restarts
 * the process. Never blocks: the answer completes from the loops themselves or from a timer.
 */
public final class Liveness {

    private final Supplier<? extends Iterable<EventExecutor>> loops;
    private final long deadlineMillis;

    /** @param loops the event loops to probe now (empty before the front starts, e.g. for {@code airlock stdio}) */
    public Liveness(Supplier<? extends Iterable<EventExecutor>> loops, long deadlineMillis) {
        this.loops = loops;
        this.deadlineMillis = deadlineMillis;
    }

    /** Completes with null when every loop answered, or with the names of those that did not. */
    public CompletableFuture<String> check(EventExecutor timer) {
        List<CompletableFuture<Void>> answers = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (EventExecutor loop : loops.get()) {
            if (loop.isShuttingDown()) {
                continue;
            }
            CompletableFuture<Void> answered = new CompletableFuture<>();
            try {
                loop.execute(() -> answered.complete(null));
            } catch (RuntimeException rejected) {
                answered.completeExceptionally(rejected);
            }
            answers.add(answered);
            names.add(loop.toString());
        }
        CompletableFuture<String> result = new CompletableFuture<>();
        CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new))
                .whenComplete((ok, error) -> result.complete(error == null ? null : "an event loop refused work"));
        timer.schedule(() -> {
            if (!result.isDone()) {
                List<String> stuck = new ArrayList<>();
                for (int i = 0; i < answers.size(); i++) {
                    if (!answers.get(i).isDone()) {
                        stuck.add(names.get(i));
                    }
                }
                result.complete("event loops not answering within " + deadlineMillis + " ms: " + stuck);
            }
        }, deadlineMillis, TimeUnit.MILLISECONDS);
        return result;
    }
}
