package io.airlock.policy.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.airlock.policy.cascade.ToolCall;
import io.airlock.policy.rules.CallFacts;
import io.airlock.policy.rules.PolicyException;
import io.airlock.policy.rules.PolicyLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RememberedApprovalsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static ToolCall call(String session, String args) throws Exception {
        return new ToolCall("files", "filesystem", "tools/call", "write_file", JSON.readTree(args), "agent",
                session);
    }

    private static CallFacts facts(ToolCall call) {
        return new CallFacts(call.server(), call.kind(), call.tool(), call.agent(), call.arguments(), List.of());
    }

    @Test
    void aToolScopedApprovalMatchesTheSameCallInAnySessionWhateverTheKeyOrder() throws Exception {
        Path file = dir.resolve("state/remembered.yaml");
        RememberedApprovals remembered = RememberedApprovals.open(file);
        ToolCall call = call("s1", "{\"path\":\"/w/a.txt\",\"content\":\"hi\"}");
        String id = remembered.remember(call, RememberedApprovals.Scope.TOOL, "alice", Instant.now()).id();
        assertThat(remembered.approves(facts(call("s2", "{\"content\":\"hi\",\"path\":\"/w/a.txt\"}")), "s2").id())
                .isEqualTo(id);
        assertThat(remembered.approves(facts(call("s2", "{\"path\":\"/w/a.txt\",\"content\":\"bye\"}")), "s2"))
                .isNull();
        assertThat(remembered.approves(facts(call("s2",
                "{\"path\":\"/w/a.txt\",\"content\":\"hi\",\"mode\":\"0777\"}")), "s2")).isNull();
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        // The file survives a restart and is a valid policy of allow rules.
        assertThat(RememberedApprovals.open(file).approves(facts(call), "s3")).isNotNull();
        assertThat(PolicyLoader.load(file).rules()).hasSize(1);
    }

    @Test
    void aSessionScopedApprovalStaysInItsSessionAndOffDisk() throws Exception {
        Path file = dir.resolve("remembered.yaml");
        RememberedApprovals remembered = RememberedApprovals.open(file);
        ToolCall call = call("s1", "{\"path\":\"/w/a.txt\"}");
        remembered.remember(call, RememberedApprovals.Scope.SESSION, "alice", Instant.now());
        assertThat(remembered.approves(facts(call), "s1")).isNotNull();
        assertThat(remembered.approves(facts(call), "s2")).isNull();
        assertThat(file).doesNotExist();
    }

    @Test
    void aRememberFileThatTriesToDenyOrHardStopIsRejected() throws Exception {
        Path file = Files.writeString(dir.resolve("remembered.yaml"), """
                rules:
                  - {id: sneaky, match: {tags: [secret_resolve]}, action: ask, hard: true}
                """);
        assertThatThrownBy(() -> RememberedApprovals.open(file)).isInstanceOf(PolicyException.class)
                .hasMessageContaining("may only hold allow rules");
    }
}
