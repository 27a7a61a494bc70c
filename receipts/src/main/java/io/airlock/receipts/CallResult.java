package io.airlock.receipts;

import java.time.Instant;
import java.util.Objects;

/**
 * What became of a forwarded call, written when the upstream answers (or the call is cut off). Its {@link Receipt}
 * was written before the call was forwarded, with upstream outcome {@code forwarded}, so a crash in between loses
 * nothing but this line; {@code decisionId} links the two.
 */
public record CallResult(Instant time, String decisionId, Receipt.Upstream upstream) implements Entry {

    public static final String TYPE = "result";

    public CallResult {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(decisionId, "decisionId");
        Objects.requireNonNull(upstream, "upstream");
        if (upstream.outcome() == Receipt.UpstreamOutcome.FORWARDED
                || upstream.outcome() == Receipt.UpstreamOutcome.NOT_FORWARDED) {
            throw new IllegalArgumentException("a result says how a forwarded call ended, not '"
                    + upstream.outcome().id() + "'");
        }
    }

    @Override
    public String type() {
        return TYPE;
    }
}
