package io.airlock.policy.classifier;

/** A model endpoint failed: HTTP error, unreadable response. The message never contains the API key. */
public final class ModelException extends RuntimeException {
    public ModelException(String message) {
        super(message, null, false, false);
    }
}
