package io.airlock.sandbox.tier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.airlock.policy.Decision;
import io.airlock.policy.cascade.Tiers;
import io.airlock.policy.cascade.ToolCall;
import io.airlock.policy.rules.CommitPolicy;
import io.airlock.policy.rules.Evaluation;
import io.airlock.policy.tags.Tag;
import io.airlock.sandbox.commit.Baseline;
import io.airlock.sandbox.commit.Change;
import io.airlock.sandbox.commit.ChangeSet;
import io.airlock.sandbox.commit.CommitResult;
import io.airlock.sandbox.commit.Committer;
import io.airlock.sandbox.twin.StdioTwin;
import io.airlock.sandbox.twin.TwinPool;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tier 1: a call runs in a sandboxed twin of its server, and its effects are committed or discarded. The semantics,
 * in one place:
 * <ol>
 *   <li>Only {@code tools/call} on a server with a twin pool is sandboxed ({@link #available}); the cascade passes
 *       anything else on.</li>
 *   <li>The twin answers the call. A twin that cannot start, crashes or times out fails the stage: the cascade then
 *       asks the operator (nothing was committed; the twin's overlay is removed).</li>
 *   <li>The commit policy judges the run's changes ({@link CommitPolicy}): <b>commit</b> applies them to the real
 *       workspace and the twin's result answers the agent; <b>ask</b> holds the effects for the operator with a
 *       unified diff (approve commits, deny discards); <b>discard</b> throws them away and the agent gets a tool
 *       error saying what was discarded and why.</li>
 *   <li>A commit that finds the real workspace changed since the twin started writes nothing; the effects are
 *       discarded and the operator is asked whether to run the call for real. A commit that fails midway restores
 *       the workspace and the agent is told.</li>
 *   <li>Whatever happens, the twin is stopped and its overlay removed: a twin serves one call.</li>
 * </ol>
 * The work runs on a virtual thread; the returned stage completes there.
 */
public final class SandboxTier implements Tiers.Sandbox, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SandboxTier.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_DIFF_BYTES = 256 << 10;
    private static final int MAX_SUMMARY_LINES = 200;

    private final Map<String, TwinPool> pools;
    private final Map<String, DirectExec> direct;
    private final Supplier<CommitPolicy> commitPolicy;
    private final Tiers.Operator operator;
    private final Duration callTimeout;
    private final Map<Outcome, java.util.concurrent.atomic.AtomicLong> outcomes = new java.util.EnumMap<>(Outcome.class);

    /** How sandboxed runs ended, for the metrics endpoint. */
    public enum Outcome { COMMITTED, REVIEWED, DISCARDED, CONFLICT, FAILED }

    /** Runs that ended this way so far. */
    public long count(Outcome outcome) {
        return outcomes.get(outcome).get();
    }

    private void counted(Outcome outcome) {
        outcomes.get(outcome).incrementAndGet();
    }

    /**
     * @param pools        twin pools by server name; a server without one is not sandboxed
     * @param commitPolicy the current commit policy (it reloads with the policy file)
     * @param operator     reviews effects the policy does not commit on its own; null: such effects are discarded
     * @param callTimeout  how long a twin may take to answer the call
     */
    public SandboxTier(Map<String, TwinPool> pools, Supplier<CommitPolicy> commitPolicy, Tiers.Operator operator,
                       Duration callTimeout) {
        this(pools, Map.of(), commitPolicy, operator, callTimeout);
    }

    /** @param direct per server, the tools whose command the sandbox runs itself (see {@link DirectExec}) */
    public SandboxTier(Map<String, TwinPool> pools, Map<String, DirectExec> direct,
                       Supplier<CommitPolicy> commitPolicy, Tiers.Operator operator, Duration callTimeout) {
        this.pools = Map.copyOf(pools);
        this.direct = Map.copyOf(direct);
        for (Outcome outcome : Outcome.values()) {
            outcomes.put(outcome, new java.util.concurrent.atomic.AtomicLong());
        }
        this.commitPolicy = commitPolicy;
        this.operator = operator;
        this.callTimeout = callTimeout;
    }

    public void prestart() {
        pools.values().forEach(TwinPool::prestart);
    }

    public Map<String, TwinPool> pools() {
        return pools;
    }

    @Override
    public boolean available(ToolCall call) {
        return "tools/call".equals(call.method()) && pools.containsKey(call.server());
    }

    @Override
    public CompletionStage<Decision> run(ToolCall call, List<Tag> tags, Evaluation evaluation) {
        TwinPool pool = pools.get(call.server());
        if (pool == null) {
            return CompletableFuture.failedFuture(new IOException("no sandboxed twin for '" + call.server() + "'"));
        }
        DirectExec exec = direct.get(call.server());
        Optional<DirectExec.Invocation> invocation = exec == null ? Optional.empty() : exec.invocation(call);
        CompletableFuture<Ran> ran = new CompletableFuture<>();
        Thread.ofVirtual().name("sandbox-" + call.server()).start(() -> {
            try {
                ran.complete(invocation.isPresent() ? runDirectly(pool, exec, invocation.get(), call)
                        : runInTwin(pool, call));
            } catch (Throwable e) {
                ran.completeExceptionally(e);
            }
        });
        return ran.whenComplete((r, error) -> {
            if (error != null) {
                counted(Outcome.FAILED);
            }
        }).thenCompose(r -> decide(r, call, tags, evaluation));
    }

    /** The answer, the effects, and what holds them (a stopped twin, or a direct run's overlay). */
    private record Ran(AutoCloseable resources, JsonNode result, ChangeSet changes, Baseline baseline) {}

    /** The command itself in the sandbox, over the same workspace and limits as the server's twins. */
    private Ran runDirectly(TwinPool pool, DirectExec exec, DirectExec.Invocation invocation, ToolCall call)
            throws Exception {
        if (call.cancellation().isCancelled()) {
            throw new IOException("the call was cancelled");
        }
        io.airlock.sandbox.SandboxSpec spec = pool.launcher().spec();
        spec = new io.airlock.sandbox.SandboxSpec(spec.environment(), spec.hidden(), spec.cpuSeconds(),
                spec.memoryBytes(), invocation.timeout(), invocation.maxOutputBytes(), spec.maxProcesses());
        io.airlock.sandbox.SandboxRun run = io.airlock.sandbox.OverlaySandbox.run(pool.launcher().workspace(),
                invocation.command(), spec, pool.launcher().scratch(), invocation.mergeOutput());
        try {
            ChangeSet changes = ChangeSet.read(run.upper(), pool.launcher().workspace());
            Baseline baseline = new Baseline(run.baseline().to(TimeUnit.NANOSECONDS));
            return new Ran(run::discard, exec.result(invocation, run), changes, baseline);
        } catch (Exception e) {
            run.discard();
            throw e;
        }
    }

    private Ran runInTwin(TwinPool pool, ToolCall call) throws Exception {
        StdioTwin twin = pool.take().get(pool.launcher().startup().toMillis() + 5_000, TimeUnit.MILLISECONDS);
        try {
            call.cancellation().onCancel(why -> twin.stop());
            if (call.cancellation().isCancelled()) {
                throw new IOException("the call was cancelled");
            }
            twin.process().rebaseline(); // from here on, a change to a real file is a conflict
            JsonNode result = twin.callTool(call.tool(), call.arguments(), callTimeout);
            twin.stop();
            if (!twin.process().settled()) {
                throw new IOException("the twin's processes could not be stopped; its effects were not read");
            }
            ChangeSet changes = ChangeSet.read(twin.process().upper(), twin.process().workspace());
            Baseline baseline = new Baseline(twin.process().baseline().to(TimeUnit.NANOSECONDS));
            return new Ran(twin, result, changes, baseline);
        } catch (Exception e) {
            release(twin);
            throw e;
        }
    }

    private CompletionStage<Decision> decide(Ran ran, ToolCall call, List<Tag> tags, Evaluation evaluation) {
        String result;
        try {
            result = JSON.writeValueAsString(ran.result());
        } catch (IOException e) {
            release(ran.resources());
            return CompletableFuture.failedFuture(e);
        }
        if (ran.changes().isEmpty()) {
            release(ran.resources());
            return CompletableFuture.completedFuture(new Decision.Answer(result, "sandbox:no-changes",
                    "ran in the sandbox; it changed no files"));
        }
        CommitPolicy.Judgement judgement = commitPolicy.get().judge(facts(ran.changes()));
        return switch (judgement) {
            case CommitPolicy.Judgement.Commit c -> switch (commit(ran, call, result, "sandbox:auto-commit",
                    "committed automatically")) {
                case Applied.Done done -> CompletableFuture.completedFuture(done.decision());
                // Not final: the operator may run the call for real.
                case Applied.Conflicted conflicted -> operator == null
                        ? CompletableFuture.completedFuture(conflicted.deny())
                        : operator.hold(call, tags, evaluation, conflicted.why());
            };
            case CommitPolicy.Judgement.Discard d -> {
                counted(Outcome.DISCARDED);
                release(ran.resources());
                log.info("discarded the sandboxed run of {} on '{}': {}", call.tool(), call.server(), d.reason());
                yield CompletableFuture.completedFuture(new Decision.Deny("Airlock ran this call in a sandbox and "
                        + "discarded its changes (" + describe(ran.changes()) + "): " + d.reason(),
                        "Nothing was changed. Reach the goal without touching that path, or ask the user.",
                        "sandbox:discard"));
            }
            case CommitPolicy.Judgement.Ask ask -> review(ran, call, tags, evaluation, result, ask.reasons());
        };
    }

    private CompletionStage<Decision> review(Ran ran, ToolCall call, List<Tag> tags, Evaluation evaluation,
                                             String result, List<String> reasons) {
        if (operator == null) {
            release(ran.resources());
            return CompletableFuture.completedFuture(new Decision.Deny("Airlock ran this call in a sandbox; its "
                    + "changes need a person's review (" + String.join("; ", reasons) + "), and no operator is "
                    + "connected, so they were discarded", "Ask the user to run it.", "sandbox:discard"));
        }
        Tiers.EffectReview effects;
        try {
            effects = new Tiers.EffectReview(summary(ran.changes()), ran.changes().unifiedDiff(MAX_DIFF_BYTES),
                    digest(ran.changes()));
        } catch (RuntimeException e) {
            release(ran.resources());
            return CompletableFuture.failedFuture(e);
        }
        counted(Outcome.REVIEWED);
        String why = "its sandboxed run changed files that need review: " + String.join("; ", reasons);
        CompletionStage<Decision> reviewed;
        try {
            reviewed = operator.review(call, tags, evaluation, why, effects);
        } catch (RuntimeException e) {
            reviewed = CompletableFuture.failedFuture(e);
        }
        return reviewed.handle((decision, error) -> {
            if (error != null || decision == null) {
                release(ran.resources());
                return CompletableFuture.<Decision>completedFuture(new Decision.Deny("the review of its sandboxed "
                        + "changes failed (" + (error == null ? "no answer" : error.getMessage()) + "); they were "
                        + "discarded", "", "sandbox:discard"));
            }
            return switch (decision) {
                case Decision.Allow approved -> CompletableFuture.completedFuture(
                        switch (commit(ran, call, result, approved.rule(), "committed after review")) {
                            case Applied.Done done -> done.decision();
                            case Applied.Conflicted conflicted -> conflicted.deny();
                        });
                case Decision.Deny denied -> {
                    release(ran.resources());
                    yield CompletableFuture.<Decision>completedFuture(new Decision.Deny(
                            "its sandboxed changes were discarded: " + denied.reason(), denied.hint(),
                            denied.rule()));
                }
                case Decision.Answer unexpected -> {
                    release(ran.resources());
                    yield CompletableFuture.<Decision>completedFuture(new Decision.Deny("the review answered "
                            + "unexpectedly; the sandboxed changes were discarded", "", "sandbox:discard"));
                }
            };
        }).thenCompose(stage -> stage);
    }

    /** What applying a run's changes came to. A conflict is for the caller to route. */
    private sealed interface Applied {
        record Done(Decision decision) implements Applied {}

        record Conflicted(String why) implements Applied {
            Decision.Deny deny() {
                return new Decision.Deny(why.replace("approving runs the call for real", "nothing was changed"),
                        "The workspace changed while the call ran; read it again and retry.", "sandbox:conflict");
            }
        }
    }

    /** Applies the run's changes; the twin's overlay is removed afterwards whatever happens. */
    private Applied commit(Ran ran, ToolCall call, String result, String rule, String how) {
        try {
            CommitResult outcome = Committer.commit(ran.changes(), ran.baseline());
            return switch (outcome) {
                case CommitResult.Committed done -> {
                    counted(Outcome.COMMITTED);
                    String note = how + ": " + describe(ran.changes());
                    log.info("{} {} on '{}' ran in a sandboxed twin; {}", call.method(), call.tool(), call.server(),
                            note);
                    yield new Applied.Done(new Decision.Answer(result, rule, note));
                }
                case CommitResult.Conflict conflict -> {
                    counted(Outcome.CONFLICT);
                    log.info("the sandboxed run of {} on '{}' conflicts with the workspace: {} {}", call.tool(),
                            call.server(), conflict.why(), conflict.paths());
                    yield new Applied.Conflicted("its sandboxed run's changes conflict with the workspace as it is now ("
                            + conflict.why() + ": " + paths(conflict.paths()) + "); they were discarded, and "
                            + "approving runs the call for real");
                }
                case CommitResult.Uncommittable refused -> new Applied.Done(new Decision.Deny("Airlock ran this call in a sandbox "
                        + "and discarded its changes: " + refused.why() + " (" + paths(refused.paths()) + ")",
                        "Nothing was changed.", "sandbox:discard"));
                case CommitResult.Failed failed -> new Applied.Done(new Decision.Deny("Airlock ran this call in a sandbox but "
                        + "could not commit its changes (" + failed.why() + ")", "The workspace was left as it was "
                        + "before the commit; the call may be retried.", "sandbox:commit-failed"));
            };
        } finally {
            release(ran.resources());
        }
    }

    /**
     * Removes a used twin's overlay and cgroups, off the call's path: its processes are already stopped, and the
     * answer does not depend on the clean-up.
     */
    private static void release(AutoCloseable resources) {
        Thread.ofVirtual().name("sandbox-release").start(() -> {
            try {
                resources.close();
            } catch (Exception e) {
                log.warn("could not remove a sandboxed run's overlay: {}", e.toString());
            }
        });
    }

    static List<CommitPolicy.Change> facts(ChangeSet changes) {
        List<CommitPolicy.Change> facts = new ArrayList<>();
        for (ChangeSet.Refusal refusal : changes.refused()) {
            facts.add(new CommitPolicy.Change(slash(refusal.path()), 0, CommitPolicy.Status.UNCOMMITTABLE,
                    refusal.why()));
        }
        for (Change change : changes.changes()) {
            long bytes = change.writesContent() ? change.size() : 0;
            if (change.linkLeavesWorkspace()) {
                facts.add(new CommitPolicy.Change(slash(change.path()), bytes, CommitPolicy.Status.REVIEW,
                        "a symlink pointing outside the workspace (" + change.linkTarget() + ")"));
            } else {
                facts.add(new CommitPolicy.Change(slash(change.path()), bytes));
            }
        }
        return facts;
    }

    static List<String> summary(ChangeSet changes) {
        List<String> lines = new ArrayList<>();
        for (Change change : changes.changes()) {
            if (lines.size() == MAX_SUMMARY_LINES) {
                lines.add("… and " + (changes.changes().size() - MAX_SUMMARY_LINES) + " more");
                break;
            }
            lines.add(change.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + " "
                    + change.type().name().toLowerCase(java.util.Locale.ROOT) + " " + slash(change.path())
                    + (change.writesContent() ? " (" + change.size() + " bytes)" : "")
                    + (change.linkTarget() != null ? " -> " + change.linkTarget() : ""));
        }
        return lines;
    }

    /** SHA-256 over every change and the content it writes: what an approval commits. */
    static String digest(ChangeSet changes) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (Change change : changes.changes()) {
                sha.update((change.kind() + " " + change.type() + " " + slash(change.path()) + " " + change.mode()
                        + " " + change.linkTarget() + "\n").getBytes(StandardCharsets.UTF_8));
                if (change.type() == Change.Type.FILE && change.writesContent()) {
                    sha.update(java.nio.file.Files.readAllBytes(changes.upper().resolve(change.path())));
                }
            }
            return "sha256:" + HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException | IOException e) {
            throw new IllegalStateException("could not digest the sandboxed changes: " + e.getMessage(), e);
        }
    }

    private static String describe(ChangeSet changes) {
        Map<Change.Kind, Long> byKind = changes.changes().stream().collect(Collectors.groupingBy(Change::kind,
                java.util.TreeMap::new, Collectors.counting()));
        List<String> parts = new ArrayList<>();
        byKind.forEach((kind, n) -> parts.add(n + " " + kind.name().toLowerCase(java.util.Locale.ROOT)
                .replace('_', ' ')));
        List<String> names = changes.changes().stream().limit(5).map(c -> slash(c.path())).toList();
        return String.join(", ", parts) + ": " + String.join(", ", names)
                + (changes.changes().size() > 5 ? ", …" : "");
    }

    private static String paths(List<java.nio.file.Path> paths) {
        return paths.stream().limit(10).map(SandboxTier::slash).collect(Collectors.joining(", "))
                + (paths.size() > 10 ? ", …" : "");
    }

    private static String slash(java.nio.file.Path path) {
        return path.toString().replace(java.io.File.separatorChar, '/');
    }

    @Override
    public void close() {
        pools.values().forEach(TwinPool::close);
    }
}
