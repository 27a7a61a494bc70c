package io.airlock.tui.view;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.googlecode.lanterna.SGR;
import com.googlecode.lanterna.TerminalSize;
import com.googlecode.lanterna.TerminalTextUtils;
import com.googlecode.lanterna.TextColor;
import com.googlecode.lanterna.graphics.TextGraphics;
import io.airlock.tui.client.HeldCall;
import io.airlock.tui.client.HeldCallDetail;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Draws an {@link OperatorView} with Lanterna's {@link TextGraphics}: title with the held count, a banner while the
 * connection is lost, the list, the detail pane, the decision tail, a notice or prompt line, and the keys in a footer.
 * Stateless apart from its settings; all it draws comes from the view, so it can be tested on a virtual terminal.
 */
public final class OperatorScreen {

    /** The smallest terminal the layout is designed for; smaller ones still draw, cramped. */
    public static final TerminalSize MINIMUM = new TerminalSize(80, 24);

    private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final String address;
    private final ZoneId zone;

    /** @param address shown in the title, so the operator knows which gateway this is */
    public OperatorScreen(String address, ZoneId zone) {
        this.address = Objects.requireNonNull(address, "address");
        this.zone = Objects.requireNonNull(zone, "zone");
    }

    /** How the rows are shared out, from top to bottom. */
    record Layout(int width, boolean banner, int listTop, int listRows, int detailTop, int detailRows, int tailTop,
                  int tailRows, int noticeRow, int footerRow) {

        static Layout of(TerminalSize size, boolean banner) {
            int width = size.getColumns();
            int height = Math.max(size.getRows(), 8);
            // fixed rows: title, [banner], list header, detail separator, tail separator, notice, footer
            int fixed = 6 + (banner ? 1 : 0);
            int flexible = Math.max(height - fixed, 3);
            int tailRows = Math.clamp(flexible / 6, 1, 6);
            int listRows = Math.clamp((flexible - tailRows) * 2 / 5, 1, 30);
            int detailRows = Math.max(flexible - tailRows - listRows, 1);
            int listTop = 2 + (banner ? 1 : 0); // below the title, banner, and list header
            int detailTop = listTop + listRows + 1;
            int tailTop = detailTop + detailRows + 1;
            int noticeRow = tailTop + tailRows;
            return new Layout(width, banner, listTop, listRows, detailTop, detailRows, tailTop, tailRows, noticeRow,
                    noticeRow + 1);
        }
    }

    public void draw(OperatorView view, TextGraphics g, TerminalSize size, Instant now) {
        Layout layout = Layout.of(size, view.connection() instanceof Connection.Lost);
        g.setBackgroundColor(TextColor.ANSI.DEFAULT);
        g.setForegroundColor(TextColor.ANSI.DEFAULT);
        g.clearModifiers();
        g.fill(' ');
        int row = 0;
        title(view, g, layout, row++);
        if (layout.banner()) {
            banner((Connection.Lost) view.connection(), g, layout, row, now);
        }
        List<HeldCall> rows = view.visible();
        Columns columns = Columns.of(layout.width());
        put(g, 0, layout.listTop() - 1, columns.header(), layout.width(), Style.DIM);
        Optional<HeldCall> selected = view.selected();
        // Bottom-up: a pane's "more" hint goes on the separator below it, which the next pane down draws first.
        tail(view, g, layout);
        detail(view, selected, g, layout, now);
        list(view, rows, columns, g, layout, now);
        notice(view, g, layout);
        footer(view, selected, g, layout);
    }

    private void title(OperatorView view, TextGraphics g, Layout layout, int row) {
        int count = view.held().size();
        StringBuilder left = new StringBuilder(" Airlock operator · ").append(count)
                .append(count == 1 ? " held call" : " held calls");
        if (!view.filter().isEmpty()) {
            left.append(" (").append(view.visible().size()).append(" shown, filter \"")
                    .append(Text.visible(view.filter())).append("\")");
        }
        String right = switch (view.connection()) {
            case Connection.Connecting connecting -> "connecting to " + address + " ";
            case Connection.Live live -> "live · " + address + " ";
            case Connection.Lost lost -> "DISCONNECTED · " + address + " ";
        };
        put(g, 0, row, padBetween(left.toString(), right, layout.width()), layout.width(), Style.BAR);
    }

