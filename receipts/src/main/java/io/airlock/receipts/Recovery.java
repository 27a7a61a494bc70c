package io.airlock.receipts;

import java.time.Instant;
import java.util.Objects;

/**
 * Written when the log is reopened after the previous writer stopped without a closing checkpoint (a crash, a kill, a
 * power cut). It records what was cut so the loss is itself on the record; the chain continues from the last good
 * line.
 *
 * @param file       the file whose tail was inspected (name only)
 * @param cutBytes   how many bytes of torn or unreadable tail were removed (0 when the tail ended cleanly)
 * @param cutDigest  {@code sha256:…} of the removed bytes, or empty when nothing was cut
 * @param reason     what was found, in words
 */
public record Recovery(Instant time, String file, long cutBytes, String cutDigest, String reason) implements Entry {
    public static final String TYPE = "recovery";

    public Recovery {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(file, "file");
        if (cutBytes < 0) {
            throw new IllegalArgumentException("cutBytes: " + cutBytes + " (expected: >= 0)");
        }
        cutDigest = cutDigest == null ? "" : cutDigest;
        Objects.requireNonNull(reason, "reason");
    }

    @Override
    public String type() {
        return TYPE;
    }
}
