package io.airlock.proxy.cli;

import io.airlock.receipts.ChainVerifier;
import io.airlock.receipts.Receipt;
import io.airlock.receipts.ReceiptFiles;
import io.airlock.receipts.ReceiptQuery;
import io.airlock.receipts.ReceiptStats;
import io.airlock.receipts.Signing;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code airlock audit}: review the receipt log. {@code verify} checks the chain and signatures, {@code query} lists
 * receipts, {@code stats} sums them up. Exit codes: 0 fine, 1 a fault was found (verify), 2 the command could not run.
 */
@Command(name = "audit", description = "Review the receipt log: verify its chain and signatures, query and "
        + "summarise receipts, replay them through another policy.", subcommands = {AuditCommand.Verify.class,
        AuditCommand.Query.class, AuditCommand.Stats.class, AuditCommand.Replay.class})
final class AuditCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }

    /** Which receipts to read: FILES, else the receipts files in {@code --dir}. */
    static final class Source {
        @Option(names = "--dir", description = "Receipts directory (default: <state>/receipts, where <state> is "
                + "$AIRLOCK_STATE_DIR, else ~/.airlock).")
        Path dir;

        @Parameters(arity = "0..*", paramLabel = "FILES", description = "Receipts files (default: all in --dir).")
        List<Path> files;

        Path directory() {
            return dir != null ? dir : ReceiptFiles.receiptsDir(ReceiptFiles.defaultStateDir());
        }

        List<Path> resolve() throws IOException {
            if (files != null && !files.isEmpty()) {
                return files;
            }
            Path directory = directory();
            if (!Files.isDirectory(directory)) {
                throw new IOException("no receipts directory at " + directory + " (use --dir or give FILES)");
            }
            return ReceiptFiles.list(directory);
        }

        /** The key directory next to the receipts directory ({@code <state>/keys}). */
        Path defaultPublicKey() {
            Path parent = directory().toAbsolutePath().getParent();
            return ReceiptFiles.keyDir(parent == null ? Path.of(".") : parent).resolve(Signing.PUBLIC_KEY_FILE);
        }
    }

    @Command(name = "verify", description = "Check the hash chain and the checkpoint signatures; print the first "
            + "broken link and what is wrong. Exit 1 on any fault.")
    static final class Verify implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        Source source = new Source();

        @Option(names = "--key", description = "The public key file (default: <state>/keys/"
                + Signing.PUBLIC_KEY_FILE + ").")
        Path key;

        @Option(names = "--no-signatures", description = "Check only the hash chain (no public key at hand). A "
                + "rewritten chain passes this; only signatures catch it.")
        boolean noSignatures;

        @Option(names = "--live", description = "The log is still being written: an unsigned tail or a half-written "
                + "last line is reported, not a fault.")
        boolean live;

        @Option(names = "--partial", description = "The files do not start at the chain's genesis (older files "
                + "archived); check from the first one given.")
        boolean partial;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            try {
                PublicKey publicKey = null;
                if (!noSignatures) {
                    Path keyFile = key != null ? key : source.defaultPublicKey();
                    if (!Files.isRegularFile(keyFile)) {
                        err.println("airlock audit verify: no public key at " + keyFile + "; give --key, or "
                                + "--no-signatures to check the hash chain only");
                        return 2;
                    }
                    publicKey = Signing.readPublicKey(keyFile);
                }
                List<Path> files = source.resolve();
                ChainVerifier.Report report = ChainVerifier.verify(files,
                        new ChainVerifier.Options(publicKey, live, partial));
                report.notes().forEach(note -> out.println("note: " + note));
                if (report.fault().isPresent()) {
                    out.println("FAULT " + report.fault().get());
                    out.println("checked before the fault: " + report.lines() + " lines in " + report.files()
                            + " file(s)");
                    return 1;
                }
                out.println("OK: " + report.files() + " file(s), " + report.lines() + " lines, " + report.receipts()
                        + " receipts, " + report.checkpoints() + " checkpoints, " + report.recoveries()
                        + " recoveries; chain through seq " + report.lastSeq() + ", signed through seq "
                        + report.lastSignedSeq() + (publicKey == null ? " (signatures not checked)"
                        : " by " + Signing.keyId(publicKey)));
                return 0;
            } catch (IOException e) {
                err.println("airlock audit verify: " + e.getMessage());
                return 2;
            } finally {
                out.flush();
            }
        }
    }

    /** The filters {@code query} and {@code stats} share. */
    static final class Filters {
        @Option(names = "--from", description = "At or after: an ISO instant (2026-03-01T10:00:00Z), a date "
                + "(2026-03-01, UTC) or an age (30m, 12h, 7d ago).")
        String from;

        @Option(names = "--to", description = "Before: same forms as --from.")
        String to;

        @Option(names = "--agent", description = "Agent identity (glob).")
        String agent;

        @Option(names = "--server", description = "Server name (glob).")
        String server;

        @Option(names = "--tool", description = "Tool name, resource URI or prompt name (glob).")
        String tool;

        @Option(names = "--tag", description = "Tag label (delete:outside) or capability (delete), glob.")
        String tag;

        @Option(names = "--decision", description = "allow or deny.")
        String decision;

        @Option(names = "--tier", description = "The tier that decided: 0 rules, 1 sandbox, 2 classifier, 3 operator.")
        Integer tier;

        @Option(names = "--decider", description = "Who decided: kind:name (rule:no-rm, operator:alice, "
                + "classifier:*) or a name.")
        String decider;

        ReceiptQuery toQuery(Instant now) {
            return new ReceiptQuery(time(from, now, "--from"), time(to, now, "--to"), agent, server, tool, tag,
                    decision == null ? null : Receipt.Outcome.of(decision.toLowerCase(Locale.ROOT)), tier, decider);
        }

        static Instant time(String text, Instant now, String option) {
            if (text == null) {
                return null;
            }
            try {
                if (text.matches("\\d+[smhd]")) {
                    long amount = Long.parseLong(text.substring(0, text.length() - 1));
                    Duration age = switch (text.charAt(text.length() - 1)) {
                        case 's' -> Duration.ofSeconds(amount);
                        case 'm' -> Duration.ofMinutes(amount);
                        case 'h' -> Duration.ofHours(amount);
                        default -> Duration.ofDays(amount);
                    };
                    return now.minus(age);
                }
                if (text.length() == 10) {
                    return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
                }
                return Instant.parse(text);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(option + ": '" + text + "' (expected: an ISO instant like "
                        + "2026-03-01T10:00:00Z, a date like 2026-03-01, or an age like 12h)");
            }
        }
    }

    enum Format { TABLE, JSONL }

    @Command(name = "query", description = "List receipts that match the filters, as a table or as the JSON lines "
            + "stored. Reads without verifying: run verify to trust what it shows.")
    static final class Query implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        Source source = new Source();

        @Mixin
        Filters filters = new Filters();

        @Option(names = "--format", description = "table or jsonl (default: table).")
        Format format = Format.TABLE;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            try {
                ReceiptQuery query = filters.toQuery(Instant.now());
                if (format == Format.TABLE) {
                    out.println(String.format("%-24s %-12s %-12s %-24s %-8s %-4s %-28s %s", "TIME", "AGENT",
                            "SERVER", "TARGET", "DECISION", "TIER", "DECIDER", "TAGS"));
                }
                ReceiptQuery.Result result = query.run(source.resolve(), (line, receipt) -> {
                    if (format == Format.JSONL) {
                        out.println(new String(line.bytes(), StandardCharsets.UTF_8));
                    } else {
                        out.println(String.format("%-24s %-12s %-12s %-24s %-8s %-4d %-28s %s", receipt.time(),
                                receipt.agent(), receipt.server(), receipt.target(), receipt.decision().id(),
                                receipt.tier(), receipt.decider().kind() + ":" + receipt.decider().name(),
                                receipt.tags().stream().map(Receipt.CapabilityTag::label)
                                        .collect(Collectors.joining(","))));
                    }
                });
                err.println(result.matched() + " of " + result.scanned() + " receipts matched"
                        + (result.unreadable() > 0 ? "; " + result.unreadable() + " unreadable lines skipped (run "
                        + "airlock audit verify)" : ""));
                return 0;
            } catch (IOException | IllegalArgumentException e) {
                err.println("airlock audit query: " + e.getMessage());
                return 2;
            } finally {
                out.flush();
            }
        }
    }

    @Command(name = "stats", description = "Decisions per tier and per tag, the interruption rate (operator asks "
            + "per 100 calls) and the approval rate per capability.")
    static final class Stats implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        Source source = new Source();

        @Mixin
        Filters filters = new Filters();

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            try {
                ReceiptStats stats = new ReceiptStats();
                filters.toQuery(Instant.now()).run(source.resolve(), (line, receipt) -> stats.add(receipt));
                print(out, stats);
                return 0;
            } catch (IOException | IllegalArgumentException e) {
                err.println("airlock audit stats: " + e.getMessage());
                return 2;
            } finally {
                out.flush();
            }
        }

        private static void print(PrintWriter out, ReceiptStats stats) {
            out.println("calls: " + stats.calls());
            out.println("decisions per tier:");
            stats.byTier().forEach((tier, counts) -> out.println("  tier " + tier + " (" + tierName(tier) + "): "
                    + counts(counts)));
            out.println("decisions per tag:");
            stats.byTag().forEach((tag, counts) -> out.println("  " + tag + ": " + counts(counts)));
            out.println(String.format(Locale.ROOT, "interruption rate: %.1f operator asks per 100 calls (%d asks)",
                    stats.interruptionRate(), stats.operatorAsks()));
            out.println("approval rate per capability (calls a person decided):");
            if (stats.operatorByCapability().isEmpty()) {
                out.println("  (no calls reached a person)");
            }
            stats.operatorByCapability().forEach((capability, askedApproved) -> out.println(String.format(Locale.ROOT,
                    "  %s: %.0f%% (%d of %d approved)", capability, stats.approvalRate(capability), askedApproved[1],
                    askedApproved[0])));
        }

        private static String counts(Map<Receipt.Outcome, Long> counts) {
            long allow = counts.getOrDefault(Receipt.Outcome.ALLOW, 0L);
            long deny = counts.getOrDefault(Receipt.Outcome.DENY, 0L);
            return allow + deny + " (" + allow + " allowed, " + deny + " denied)";
        }

        private static String tierName(int tier) {
            return switch (tier) {
                case 0 -> "rules";
                case 1 -> "sandbox";
                case 2 -> "classifier";
                default -> "operator";
            };
        }
    }

    @Command(name = "replay", description = "Re-run the recorded calls through another config's policy without "
            + "executing anything, and list every call whose route would change (shadow evaluation before "
            + "enforcing a policy). Compares tier 0: allow, sandbox, classify, ask, deny, and whether it is hard.")
    static final class Replay implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        Source source = new Source();

        @Mixin
        Filters filters = new Filters();

        @Option(names = "--config", required = true, description = "The config whose policy to replay against.")
        Path config;

        @Option(names = "--format", description = "table or jsonl (default: table).")
        Format format = Format.TABLE;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            io.airlock.policy.PolicyGate gate;
            io.airlock.proxy.config.AirlockConfig loaded;
            try {
                loaded = io.airlock.proxy.config.ConfigLoader.load(config);
                gate = io.airlock.proxy.PolicyEngine.dryRun(loaded);
            } catch (Exception e) {
                err.println("airlock audit replay: " + e.getMessage());
                return 2;
            }
            long[] counts = new long[3]; // replayed, changed, failed
            try {
                if (format == Format.TABLE) {
                    out.println(String.format("%-24s %-12s %-24s %-16s %-16s %s", "TIME", "SERVER", "TARGET",
                            "RECORDED", "NOW", "NOW BY RULE"));
                }
                filters.toQuery(Instant.now()).run(source.resolve(), (line, receipt) -> {
                    counts[0]++;
                    // A server the new config does not name is evaluated as its recorded catalog kind.
                    String server = loaded.servers().containsKey(receipt.server()) || receipt.serverKind().isEmpty()
                            ? receipt.server() : receipt.serverKind();
                    io.airlock.policy.cascade.CascadeResult now;
                    try {
                        now = gate.evaluate(new io.airlock.policy.GateRequest(server, receipt.method(),
                                receipt.target(), receipt.arguments(), receipt.session(), receipt.agent()))
                                .toCompletableFuture().join();
                    } catch (RuntimeException e) {
                        counts[2]++;
                        err.println(receipt.decisionId() + ": could not be evaluated: " + e.getMessage());
                        return;
                    }
                    String recorded = recordedRoute(receipt);
                    String replayed = now.evaluation().action().id() + (now.hard() ? " (hard)" : "");
                    if (recorded.equals(replayed)) {
                        return;
                    }
                    counts[1]++;
                    if (format == Format.JSONL) {
                        out.println(AuditJson.MAPPER.createObjectNode().put("decisionId", receipt.decisionId())
                                .put("time", receipt.time().toString()).put("server", receipt.server())
                                .put("target", receipt.target()).put("recorded", recorded).put("now", replayed)
                                .put("rule", now.evaluation().ruleId()).toString());
                    } else {
                        out.println(String.format("%-24s %-12s %-24s %-16s %-16s %s", receipt.time(),
                                receipt.server(), receipt.target(), recorded, replayed, now.evaluation().ruleId()));
                    }
                });
                err.println(counts[1] + " of " + counts[0] + " recorded calls would be routed differently"
                        + (counts[2] > 0 ? "; " + counts[2] + " could not be evaluated" : "")
                        + " (arguments are replayed as recorded, i.e. redacted)");
                return counts[2] > 0 ? 1 : 0;
            } catch (IOException | IllegalArgumentException e) {
                err.println("airlock audit replay: " + e.getMessage());
                return 2;
            } finally {
                out.flush();
            }
        }

        /** The tier-0 route recorded: the first step's verdict, and whether a hard rule bounded the call. */
        static String recordedRoute(Receipt receipt) {
            String verdict = receipt.path().isEmpty() ? receipt.decision().id()
                    : receipt.path().getFirst().verdict().id();
            return verdict + (receipt.hard() ? " (hard)" : "");
        }
    }

    /** Shared JSON mapper for the audit commands' output. */
    static final class AuditJson {
        static final com.fasterxml.jackson.databind.ObjectMapper MAPPER =
                new com.fasterxml.jackson.databind.ObjectMapper();

        private AuditJson() {}
    }
}
