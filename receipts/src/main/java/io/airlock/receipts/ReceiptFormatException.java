package io.airlock.receipts;

/** A line that is not a well-formed receipt log line; the message says what is wrong with it. */
public final class ReceiptFormatException extends Exception {
    public ReceiptFormatException(String message) {
        super(message);
    }

    public ReceiptFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
