package io.airlock.tui.view;

/** The one-line message under the panes: the outcome of the last thing the operator did, or a refusal to do it. */
public record Notice(String text, boolean problem) {

    static Notice info(String text) {
        return new Notice(text, false);
    }

    static Notice problem(String text) {
        return new Notice(text, true);
    }
}
