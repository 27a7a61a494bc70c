package io.airlock.proxy.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.airlock.policy.Decision;
import io.airlock.policy.Gate;
import io.airlock.policy.GateRequest;
import io.airlock.proxy.relay.CallRecorder;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import org.junit.jupiter.api.Test;

/** The registration hooks other tiers use, and the bound on the server label. */
class AirlockMetricsTest {

    @Test
    void hooksRegisterMetricsThatFollowTheirSources() {
        AirlockMetrics metrics = new AirlockMetrics();
        AtomicLong poolSize = new AtomicLong(3);
        AtomicLong hits = new AtomicLong();
        metrics.gauge("airlock.sandbox.pool.size", "Warm sandboxes", poolSize::get);
        metrics.counterFrom("airlock.classifier.cache.hits", "Classifier cache hits", hits::get);
        LongConsumer opened = metrics.counter("airlock.classifier.circuit.opened", "Times the circuit opened");
        metrics.gauge("airlock.classifier.broken", "A supplier that throws reads as NaN", () -> {
            throw new IllegalStateException("boom");
        });

        poolSize.set(5);
        hits.addAndGet(7);
        opened.accept(1);
        opened.accept(1);
        String scrape = metrics.scrape();
        assertThat(scrape).contains("airlock_sandbox_pool_size 5.0").contains("airlock_classifier_cache_hits_total 7.0")
                .contains("airlock_classifier_circuit_opened_total 2.0").contains("airlock_classifier_broken NaN");

        assertThatThrownBy(() -> metrics.gauge("Sandbox Pool", "", poolSize::get))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("airlock.lower.dotted.words");
    }

    @Test
    void serverLabelsAreCappedSoAgentsCannotGrowTheSeries() {
        AirlockMetrics metrics = new AirlockMetrics();
        CallRecorder recorder = metrics.recording(CallRecorder.NONE);
        for (int i = 0; i < 100; i++) {
            GateRequest request = new GateRequest("server-" + i, "tools/call", "tool-" + i, null, "s", null);
            recorder.record(new CallRecorder.Call(request, new Gate.Decided(new Decision.Allow("r"), null),
                    Instant.now(), 10, CallRecorder.Outcome.FORWARDED, 0, 0, ""));
        }
        String scrape = metrics.scrape();
        assertThat(scrape.lines().filter(l -> l.startsWith("airlock_calls_total{")).count()).isEqualTo(65);
        assertThat(scrape).contains("airlock_calls_total{decision=\"allow\",server=\"other\",tier=\"none\"} 36.0")
                .doesNotContain("tool-");
    }
}
