package io.airlock.tui.client;

/**
 * What became of {@code POST /v1/held/{id}/decision}, one case per answer the admin API documents. Callers switch
 * over it exhaustively, so a new case cannot be silently treated as success.
 */
public sealed interface DecideResult {

    /** Words for the operator. */
    String describe();

    /** 200: decided. {@code rule} is the remembered rule's id, or empty. */
    record Decided(String id, String outcome, String operator, String rule) implements DecideResult {
        @Override
        public String describe() {
            return outcome + " " + id + " as " + operator + (rule.isEmpty() ? "" : " (remembered as " + rule + ")");
        }
    }

    /** 400: the server could not read the request; a client bug, so the server's words are shown as they are. */
    record BadRequest(String message) implements DecideResult {
        @Override
        public String describe() {
            return "refused as malformed: " + message;
        }
    }

    /** 404: no such held call (or it was already decided and forgotten). */
    record NotFound(String id) implements DecideResult {
        @Override
        public String describe() {
            return "no held call " + id + " (already decided, or never held)";
        }
    }

    /**
     * 409: someone decided first, or the call is not the one the operator saw ({@code callHash} mismatch).
     *
     * @param outcome  the decision that won, when it was a race; may be empty
     * @param operator who made it; may be empty
     */
    record Conflict(String error, String outcome, String operator) implements DecideResult {
        @Override
        public String describe() {
            return outcome.isEmpty() ? "conflict: " + error
                    : "already decided: " + outcome + " by " + operator + (error.isEmpty() ? "" : " (" + error + ")");
        }
    }

    /** 410: the hold expired or the agent cancelled it; nothing waits for an answer any more. */
    record Gone(String message) implements DecideResult {
        @Override
        public String describe() {
            return "too late: " + (message.isEmpty() ? "the hold expired or the agent cancelled" : message);
        }
    }

    /** 422: remember on a hard stop; hard boundaries are decided call by call. */
    record HardStop(String message) implements DecideResult {
        @Override
        public String describe() {
            return "cannot remember a hard stop" + (message.isEmpty() ? "" : ": " + message);
        }
    }

    /** 401: the token is missing or wrong. */
    record Unauthorized() implements DecideResult {
        @Override
        public String describe() {
            return "unauthorized: the admin token was refused";
        }
    }

    /** No answer at all: Airlock is not running there, or the connection broke. The call may still be held. */
    record Unreachable(String cause) implements DecideResult {
        @Override
        public String describe() {
            return "cannot reach Airlock: " + cause;
        }
    }

    /** Any other status: shown with the body, never taken for success. */
    record Unexpected(int status, String body) implements DecideResult {
        @Override
        public String describe() {
            return "unexpected answer " + status + (body.isEmpty() ? "" : ": " + body);
        }
    }
}
