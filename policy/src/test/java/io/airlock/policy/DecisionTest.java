package io.airlock.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DecisionTest {

    @Test
    void denyMessageContainsReasonAndHint() {
        Decision.Deny deny = new Decision.Deny("tool 'rm_rf' is on the deny list", "Use 'trash' instead.",
                "servers.shell.tools.deny[rm_*]");
        assertThat(deny.message()).startsWith("Airlock denied this call: ")
                .contains("tool 'rm_rf' is on the deny list")
                .contains("Use 'trash' instead.");
        assertThat(deny.message().indexOf("deny list")).isLessThan(deny.message().indexOf("Use 'trash'"));
        assertThat(deny.rule()).isEqualTo("servers.shell.tools.deny[rm_*]");
    }

    @Test
    void denyWithoutHintHasNoTrailingLine() {
        Decision.Deny empty = new Decision.Deny("not allowed", "", "r");
        assertThat(empty.message()).isEqualTo("Airlock denied this call: not allowed");
        Decision.Deny nullHint = new Decision.Deny("not allowed", null, "r");
        assertThat(nullHint.hint()).isEmpty();
        assertThat(nullHint.message()).isEqualTo(empty.message());
        assertThat(nullHint).isEqualTo(empty);
    }

    @Test
    void reasonAndRuleAreRequired() {
        assertThatThrownBy(() -> new Decision.Deny(null, "h", "r")).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("reason");
        assertThatThrownBy(() -> new Decision.Deny("why", "h", null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("rule");
        assertThatThrownBy(() -> new Decision.Allow(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("rule");
    }

    @Test
    void everyDecisionNamesItsRule() {
        Decision allow = new Decision.Allow("servers.fs.tools.default");
        Decision deny = new Decision.Deny("no", "", "list-gate");
        String described = switch (allow) {
            case Decision.Allow a -> "allow by " + a.rule();
            case Decision.Deny d -> "deny by " + d.rule();
            case Decision.Answer a -> "answered by " + a.rule();
        };
        assertThat(described).isEqualTo("allow by servers.fs.tools.default");
        assertThat(deny.rule()).isEqualTo("list-gate");
        assertThat(new Decision.Answer("{}", "sandbox:auto-commit", null).note()).isEmpty();
        assertThatThrownBy(() -> new Decision.Answer(null, "r", "")).isInstanceOf(NullPointerException.class);
    }
}
