package io.airlock.tui.view;

import io.airlock.tui.client.AdminEvent;
import io.airlock.tui.client.DecideResult;
import io.airlock.tui.client.Decision;
import io.airlock.tui.client.GateDecision;
import io.airlock.tui.client.HeldCall;
import io.airlock.tui.client.HeldCallDetail;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The operator's screen as state: held calls, selection, filter, detail, decision tail, connection. No terminal and
 * no network here: keys and {@link ModelEvent}s go in, {@link Action}s come out, and the controller does the I/O.
 * Used from one thread (the UI thread).
 *
 * <p>Guards against deciding the wrong call: the selection follows a call's id, never a row number, so a call
 * arriving above it does not move it; when the selected call goes away (decided elsewhere, expired) and another takes
 * its place, decision keys are ignored for {@link #SETTLE} so a key already on its way cannot land on a call the
 * operator has not looked at; a call with a decision in flight cannot be decided again.
 */
public final class OperatorView {

    /** How long decision keys are ignored after the selection moved by itself. */
    public static final Duration SETTLE = Duration.ofMillis(600);

    static final int TAIL_LIMIT = 50;

    private final String operator;
    private final List<HeldCall> held = new ArrayList<>(); // newest first
    /** The last calls taken off the list, for naming them in the tail when their event comes late. */
    private final Map<String, HeldCall> recentlyRemoved = new java.util.LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, HeldCall> eldest) {
            return size() > 64;
        }
    };
    private final Map<String, HeldCallDetail> details = new HashMap<>();
    private final Map<String, String> detailErrors = new HashMap<>();
    private final Set<String> deciding = new HashSet<>();
    private final Deque<TailEntry> tail = new ArrayDeque<>(); // newest first
    private Connection connection = new Connection.Connecting();
    private Mode mode = new Mode.Browse();
    private String filter = "";
    private String selectedId;
    private Instant decisionKeysFrom = Instant.MIN;
    private Notice notice;
    private int detailScroll;

    /** @param operator the name recorded with this operator's decisions */
    public OperatorView(String operator) {
        this.operator = Objects.requireNonNull(operator, "operator");
    }

    // ---- reading the state (for the renderer and tests) ----

    public Connection connection() {
        return connection;
    }

    public Mode mode() {
        return mode;
    }

    public String filter() {
        return mode instanceof Mode.Filter typing ? typing.text() : filter;
    }

    /** All held calls, newest first. */
    public List<HeldCall> held() {
        return List.copyOf(held);
    }

    /** The held calls the filter lets through, newest first. */
    public List<HeldCall> visible() {
        String needle = filter().toLowerCase(Locale.ROOT);
        if (needle.isEmpty()) {
            return List.copyOf(held);
        }
        return held.stream().filter(call -> matches(call, needle)).toList();
    }

    public Optional<HeldCall> selected() {
        return visible().stream().filter(call -> call.id().equals(selectedId)).findFirst();
    }

    public Optional<HeldCallDetail> detail(String id) {
        return Optional.ofNullable(details.get(id));
    }

    public Optional<String> detailError(String id) {
        return Optional.ofNullable(detailErrors.get(id));
    }

    public boolean isDeciding(String id) {
        return deciding.contains(id);
    }

    /** Newest first. */
    public List<TailEntry> tail() {
        return List.copyOf(tail);
    }

    public Optional<Notice> notice() {
        return Optional.ofNullable(notice);
    }

    public int detailScroll() {
        return detailScroll;
    }

    // ---- keys ----

    public List<Action> key(Key key, Instant now) {
        return switch (mode) {
            case Mode.Browse browse -> browseKey(key, now);
            case Mode.Filter typing -> filterKey(typing, key);
            case Mode.DenyReason deny -> denyKey(deny, key);
            case Mode.ConfirmRemember confirm -> confirmKey(confirm, key);
        };
    }

    private List<Action> browseKey(Key key, Instant now) {
        if (key instanceof Key.Special special) {
            return switch (special) {
                case UP -> move(-1);
                case DOWN -> move(1);
                case PAGE_UP -> scroll(-5);
                case PAGE_DOWN -> scroll(5);
                case ESCAPE -> {
                    filter = "";
                    notice = null;
                    yield reselect(false, now);
                }
                case ENTER, BACKSPACE -> List.of();
            };
        }
        char c = ((Key.Char) key).value();
        return switch (c) {
            case 'k' -> move(-1);
            case 'j' -> move(1);
            case 'q' -> List.of(new Action.Quit());
            case '/' -> {
                mode = new Mode.Filter(filter);
                yield List.of();
            }
            case 'a', 'd', 'r' -> decisionKey(c, now);
            default -> List.of();
        };
    }

    private List<Action> decisionKey(char c, Instant now) {
        Optional<HeldCall> selection = selected();
        if (selection.isEmpty()) {
            notice = Notice.problem(held.isEmpty() ? "nothing is held" : "no call selected");
            return List.of();
        }
        HeldCall call = selection.get();
        if (now.isBefore(decisionKeysFrom)) {
            notice = Notice.problem("the selection just changed to " + call.tool() + ": look, then decide");
            return List.of();
        }
        if (deciding.contains(call.id())) {
            notice = Notice.problem("a decision for " + call.tool() + " is already on its way");
            return List.of();
        }
        switch (c) {
            case 'a' -> {
                return send(new Decision.Approve(call, operator));
            }
            case 'd' -> {
                mode = new Mode.DenyReason(call, "");
                return List.of();
            }
            default -> {
                return remember(call);
            }
        }
    }

    private List<Action> remember(HeldCall call) {
        if (call.hard()) {
            // Short enough for 80 columns with a typical rule id: the reason comes first.
            notice = Notice.problem("r is not offered: hard rule" + (call.rule().isEmpty() ? "" : " " + call.rule())
                    + "; approve or deny this call alone");
            return List.of();
        }
        if (!call.rememberable()) {
            notice = Notice.problem("remember is not offered for this call: approve or deny it");
            return List.of();
        }
        HeldCallDetail detail = details.get(call.id());
        if (detail == null) {
            notice = Notice.info("loading the rule remember would add…");
            return List.of(new Action.FetchDetail(call.id()));
        }
        if (detail.remember().isEmpty()) {
            notice = Notice.problem("the server offers no rule to remember for this call");
            return List.of();
        }
        mode = new Mode.ConfirmRemember(call, detail.remember().get());
        detailScroll = 0;
        notice = null;
        return List.of();
    }

    private List<Action> filterKey(Mode.Filter typing, Key key) {
        String text = typing.text();
        if (key instanceof Key.Char(char c)) {
            mode = new Mode.Filter(text + c);
        } else if (key == Key.Special.BACKSPACE) {
            mode = new Mode.Filter(text.isEmpty() ? text : text.substring(0, text.length() - 1));
        } else if (key == Key.Special.ENTER) {
            filter = text;
            mode = new Mode.Browse();
        } else if (key == Key.Special.ESCAPE) {
            filter = "";
            mode = new Mode.Browse();
        } else {
            return List.of();
        }
        // Typing narrows the list as it goes; a selection the filter hides moves to the first row still shown.
        formerIndex = 0;
        return reselect(false, Instant.MIN);
    }

    private List<Action> denyKey(Mode.DenyReason deny, Key key) {
        if (key instanceof Key.Char(char c)) {
            mode = new Mode.DenyReason(deny.call(), deny.text() + c);
        } else if (key == Key.Special.BACKSPACE) {
            String text = deny.text();
            mode = new Mode.DenyReason(deny.call(), text.isEmpty() ? text : text.substring(0, text.length() - 1));
        } else if (key == Key.Special.ENTER) {
            mode = new Mode.Browse();
            return send(new Decision.Deny(deny.call(), operator, deny.text().strip()));
        } else if (key == Key.Special.ESCAPE) {
            mode = new Mode.Browse();
            notice = Notice.info("deny cancelled");
        }
        return List.of();
    }

    private List<Action> confirmKey(Mode.ConfirmRemember confirm, Key key) {
        if (key == Key.Special.PAGE_UP || key == Key.Special.PAGE_DOWN) {
            return scroll(key == Key.Special.PAGE_UP ? -5 : 5); // the whole rule must be readable before y
        }
        if (key instanceof Key.Char(char c) && (c == 'y' || c == 'Y')) {
            mode = new Mode.Browse();
            return send(new Decision.Remember(confirm.call(), operator, confirm.offer().scope()));
        }
        if (key instanceof Key.Char(char c) && (c == 'n' || c == 'N') || key == Key.Special.ESCAPE) {
            mode = new Mode.Browse();
            detailScroll = 0;
            notice = Notice.info("remember cancelled; the call is still held");
        }
        return List.of();
    }

    private List<Action> send(Decision decision) {
        deciding.add(decision.call().id());
        notice = Notice.info("sending " + verb(decision) + " for " + decision.call().tool() + "…");
        return List.of(new Action.Send(decision));
    }

    private List<Action> move(int step) {
        List<HeldCall> rows = visible();
        if (rows.isEmpty()) {
            return List.of();
        }
        int at = indexOf(rows, selectedId);
        int next = at < 0 ? 0 : Math.clamp(at + step, 0, rows.size() - 1);
        return select(rows.get(next).id());
    }

    private List<Action> scroll(int lines) {
        detailScroll = Math.max(0, detailScroll + lines);
        return List.of();
    }

    private List<Action> select(String id) {
        if (!id.equals(selectedId)) {
            selectedId = id;
            detailScroll = 0;
        }
        return details.containsKey(id) ? List.of() : List.of(new Action.FetchDetail(id));
    }

    /**
     * Keeps the selection if its call is still visible; otherwise selects the row that took its place (or the
     * nearest; the newest when nothing was selected), and when that happens by itself ({@code settle}) holds
     * decision keys back for a moment.
     */
    private List<Action> reselect(boolean settle, Instant now) {
        List<HeldCall> rows = visible();
        if (selectedId != null && indexOf(rows, selectedId) >= 0) {
            return List.of();
        }
        if (rows.isEmpty()) {
            selectedId = null;
            return List.of();
        }
        int index = selectedId == null ? 0 : Math.clamp(formerIndex, 0, rows.size() - 1);
        if (settle) {
            decisionKeysFrom = now.plus(SETTLE);
        }
        return select(rows.get(index).id());
    }

    /** Where the selection was in the visible list before the last removal, so its neighbour can take over. */
    private int formerIndex;

    // ---- events ----

    public List<Action> apply(ModelEvent event, Instant now) {
        return switch (event) {
            case ModelEvent.Server(AdminEvent serverEvent) -> server(serverEvent, now);
            case ModelEvent.ConnectionLost(String why, Instant retryAt) -> {
                Instant since = connection instanceof Connection.Lost lost ? lost.since() : now;
                connection = new Connection.Lost(why, since, retryAt);
                yield List.of();
            }
            case ModelEvent.DetailLoaded(HeldCallDetail detail) -> {
                String id = detail.call().id();
                if (indexOf(held, id) >= 0) {
                    details.put(id, detail);
                    detailErrors.remove(id);
                }
                yield List.of();
            }
            case ModelEvent.DetailFailed(String id, String why) -> {
                detailErrors.put(id, why);
                yield List.of();
            }
            case ModelEvent.Answered(Decision decision, DecideResult result) -> answered(decision, result, now);
            case ModelEvent.RecentDecisions(List<GateDecision> decisions) -> {
                tail.clear();
                decisions.stream().limit(TAIL_LIMIT).forEach(d -> tail.addLast(entry(d)));
                yield List.of();
            }
        };
    }

    private List<Action> server(AdminEvent event, Instant now) {
        return switch (event) {
            case AdminEvent.Hello hello -> {
                if (connection instanceof Connection.Lost) {
                    // Whatever the notice said was about the old connection; say what the new one found.
                    notice = Notice.info("reconnected; " + hello.held().size() + " held "
                            + (hello.held().size() == 1 ? "call" : "calls"));
                }
                connection = new Connection.Live(hello.version());
                formerIndex = Math.max(indexOf(visible(), selectedId), 0);
                held.clear();
                held.addAll(hello.held());
                held.sort(NEWEST_FIRST);
                Set<String> ids = new HashSet<>();
                held.forEach(call -> ids.add(call.id()));
                details.keySet().retainAll(ids);
                detailErrors.keySet().retainAll(ids);
                deciding.retainAll(ids);
                List<Action> actions = new ArrayList<>(List.of(new Action.FetchRecentDecisions()));
                actions.addAll(dropModeIfGone(now));
                actions.addAll(reselect(true, now));
                yield actions;
            }
            case AdminEvent.Held(HeldCall call) -> {
                if (indexOf(held, call.id()) >= 0) {
                    yield List.of();
                }
                held.add(call);
                held.sort(NEWEST_FIRST);
                yield reselect(true, now);
            }
            case AdminEvent.Decided decided -> {
                HeldCall call = known(decided.id());
                addTail(new TailEntry(now, decided.outcome(), decided.operator(),
                        what(call, decided.id(), decided.reason())));
                yield removed(decided.id(), decided.outcome() + " by " + decided.operator(), now);
            }
            case AdminEvent.Expired expired -> {
                addTail(new TailEntry(now, "expired", "timeout", what(known(expired.id()), expired.id(), "")));
                yield removed(expired.id(), "timed out and was denied", now);
            }
            case AdminEvent.Cancelled cancelled -> {
                addTail(new TailEntry(now, "cancelled", "agent",
                        what(known(cancelled.id()), cancelled.id(), cancelled.why())));
                yield removed(cancelled.id(), "was cancelled by the agent", now);
            }
            case AdminEvent.Decision decision -> {
                addTail(entry(decision.decision()));
                yield List.of();
            }
        };
    }

    private List<Action> answered(Decision decision, DecideResult result, Instant now) {
        String id = decision.call().id();
        deciding.remove(id);
        String tool = decision.call().tool();
        return switch (result) {
            case DecideResult.Decided decided -> {
                notice = Notice.info(pastTense(decision) + " " + tool
                        + (decided.rule().isEmpty() ? "" : "; remembered as rule " + decided.rule()));
                // The decided event usually arrives first; if it has not, the answer alone removes the call.
                yield removed(id, null, now);
            }
            case DecideResult.Conflict conflict -> {
                notice = Notice.problem(tool + ": " + result.describe());
                yield conflict.outcome().isEmpty() ? List.of(new Action.FetchDetail(id)) : removed(id, null, now);
            }
            case DecideResult.Gone gone -> {
                notice = Notice.problem(tool + ": " + result.describe());
                yield removed(id, null, now);
            }
            case DecideResult.NotFound notFound -> {
                notice = Notice.problem(tool + ": " + result.describe());
                yield removed(id, null, now);
            }
            case DecideResult.HardStop hardStop -> {
                notice = Notice.problem(tool + ": " + result.describe() + "; approve or deny it");
                yield List.of();
            }
            case DecideResult.BadRequest bad -> problem(tool, result);
            case DecideResult.Unauthorized unauthorized -> problem(tool, result);
            case DecideResult.Unreachable unreachable -> problem(tool, result);
            case DecideResult.Unexpected unexpected -> problem(tool, result);
        };
    }

    /** The decision did not happen; the call is still held and can be decided again. */
    private List<Action> problem(String tool, DecideResult result) {
        notice = Notice.problem(tool + " is still held: " + result.describe());
        return List.of();
    }

    private List<Action> removed(String id, String why, Instant now) {
        List<HeldCall> rows = visible();
        boolean wasSelected = id.equals(selectedId);
        if (wasSelected) {
            formerIndex = indexOf(rows, id);
        }
        HeldCall call = find(id);
        if (call == null) {
            return List.of();
        }
        held.remove(call);
        recentlyRemoved.put(id, call);
        details.remove(id);
        detailErrors.remove(id);
        deciding.remove(id);
        List<Action> actions = new ArrayList<>(dropModeIfGone(now));
        if (wasSelected && why != null && !(notice != null && notice.problem())) {
            notice = Notice.info(call.tool() + " " + why);
        }
        actions.addAll(reselect(wasSelected, now));
        return actions;
    }

    /** Leaves a deny prompt or remember confirmation whose call is no longer held. */
    private List<Action> dropModeIfGone(Instant now) {
        HeldCall call = switch (mode) {
            case Mode.DenyReason deny -> deny.call();
            case Mode.ConfirmRemember confirm -> confirm.call();
            case Mode.Browse browse -> null;
            case Mode.Filter typing -> null;
        };
        if (call != null && indexOf(held, call.id()) < 0) {
            mode = new Mode.Browse();
            notice = Notice.problem(call.tool() + " is no longer held (decided elsewhere, expired or cancelled)");
        }
        return List.of();
    }

    private HeldCall find(String id) {
        int at = indexOf(held, id);
        return at < 0 ? null : held.get(at);
    }

    /** A held call, or one removed a moment ago (its decide answer can come before the event that names it). */
    private HeldCall known(String id) {
        HeldCall call = find(id);
        return call != null ? call : recentlyRemoved.get(id);
    }

    private void addTail(TailEntry entry) {
        tail.addFirst(entry);
        while (tail.size() > TAIL_LIMIT) {
            tail.removeLast();
        }
    }

    private static TailEntry entry(GateDecision decision) {
        String by = decision.tier().isEmpty() ? decision.rule() : "tier " + decision.tier()
                + (decision.rule().isEmpty() ? "" : " " + decision.rule());
        return new TailEntry(decision.at(), decision.decision(), by,
                decision.server() + "/" + decision.tool() + "  " + decision.summary());
    }

    /** The call, with the decision's reason before the summary: a long summary is what a narrow screen cuts. */
    private static String what(HeldCall call, String id, String reason) {
        String note = reason.isEmpty() ? "" : " — " + reason;
        return call == null ? id + note : call.server() + "/" + call.tool() + note + "  " + call.summary();
    }

    private static boolean matches(HeldCall call, String needle) {
        return contains(call.agent(), needle) || contains(call.server(), needle) || contains(call.tool(), needle)
                || contains(call.summary(), needle) || call.tags().stream().anyMatch(tag -> contains(tag, needle))
                || contains(call.id(), needle);
    }

    private static boolean contains(String haystack, String needle) {
        return haystack.toLowerCase(Locale.ROOT).contains(needle);
    }

    private static int indexOf(List<HeldCall> calls, String id) {
        for (int i = 0; i < calls.size(); i++) {
            if (calls.get(i).id().equals(id)) {
                return i;
            }
        }
        return -1;
    }

    private static String verb(Decision decision) {
        return switch (decision) {
            case Decision.Approve approve -> "approval";
            case Decision.Deny deny -> "denial";
            case Decision.Remember remember -> "approve-and-remember";
        };
    }

    private static String pastTense(Decision decision) {
        return switch (decision) {
            case Decision.Approve approve -> "approved";
            case Decision.Deny deny -> "denied";
            case Decision.Remember remember -> "approved and remembered";
        };
    }

    /** Newest first; a call whose time is unreadable sorts last rather than being dropped. */
    private static final Comparator<HeldCall> NEWEST_FIRST = Comparator.comparing(HeldCall::heldAt,
            Comparator.nullsFirst(Comparator.<Instant>naturalOrder())).reversed();
}
