package io.airlock.proxy.onboard;

/** A client file Airlock cannot use, or a plan it cannot carry out; the message names the file (and line). */
public final class ImportException extends Exception {
    public ImportException(String message) {
        super(message);
    }

    public ImportException(String message, Throwable cause) {
        super(message, cause);
    }
}
