package io.airlock.tui.view;

/** A key press, independent of the terminal library, so the model is driven the same way in tests. */
public sealed interface Key {

    /** A printable character. */
    record Char(char value) implements Key {
    }

    /** The keys that are not characters. */
    enum Special implements Key {
        UP, DOWN, PAGE_UP, PAGE_DOWN, ENTER, ESCAPE, BACKSPACE
    }

    static Key of(char value) {
        return new Char(value);
    }
}
