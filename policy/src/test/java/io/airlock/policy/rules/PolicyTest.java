package io.airlock.policy.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.airlock.policy.tags.Capability;
import io.airlock.policy.tags.Scope;
import io.airlock.policy.tags.Tag;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PolicyTest {

    private static final String RULES = """
            rules:
              - {id: allow-all, match: {}, action: allow}
              - {id: sandbox-exec, match: {tags: [exec_command]}, action: sandbox}
              - {id: classify-net, match: {tags: [network_egress]}, action: classify}
              - {id: ask-push, match: {tags: [vcs_remote_write]}, action: ask}
              - {id: deny-tool, match: {tools: [nuke]}, action: deny}
              - {id: hard-ask-secret, match: {tags: [secret_resolve]}, action: ask, hard: true}
              - {id: hard-deny-rce, match: {tags: [remote_code]}, action: deny, hard: true}
            """;

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "'',                                         allow,    allow-all,       false",
        "exec_command,                               sandbox,  sandbox-exec,    false",
        "exec_command network_egress,                sandbox,  sandbox-exec,    false",
        "network_egress,                             classify, classify-net,    false",
        "network_egress vcs_remote_write,            ask,      ask-push,        false",
        "vcs_remote_write secret_resolve,            ask,      hard-ask-secret, true",
        "secret_resolve remote_code,                 deny,     hard-deny-rce,   true",
    })
    void precedenceIsTheTable(String tags, String action, String rule, boolean hard) throws Exception {
        Policy policy = PolicyLoader.parse(RULES, "test");
        Evaluation evaluation = policy.evaluate(facts("run_command", tags));
        assertThat(evaluation.action().id()).isEqualTo(action);
        assertThat(evaluation.ruleId()).isEqualTo(rule);
        assertThat(evaluation.hard()).isEqualTo(hard);
    }

    @Test
    void aPlainDenyBeatsAskAndSandboxButNotAHardAsk() throws Exception {
        Policy policy = PolicyLoader.parse(RULES, "test");
        assertThat(policy.evaluate(facts("nuke", "exec_command vcs_remote_write")).ruleId()).isEqualTo("deny-tool");
        assertThat(policy.evaluate(facts("nuke", "secret_resolve")).ruleId()).isEqualTo("hard-ask-secret");
    }

    @Test
    void unknownIsNeverAllowedAndUnmatchedCallsGetTheDefault() throws Exception {
        Policy policy = PolicyLoader.parse(RULES, "test");
        Evaluation unknown = policy.evaluate(facts("mystery", "unknown"));
        assertThat(unknown.action()).isEqualTo(Action.CLASSIFY);
        assertThat(unknown.note()).contains("never allowed");

        Policy strict = PolicyLoader.parse("default: ask\nrules: []", "test");
        assertThat(strict.evaluate(facts("x", "")).action()).isEqualTo(Action.ASK);
        assertThat(strict.evaluate(facts("x", "")).ruleId()).isEqualTo("default");
    }

    @Test
    void scopesMatchAndOutsideCoversUnknown() throws Exception {
        Policy policy = PolicyLoader.parse("""
                rules:
                  - {id: out, match: {tags: ["write_file:outside"]}, action: ask}
                  - {id: only-in, match: {onlyTags: ["write_file:inside", exec_command]}, action: sandbox}
                """, "test");
        assertThat(policy.evaluate(facts("t", List.of(Tag.of(Capability.WRITE_FILE, Scope.UNKNOWN, "x"))))
                .ruleId()).isEqualTo("out");
        assertThat(policy.evaluate(facts("t", List.of(Tag.of(Capability.WRITE_FILE, Scope.INSIDE, "x"),
                Tag.of(Capability.EXEC_COMMAND, "y")))).ruleId()).isEqualTo("only-in");
        assertThat(policy.evaluate(facts("t", List.of(Tag.of(Capability.WRITE_FILE, Scope.INSIDE, "x"),
                Tag.of(Capability.NETWORK_EGRESS, "y")))).ruleId()).isEqualTo("default");
    }

    @Test
    void argumentPredicatesAndServerGlobs() throws Exception {
        Policy policy = PolicyLoader.parse("""
                rules:
                  - id: kubectl-prod
                    match:
                      servers: ["shell*"]
                      args: [{path: /command, matches: "--context[= ]prod"}]
                    action: deny
                """, "test");
        CallFacts prod = new CallFacts("shell-1", "shell", "run_command", "a",
                JsonNodeFactory.instance.objectNode().put("command", "kubectl --context prod get pods"), List.of());
        CallFacts dev = new CallFacts("shell-1", "shell", "run_command", "a",
                JsonNodeFactory.instance.objectNode().put("command", "kubectl --context dev get pods"), List.of());
        CallFacts other = new CallFacts("web", "shell", "run_command", "a",
                JsonNodeFactory.instance.objectNode().put("command", "kubectl --context prod get pods"), List.of());
        assertThat(policy.evaluate(prod).action()).isEqualTo(Action.DENY);
        assertThat(policy.evaluate(dev).ruleId()).isEqualTo("default");
        assertThat(policy.evaluate(other).ruleId()).isEqualTo("default");
    }

    @Test
    void theRevisionIsStampedAndDefaultsToAHashOfTheText() throws Exception {
        assertThat(PolicyLoader.parse("revision: r7\nrules: []", "t").revision()).isEqualTo("r7");
        String a = PolicyLoader.parse("rules: []", "t").revision();
        String b = PolicyLoader.parse("rules: [] # changed", "t").revision();
        assertThat(a).startsWith("sha256:").isNotEqualTo(b);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "hard allow       | rules: [{id: a, match: {}, action: allow, hard: true}]   | hard: true needs action ask or deny",
        "hard sandbox     | rules: [{id: a, match: {}, action: sandbox, hard: true}] | hard: true needs action ask or deny",
        "default allow    | 'default: allow\nrules: []'                              | default: allow is not permitted",
        "unknown action   | rules: [{id: a, match: {}, action: maybe}]               | rules[0] (a).action: 'maybe'",
        "missing action   | rules: [{id: a, match: {}}]                              | action is missing",
        "unknown tag      | rules: [{id: a, match: {tags: [root_access]}, action: ask}] | unknown capability 'root_access'",
        "unknown scope    | rules: [{id: a, match: {tags: ['write_file:home']}, action: ask}] | unknown scope 'home'",
        "unknown field    | rules: [{id: a, match: {tag: [x]}, action: ask}]         | rules[0] (a).match.tag: unknown field",
        "bad regex        | rules: [{id: a, match: {args: [{path: /c, matches: '('}]}, action: ask}] | invalid regular expression",
        "bad pointer      | rules: [{id: a, match: {args: [{path: c}]}, action: ask}] | expected a JSON pointer",
        "duplicate id     | rules: [{id: a, match: {}, action: ask}, {id: a, match: {}, action: deny}] | duplicate id 'a'",
        "no rules         | default: ask                                             | rules: missing",
    })
    void invalidPoliciesAreRejectedWithTheField(String name, String yaml, String message) {
        assertThatThrownBy(() -> PolicyLoader.parse(yaml.replace("\\n", "\n"), "p.yaml"))
                .isInstanceOf(PolicyException.class).hasMessageStartingWith("p.yaml: ").hasMessageContaining(message);
    }

    @Test
    void theBuiltInDefaultLoadsAndEncodesTheSpine() {
        Policy policy = PolicyLoader.builtinDefault();
        assertThat(policy.defaultAction()).isEqualTo(Action.CLASSIFY);
        for (String hard : List.of("secret_resolve", "deploy", "publish", "vcs_history_rewrite", "public_exposure",
                "persistence", "db_destructive", "remote_code")) {
            Evaluation e = policy.evaluate(facts("t", hard));
            assertThat(e.hard()).as(hard).isTrue();
            assertThat(e.action()).as(hard).isIn(Action.ASK, Action.DENY);
        }
        assertThat(policy.evaluate(facts("t", List.of(Tag.of(Capability.READ_FILE, Scope.INSIDE, "x")))).action())
                .isEqualTo(Action.ALLOW);
        assertThat(policy.evaluate(facts("t", List.of(Tag.of(Capability.EXEC_COMMAND, "x"),
                Tag.of(Capability.WRITE_FILE, Scope.INSIDE, "y")))).action()).isEqualTo(Action.SANDBOX);
        assertThat(policy.evaluate(facts("t", "exec_command network_egress")).action()).isEqualTo(Action.CLASSIFY);
        assertThat(policy.evaluate(facts("t", "unknown")).action()).isEqualTo(Action.CLASSIFY);
    }

    static CallFacts facts(String tool, String tags) {
        return facts(tool, tags.isBlank() ? List.of() : java.util.Arrays.stream(tags.trim().split("\\s+"))
                .map(id -> Tag.of(Capability.fromId(id), "test")).toList());
    }

    static CallFacts facts(String tool, List<Tag> tags) {
        return new CallFacts("srv", "shell", tool, "agent", JsonNodeFactory.instance.objectNode(), tags);
    }
}
