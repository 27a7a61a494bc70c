package io.airlock.policy.shell;

import java.util.Set;

/**
 * One evaluated word of a command: its value when every part is known ({@code literal}), else a rendering such as
 * {@code $dir/x} or {@code $(…)}; and the taint of any substitution in it.
 */
record Arg(String value, boolean literal, Set<Taint> taint, boolean built) {

    Arg {
        taint = taint.isEmpty() ? Set.of() : Set.copyOf(taint);
    }

    Arg(String value, boolean literal, Set<Taint> taint) {
        this(value, literal, taint, false);
    }

    static Arg lit(String value) {
        return new Arg(value, true, Set.of());
    }

    /** The text to hand to path analysis: guaranteed to contain {@code $} when the value is not known. */
    String pathText() {
        return literal || value.contains("$") ? value : "$" + value;
    }

    boolean isOption() {
        return literal && value.length() > 1 && value.startsWith("-");
    }

    @Override
    public String toString() {
        return value;
    }
}
