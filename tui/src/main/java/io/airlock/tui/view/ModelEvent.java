package io.airlock.tui.view;

import io.airlock.tui.client.AdminEvent;
import io.airlock.tui.client.DecideResult;
import io.airlock.tui.client.Decision;
import io.airlock.tui.client.GateDecision;
import io.airlock.tui.client.HeldCallDetail;
import java.time.Instant;
import java.util.List;

/** Everything that changes the model besides key presses; all of it is applied on the UI thread. */
public sealed interface ModelEvent {

    /** An event from the admin event stream. */
    record Server(AdminEvent event) implements ModelEvent {
    }

    /** The event stream is down; the next attempt is at {@code retryAt}. */
    record ConnectionLost(String why, Instant retryAt) implements ModelEvent {
    }

    record DetailLoaded(HeldCallDetail detail) implements ModelEvent {
    }

    record DetailFailed(String id, String why) implements ModelEvent {
    }

    /** The server's answer to a decision this client sent. */
    record Answered(Decision decision, DecideResult result) implements ModelEvent {
    }

    /** {@code GET /v1/decisions} succeeded (newest first). */
    record RecentDecisions(List<GateDecision> decisions) implements ModelEvent {
    }
}
