package io.airlock.receipts;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReceiptQueryTest {

    @TempDir
    Path dir;
    private List<Path> files;

    @BeforeEach
    void writeMixedLog() throws IOException {
        try (ReceiptLog log = ReceiptLog.open(Fixtures.options(dir))) {
            for (int i = 1; i <= 5; i++) {
                Fixtures.accepted(log.append(Fixtures.receipt(i)));
            }
            Fixtures.accepted(log.append(Fixtures.operatorReceipt(1, "delete", true)));
            Fixtures.accepted(log.append(Fixtures.operatorReceipt(2, "delete", false)));
            Fixtures.accepted(log.append(Fixtures.operatorReceipt(3, "network", true)));
        }
        files = ReceiptFiles.list(dir);
    }

    @Test
    void eachFilterSelectsItsReceipts() throws IOException {
        assertThat(ids(ReceiptQuery.ALL)).hasSize(8);
        assertThat(ids(query().agent("agent-b").build())).containsExactly("op-1", "op-2", "op-3");
        assertThat(ids(query().server("fs").tool("read_*").build())).hasSize(5);
        assertThat(ids(query().tag("delete").build())).containsExactly("op-1", "op-2");
        assertThat(ids(query().tag("read:inside").build())).hasSize(5);
        assertThat(ids(query().decision(Receipt.Outcome.DENY).build())).containsExactly("op-2");
        assertThat(ids(query().tier(3).build())).hasSize(3);
        assertThat(ids(query().decider("operator:alice").build())).hasSize(3);
        assertThat(ids(query().decider("rule:read-*").build())).hasSize(5);
        assertThat(ids(query().decider("classifier:*").build())).isEmpty();
        assertThat(ids(query().from(Fixtures.T0.plusSeconds(3)).to(Fixtures.T0.plusSeconds(5)).build()))
                .containsExactly("d-3", "d-4");
    }

    @Test
    void matchesAreHandedOverAsTheLinesStored() throws IOException {
        List<String> stored = new ArrayList<>();
        ReceiptQuery.Result result = query().decision(Receipt.Outcome.DENY).build()
                .run(files, (line, receipt) -> stored.add(new String(line.bytes(), java.nio.charset.StandardCharsets.UTF_8)));

        assertThat(result).isEqualTo(new ReceiptQuery.Result(8, 1, 0));
        assertThat(Fixtures.lines(files.getFirst())).contains(stored.getFirst());
    }

    private List<String> ids(ReceiptQuery query) throws IOException {
        List<String> ids = new ArrayList<>();
        query.run(files, (line, receipt) -> ids.add(receipt.decisionId()));
        return ids;
    }

    private static Builder query() {
        return new Builder();
    }

    /** Test-side builder; the CLI builds queries from its options. */
    private static final class Builder {
        private java.time.Instant from;
        private java.time.Instant to;
        private String agent;
        private String server;
        private String tool;
        private String tag;
        private Receipt.Outcome decision;
        private Integer tier;
        private String decider;

        Builder from(java.time.Instant v) { from = v; return this; }
        Builder to(java.time.Instant v) { to = v; return this; }
        Builder agent(String v) { agent = v; return this; }
        Builder server(String v) { server = v; return this; }
        Builder tool(String v) { tool = v; return this; }
        Builder tag(String v) { tag = v; return this; }
        Builder decision(Receipt.Outcome v) { decision = v; return this; }
        Builder tier(int v) { tier = v; return this; }
        Builder decider(String v) { decider = v; return this; }

        ReceiptQuery build() {
            return new ReceiptQuery(from, to, agent, server, tool, tag, decision, tier, decider);
        }
    }
}
