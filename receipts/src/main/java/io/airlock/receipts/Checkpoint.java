package io.airlock.receipts;

import java.time.Instant;
import java.util.Objects;

/**
 * A signed seal over everything before it. The signature covers the checkpoint's own {@code seq} and {@code prev}
 * (the hash of the line before it, which chains over every earlier line; see {@link Signing#checkpointMessage}), so
 * whoever edits, deletes or reorders an earlier line must also forge this signature.
 *
 * @param keyId     {@code ed25519:<first 16 hex digits of SHA-256 of the public key's X.509 encoding>}
 * @param signature the Ed25519 signature, base64
 */
public record Checkpoint(Instant time, String keyId, String signature) implements Entry {
    public static final String TYPE = "checkpoint";

    public Checkpoint {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(signature, "signature");
    }

    @Override
    public String type() {
        return TYPE;
    }
}
