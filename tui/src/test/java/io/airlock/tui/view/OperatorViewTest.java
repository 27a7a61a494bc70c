package io.airlock.tui.view;

import static io.airlock.tui.view.Calls.T0;
import static io.airlock.tui.view.Calls.call;
import static org.assertj.core.api.Assertions.assertThat;

import io.airlock.tui.client.AdminEvent;
import io.airlock.tui.client.DecideResult;
import io.airlock.tui.client.Decision;
import io.airlock.tui.client.GateDecision;
import io.airlock.tui.client.HeldCall;
import io.airlock.tui.client.HeldCallDetail;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class OperatorViewTest {

    private final OperatorView view = new OperatorView("alice");
    /** Well after any settle window, unless a test says otherwise. */
    private Instant now = T0.plusSeconds(60);

    private List<Action> hello(HeldCall... calls) {
        return view.apply(new ModelEvent.Server(new AdminEvent.Hello("0.1", List.of(calls))), now);
    }

    private List<Action> press(char... keys) {
        List<Action> actions = List.of();
        for (char c : keys) {
            actions = view.key(Key.of(c), now);
        }
        return actions;
    }

    private List<Action> press(Key key) {
        return view.key(key, now);
    }

    private List<Action> event(AdminEvent event) {
        return view.apply(new ModelEvent.Server(event), now);
    }

    private void later() {
        now = now.plus(OperatorView.SETTLE).plusMillis(1);
    }

    @Test
    void helloListsHeldCallsNewestFirstSelectsTheNewestAndAsksForItsDetailAndTheTail() {
        List<Action> actions = hello(call("h-old", 1, "write_file", false), call("h-new", 5, "run_command", false));

        assertThat(view.connection()).isEqualTo(new Connection.Live("0.1"));
        assertThat(view.visible()).extracting(HeldCall::id).containsExactly("h-new", "h-old");
        assertThat(view.selected()).map(HeldCall::id).contains("h-new");
        assertThat(actions).contains(new Action.FetchRecentDecisions(), new Action.FetchDetail("h-new"));
    }

    @Test
    void approveSendsTheSelectedCallWithItsHashAndMarksItInFlight() {
        hello(call("h-1", 1, "write_file", false));
        later();

        List<Action> actions = press('a');

        assertThat(actions).containsExactly(new Action.Send(new Decision.Approve(call("h-1", 1, "write_file", false),
                "alice")));
        assertThat(view.isDeciding("h-1")).isTrue();
        assertThat(press('a')).isEmpty(); // not twice
        assertThat(view.notice()).map(Notice::text).hasValueSatisfying(t -> assertThat(t).contains("already"));
    }

    @Test
    void aNewCallArrivingAboveDoesNotMoveTheSelection() {
        hello(call("h-1", 1, "write_file", false));
        later();

        event(new AdminEvent.Held(call("h-2", 9, "run_command", false)));

        assertThat(view.visible()).extracting(HeldCall::id).containsExactly("h-2", "h-1");
        assertThat(view.selected()).map(HeldCall::id).contains("h-1");
        assertThat(press('a')).containsExactly(new Action.Send(new Decision.Approve(call("h-1", 1, "write_file",
                false), "alice")));
    }

    @Test
    void whenTheSelectedCallGoesAwayDecisionKeysWaitUntilTheOperatorHasSeenItsSuccessor() {
        hello(call("h-2", 2, "run_command", false), call("h-1", 1, "write_file", false));
        later();

        event(new AdminEvent.Decided("h-2", "deny", "bob", "no"));

        assertThat(view.selected()).map(HeldCall::id).contains("h-1");
        assertThat(press('a')).isEmpty();
        assertThat(view.notice()).map(Notice::text).hasValueSatisfying(t -> assertThat(t).contains("look"));
        later();
        assertThat(press('a')).hasSize(1);
    }

    @Test
    void aCallArrivingIntoAnEmptyListIsNotApprovedByAKeyAlreadyOnItsWay() {
        hello();
        later();

        event(new AdminEvent.Held(call("h-1", 1, "write_file", false)));

        assertThat(press('a')).isEmpty();
        later();
        assertThat(press('a')).hasSize(1);
    }

    @Test
    void jAndKAndArrowsMoveTheSelectionWithinTheList() {
        hello(call("h-3", 3, "c", false), call("h-2", 2, "b", false), call("h-1", 1, "a", false));

        press('j');
        assertThat(view.selected()).map(HeldCall::id).contains("h-2");
        press(Key.Special.DOWN);
        press(Key.Special.DOWN);
        assertThat(view.selected()).map(HeldCall::id).contains("h-1");
        press('k');
        press(Key.Special.UP);
        press(Key.Special.UP);
        assertThat(view.selected()).map(HeldCall::id).contains("h-3");
    }

    @Test
    void denyAsksForAReasonAndSendsItOnEnter() {
        hello(call("h-1", 1, "write_file", false));
        later();

        press('d');
        assertThat(view.mode()).isInstanceOf(Mode.DenyReason.class);
        press('n', 'o', 't', 'x');
        press(Key.Special.BACKSPACE);
        List<Action> actions = press(Key.Special.ENTER);

        assertThat(actions).containsExactly(new Action.Send(new Decision.Deny(call("h-1", 1, "write_file", false),
                "alice", "not")));
        assertThat(view.mode()).isInstanceOf(Mode.Browse.class);
    }

    @Test
    void escapeCancelsADenialAndTheCallStaysHeld() {
        hello(call("h-1", 1, "write_file", false));
        later();

        press('d');
        press('q'); // typed into the reason, not a quit
        assertThat(press(Key.Special.ESCAPE)).isEmpty();

        assertThat(view.mode()).isInstanceOf(Mode.Browse.class);
        assertThat(view.isDeciding("h-1")).isFalse();
        assertThat(view.held()).hasSize(1);
    }

    @Test
    void rememberShowsTheRuleAndSendsOnlyAfterConfirmation() {
        HeldCall call = call("h-1", 1, "write_file", false);
        hello(call);
        later();
        HeldCallDetail.RememberOffer offer = new HeldCallDetail.RememberOffer("tool", "- id: remembered-1\n");
        view.apply(new ModelEvent.DetailLoaded(Calls.detail(call, "{}", offer)), now);

        assertThat(press('r')).isEmpty();
        assertThat(view.mode()).isEqualTo(new Mode.ConfirmRemember(call, offer));
        assertThat(press('y')).containsExactly(new Action.Send(new Decision.Remember(call, "alice", "tool")));
    }

    @Test
    void rememberCanBeDeclined() {
        HeldCall call = call("h-1", 1, "write_file", false);
        hello(call);
        later();
        view.apply(new ModelEvent.DetailLoaded(Calls.detail(call, "{}",
                new HeldCallDetail.RememberOffer("tool", "- id: r\n"))), now);

        press('r');
        assertThat(press('n')).isEmpty();

        assertThat(view.mode()).isInstanceOf(Mode.Browse.class);
        assertThat(view.isDeciding("h-1")).isFalse();
    }

    @Test
    void rememberIsNotOfferedForAHardCallAndSaysWhy() {
        hello(call("h-1", 1, "write_file", true));
        later();

        assertThat(press('r')).isEmpty();

        assertThat(view.mode()).isInstanceOf(Mode.Browse.class);
        assertThat(view.notice()).hasValueSatisfying(notice -> {
            assertThat(notice.problem()).isTrue();
            assertThat(notice.text()).contains("hard rule", "hard-ask-persistence");
        });
    }

    @Test
    void rememberBeforeTheDetailArrivedLoadsItFirst() {
        hello(call("h-1", 1, "write_file", false));
        later();

        assertThat(press('r')).containsExactly(new Action.FetchDetail("h-1"));
        assertThat(view.mode()).isInstanceOf(Mode.Browse.class);
    }

    @Test
    void aDenyPromptForACallThatExpiresIsClosedWithAnExplanation() {
        hello(call("h-1", 1, "write_file", false));
        later();
        press('d');

        event(new AdminEvent.Expired("h-1"));

        assertThat(view.mode()).isInstanceOf(Mode.Browse.class);
        assertThat(view.held()).isEmpty();
        assertThat(view.notice()).map(Notice::text).hasValueSatisfying(t -> assertThat(t).contains("no longer held"));
        assertThat(view.tail().getFirst().verdict()).isEqualTo("expired");
    }

    @Test
    void theFilterNarrowsTheListAsTypedAndEscapeClearsIt() {
        hello(call("h-2", 2, "run_command", false), call("h-1", 1, "write_file", false));

        press('/');
        press("write_file p".toCharArray());
        assertThat(view.visible()).extracting(HeldCall::id).containsExactly("h-1");
        assertThat(view.selected()).map(HeldCall::id).contains("h-1");
        press(Key.Special.ENTER);
        assertThat(view.filter()).isEqualTo("write_file p");
        assertThat(view.visible()).hasSize(1);

        press(Key.Special.ESCAPE);
        assertThat(view.visible()).hasSize(2);
    }

    @Test
    void aSuccessfulAnswerRemovesTheCallEvenBeforeTheDecidedEvent() {
        HeldCall call = call("h-1", 1, "write_file", false);
        hello(call);
        later();
        press('a');

        view.apply(new ModelEvent.Answered(new Decision.Approve(call, "alice"),
                new DecideResult.Decided("h-1", "approve", "alice", "")), now);

        assertThat(view.held()).isEmpty();
        assertThat(view.notice()).map(Notice::text).contains("approved write_file");
        // The event that follows still names the call in the tail, not just its id.
        event(new AdminEvent.Decided("h-1", "approve", "alice", ""));
        assertThat(view.tail().getFirst().what()).contains("write_file").doesNotContain("h-1");
    }

    @Test
    void anUnreachableServerLeavesTheCallHeldAndDecidableAgain() {
        HeldCall call = call("h-1", 1, "write_file", false);
        hello(call);
        later();
        press('a');

        view.apply(new ModelEvent.Answered(new Decision.Approve(call, "alice"),
                new DecideResult.Unreachable("connection refused")), now);

        assertThat(view.held()).containsExactly(call);
        assertThat(view.isDeciding("h-1")).isFalse();
        assertThat(view.notice()).hasValueSatisfying(n -> assertThat(n.text()).contains("still held",
                "connection refused"));
        assertThat(press('a')).hasSize(1);
    }

    @Test
    void anotherOperatorWinningTheRaceIsShownAndTheCallLeavesTheList() {
        HeldCall call = call("h-1", 1, "write_file", false);
        hello(call);
        later();
        press('a');

        view.apply(new ModelEvent.Answered(new Decision.Approve(call, "alice"),
                new DecideResult.Conflict("already decided", "deny", "bob")), now);

        assertThat(view.held()).isEmpty();
        assertThat(view.notice()).hasValueSatisfying(n -> assertThat(n.text()).contains("deny by bob"));
    }

    @Test
    void aLostConnectionKeepsTheListAndTheNextHelloReplacesIt() {
        hello(call("h-1", 1, "write_file", false), call("h-2", 2, "run_command", false));

        view.apply(new ModelEvent.ConnectionLost("connection refused", now.plusSeconds(2)), now);
        assertThat(view.connection()).isEqualTo(new Connection.Lost("connection refused", now, now.plusSeconds(2)));
        assertThat(view.held()).hasSize(2);

        hello(call("h-2", 2, "run_command", false), call("h-3", 3, "read_secret", false));
        assertThat(view.connection()).isInstanceOf(Connection.Live.class);
        assertThat(view.notice()).map(Notice::text).contains("reconnected; 2 held calls");
        assertThat(view.held()).extracting(HeldCall::id).containsExactly("h-3", "h-2");
    }

    @Test
    void repeatedLossesKeepTheTimeTheConnectionWasFirstLost() {
        hello();
        Instant first = now;
        view.apply(new ModelEvent.ConnectionLost("refused", now.plusSeconds(1)), now);
        now = now.plusSeconds(5);
        view.apply(new ModelEvent.ConnectionLost("refused", now.plusSeconds(2)), now);

        assertThat(view.connection()).isEqualTo(new Connection.Lost("refused", first, now.plusSeconds(2)));
    }

    @Test
    void theTailTakesGateDecisionsAndOperatorDecisionsNewestFirst() {
        hello(call("h-1", 1, "write_file", false));
        view.apply(new ModelEvent.RecentDecisions(List.of(new GateDecision(T0, "a", "s", "files", "read_text_file",
                "allow", "0", "", List.of(), "notes.txt"))), now);

        event(new AdminEvent.Decided("h-1", "approve", "bob", "looked fine"));
        event(new AdminEvent.Decision(new GateDecision(now, "a", "s", "files", "write_file", "deny", "0",
                "deny-secrets", List.of(), "~/.ssh/id_rsa")));

        assertThat(view.tail()).extracting(TailEntry::verdict).containsExactly("deny", "approve", "allow");
        assertThat(view.tail().get(1).by()).isEqualTo("bob");
        assertThat(view.tail().get(1).what()).startsWith("files/write_file — looked fine  write_file path=");
    }

    @Test
    void theTailIsBounded() {
        hello();
        for (int i = 0; i < OperatorView.TAIL_LIMIT + 10; i++) {
            event(new AdminEvent.Decision(new GateDecision(now, "a", "s", "files", "t" + i, "allow", "0", "",
                    List.of(), "")));
        }

        assertThat(view.tail()).hasSize(OperatorView.TAIL_LIMIT);
        assertThat(view.tail().getFirst().what()).contains("t" + (OperatorView.TAIL_LIMIT + 9));
    }

    @Test
    void qQuitsWithoutDecidingAnything() {
        hello(call("h-1", 1, "write_file", false));

        assertThat(press('q')).containsExactly(new Action.Quit());
    }

    @Test
    void decisionKeysWithNothingHeldSayHowThingsAre() {
        hello();

        assertThat(press('a')).isEmpty();
        assertThat(view.notice()).map(Notice::text).contains("nothing is held");
    }
}
