package io.airlock.policy.shell;

import io.airlock.policy.analysis.AnalysisContext;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A bounded LRU cache of analyses keyed by command line and context. Thread-safe (one lock; the critical sections are
 * map operations). Capacity 0 disables caching.
 */
public final class ShellAnalysisCache {

    public static final int DEFAULT_CAPACITY = 4096;

    private record Key(String command, AnalysisContext context) {}

    private final int capacity;
    private final LinkedHashMap<Key, ShellAnalysis> map;
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();

    public ShellAnalysisCache() {
        this(DEFAULT_CAPACITY);
    }

    public ShellAnalysisCache(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity: " + capacity + " (expected: >= 0)");
        }
        this.capacity = capacity;
        this.map = new LinkedHashMap<>(Math.min(capacity, 1024) * 4 / 3 + 1, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, ShellAnalysis> eldest) {
                return size() > ShellAnalysisCache.this.capacity;
            }
        };
    }

    /** The cached analysis, or null. */
    public ShellAnalysis get(String command, AnalysisContext context) {
        if (capacity == 0) {
            misses.incrementAndGet();
            return null;
        }
        ShellAnalysis found;
        synchronized (map) {
            found = map.get(new Key(command, context));
        }
        (found == null ? misses : hits).incrementAndGet();
        return found;
    }

    public void put(String command, AnalysisContext context, ShellAnalysis analysis) {
        if (capacity == 0) {
            return;
        }
        synchronized (map) {
            map.put(new Key(command, context), analysis);
        }
    }

    public int size() {
        synchronized (map) {
            return map.size();
        }
    }

    public int capacity() {
        return capacity;
    }

    public long hits() {
        return hits.get();
    }

    public long misses() {
        return misses.get();
    }

    public void clear() {
        synchronized (map) {
            map.clear();
        }
    }
}
