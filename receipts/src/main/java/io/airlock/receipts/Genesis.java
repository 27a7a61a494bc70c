package io.airlock.receipts;

import java.time.Instant;
import java.util.Objects;

/**
 * The first line of a chain ({@code seq} 0, {@code prev} all zeros).
 *
 * @param keyId the signing key the log's checkpoints will be signed with, e.g. {@code ed25519:1f2e…}; recorded so a
 *              reviewer knows which public key to ask for, never trusted by the verifier on its own
 */
public record Genesis(Instant time, String keyId) implements Entry {
    public static final String TYPE = "genesis";

    public Genesis {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(keyId, "keyId");
    }

    @Override
    public String type() {
        return TYPE;
    }
}
