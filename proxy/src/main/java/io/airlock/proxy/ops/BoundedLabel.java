package io.airlock.proxy.ops;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps a label's distinct values bounded: the first {@code max} values seen pass through, later new ones become
 * {@code "other"}. Each distinct value is a time series in Prometheus; an unbounded label is a memory leak there.
 */
final class BoundedLabel {

    static final String OTHER = "other";

    private final int max;
    private final Set<String> seen = ConcurrentHashMap.newKeySet();

    BoundedLabel(int max) {
        this.max = max;
    }

    String of(String value) {
        if (value == null || value.isEmpty()) {
            return "none";
        }
        if (seen.contains(value)) {
            return value;
        }
        synchronized (seen) {
            if (seen.size() < max) {
                seen.add(value);
                return value;
            }
        }
        return OTHER;
    }
}
