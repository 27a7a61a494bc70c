package io.airlock.policy.classifier;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

/**
 * An API key, read once from its source. It is only ever put into a request header: {@link #toString()} hides it,
 * and every error about it names the source (the variable or the file), never the value.
 */
public final class ApiKey {

    static final ApiKey NONE = new ApiKey("");

    private final String value;

    private ApiKey(String value) {
        this.value = value;
    }

    /** Reads the key. The exception says where it looked and what was wrong, without any of the file's contents. */
    public static ApiKey resolve(ClassifierConfig.KeySource source) throws IOException {
        return switch (source) {
            case ClassifierConfig.KeySource.None ignored -> NONE;
            case ClassifierConfig.KeySource.Env env -> {
                String v = System.getenv(env.variable());
                if (v == null || v.isBlank()) {
                    throw new IOException("the environment variable " + env.variable() + " (classifier.key.env) is "
                            + "not set or empty");
                }
                yield new ApiKey(v.strip());
            }
            case ClassifierConfig.KeySource.File file -> {
                String v;
                try {
                    v = Files.readString(file.path(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    // The message of a read error names the path only; keep it that way, without the cause's text.
                    throw new IOException("cannot read the key file " + file.path() + " (classifier.key.file)");
                }
                if (v.isBlank()) {
                    throw new IOException("the key file " + file.path() + " (classifier.key.file) is empty");
                }
                yield new ApiKey(v.strip());
            }
        };
    }

    /** For tests and embedders that hold the key already. */
    public static ApiKey of(String value) {
        return new ApiKey(value == null ? "" : value.strip());
    }

    boolean present() {
        return !value.isEmpty();
    }

    /** The value, for a request header only. Package-private: nothing outside the clients can reach it. */
    String value() {
        return value;
    }

    /** Replaces the key wherever it occurs in {@code text} (an error body a server echoed back, say). */
    String scrub(String text) {
        return text == null || value.isEmpty() ? text : text.replace(value, "[key]");
    }

    @Override
    public String toString() {
        return present() ? "ApiKey[redacted]" : "ApiKey[none]";
    }
}
