package io.airlock.receipts;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Totals over receipts ({@code airlock audit stats}): decisions per tier and per tag, how often a person was
 * interrupted, and how often people approved each capability. Not thread-safe; fill it from one reader.
 */
public final class ReceiptStats {

    private long calls;
    private long operatorAsks;
    private final Map<Integer, Map<Receipt.Outcome, Long>> byTier = new TreeMap<>();
    private final Map<String, Map<Receipt.Outcome, Long>> byTag = new TreeMap<>();
    private final Map<String, long[]> operatorByCapability = new TreeMap<>();

    public void add(Receipt receipt) {
        calls++;
        count(byTier.computeIfAbsent(receipt.tier(), t -> new EnumMap<>(Receipt.Outcome.class)), receipt.decision());
        receipt.tags().stream().map(Receipt.CapabilityTag::label).distinct().forEach(label ->
                count(byTag.computeIfAbsent(label, l -> new EnumMap<>(Receipt.Outcome.class)), receipt.decision()));
        if (receipt.reachedOperator()) {
            operatorAsks++;
            boolean approved = receipt.decision() == Receipt.Outcome.ALLOW;
            receipt.tags().stream().map(Receipt.CapabilityTag::capability).distinct().forEach(capability -> {
                long[] askedApproved = operatorByCapability.computeIfAbsent(capability, c -> new long[2]);
                askedApproved[0]++;
                askedApproved[1] += approved ? 1 : 0;
            });
        }
    }

    private static void count(Map<Receipt.Outcome, Long> counts, Receipt.Outcome outcome) {
        counts.merge(outcome, 1L, Long::sum);
    }

    public long calls() {
        return calls;
    }

    /** Calls a person was asked about. */
    public long operatorAsks() {
        return operatorAsks;
    }

    /** Operator asks per 100 calls; 0 without calls. */
    public double interruptionRate() {
        return calls == 0 ? 0 : 100.0 * operatorAsks / calls;
    }

    /** Final tier → decision → count. */
    public Map<Integer, Map<Receipt.Outcome, Long>> byTier() {
        return Collections.unmodifiableMap(byTier);
    }

    /** Tag label → decision → count (a call with several tags counts under each). */
    public Map<String, Map<Receipt.Outcome, Long>> byTag() {
        return Collections.unmodifiableMap(byTag);
    }

    /**
     * Capability → {asked, approved} among calls that reached a person.
     */
    public Map<String, long[]> operatorByCapability() {
        Map<String, long[]> copy = new TreeMap<>();
        operatorByCapability.forEach((k, v) -> copy.put(k, v.clone()));
        return copy;
    }

    /** The share of asks about {@code capability} that a person approved, in percent; NaN when never asked. */
    public double approvalRate(String capability) {
        long[] askedApproved = operatorByCapability.get(capability);
        return askedApproved == null || askedApproved[0] == 0 ? Double.NaN
                : 100.0 * askedApproved[1] / askedApproved[0];
    }
}
