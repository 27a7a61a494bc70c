package io.airlock.proxy.config;

/** An invalid config; the message names the field and says what is wrong. */
public final class ConfigException extends Exception {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
