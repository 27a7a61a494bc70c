package io.airlock.policy.classifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyTextTest {

    @TempDir
    Path dir;

    @Test
    void filesAreJoinedInOrderAndAMissingOneStopsStartUp() throws Exception {
        Path a = Files.writeString(dir.resolve("a.md"), "# A\n");
        Path b = Files.writeString(dir.resolve("b.md"), "# B\n");
        PolicyText text = new PolicyText(List.of(a, b));
        assertThat(text.current().text()).isEqualTo("# A\n\n# B");
        assertThat(text.current().hash()).isEqualTo(PolicyText.sha256("# A\n\n# B"));
        assertThatThrownBy(() -> new PolicyText(List.of(a, dir.resolve("missing.md"))))
                .hasMessageContaining("missing.md");
    }

    @Test
    void anEditIsPickedUpAVanishedFileKeepsTheTextInForce() throws Exception {
        Path a = Files.writeString(dir.resolve("a.md"), "allow docs");
        PolicyText text = new PolicyText(List.of(a));
        String before = text.current().hash();

        Files.setLastModifiedTime(a, FileTime.from(Instant.now().plusSeconds(5))); // touched, same text
        assertThat(text.current().hash()).isEqualTo(before);

        Files.writeString(a, "no network at all");
        assertThat(text.current().text()).isEqualTo("no network at all");
        assertThat(text.snapshot().text()).isEqualTo("no network at all");

        Files.delete(a); // mid-rename, say: not an empty policy
        assertThat(text.current().text()).isEqualTo("no network at all");
    }

    @Test
    void theDataBlockHasABudget() {
        var args = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        var many = args.putArray("lines");
        for (int i = 0; i < 20_000; i++) {
            many.add("line " + i);
        }
        var call = new io.airlock.policy.cascade.ToolCall("fs", null, "tools/call", "write", args, "a", "s");
        var evaluation = new io.airlock.policy.rules.Evaluation(io.airlock.policy.rules.Action.CLASSIFY, false, null,
                List.of(), "r", "");
        String data = Prompt.data(call, List.of(), evaluation, List.of());
        assertThat(data.length()).isLessThanOrEqualTo(Prompt.DATA_MAX + 200);
        assertThat(data).contains("[cut: the arguments are").doesNotContain("<");
        String longValue = Prompt.data(new io.airlock.policy.cascade.ToolCall("fs", null, "tools/call", "write",
                com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("content",
                        "<x>".repeat(10_000)), "a", "s"), List.of(), evaluation, List.of());
        assertThat(longValue).contains("[cut: 30000 chars]").doesNotContain("<").doesNotContain(">");
    }

    @Test
    void reasonsAreOneBoundedLine() {
        var parsed = VerdictParser.parse("{\"verdict\":\"retry\",\"reason\":\"line one\\nline two\\u0007"
                + "x".repeat(1000) + "\"}");
        assertThat(parsed).isInstanceOfSatisfying(VerdictParser.Parsed.Answer.class, answer -> {
            assertThat(answer.reason()).doesNotContain("\n").doesNotContain("\u0007").startsWith("line one line two");
            assertThat(answer.reason().length()).isLessThanOrEqualTo(VerdictParser.REASON_MAX + 1);
        });
    }
}
