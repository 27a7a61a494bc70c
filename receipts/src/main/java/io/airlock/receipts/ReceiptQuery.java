package io.airlock.receipts;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A filter over receipts ({@code airlock audit query}). Every criterion is optional (null: any); text criteria are
 * globs ({@code *} any run of characters) matched whole.
 *
 * @param from     receipts at or after this time
 * @param to       receipts before this time
 * @param agent    the agent identity
 * @param server   the configured server name
 * @param tool     the tool name, resource URI or prompt name ({@code target})
 * @param tag      a tag label ({@code delete:outside}) or capability ({@code delete}, matching any scope)
 * @param decision the final decision
 * @param tier     the tier that decided
 * @param decider  who decided: {@code kind:name} ({@code rule:no-rm}, {@code operator:alice},
 *                 {@code classifier:*}) or a name of any kind
 */
public record ReceiptQuery(Instant from, Instant to, String agent, String server, String tool, String tag,
                           Receipt.Outcome decision, Integer tier, String decider) {

    public static final ReceiptQuery ALL = new ReceiptQuery(null, null, null, null, null, null, null, null, null);

    public boolean matches(Receipt r) {
        return (from == null || !r.time().isBefore(from))
                && (to == null || r.time().isBefore(to))
                && glob(agent, r.agent())
                && glob(server, r.server())
                && glob(tool, r.target())
                && (tag == null || r.tags().stream().anyMatch(t -> glob(tag, t.label()) || glob(tag, t.capability())))
                && (decision == null || r.decision() == decision)
                && (tier == null || r.tier() == tier)
                && (decider == null || matchesDecider(r.decider()));
    }

    private boolean matchesDecider(Receipt.Decider d) {
        int colon = decider.indexOf(':');
        if (colon > 0 && List.of("rule", "sandbox", "classifier", "operator", "gateway")
                .contains(decider.substring(0, colon).toLowerCase(Locale.ROOT))) {
            return d.kind().equalsIgnoreCase(decider.substring(0, colon)) && glob(decider.substring(colon + 1),
                    d.name());
        }
        return glob(decider, d.name());
    }

    private static boolean glob(String pattern, String value) {
        if (pattern == null) {
            return true;
        }
        if (pattern.indexOf('*') < 0) {
            return pattern.equals(value);
        }
        StringBuilder regex = new StringBuilder();
        for (String part : pattern.split("\\*", -1)) {
            if (!regex.isEmpty()) {
                regex.append(".*");
            }
            regex.append(Pattern.quote(part));
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL).matcher(value).matches();
    }

    /** Receives each matching receipt with its line as stored. */
    @FunctionalInterface
    public interface Sink {
        void receipt(ReceiptReader.RawLine line, Receipt receipt) throws IOException;
    }

    /**
     * What a run saw.
     *
     * @param unreadable lines that could not be decoded (skipped; {@code audit verify} says why)
     */
    public record Result(long scanned, long matched, long unreadable) {
    }

    /** Reads {@code files} in order and hands every matching receipt to {@code sink}. Does not verify the chain. */
    public Result run(List<Path> files, Sink sink) throws IOException {
        long[] counts = new long[3];
        ReceiptReader.read(files, raw -> {
            if (!raw.terminated()) {
                counts[2]++;
                return true;
            }
            try {
                if (ReceiptCodec.decode(raw.bytes()).entry() instanceof Receipt receipt) {
                    counts[0]++;
                    if (matches(receipt)) {
                        counts[1]++;
                        sink.receipt(raw, receipt);
                    }
                }
            } catch (ReceiptFormatException e) {
                counts[2]++;
            }
            return true;
        });
        return new Result(counts[0], counts[1], counts[2]);
    }
}
