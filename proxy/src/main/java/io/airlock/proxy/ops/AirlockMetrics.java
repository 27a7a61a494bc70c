package io.airlock.proxy.ops;

import io.airlock.policy.Decision;
import io.airlock.policy.cascade.CascadeResult;
import io.airlock.policy.operator.HeldCalls;
import io.airlock.policy.operator.OperatorEvent;
import io.airlock.policy.tags.Tag;
import io.airlock.proxy.relay.CallRecorder;
import io.airlock.receipts.ReceiptLog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Airlock's Prometheus metrics (Micrometer), scraped at {@code GET /metrics} on the admin port. Only metrics that
 * move are registered: each is fed by a real event (a recorded call, a finished hold, a receipt fsync) or read from a
 * live component at scrape time.
 *
 * <p><b>Label cardinality.</b> Labels take values from closed sets only: decision (allow/deny), tier (0-4), capability
 * tags (an enum), configured server names, upstream outcomes. Tool names come from agents and are never a label. The
 * server label is still bounded ({@link BoundedLabel}) in case a future front passes a name that is not configured.
 *
 * <p><b>For other tiers</b> (classifier, sandbox): register through {@link #gauge}, {@link #counterFrom} and
 * {@link #counter} from the proxy module where the tier is wired into the {@code Gateway} (see
 * {@code Gateway.metrics()}). The tier itself exposes plain getters ({@code LongSupplier}, an enum state...), so the
 * policy and sandbox modules never depend on Micrometer.
 */
public final class AirlockMetrics {

    /** Names: lower-case dotted words (Prometheus gets underscores), prefixed {@code airlock.}. */
    private static final Pattern NAME = Pattern.compile("airlock(\\.[a-z][a-z0-9]*)+");

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final BoundedLabel servers = new BoundedLabel(64);
    /** Suppliers registered by others: Micrometer may hold them weakly, so they are kept here. */
    private final List<Object> kept = new CopyOnWriteArrayList<>();

    /** The Prometheus text exposition of every metric. */
    public String scrape() {
        return registry.scrape();
    }

    /** The content type of {@link #scrape()}. */
    public static String contentType() {
        return "text/plain; version=0.0.4; charset=utf-8";
    }

    // ---- registration hooks for other tiers ------------------------------------------------------------------------

    /**
     * A gauge read at scrape time, e.g. {@code gauge("airlock.classifier.circuit.open", "1 while the classifier's
     * circuit is open", () -> breaker.isOpen() ? 1 : 0)} or {@code gauge("airlock.sandbox.pool.size", "...",
     * pool::size)}. The supplier runs on a scrape thread: fast, non-blocking; if it throws, the sample is NaN.
     *
     * @param tags label name/value pairs; values must come from a small closed set (never agent input)
     */
    public void gauge(String name, String help, Supplier<? extends Number> value, String... tags) {
        Objects.requireNonNull(value, "value");
        Supplier<Number> safe = () -> {
            try {
                Number n = value.get();
                return n == null ? Double.NaN : n;
            } catch (RuntimeException e) {
                return Double.NaN;
            }
        };
        kept.add(safe);
        Gauge.builder(checked(name), safe).description(help).tags(tags).strongReference(true).register(registry);
    }

    /**
     * A counter whose running total another component already keeps, e.g. {@code counterFrom(
     * "airlock.classifier.cache.hits", "Classifier cache hits", cache::hitCount)}; a hit rate is then
     * {@code rate(hits) / (rate(hits) + rate(misses))} in PromQL. The total must only grow.
     */
    public void counterFrom(String name, String help, Supplier<? extends Number> total, String... tags) {
        Objects.requireNonNull(total, "total");
        kept.add(total);
        FunctionCounter.builder(checked(name), total, t -> {
            try {
                Number n = t.get();
                return n == null ? Double.NaN : n.doubleValue();
            } catch (RuntimeException e) {
                return Double.NaN;
            }
        }).description(help).tags(tags).register(registry);
    }

    /** A counter to increment by name, e.g. {@code counter("airlock.sandbox.runs", "...", "result", "ok")}. */
    public LongConsumer counter(String name, String help, String... tags) {
        Counter counter = Counter.builder(checked(name)).description(help).tags(tags).register(registry);
        return counter::increment;
    }

    /** A latency histogram, e.g. a tier's own timing; the consumer takes nanoseconds. */
    public LongConsumer timer(String name, String help, String... tags) {
        Timer timer = histogram(Timer.builder(checked(name)).description(help).tags(tags));
        return nanos -> timer.record(nanos, TimeUnit.NANOSECONDS);
    }

    private static String checked(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("metric name: " + name + " (expected: airlock.lower.dotted.words)");
        }
        return name;
    }

    private Timer histogram(Timer.Builder builder) {
        // Fixed buckets from 100 µs to 10 min: a tier-0 decision is microseconds, a held one minutes.
        return builder.serviceLevelObjectives(Duration.ofNanos(100_000), Duration.ofMillis(1), Duration.ofMillis(5),
                        Duration.ofMillis(25), Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(2),
                        Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofSeconds(600))
                .register(registry);
    }

    // ---- what the gateway feeds ------------------------------------------------------------------------------------

    /** One gated call, decided. Never throws. */
    void decided(CallRecorder.Call call) {
        String server = servers.of(call.request().server());
        Decision decision = call.decided().decision();
        String verdict = decision instanceof Decision.Allow ? "allow" : "deny";
        CascadeResult detail = call.decided().detail();
        String tier = detail == null ? "none" : Integer.toString(Math.clamp(detail.tier(), 0, 9));
        Counter.builder("airlock.calls").description("Gated calls decided, by server, decision and deciding tier")
                .tags("server", server, "decision", verdict, "tier", tier).register(registry).increment();
        if (detail != null) {
            for (Tag tag : detail.tags()) {
                Counter.builder("airlock.call.tags").description("Gated calls by capability tag (a call with two "
                                + "tags counts under both), server and decision")
                        .tags("server", server, "tag", tag.capability().id(), "decision", verdict)
                        .register(registry).increment();
            }
        }
        histogram(Timer.builder("airlock.decision").description("Time to decide a gated call, by deciding tier "
                + "(a held call's wait for a person included)").tags("tier", tier))
                .record(call.decisionMicros(), TimeUnit.MICROSECONDS);
    }

    /** A forwarded call's answer (or failure). Never throws. */
    void upstream(String server, CallRecorder.Outcome outcome, long micros) {
        histogram(Timer.builder("airlock.upstream").description("Time from forwarding a gated call to its answer, "
                + "by server and outcome").tags("server", servers.of(server), "outcome",
                outcome.name().toLowerCase(java.util.Locale.ROOT))).record(micros, TimeUnit.MICROSECONDS);
    }

    /** The operator tier: held-queue size, refusals, and how long holds waited, by how they ended. */
    public void watch(HeldCalls held) {
        gauge("airlock.held.waiting", "Calls held for a person right now", () -> held.waiting().size());
        gauge("airlock.held.capacity", "Most calls that may be held at once", held::capacity);
        counterFrom("airlock.held.refused.full", "Calls refused because the held queue was full", held::refusedFull);
        held.listen(event -> {
            String end = switch (event) {
                case OperatorEvent.Decided d -> d.outcome().id();
                case OperatorEvent.Expired e -> "expired";
                case OperatorEvent.Cancelled c -> "cancelled";
                case OperatorEvent.Held h -> null;
                case OperatorEvent.GateDecision g -> null;
            };
            if (end == null) {
                return;
            }
            Instant since = switch (event) {
                case OperatorEvent.Decided d -> d.call().heldAt();
                case OperatorEvent.Expired e -> e.call().heldAt();
                case OperatorEvent.Cancelled c -> c.call().heldAt();
                default -> Instant.now();
            };
            histogram(Timer.builder("airlock.held.wait").description("How long a held call waited, by how the hold "
                    + "ended").tags("end", end)).record(Duration.between(since, Instant.now()).abs());
        });
    }

    /** The receipt log: write lag (queued to fsynced), backlog, refusals and health. */
    public void watch(ReceiptLog log) {
        Timer lag = histogram(Timer.builder("airlock.receipts.write.lag").description("Time from queueing a receipt "
                + "line to its fsync (the oldest line of each fsync)"));
        log.onWriteLag(nanos -> lag.record(nanos, TimeUnit.NANOSECONDS));
        gauge("airlock.receipts.backlog", "Receipt lines queued and not yet durable", log::backlog);
        gauge("airlock.receipts.healthy", "1 while the receipt log records; 0 once it failed (gated calls are "
                + "then refused)", () -> log.healthy() ? 1 : 0);
        counterFrom("airlock.receipts.refused", "Receipt lines the log refused (queue full or log failed)",
                () -> log.counters().refusedQueueFull() + log.counters().refusedFailed());
        counterFrom("airlock.receipts.lines", "Lines written to the receipt log (checkpoints included)",
                () -> log.counters().linesWritten());
    }

    /** Wraps the relay's recorder so every recorded call also counts here. */
    public CallRecorder recording(CallRecorder delegate) {
        return new MetricsRecorder(this, delegate == null ? CallRecorder.NONE : delegate);
    }
}
