package io.airlock.sandbox.commit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The moment a sandboxed run started, on the file-system clock: the ctime of a marker file created then. A real
 * file whose ctime is at or after it changed since the run started.
 *
 * <p>Why a marker and not {@code System.currentTimeMillis()}: the kernel stamps files with its coarse clock, which
 * lags the fine one by up to a tick, so a Java timestamp can be later than the ctime of a write that happened after
 * it and the write would go unnoticed. Taking the baseline from the same clock errs the other way: a write in the
 * same tick just before the run counts as changed (the commit then asks instead of overwriting).
 *
 * @param ctimeNanos the marker's ctime, nanoseconds since the epoch
 */
public record Baseline(long ctimeNanos) {

    /** Takes a baseline: creates (and removes) a marker file in {@code scratch}. Call it just before the run. */
    public static Baseline take(Path scratch) throws IOException {
        Files.createDirectories(scratch);
        Path marker = Files.createTempFile(scratch, ".airlock-baseline-", "");
        try {
            return new Baseline(Fs.lstat(marker).ctimeNanos());
        } finally {
            Files.deleteIfExists(marker);
        }
    }

    /** Whether a ctime is at or after the baseline: the entry changed since the run started. */
    public boolean changedSince(long ctimeNanos) {
        return ctimeNanos >= this.ctimeNanos;
    }
}
