package io.airlock.mcp.upstream;

/** The upstream cannot take a message or cannot be started; the message says why, for the agent and the log. */
public final class UpstreamException extends Exception {
    public UpstreamException(String message) {
        super(message);
    }

    public UpstreamException(String message, Throwable cause) {
        super(message, cause);
    }
}
