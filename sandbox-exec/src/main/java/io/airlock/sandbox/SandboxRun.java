package io.airlock.sandbox;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The outcome of one sandboxed run: how the process ended, what it printed, and what it changed in the workspace
 * (held in the overlay until {@link #discard()}; committing is the caller's decision).
 *
 * @param exitCode  the process's exit status (128 + signal when killed)
 * @param timedOut  killed for exceeding the wall-clock limit
 * @param stdoutBytes all the bytes the process wrote to stdout, kept or not
 * @param truncated output beyond the limit was dropped
 * @param workspace the real workspace the run saw through its overlay
 * @param overlay   the run's overlay directory; {@code upper} holds the changes
 * @param baseline  the change time of a marker written before the run started (see {@link SandboxProcess#baseline()})
 */
public record SandboxRun(int exitCode, boolean timedOut, String stdout, long stdoutBytes, String stderr,
                         boolean truncated, Path workspace, Path overlay,
                         java.nio.file.attribute.FileTime baseline) {

    /**
     * What the run changed, read from the overlay on each call (the sandbox tier reads a {@code ChangeSet} instead,
     * so a run is not walked twice).
     */
    public EffectSet effects() throws IOException {
        return EffectScanner.scan(upper(), workspace);
    }

    /** Where the changed files are (mirrors the workspace layout). */
    public Path upper() {
        return overlay.resolve("upper");
    }

    /** Throws the changes away: deletes the overlay directory. */
    public void discard() throws IOException {
        SandboxProcess.deleteTree(overlay);
    }
}
