package io.airlock.tui.client;

import java.util.Objects;

/**
 * The body of {@code POST /v1/held/{id}/decision}. Built from the call the operator looked at, so the
 * {@code callHash} sent is the one shown: an approval never releases a call the operator did not see.
 */
public sealed interface Decision {

    HeldCall call();

    String operator();

    /** Forward the call, this once. */
    record Approve(HeldCall call, String operator) implements Decision {
        public Approve {
            Objects.requireNonNull(call, "call");
        }
    }

    /** Refuse the call; the agent sees {@code reason} (may be empty). */
    record Deny(HeldCall call, String operator, String reason) implements Decision {
        public Deny {
            Objects.requireNonNull(call, "call");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** Approve and add a rule that allows such calls from now on, in {@code scope} ("session" or "tool"). */
    record Remember(HeldCall call, String operator, String scope) implements Decision {
        public Remember {
            Objects.requireNonNull(call, "call");
            Objects.requireNonNull(scope, "scope");
        }
    }
}
