package io.airlock.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class GateRequestTest {

    @Test
    void defaultsArgumentsAndAgent() {
        GateRequest request = new GateRequest("fs", "tools/call", "read_file", null, "s1", null);
        assertThat(request.arguments().isNull()).isTrue();
        assertThat(request.agent()).isEqualTo("anonymous");
    }

    @Test
    void requiresServerMethodTargetAndSession() {
        assertThatThrownBy(() -> new GateRequest(null, "tools/call", "t", null, "s", "a"))
                .hasMessageContaining("server");
        assertThatThrownBy(() -> new GateRequest("fs", null, "t", null, "s", "a")).hasMessageContaining("method");
        assertThatThrownBy(() -> new GateRequest("fs", "tools/call", null, null, "s", "a"))
                .hasMessageContaining("target");
        assertThatThrownBy(() -> new GateRequest("fs", "tools/call", "t", null, null, "a"))
                .hasMessageContaining("sessionId");
    }
}
