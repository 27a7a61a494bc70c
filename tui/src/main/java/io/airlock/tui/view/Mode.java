package io.airlock.tui.view;

import io.airlock.tui.client.HeldCall;
import io.airlock.tui.client.HeldCallDetail.RememberOffer;

/** What the keys currently do. */
public sealed interface Mode {

    /** Moving through the list and deciding. */
    record Browse() implements Mode {
    }

    /** Typing a filter after {@code /}. */
    record Filter(String text) implements Mode {
    }

    /** Typing the reason for denying {@code call} (may be left empty). */
    record DenyReason(HeldCall call, String text) implements Mode {
    }

    /** Showing the rule approve-and-remember would add, waiting for y or n. */
    record ConfirmRemember(HeldCall call, RememberOffer offer) implements Mode {
    }
}
