package io.airlock.policy.shell;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;

/**
 * What a command's standard output (or a command's standard input) carries, as far as running it is concerned:
 * taints, the exact text when it is known (e.g. {@code echo 'ls -la'}), and the file it is the content of (e.g.
 * {@code cat install.sh}, {@code < install.sh}). {@link #TERMINAL} is an input that is not redirected.
 *
 * @param present  false for the terminal / nothing
 * @param text     the exact content, or null when unknown
 * @param file     the file whose content this is (absolute), or null
 * @param fileRaw  the file as written, for evidence
 */
record Flow(boolean present, Set<Taint> taint, String text, Path file, String fileRaw) {

    static final Flow TERMINAL = new Flow(false, Set.of(), null, null, null);
    static final Flow EMPTY = new Flow(true, Set.of(), "", null, null);

    Flow {
        taint = taint.isEmpty() ? Set.of() : Set.copyOf(taint);
    }

    static Flow text(String text) {
        return new Flow(true, Set.of(), text, null, null);
    }

    static Flow tainted(Set<Taint> taint) {
        return new Flow(true, taint, null, null, null);
    }

    static Flow ofFile(Path file, String raw, Set<Taint> taint) {
        return new Flow(true, taint, null, file, raw);
    }

    boolean has(Taint t) {
        return taint.contains(t);
    }

    Flow plus(Set<Taint> more) {
        if (more.isEmpty()) {
            return this;
        }
        EnumSet<Taint> all = EnumSet.noneOf(Taint.class);
        all.addAll(taint);
        all.addAll(more);
        return new Flow(true, all, text, file, fileRaw);
    }

    /** The concatenation of two outputs (e.g. the statements of a block). */
    static Flow concat(Flow a, Flow b) {
        if (!a.present) {
            return b;
        }
        if (!b.present) {
            return a;
        }
        EnumSet<Taint> all = EnumSet.noneOf(Taint.class);
        all.addAll(a.taint);
        all.addAll(b.taint);
        String text = a.text != null && b.text != null ? a.text + b.text : null;
        return new Flow(true, all, text, null, null);
    }
}
