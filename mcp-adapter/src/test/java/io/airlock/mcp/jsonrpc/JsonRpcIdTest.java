package io.airlock.mcp.jsonrpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class JsonRpcIdTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static JsonRpcId wire(String json) throws Exception {
        return JsonRpcId.ofNode(MAPPER.readTree(json));
    }

    @Test
    void integerAndEquivalentDecimalAreTheSameId() throws Exception {
        JsonRpcId one = wire("1");
        for (String same : new String[] {"1.0", "1.00", "1e0", "10e-1", "0.1e1", "1E+0"}) {
            JsonRpcId other = wire(same);
            assertThat(other).as(same).isEqualTo(one);
            assertThat(other.hashCode()).as(same).isEqualTo(one.hashCode());
        }
        assertThat(wire("100")).isEqualTo(wire("1e2")).isEqualTo(JsonRpcId.of(100));
        assertThat(wire("0")).isEqualTo(wire("0.0")).isEqualTo(wire("-0.0")).isEqualTo(wire("-0"));
        assertThat(JsonRpcId.of(1)).isEqualTo(one);
    }

    @Test
    void stringAndNumberAreDifferentIds() throws Exception {
        assertThat(JsonRpcId.of("1")).isNotEqualTo(JsonRpcId.of(1));
        assertThat(wire("\"1\"")).isNotEqualTo(wire("1"));
        assertThat(wire("\"1.0\"")).isNotEqualTo(wire("\"1\"")); // strings compare exactly
        assertThat(JsonRpcId.of("n:1")).isNotEqualTo(JsonRpcId.of(1)); // no key collision between kinds
        assertThat(JsonRpcId.of("")).isEqualTo(JsonRpcId.of(""));
    }

    @Test
    void differentNumbersDiffer() throws Exception {
        assertThat(wire("1")).isNotEqualTo(wire("2"));
        assertThat(wire("1.5")).isNotEqualTo(wire("1"));
        assertThat(wire("-1")).isNotEqualTo(wire("1"));
        assertThat(wire("123456789012345678901234567890")).isNotEqualTo(wire("123456789012345678901234567891"));
        assertThat(wire("123456789012345678901234567890")).isEqualTo(wire("123456789012345678901234567890"));
    }

    @Test
    void invalidIdsAreNull() {
        assertThat(JsonRpcId.ofNode(null)).isNull();
        assertThat(JsonRpcId.ofNode(NullNode.getInstance())).isNull();
        assertThat(JsonRpcId.ofNode(BooleanNode.TRUE)).isNull();
        assertThat(JsonRpcId.ofNode(JsonNodeFactory.instance.objectNode())).isNull();
        assertThat(JsonRpcId.ofNode(JsonNodeFactory.instance.arrayNode().add(1))).isNull();
        assertThat(JsonRpcId.ofNode(DoubleNode.valueOf(Double.POSITIVE_INFINITY))).isNull();
        assertThat(JsonRpcId.ofNode(DoubleNode.valueOf(Double.NaN))).isNull();
    }

    @Test
    void extremeDecimalExponentsStayCheap() {
        // A key built with toPlainString would expand these into a billion digits.
        JsonRpcId tiny = JsonRpcId.ofNode(DecimalNode.valueOf(new BigDecimal("1e-999999999")));
        assertThat(tiny).isEqualTo(JsonRpcId.ofNode(DecimalNode.valueOf(new BigDecimal("10e-1000000000"))));
        assertThat(tiny).isNotEqualTo(JsonRpcId.of(0));
        assertThat(JsonRpcId.ofNode(DecimalNode.valueOf(new BigDecimal("100.00"))))
                .isEqualTo(JsonRpcId.of(100));
    }

    @Test
    void nodeIsTheWireValue() throws Exception {
        JsonNode node = MAPPER.readTree("1.0");
        JsonRpcId id = JsonRpcId.ofNode(node);
        assertThat(id.node()).isSameAs(node);
        assertThat(id.toString()).isEqualTo("1.0");
        assertThat(JsonRpcId.of("a\"b").toString()).isEqualTo("\"a\\\"b\"");
        assertThat(JsonRpcId.of("x").node()).isEqualTo(TextNode.valueOf("x"));
        assertThat(JsonRpcId.of(7).node()).isEqualTo(MAPPER.getNodeFactory().numberNode(7L));
    }

    @Test
    void hashIsConsistentWithEqualsForRandomNumericSpellings() {
        Random random = new Random(42);
        Map<JsonRpcId, Long> seen = new HashMap<>();
        for (int i = 0; i < 2_000; i++) {
            long value = random.nextInt(50) - 25;
            int zeros = random.nextInt(4);
            JsonNode node = switch (random.nextInt(4)) {
                case 0 -> IntNode.valueOf((int) value);
                case 1 -> DoubleNode.valueOf(value);
                case 2 -> DecimalNode.valueOf(new BigDecimal(BigInteger.valueOf(value).multiply(
                        BigInteger.TEN.pow(zeros)), zeros));
                default -> MAPPER.getNodeFactory().numberNode(BigInteger.valueOf(value));
            };
            JsonRpcId id = JsonRpcId.ofNode(node);
            Long previous = seen.putIfAbsent(id, value);
            if (previous != null) {
                assertThat(previous).as("%s", node).isEqualTo(value);
            }
            assertThat(id).isEqualTo(JsonRpcId.of(value));
            assertThat(id.hashCode()).isEqualTo(JsonRpcId.of(value).hashCode());
        }
        assertThat(seen).hasSize(50);
    }
}
