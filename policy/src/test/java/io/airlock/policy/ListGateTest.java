package io.airlock.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.airlock.policy.ListGate.ServerLists;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ListGateTest {

    private static GateRequest call(String server, String method, String target) {
        return new GateRequest(server, method, target, JsonNodeFactory.instance.objectNode(), "sess-1", "agent-a");
    }

    private static GateRequest tool(String server, String name) {
        return call(server, "tools/call", name);
    }

    private static ServerLists tools(List<String> allow, List<String> deny) {
        return new ServerLists(NameLists.of(allow, deny), NameLists.OPEN, NameLists.OPEN);
    }

    @Test
    void denyWinsOverAllow() {
        ListGate gate = new ListGate(Map.of("shell", tools(List.of("read_*", "rm_rf"), List.of("rm_*"))));
        Decision decision = gate.decideNow(tool("shell", "rm_rf"));
        assertThat(decision).isInstanceOfSatisfying(Decision.Deny.class, deny -> {
            assertThat(deny.rule()).isEqualTo("servers.shell.tools.deny[rm_*]");
            assertThat(deny.reason()).contains("rm_rf").contains("shell").contains("deny list").contains("rm_*");
            assertThat(deny.hint()).isNotEmpty();
            assertThat(deny.message()).contains(deny.reason()).contains(deny.hint());
        });
        assertThat(gate.isListed("shell", "rm_rf")).isFalse();
    }

    @Test
    void firstMatchingDenyEntryIsNamed() {
        ListGate gate = new ListGate(Map.of("shell", tools(List.of(), List.of("exec", "rm_*", "*_rf"))));
        assertThat(gate.decideNow(tool("shell", "rm_rf")).rule()).isEqualTo("servers.shell.tools.deny[rm_*]");
        assertThat(gate.decideNow(tool("shell", "git_rf")).rule()).isEqualTo("servers.shell.tools.deny[*_rf]");
        assertThat(gate.decideNow(tool("shell", "exec")).rule()).isEqualTo("servers.shell.tools.deny[exec]");
    }

    @Test
    void allowlistAdmitsOnlyWhatItNames() {
        ListGate gate = new ListGate(Map.of("fs", tools(List.of("read_*", "list_directory"), List.of())));
        Decision read = gate.decideNow(tool("fs", "read_file"));
        assertThat(read).isInstanceOf(Decision.Allow.class);
        assertThat(read.rule()).isEqualTo("servers.fs.tools.allow[read_*]");
        assertThat(gate.decideNow(tool("fs", "list_directory")).rule())
                .isEqualTo("servers.fs.tools.allow[list_directory]");

        Decision write = gate.decideNow(tool("fs", "write_file"));
        assertThat(write).isInstanceOfSatisfying(Decision.Deny.class, deny -> {
            assertThat(deny.rule()).isEqualTo("servers.fs.tools.allow");
            assertThat(deny.reason()).contains("write_file").contains("allowlist");
            assertThat(deny.hint()).contains("read_*").contains("list_directory");
        });
        assertThat(gate.isListed("fs", "read_file")).isTrue();
        assertThat(gate.isListed("fs", "write_file")).isFalse();
    }

    @Test
    void emptyListsAllowByDefault() {
        ListGate gate = new ListGate(Map.of("open", ServerLists.OPEN));
        Decision decision = gate.decideNow(tool("open", "anything"));
        assertThat(decision).isInstanceOf(Decision.Allow.class);
        assertThat(decision.rule()).isEqualTo("servers.open.tools.default");
    }

    @Test
    void unknownServerIsOpen() {
        ListGate gate = new ListGate(Map.of("shell", tools(List.of("ls"), List.of("rm"))));
        assertThat(gate.decideNow(tool("other", "rm"))).isInstanceOf(Decision.Allow.class);
        assertThat(gate.decideNow(tool("other", "rm")).rule()).isEqualTo("servers.other.tools.default");
        assertThat(gate.decideNow(call("other", "resources/read", "file:///x"))).isInstanceOf(Decision.Allow.class);
        assertThat(gate.isListed("other", "rm")).isTrue();
        assertThat(new ListGate(Map.of()).isListed("any", "tool")).isTrue();
    }

    @Test
    void resourcesAndPromptsUseTheirOwnLists() {
        ServerLists lists = new ServerLists(
                NameLists.of(List.of(), List.of("file:///etc/*")), // a tools deny that must not leak
                NameLists.of(List.of("file:///home/*"), List.of("file:///home/*/.ssh/*")),
                NameLists.of(List.of("summarize"), List.of()));
        ListGate gate = new ListGate(Map.of("fs", lists));

        Decision home = gate.decideNow(call("fs", "resources/read", "file:///home/me/notes.txt"));
        assertThat(home).isInstanceOf(Decision.Allow.class);
        assertThat(home.rule()).isEqualTo("servers.fs.resources.allow[file:///home/*]");

        Decision ssh = gate.decideNow(call("fs", "resources/read", "file:///home/me/.ssh/id_ed25519"));
        assertThat(ssh).isInstanceOfSatisfying(Decision.Deny.class, deny -> {
            assertThat(deny.rule()).isEqualTo("servers.fs.resources.deny[file:///home/*/.ssh/*]");
            assertThat(deny.reason()).startsWith("resource ");
        });

        Decision etc = gate.decideNow(call("fs", "resources/read", "file:///etc/passwd"));
        assertThat(etc).isInstanceOf(Decision.Deny.class);
        assertThat(etc.rule()).isEqualTo("servers.fs.resources.allow");

        assertThat(gate.decideNow(call("fs", "prompts/get", "summarize")).rule())
                .isEqualTo("servers.fs.prompts.allow[summarize]");
        Decision otherPrompt = gate.decideNow(call("fs", "prompts/get", "jailbreak"));
        assertThat(otherPrompt).isInstanceOfSatisfying(Decision.Deny.class, deny -> {
            assertThat(deny.rule()).isEqualTo("servers.fs.prompts.allow");
            assertThat(deny.reason()).startsWith("prompt ");
            assertThat(deny.hint()).contains("summarize");
        });

        // the resource and prompt lists do not touch tools, and the tools deny does not touch resources
        assertThat(gate.decideNow(tool("fs", "summarize_file"))).isInstanceOf(Decision.Allow.class);
        assertThat(gate.isListed("fs", "file:///home/x")).isTrue();
        assertThat(gate.decideNow(tool("fs", "file:///etc/passwd"))).isInstanceOf(Decision.Deny.class);
    }

    @Test
    void ungatedMethodIsDenied() {
        ListGate gate = new ListGate(Map.of());
        Decision decision = gate.decideNow(call("fs", "tools/list", "x"));
        assertThat(decision).isInstanceOfSatisfying(Decision.Deny.class, deny -> {
            assertThat(deny.rule()).isEqualTo("list-gate");
            assertThat(deny.reason()).contains("tools/list");
        });
    }

    @Test
    void decideCompletesImmediatelyWithTheSameDecision() {
        ListGate gate = new ListGate(Map.of("shell", tools(List.of(), List.of("rm"))));
        for (String name : List.of("rm", "ls")) {
            var stage = gate.decide(tool("shell", name)).toCompletableFuture();
            assertThat(stage).isDone();
            assertThat(stage.join()).isEqualTo(gate.decideNow(tool("shell", name)));
        }
    }

    @Test
    void configMapIsCopied() {
        Map<String, ServerLists> config = new java.util.HashMap<>();
        config.put("shell", tools(List.of(), List.of("rm")));
        ListGate gate = new ListGate(config);
        config.clear();
        assertThat(gate.decideNow(tool("shell", "rm"))).isInstanceOf(Decision.Deny.class);
    }

    /** The listing and the guard must never disagree: a listed tool is callable, an unlisted one is not. */
    @Test
    void isListedAgreesWithDecideForToolsCall() {
        Random random = new Random(20_260_728L);
        String[] parts = {"read", "write", "rm", "ls", "_", "file", "*", "?", "."};
        for (int round = 0; round < 500; round++) {
            List<String> allow = randomGlobs(random, parts, random.nextInt(3));
            List<String> deny = randomGlobs(random, parts, random.nextInt(3));
            ListGate gate = new ListGate(Map.of("s", tools(allow, deny)));
            for (int k = 0; k < 40; k++) {
                String name = randomName(random, parts);
                Decision decision = gate.decideNow(tool("s", name));
                assertThat(gate.isListed("s", name))
                        .as("allow %s deny %s name '%s' -> %s", allow, deny, name, decision)
                        .isEqualTo(decision instanceof Decision.Allow);
                if (decision instanceof Decision.Deny d && d.rule().contains(".deny[")) {
                    String entry = d.rule().substring(d.rule().indexOf('[') + 1, d.rule().length() - 1);
                    assertThat(deny).contains(entry);
                    assertThat(Glob.of(entry).matches(name)).isTrue();
                }
                if (decision instanceof Decision.Allow a && a.rule().contains(".allow[")) {
                    String entry = a.rule().substring(a.rule().indexOf('[') + 1, a.rule().length() - 1);
                    assertThat(allow).contains(entry);
                    assertThat(Glob.of(entry).matches(name)).isTrue();
                }
            }
        }
    }

    private static List<String> randomGlobs(Random random, String[] parts, int count) {
        List<String> globs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            globs.add(randomName(random, parts));
        }
        return globs;
    }

    private static String randomName(Random random, String[] parts) {
        StringBuilder sb = new StringBuilder();
        int n = 1 + random.nextInt(3);
        for (int i = 0; i < n; i++) {
            sb.append(parts[random.nextInt(parts.length)]);
        }
        return sb.toString();
    }
}
