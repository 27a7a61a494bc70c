package io.airlock.workbench;

import java.io.Serial;

/**
 * A failure to report to the caller as a tool error result ({@code isError: true}) carrying {@link #getMessage()}; it
 * never reaches the SDK as an exception.
 */
final class ToolException extends Exception {

    @Serial
    private static final long serialVersionUID = 1L;

    ToolException(String message) {
        super(message, null, false, false);
    }
}
