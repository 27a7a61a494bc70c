package io.airlock.tui.view;

import java.time.Instant;

/**
 * One line of the recent-decisions tail.
 *
 * @param verdict allow, deny, approve, remember, expired, cancelled
 * @param by      who decided: "tier 0", an operator's name, "timeout", …
 * @param what    server/tool and a summary
 */
public record TailEntry(Instant at, String verdict, String by, String what) {
}
