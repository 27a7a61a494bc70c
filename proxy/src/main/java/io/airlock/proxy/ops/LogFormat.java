package io.airlock.proxy.ops;

import java.util.Locale;

/**
 * Which format {@link AirlockLogEncoder} writes: {@code text} or {@code json}. Chosen, last one wins, by the
 * {@code AIRLOCK_LOG_FORMAT} environment variable (or {@code -Dairlock.logFormat}) at start, then by {@code ops.logFormat}
 * in the config or {@code airlock serve --log-format} when they set one other than the default.
 */
public final class LogFormat {

    private static volatile boolean json = initial();

    private LogFormat() {}

    private static boolean initial() {
        String given = System.getProperty("airlock.logFormat", System.getenv("AIRLOCK_LOG_FORMAT"));
        return given != null && given.strip().toLowerCase(Locale.ROOT).equals("json");
    }

    /** {@code json} switches to JSON lines; {@code text} leaves the start-up choice (the environment) alone. */
    public static void apply(String format) {
        if ("json".equalsIgnoreCase(format)) {
            json = true;
        }
    }

    /** For tests: set the format outright. */
    static void set(boolean toJson) {
        json = toJson;
    }

    static boolean json() {
        return json;
    }
}