    private void banner(Connection.Lost lost, TextGraphics g, Layout layout, int row, Instant now) {
        Duration retry = Duration.between(now, lost.retryAt());
        // Most important first: an 80-column terminal cuts the end.
        String text = " AIRLOCK CONNECTION LOST (" + Text.visible(lost.why()) + ") · "
                + (retry.isNegative() || retry.isZero() ? "retrying now" : "retry in " + Text.countdown(retry))
                + " · list may be stale · held calls stay held · down for "
                + Text.countdown(Duration.between(lost.since(), now));
        put(g, 0, row, text, layout.width(), Style.ALARM);
    }

    /** Column widths for the list, given the terminal width. */
    record Columns(int agent, int server, int tool, int summary, int tags) {
        static final int MARK = 2;
        static final int AGE = 5;

        static Columns of(int width) {
            int agent = width >= 110 ? 14 : 11;
            int server = width >= 110 ? 12 : 9;
            int tool = width >= 110 ? 20 : 14;
            int rest = Math.max(width - (MARK + AGE + 1 + agent + 1 + server + 1 + tool + 1), 10);
            int tags = Math.clamp(rest / 3, 4, 40);
            return new Columns(agent, server, tool, Math.max(rest - tags - 1, 1), tags);
        }

        String header() {
            return row("", "AGE", "AGENT", "SERVER", "TOOL", "SUMMARY", "TAGS");
        }

        String row(String mark, String age, String agent, String server, String tool, String summary,
                   String tags) {
            return cell(mark, MARK) + cell(age, AGE) + " " + cell(agent, this.agent) + " "
                    + cell(server, this.server) + " " + cell(tool, this.tool) + " " + cell(summary, this.summary)
                    + " " + cell(tags, this.tags);
        }
    }

    private void list(OperatorView view, List<HeldCall> rows, Columns columns, TextGraphics g, Layout layout,
                      Instant now) {
        if (rows.isEmpty()) {
            String empty = view.held().isEmpty()
                    ? "  No held calls. Calls the policy sends to ask appear here, newest first."
                    : "  No held call matches the filter (Esc clears it).";
            put(g, 0, layout.listTop(), empty, layout.width(), Style.DIM);
            return;
        }
        int selectedIndex = view.selected().map(rows::indexOf).orElse(-1);
        // Scroll only as far as needed to keep the selection on screen.
        int first = Math.max(selectedIndex - layout.listRows() + 1, 0);
        for (int i = 0; i < layout.listRows() && first + i < rows.size(); i++) {
            HeldCall call = rows.get(first + i);
            boolean selected = first + i == selectedIndex;
            String mark = (selected ? ">" : " ") + (call.hard() ? "!" : " ");
            String age = view.isDeciding(call.id()) ? "sent"
                    : call.heldAt() == null ? "?" : Text.age(Duration.between(call.heldAt(), now));
            String text = columns.row(mark, age, Text.visible(call.agent()), Text.visible(call.server()),
                    Text.visible(call.tool()), Text.visible(call.summary()),
                    Text.visible(String.join(",", call.tags())));
            put(g, 0, layout.listTop() + i, text, layout.width(), selected ? Style.SELECTED : Style.NORMAL);
        }
        int below = rows.size() - first - layout.listRows();
        if (below > 0 || first > 0) {
            String more = (first > 0 ? " ↑" + first + " above" : "") + (below > 0 ? " ↓" + below + " below" : "") + " ";
            put(g, Math.max(layout.width() - TerminalTextUtils.getColumnWidth(more), 0),
                    layout.detailTop() - 1, more, layout.width(), Style.DIM);
        }
    }

