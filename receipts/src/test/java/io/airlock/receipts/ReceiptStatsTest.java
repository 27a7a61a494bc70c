package io.airlock.receipts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ReceiptStatsTest {

    @Test
    void countsDecisionsPerTierAndTagAndTheOperatorsShare() {
        ReceiptStats stats = new ReceiptStats();
        for (int i = 0; i < 16; i++) {
            stats.add(Fixtures.receipt(i));
        }
        stats.add(Fixtures.operatorReceipt(1, "delete", true));
        stats.add(Fixtures.operatorReceipt(2, "delete", false));
        stats.add(Fixtures.operatorReceipt(3, "delete", true));
        stats.add(Fixtures.operatorReceipt(4, "network", false));

        assertThat(stats.calls()).isEqualTo(20);
        assertThat(stats.byTier()).isEqualTo(Map.of(0, Map.of(Receipt.Outcome.ALLOW, 16L),
                3, Map.of(Receipt.Outcome.ALLOW, 2L, Receipt.Outcome.DENY, 2L)));
        assertThat(stats.byTag().get("delete:inside")).isEqualTo(Map.of(Receipt.Outcome.ALLOW, 2L,
                Receipt.Outcome.DENY, 1L));
        assertThat(stats.operatorAsks()).isEqualTo(4);
        assertThat(stats.interruptionRate()).isCloseTo(20.0, within(1e-9));
        assertThat(stats.approvalRate("delete")).isCloseTo(200.0 / 3, within(1e-9));
        assertThat(stats.approvalRate("network")).isZero();
        assertThat(stats.approvalRate("read")).isNaN();
    }
}
