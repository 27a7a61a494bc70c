package io.airlock.tui.view;

import java.time.Instant;

/** The TUI's view of its link to Airlock. */
public sealed interface Connection {

    /** Before the first hello. */
    record Connecting() implements Connection {
    }

    /** The event stream is up and said hello. */
    record Live(String serverVersion) implements Connection {
    }

    /** The stream is down since {@code since}; the list shown may be stale until the next hello. */
    record Lost(String why, Instant since, Instant retryAt) implements Connection {
    }
}
