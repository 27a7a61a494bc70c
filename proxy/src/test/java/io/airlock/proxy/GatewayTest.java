package io.airlock.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.airlock.policy.Decision;
import io.airlock.policy.GateRequest;
import io.airlock.proxy.config.ConfigException;
import io.airlock.proxy.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GatewayTest {

    @TempDir
    Path dir;

    private Gateway gateway(Path policy) throws ConfigException {
        return new Gateway(ConfigLoader.parse("""
                servers:
                  files:
                    kind: filesystem
                    command: /bin/true
                policy:
                  file: %s
                  workspace: [%s]
                """.formatted(policy, dir), "test", dir));
    }

    private Decision readInWorkspace(Gateway gateway) {
        var args = JsonNodeFactory.instance.objectNode().put("path", dir.resolve("notes.txt").toString());
        return gateway.gate().decide(new GateRequest("files", "tools/call", "read_text_file", args, "s1", null))
                .toCompletableFuture().join();
    }

    @Test
    void anEditedPolicyFileTakesEffectWithoutARestart() throws Exception {
        Path policy = Files.writeString(dir.resolve("policy.yaml"), """
                rules:
                  - {id: allow-reads, match: {tags: [read_file]}, action: allow}
                """);
        try (Gateway gateway = gateway(policy)) {
            assertThat(readInWorkspace(gateway)).isEqualTo(new Decision.Allow("allow-reads"));
            Files.writeString(policy, """
                    rules:
                      - {id: deny-reads, match: {tags: [read_file]}, action: deny, reason: reads are off today}
                    """);
            Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(readInWorkspace(gateway)).isInstanceOfSatisfying(Decision.Deny.class,
                            deny -> assertThat(deny.reason()).isEqualTo("reads are off today")));
            // A broken edit leaves the last good revision in force.
            Files.writeString(policy, "rules: [ {id: broken, action: maybe} ]\n");
            Thread.sleep(600);
            assertThat(readInWorkspace(gateway)).isInstanceOf(Decision.Deny.class);
        }
    }

    @Test
    void anInvalidPolicyFileStopsStartUpWithTheReason() throws Exception {
        Path policy = Files.writeString(dir.resolve("policy.yaml"), "rules: [ {id: x, action: maybe} ]\n");
        assertThatThrownBy(() -> gateway(policy)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("policy.file").hasMessageContaining("maybe");
    }
}