    private void detail(OperatorView view, Optional<HeldCall> selected, TextGraphics g, Layout layout, Instant now) {
        int width = layout.width();
        String heading = selected.map(call -> "── " + Text.visible(call.tool()) + " · " + call.id() + " ")
                .orElse("── detail ");
        if (view.mode() instanceof Mode.ConfirmRemember confirm) {
            heading = "── approve and remember " + Text.visible(confirm.call().tool()) + "? ";
        }
        put(g, 0, layout.detailTop() - 1, rule(heading, width), width, Style.DIM);
        List<Line> lines = view.mode() instanceof Mode.ConfirmRemember confirm
                ? rememberLines(confirm, width)
                : selected.map(call -> detailLines(view, call, width, now)).orElse(List.of());
        int scroll = Math.min(view.detailScroll(), Math.max(lines.size() - layout.detailRows(), 0));
        for (int i = 0; i < layout.detailRows() && scroll + i < lines.size(); i++) {
            Line line = lines.get(scroll + i);
            put(g, 0, layout.detailTop() + i, line.text(), width, line.style());
        }
        int hidden = lines.size() - scroll - layout.detailRows();
        if (hidden > 0) {
            String more = " PgDn: " + hidden + " more lines ";
            put(g, Math.max(width - more.length(), 0), layout.tailTop() - 1, more, width, Style.DIM);
        }
    }

    record Line(String text, Style style) {
    }

    /** The detail pane's lines, wrapped to {@code width}. */
    List<Line> detailLines(OperatorView view, HeldCall call, int width, Instant now) {
        List<Line> lines = new ArrayList<>();
        String timing = (call.heldAt() == null ? "" : "held " + Text.age(Duration.between(call.heldAt(), now))
                + " ago") + (call.deadline() == null ? ""
                : ", denied in " + Text.countdown(Duration.between(now, call.deadline())) + " unless decided");
        add(lines, Text.visible(call.server()) + "/" + Text.visible(call.tool()) + " (" + call.method() + ") from "
                + Text.visible(call.agent()) + ", session " + Text.visible(call.session()) + "; " + timing,
                width, Style.NORMAL);
        add(lines, "why: " + Text.visible(call.why()) + (call.rule().isEmpty() ? "" : " (rule " + call.rule() + ")"),
                width, Style.HEADING);
        if (call.hard()) {
            add(lines, "hard: a hard rule held this call; approve-and-remember is not offered", width, Style.WARN);
        }
        add(lines, "tags: " + (call.tags().isEmpty() ? "none" : Text.visible(String.join(", ", call.tags()))),
                width, Style.NORMAL);
        Optional<HeldCallDetail> loaded = view.detail(call.id());
        if (loaded.isEmpty()) {
            add(lines, view.detailError(call.id()).map(why -> "cannot load the arguments: " + Text.visible(why))
                    .orElse("loading arguments…"), width, Style.DIM);
            return lines;
        }
        HeldCallDetail detail = loaded.get();
        detail.sandboxEffects().ifPresent(effects -> {
            add(lines, "sandboxed run's changes — a commits them, d discards them:", width, Style.WARN);
            effects.changes().forEach(change -> add(lines, "  " + Text.visible(change), width, Style.NORMAL));
            add(lines, "diff:", width, Style.HEADING);
            for (String diffLine : effects.diff().split("\n", -1)) {
                add(lines, "  " + Text.visible(diffLine), width, diffLine.startsWith("-") ? Style.DIM
                        : Style.NORMAL);
            }
        });
        command(detail.arguments()).ifPresent(command -> {
            add(lines, "command:", width, Style.HEADING);
            for (String part : command.split("\n", -1)) {
                add(lines, "  " + Text.visible(part), width, Style.NORMAL);
            }
        });
        add(lines, "arguments:", width, Style.HEADING);
        for (String jsonLine : pretty(detail.arguments()).split("\n")) {
            add(lines, "  " + Text.visible(jsonLine), width, Style.NORMAL);
        }
        if (!detail.matchedRules().isEmpty()) {
            add(lines, "matched rules:", width, Style.HEADING);
            for (HeldCallDetail.MatchedRule rule : detail.matchedRules()) {
                add(lines, "  " + rule.id() + " → " + rule.action() + (rule.hard() ? " (hard)" : "")
                        + (rule.reason().isEmpty() ? "" : ": " + Text.visible(rule.reason())), width, Style.NORMAL);
            }
        }
        if (!detail.path().isEmpty()) {
            add(lines, "path:", width, Style.HEADING);
            detail.path().forEach(step -> add(lines, "  " + Text.visible(step), width, Style.NORMAL));
        }
        add(lines, "recent calls in this session" + (detail.recentCalls().isEmpty() ? ": none" : ":"), width,
                Style.HEADING);
        for (HeldCallDetail.RecentCall recent : detail.recentCalls()) {
            add(lines, "  " + (recent.at() == null ? "--:--:--" : CLOCK.format(recent.at().atZone(zone))) + "  "
                    + cell(recent.decision(), 6) + " " + Text.visible(recent.tool()) + "  "
                    + Text.visible(recent.summary()), width, Style.NORMAL);
        }
        if (!detail.policyRevision().isEmpty()) {
            add(lines, "policy " + detail.policyRevision(), width, Style.DIM);
        }
        return lines;
    }

