package io.airlock.receipts;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 digests written as {@code sha256:<64 lower-case hex digits>}. */
public final class Hashes {

    public static final String PREFIX = "sha256:";
    /** The {@code prev} of a genesis line: there is nothing before it. */
    public static final String ZERO = PREFIX + "0".repeat(64);

    private static final HexFormat HEX = HexFormat.of();

    private Hashes() {
    }

    public static String sha256(byte[] bytes) {
        return sha256(bytes, 0, bytes.length);
    }

    public static String sha256(byte[] bytes, int offset, int length) {
        MessageDigest digest = newDigest();
        digest.update(bytes, offset, length);
        return PREFIX + HEX.formatHex(digest.digest());
    }

    /** A fresh SHA-256 digest (the algorithm is mandatory in every JDK). */
    static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    static String format(byte[] digest) {
        return PREFIX + HEX.formatHex(digest);
    }

    /** Whether {@code s} has the form {@code sha256:<64 hex>}. */
    public static boolean isWellFormed(String s) {
        if (s == null || s.length() != PREFIX.length() + 64 || !s.startsWith(PREFIX)) {
            return false;
        }
        for (int i = PREFIX.length(); i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }
}
