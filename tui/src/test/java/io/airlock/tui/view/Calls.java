package io.airlock.tui.view;

import io.airlock.tui.client.HeldCall;
import io.airlock.tui.client.HeldCallDetail;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.List;

/** Held calls for view tests. */
final class Calls {

    static final Instant T0 = Instant.parse("2026-11-22T04:31:00Z");

    private Calls() {
    }

    /** A call held {@code secondsAfterT0} after {@link #T0}. */
    static HeldCall call(String id, int secondsAfterT0, String tool, boolean hard) {
        return new HeldCall(id, T0.plusSeconds(secondsAfterT0), T0.plusSeconds(600), "claude-code", "s1", "files",
                "tools/call", tool, tool + " path=/home/dev/.bashrc", List.of("write_file:outside", "persistence"),
                hard, hard ? "hard-ask-persistence" : "ask-outside-writes", "writes a shell start-up file",
                "sha256:" + id, !hard);
    }

    static HeldCallDetail detail(HeldCall call, String argumentsJson, HeldCallDetail.RememberOffer offer) {
        try {
            return new HeldCallDetail(call, new ObjectMapper().readTree(argumentsJson),
                    List.of(new HeldCallDetail.MatchedRule(call.rule(), "ask", call.hard(), "a reason")),
                    List.of("tier 0: rule " + call.rule() + " -> ask", "tier 3: held for the operator"),
                    "sha256:517df1f1dfd8",
                    List.of(new HeldCallDetail.RecentCall(T0.minusSeconds(5), "read_text_file", "notes.txt",
                            "allow", "0")), offer);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }
}
