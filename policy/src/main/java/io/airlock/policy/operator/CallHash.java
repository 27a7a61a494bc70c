package io.airlock.policy.operator;

import io.airlock.policy.CanonicalJson;
import io.airlock.policy.cascade.ToolCall;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The identity of a call an operator approves: agent, server, method, tool and arguments in canonical form (object
 * keys sorted, no insignificant whitespace), hashed with SHA-256. An approval names this hash, so it can only ever
 * release the exact call the operator looked at.
 */
public final class CallHash {

    private CallHash() {}

    /**
     * The hash of a call together with the effects of its sandboxed run: approving it commits exactly the changes
     * the operator was shown.
     */
    public static String of(ToolCall call, String effectsDigest) {
        return effectsDigest == null ? of(call) : sha256(of(call) + "+effects:" + effectsDigest);
    }

    private static String sha256(String text) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    public static String of(ToolCall call) {
        StringBuilder canonical = new StringBuilder();
        canonical.append('[');
        CanonicalJson.appendString(canonical, call.agent()).append(',');
        CanonicalJson.appendString(canonical, call.server()).append(',');
        CanonicalJson.appendString(canonical, call.method()).append(',');
        CanonicalJson.appendString(canonical, call.tool()).append(',');
        CanonicalJson.appendTo(canonical, call.arguments());
        canonical.append(']');
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(canonical.toString().getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
