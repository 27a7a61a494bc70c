package io.airlock.tui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.airlock.tui.client.AdminClient;
import io.airlock.tui.client.DecideResult;
import io.airlock.tui.client.Decision;
import io.airlock.tui.client.HeldCall;
import io.airlock.tui.client.HeldCallDetail;
import io.airlock.tui.client.Reply;
import io.airlock.tui.view.Text;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code airlock approvals list|show|approve|deny}: held calls from scripts. Exit codes: 0 done, 1 the server refused
 * (no such call, already decided, expired, …; its words on stderr), 2 cannot connect or the token was refused.
 */
@Command(name = "approvals", description = "List, show, approve or deny held calls (the admin API, for scripts).",
        subcommands = {ApprovalsCommand.ListHeld.class, ApprovalsCommand.Show.class, ApprovalsCommand.Approve.class,
                ApprovalsCommand.Deny.class})
public final class ApprovalsCommand implements Runnable {

    public static final int OK = 0;
    public static final int REFUSED = 1;
    public static final int UNREACHABLE = 2;

    private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }

    /** What every subcommand shares: the connection options and where to write. */
    abstract static class Sub implements Callable<Integer> {
        @Mixin
        AdminOptions adminOptions = new AdminOptions();

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        PrintWriter out() {
            return spec.commandLine().getOut();
        }

        PrintWriter err() {
            return spec.commandLine().getErr();
        }

        @Override
        public final Integer call() {
            AdminClient client;
            try {
                client = adminOptions.connect();
            } catch (IOException e) {
                err().println("airlock approvals: " + e.getMessage());
                return UNREACHABLE;
            }
            int code = run(client);
            out().flush();
            err().flush();
            return code;
        }

        abstract int run(AdminClient client);

        /** Prints why a read failed and returns the exit code for it. */
        int failed(Reply<?> reply, String what) {
            String message = switch (reply) {
                case Reply.Ok<?> ok -> throw new IllegalArgumentException("not a failure: " + ok);
                case Reply.Refused<?>(int status, String text) -> status == 404 ? "no held call " + what
                        : "Airlock refused (" + status + "): " + text;
                case Reply.Unauthorized<?>() -> "unauthorized: the admin token was refused";
                case Reply.Unreachable<?>(String cause) -> "cannot reach Airlock at " + adminOptions.address()
                        + ": " + cause;
            };
            err().println("airlock approvals: " + message);
            return reply instanceof Reply.Refused<?> ? REFUSED : UNREACHABLE;
        }
    }

    @Command(name = "list", description = "List held calls, newest first.")
    static final class ListHeld extends Sub {
        @Option(names = "--json", description = "Print the server's JSON ({\"held\": [...]}).")
        boolean json;

        @Override
        int run(AdminClient client) {
            Reply<JsonNode> reply = client.heldJson();
            if (!(reply instanceof Reply.Ok<JsonNode>(JsonNode body))) {
                return failed(reply, "");
            }
            if (json) {
                out().println(pretty(body));
                return OK;
            }
            List<HeldCall> held = new ArrayList<>();
            body.path("held").forEach(call -> held.add(HeldCall.from(call)));
            out().print(table(held, Instant.now()));
            return OK;
        }
    }

    @Command(name = "show", description = "Show one held call: arguments, rules, why it was held.")
    static final class Show extends Sub {
        @Parameters(paramLabel = "ID", description = "The held call's id.")
        String id;

        @Option(names = "--json", description = "Print the server's JSON.")
        boolean json;

        @Override
        int run(AdminClient client) {
            Reply<JsonNode> reply = client.detailJson(id);
            if (!(reply instanceof Reply.Ok<JsonNode>(JsonNode body))) {
                return failed(reply, id);
            }
            if (json) {
                out().println(pretty(body));
                return OK;
            }
            out().print(describe(HeldCallDetail.from(body), Instant.now()));
            return OK;
        }
    }

    /** Approve and deny: read the call first, then send its hash, so only the call that was looked at is decided. */
    abstract static class Decide extends Sub {
        @Parameters(paramLabel = "ID", description = "The held call's id.")
        String id;

        @Option(names = "--operator", paramLabel = "NAME", description = "Name recorded with the decision "
                + "(default: the user name).")
        String operator = System.getProperty("user.name", "operator");

        @Override
        int run(AdminClient client) {
            Reply<HeldCallDetail> reply = client.detail(id);
            if (!(reply instanceof Reply.Ok<HeldCallDetail>(HeldCallDetail detail))) {
                return failed(reply, id);
            }
            DecideResult result = client.decide(decision(detail.call()));
            return switch (result) {
                case DecideResult.Decided decided -> {
                    out().println(result.describe());
                    yield OK;
                }
                case DecideResult.Unauthorized unauthorized -> refusal(result, UNREACHABLE);
                case DecideResult.Unreachable unreachable -> refusal(result, UNREACHABLE);
                case DecideResult.BadRequest bad -> refusal(result, REFUSED);
                case DecideResult.NotFound notFound -> refusal(result, REFUSED);
                case DecideResult.Conflict conflict -> refusal(result, REFUSED);
                case DecideResult.Gone gone -> refusal(result, REFUSED);
                case DecideResult.HardStop hardStop -> refusal(result, REFUSED);
                case DecideResult.Unexpected unexpected -> refusal(result, REFUSED);
            };
        }

        private int refusal(DecideResult result, int code) {
            err().println("airlock approvals: " + id + ": " + result.describe());
            return code;
        }

        abstract Decision decision(HeldCall call);
    }

    @Command(name = "approve", description = "Approve a held call: it is forwarded, this once.")
    static final class Approve extends Decide {
        @Override
        Decision decision(HeldCall call) {
            return new Decision.Approve(call, operator);
        }
    }

    @Command(name = "deny", description = "Deny a held call: the agent gets a tool error with the reason.")
    static final class Deny extends Decide {
        @Option(names = "--reason", paramLabel = "TEXT", description = "Told to the agent.")
        String reason = "";

        @Override
        Decision decision(HeldCall call) {
            return new Decision.Deny(call, operator, reason);
        }
    }

    static String table(List<HeldCall> held, Instant now) {
        if (held.isEmpty()) {
            return "no held calls\n";
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"ID", "AGE", "AGENT", "SERVER", "TOOL", "HARD", "TAGS", "SUMMARY"});
        for (HeldCall call : held) {
            rows.add(new String[] {call.id(),
                    call.heldAt() == null ? "?" : Text.age(Duration.between(call.heldAt(), now)),
                    Text.visible(call.agent()), Text.visible(call.server()), Text.visible(call.tool()),
                    call.hard() ? "yes" : "no", Text.visible(String.join(",", call.tags())),
                    Text.visible(call.summary())});
        }
        int[] widths = new int[rows.getFirst().length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length - 1; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                out.append(i == row.length - 1 ? row[i] : String.format("%-" + widths[i] + "s  ", row[i]));
            }
            out.append('\n');
        }
        return out.toString();
    }

    static String describe(HeldCallDetail detail, Instant now) {
        HeldCall call = detail.call();
        StringBuilder out = new StringBuilder();
        out.append(call.id()).append(": ").append(Text.visible(call.server())).append('/')
                .append(Text.visible(call.tool())).append(" (").append(call.method()).append(") from ")
                .append(Text.visible(call.agent())).append(", session ").append(Text.visible(call.session()))
                .append('\n');
        if (call.heldAt() != null) {
            out.append("held:      ").append(call.heldAt()).append(" (")
                    .append(Text.age(Duration.between(call.heldAt(), now))).append(" ago)\n");
        }
        if (call.deadline() != null) {
            out.append("deadline:  ").append(call.deadline()).append('\n');
        }
        out.append("why:       ").append(Text.visible(call.why()))
                .append(call.rule().isEmpty() ? "" : " (rule " + call.rule() + ")").append('\n');
        out.append("hard:      ").append(call.hard() ? "yes (approve-and-remember not offered)" : "no").append('\n');
        out.append("tags:      ").append(Text.visible(String.join(", ", call.tags()))).append('\n');
        out.append("callHash:  ").append(call.callHash()).append('\n');
        out.append("arguments:\n").append(Text.visibleLines(pretty(detail.arguments())).indent(2));
        for (HeldCallDetail.MatchedRule rule : detail.matchedRules()) {
            out.append("rule:      ").append(rule.id()).append(" -> ").append(rule.action())
                    .append(rule.hard() ? " (hard)" : "")
                    .append(rule.reason().isEmpty() ? "" : ": " + Text.visible(rule.reason())).append('\n');
        }
        for (String step : detail.path()) {
            out.append("path:      ").append(Text.visible(step)).append('\n');
        }
        for (HeldCallDetail.RecentCall recent : detail.recentCalls()) {
            out.append("recent:    ").append(recent.at() == null ? "?" : recent.at()).append(' ')
                    .append(recent.decision()).append(' ').append(Text.visible(recent.tool())).append(' ')
                    .append(Text.visible(recent.summary())).append('\n');
        }
        detail.remember().ifPresent(offer -> out.append("remember (scope ").append(offer.scope()).append("):\n")
                .append(Text.visibleLines(offer.rule()).indent(2)));
        return out.toString();
    }

    private static String pretty(JsonNode node) {
        try {
            return PRETTY.writeValueAsString(node);
        } catch (IOException e) {
            return node.toString();
        }
    }
}