    private List<Line> rememberLines(Mode.ConfirmRemember confirm, int width) {
        List<Line> lines = new ArrayList<>();
        add(lines, "This approves the call and adds the rule below ("
                + ("session".equals(confirm.offer().scope()) ? "for this session"
                : "for this server, tool and arguments, in every session") + "):", width, Style.HEADING);
        for (String ruleLine : confirm.offer().rule().split("\n")) {
            // a marked continuation: plain indentation would read as YAML structure
            add(lines, "  " + Text.visible(ruleLine), width, Style.NORMAL, "  ↪ ");
        }
        add(lines, "y: approve and add the rule   n or Esc: back, the call stays held", width, Style.WARN);
        return lines;
    }

    private void tail(OperatorView view, TextGraphics g, Layout layout) {
        put(g, 0, layout.tailTop() - 1, rule("── recent decisions ", layout.width()), layout.width(), Style.DIM);
        List<TailEntry> entries = view.tail();
        for (int i = 0; i < layout.tailRows() && i < entries.size(); i++) {
            TailEntry entry = entries.get(i);
            String time = entry.at() == null ? "--:--:--" : CLOCK.format(entry.at().atZone(zone));
            int byWidth = layout.width() >= 110 ? 24 : 16;
            put(g, 0, layout.tailTop() + i, " " + time + "  " + cell(entry.verdict(), 9)
                    + cell(Text.visible(entry.by()), byWidth) + " " + Text.visible(entry.what()), layout.width(),
                    "deny".equals(entry.verdict()) || "expired".equals(entry.verdict()) ? Style.WARN : Style.NORMAL);
        }
        if (entries.isEmpty()) {
            put(g, 0, layout.tailTop(), "  none yet", layout.width(), Style.DIM);
        }
    }

    private void notice(OperatorView view, TextGraphics g, Layout layout) {
        String text;
        Style style = Style.PROMPT;
        switch (view.mode()) {
            case Mode.Filter typing -> text = " filter: " + Text.visible(typing.text()) + "▏";
            case Mode.DenyReason deny -> text = " deny " + Text.visible(deny.call().tool())
                    + ": reason for the agent (optional): " + Text.visible(deny.text()) + "▏";
            case Mode.ConfirmRemember confirm -> text = " approve " + Text.visible(confirm.call().tool())
                    + " and add the rule shown above? (y/n)";
            case Mode.Browse browse -> {
                Optional<Notice> notice = view.notice();
                text = notice.map(n -> " " + Text.visible(n.text())).orElse("");
                style = notice.map(n -> n.problem() ? Style.WARN : Style.NORMAL).orElse(Style.NORMAL);
            }
        }
        put(g, 0, layout.noticeRow(), text, layout.width(), style);
    }

