package io.airlock.tui.view;

import io.airlock.tui.client.Decision;

/** Work the model asks for; the controller does it off the UI thread and reports back with a {@link ModelEvent}. */
public sealed interface Action {

    /** Send a decision; the answer comes back as {@link ModelEvent.Answered}. */
    record Send(Decision decision) implements Action {
    }

    /** Load a held call's detail. */
    record FetchDetail(String id) implements Action {
    }

    /** Load the latest gate decisions for the tail. */
    record FetchRecentDecisions() implements Action {
    }

    /** Leave the TUI. Held calls stay held on the server; nothing is decided by quitting. */
    record Quit() implements Action {
    }
}
