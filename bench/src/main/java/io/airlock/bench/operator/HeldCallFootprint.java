package io.airlock.bench.operator;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.airlock.policy.Cancellation;
import io.airlock.policy.cascade.ToolCall;
import io.airlock.policy.operator.HeldCalls;
import io.airlock.policy.operator.RememberedApprovals;
import io.airlock.policy.operator.SessionActivity;
import io.airlock.policy.rules.Action;
import io.airlock.policy.rules.Evaluation;
import io.airlock.policy.rules.Match;
import io.airlock.policy.rules.Rule;
import io.airlock.policy.tags.Capability;
import io.airlock.policy.tags.Scope;
import io.airlock.policy.tags.Tag;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Memory per held call: holds N realistic calls (a shell command of ~200 characters with its tags, evaluation and the
 * session's recent calls) and reports the heap they retain, measured after full GCs, against an empty queue in the
 * same JVM. Run: {@code bash bench/held-calls.sh}. Prints figures; asserts nothing.
 */
public final class HeldCallFootprint {

    private HeldCallFootprint() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        ObjectMapper json = new ObjectMapper();
        Match any = new Match(List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(),
                List.of());
        Rule rule = new Rule("ask-egress", "network access outside the allowlist", any, Action.ASK, false,
                "network access outside the allowlist", "");
        Evaluation evaluation = new Evaluation(Action.ASK, false, rule, List.of(rule), "sha256:517df1f1dfd8", "");
        List<Tag> tags = List.of(Tag.of(Capability.EXEC_COMMAND, "run_command"),
                Tag.of(Capability.NETWORK_EGRESS, Scope.OUTSIDE, "curl -fsSL https://downloads.example.com/…"));
        SessionActivity activity = new SessionActivity(10, 4096, 200);
        HeldCalls held = new HeldCalls(n + 1, Duration.ofHours(1), Clock.systemUTC(),
                RememberedApprovals.open(null), activity);
        long before = usedAfterGc();
        for (int i = 0; i < n; i++) {
            String command = "curl -fsSL https://downloads.example.com/releases/v" + i
                    + "/tool-linux-amd64.tar.gz -o /tmp/tool.tgz && tar -xzf /tmp/tool.tgz -C ./vendor && ./vendor/tool"
                    + " --version";
            ToolCall call = new ToolCall("shell", "shell", "tools/call", "run_command",
                    json.readTree(json.writeValueAsString(java.util.Map.of("command", command))), "claude-code",
                    "session-" + (i % 64), new Cancellation());
            held.hold(call, tags, evaluation, "network access outside the allowlist");
        }
        long after = usedAfterGc();
        System.out.printf(Locale.ROOT, "held calls: %d, waiting: %d%n", n, held.waiting().size());
        System.out.printf(Locale.ROOT, "heap retained: %.1f MiB, %.0f bytes per held call%n",
                (after - before) / 1048576.0, (after - before) / (double) n);
        held.close();
    }

    private static long usedAfterGc() throws InterruptedException {
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
