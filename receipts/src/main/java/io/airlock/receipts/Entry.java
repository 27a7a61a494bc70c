package io.airlock.receipts;

import java.time.Instant;

/**
 * What one line of the receipt log says, without its chain envelope ({@code v}, {@code seq}, {@code prev}). A closed
 * set: the verifier, query and statistics handle every kind, and a new kind is a compile error wherever it matters.
 * <p>
 * {@link Receipt}, {@link CallResult} and {@link Traffic} come from the gateway; {@link Genesis}, {@link Checkpoint} and {@link Recovery}
 * are written by the log itself and cannot be appended.
 */
public sealed interface Entry permits Genesis, Receipt, CallResult, Traffic, Checkpoint, Recovery {

    /** The {@code type} field on disk. */
    String type();

    /** When the entry was made (UTC). */
    Instant time();
}