    private void footer(OperatorView view, Optional<HeldCall> selected, TextGraphics g, Layout layout) {
        String keys = switch (view.mode()) {
            case Mode.Browse browse -> " a approve  d deny  "
                    + (selected.isPresent() && (selected.get().hard() || !selected.get().rememberable())
                            ? "r n/a (" + (selected.get().hard() ? "hard" : "not offered") + ")"
                            : "r remember")
                    + "  / filter  ↑↓ jk move  PgUp/PgDn  q quit";
            case Mode.Filter typing -> " type to filter  Enter keep  Esc clear";
            case Mode.DenyReason deny -> " Enter deny  Esc cancel (the call stays held)";
            case Mode.ConfirmRemember confirm -> " y approve and remember  n cancel";
        };
        put(g, 0, layout.footerRow(), keys, layout.width(), Style.BAR);
    }

    enum Style {
        NORMAL, DIM, HEADING, WARN, SELECTED, BAR, ALARM, PROMPT
    }

    /** Draws {@code text} at a row, cut to the width, filling the rest of the row for styles with a background. */
    private static void put(TextGraphics g, int column, int row, String text, int width, Style style) {
        g.clearModifiers();
        g.setForegroundColor(TextColor.ANSI.DEFAULT);
        g.setBackgroundColor(TextColor.ANSI.DEFAULT);
        switch (style) {
            case NORMAL, PROMPT -> { }
            case DIM -> g.setForegroundColor(TextColor.ANSI.WHITE);
            case HEADING -> g.enableModifiers(SGR.BOLD);
            case WARN -> {
                g.setForegroundColor(TextColor.ANSI.YELLOW);
                g.enableModifiers(SGR.BOLD);
            }
            case SELECTED, BAR -> g.enableModifiers(SGR.REVERSE);
            case ALARM -> {
                g.setBackgroundColor(TextColor.ANSI.RED);
                g.setForegroundColor(TextColor.ANSI.WHITE_BRIGHT);
                g.enableModifiers(SGR.BOLD);
            }
        }
        int room = Math.max(width - column, 0);
        String fitted = TerminalTextUtils.fitString(text, room);
        boolean fillRow = style == Style.SELECTED || style == Style.BAR || style == Style.ALARM;
        if (fillRow) {
            fitted = fitted + " ".repeat(Math.max(room - TerminalTextUtils.getColumnWidth(fitted), 0));
        }
        g.putString(column, row, fitted);
        g.clearModifiers();
    }

    private static void add(List<Line> lines, String text, int width, Style style) {
        add(lines, text, width, style, "    ");
    }

    private static void add(List<Line> lines, String text, int width, Style style, String continuation) {
        for (String part : Text.wrap(text, width, continuation)) {
            lines.add(new Line(part, style));
        }
    }

    /** A shell command among the arguments, shown raw (not JSON-escaped) so a person can read it. */
    private static Optional<String> command(JsonNode arguments) {
        for (String field : List.of("command", "cmd", "script")) {
            JsonNode value = arguments.path(field);
            if (value.isTextual()) {
                return Optional.of(value.textValue());
            }
        }
        return Optional.empty();
    }

    private static String pretty(JsonNode arguments) {
        try {
            return PRETTY.writeValueAsString(arguments);
        } catch (JsonProcessingException e) {
            return arguments.toString();
        }
    }

    private static String cell(String text, int width) {
        String fitted = TerminalTextUtils.fitString(text, width);
        return fitted + " ".repeat(Math.max(width - TerminalTextUtils.getColumnWidth(fitted), 0));
    }

    private static String rule(String heading, int width) {
        int used = TerminalTextUtils.getColumnWidth(heading);
        return heading + "─".repeat(Math.max(width - used, 0));
    }

    private static String padBetween(String left, String right, int width) {
        int gap = width - TerminalTextUtils.getColumnWidth(left) - TerminalTextUtils.getColumnWidth(right);
        return gap >= 1 ? left + " ".repeat(gap) + right : left;
    }
}
