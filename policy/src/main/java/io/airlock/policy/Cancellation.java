package io.airlock.policy;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Tells the slow tiers that the agent no longer wants an answer: it sent {@code notifications/cancelled}, closed its
 * stream, or its session ended. A held call is dropped, a sandboxed twin stopped, a classifier request abandoned.
 * Cancelling is idempotent; a listener added after the fact runs at once.
 */
public final class Cancellation {

    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
    private volatile String reason;

    /** A cancellation that never fires, for callers that cannot cancel (eval, explain, tests). */
    public static Cancellation none() {
        return new Cancellation();
    }

    public void cancel(String why) {
        synchronized (this) {
            if (reason != null) {
                return;
            }
            reason = why == null ? "cancelled" : why;
        }
        for (Consumer<String> listener : listeners) {
            if (listeners.remove(listener)) {
                listener.accept(reason);
            }
        }
    }

    public boolean isCancelled() {
        return reason != null;
    }

    /** Runs {@code listener} with the reason when the call is cancelled (at once if it already was). */
    public void onCancel(Consumer<String> listener) {
        listeners.add(listener);
        String why = reason;
        if (why != null && listeners.remove(listener)) {
            listener.accept(why);
        }
    }
}
