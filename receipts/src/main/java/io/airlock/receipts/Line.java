package io.airlock.receipts;

import java.util.Objects;

/**
 * One decoded line of the log: the chain envelope and the entry.
 *
 * @param seq   the line's position in the chain, from 0 (the genesis), +1 per line, across files
 * @param prev  {@code sha256:…} of the previous line's bytes (without its newline); {@link Hashes#ZERO} for the genesis
 * @param entry what the line says
 */
public record Line(long seq, String prev, Entry entry) {
    public Line {
        if (seq < 0) {
            throw new IllegalArgumentException("seq: " + seq + " (expected: >= 0)");
        }
        Objects.requireNonNull(prev, "prev");
        Objects.requireNonNull(entry, "entry");
    }
}
