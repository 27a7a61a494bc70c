package io.airlock.policy.classifier;

import java.util.Arrays;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters for {@code airlock eval --classifier} and the bench: requests per stage, cache hits, failures, tokens from
 * the APIs' usage fields, and a bounded window of end-to-end classification latencies.
 */
public final class ClassifierStats {

    private static final int WINDOW = 65_536;

    private final LongAdder fastRequests = new LongAdder();
    private final LongAdder reasoningRequests = new LongAdder();
    private final LongAdder escalated = new LongAdder();
    private final LongAdder cacheHits = new LongAdder();
    private final LongAdder cacheMisses = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final LongAdder malformed = new LongAdder();
    private final LongAdder breakerTrips = new LongAdder();
    private final LongAdder inputTokens = new LongAdder();
    private final LongAdder outputTokens = new LongAdder();
    private final long[] latencies = new long[WINDOW];
    private long recorded;

    void request(boolean reasoning) {
        (reasoning ? reasoningRequests : fastRequests).increment();
    }

    void escalate() {
        escalated.increment();
    }

    void cacheHit() {
        cacheHits.increment();
    }

    void cacheMiss() {
        cacheMisses.increment();
    }

    void failure() {
        failures.increment();
    }

    void malformedAnswer() {
        malformed.increment();
    }

    void breakerTripped() {
        breakerTrips.increment();
    }

    void tokens(long in, long out) {
        inputTokens.add(in);
        outputTokens.add(out);
    }

    synchronized void latency(long nanos) {
        latencies[(int) (recorded++ % WINDOW)] = nanos;
    }

    public long fastRequests() {
        return fastRequests.sum();
    }

    public long reasoningRequests() {
        return reasoningRequests.sum();
    }

    /** Calls the fast stage flagged to the reasoning stage. */
    public long escalated() {
        return escalated.sum();
    }

    public long cacheHits() {
        return cacheHits.sum();
    }

    public long cacheMisses() {
        return cacheMisses.sum();
    }

    public long failures() {
        return failures.sum();
    }

    public long malformed() {
        return malformed.sum();
    }

    public long breakerTrips() {
        return breakerTrips.sum();
    }

    public long inputTokens() {
        return inputTokens.sum();
    }

    public long outputTokens() {
        return outputTokens.sum();
    }

    /** The q-quantile (0..1) of the recorded classification latencies in microseconds, or 0 with none recorded. */
    public synchronized double latencyMicros(double q) {
        int n = (int) Math.min(recorded, WINDOW);
        if (n == 0) {
            return 0;
        }
        long[] copy = Arrays.copyOf(latencies, n);
        Arrays.sort(copy);
        int index = (int) Math.ceil(q * n) - 1;
        return copy[Math.max(0, Math.min(n - 1, index))] / 1000.0;
    }
}
