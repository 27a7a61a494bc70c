package io.airlock.receipts;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The receipt of one gated message ({@code tools/call}, {@code resources/read}, {@code prompts/get}): who asked for
 * what, how the policy decided and who decided, and what the server answered. It carries what {@code audit replay}
 * needs to re-run the call through another policy: {@code server}, {@code serverKind}, {@code method}, {@code target}
 * and the (redacted) {@code arguments}.
 * <p>
 * This is the stable on-disk model: the gateway maps its own decision types onto it, so a policy refactoring does not
 * change the format. {@code docs/RECEIPTS.md} documents each field.
 *
 * @param decisionId      unique id of this decision (the gateway's; also what an operator sees)
 * @param agent           the agent's identity, {@code anonymous} when unknown
 * @param session         Airlock's session id
 * @param server          the configured server name the agent addressed
 * @param serverKind      the server's catalog kind (e.g. {@code shell}, {@code git}), empty when unknown
 * @param method          {@code tools/call}, {@code resources/read} or {@code prompts/get}
 * @param target          the tool name, resource URI or prompt name
 * @param argumentsDigest {@link CanonicalJson#digest} of the arguments as received, before redaction: equal calls have
 *                        equal digests, and a reviewer holding the original can prove it matches
 * @param arguments       the arguments after redaction (raw only if raw payload logging was enabled)
 * @param redaction       {@link Redactor#name()} of the redactor applied, {@code raw} when none was
 * @param tags            the capability tags, with evidence
 * @param decision        the final decision
 * @param tier            the tier that made it (0 rules, 1 sandbox, 2 classifier, 3 operator)
 * @param hard            whether a hard rule bounded the call (only ask or deny were possible)
 * @param reason          the reason given to the agent on a denial, empty on allow
 * @param path            the path through the tiers, one step per tier consulted, in order
 * @param policyRevision  the policy revision that decided
 * @param upstream        what happened upstream ({@link Upstream#notForwarded()} for a denial)
 */
public record Receipt(String decisionId, Instant time, String agent, String session, String server,
                      String serverKind, String method, String target, String argumentsDigest, JsonNode arguments,
                      String redaction, List<CapabilityTag> tags, Outcome decision, int tier, boolean hard,
                      String reason, List<Step> path, String policyRevision, Upstream upstream) implements Entry {

    public static final String TYPE = "call";

    public Receipt {
        Objects.requireNonNull(decisionId, "decisionId");
        Objects.requireNonNull(time, "time");
        agent = agent == null ? "anonymous" : agent;
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(server, "server");
        serverKind = serverKind == null ? "" : serverKind;
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(argumentsDigest, "argumentsDigest");
        arguments = arguments == null ? com.fasterxml.jackson.databind.node.NullNode.getInstance() : arguments;
        Objects.requireNonNull(redaction, "redaction");
        tags = List.copyOf(tags);
        Objects.requireNonNull(decision, "decision");
        if (tier < 0 || tier > 3) {
            throw new IllegalArgumentException("tier: " + tier + " (expected: 0..3)");
        }
        reason = reason == null ? "" : reason;
        path = List.copyOf(path);
        policyRevision = policyRevision == null ? "" : policyRevision;
        Objects.requireNonNull(upstream, "upstream");
    }

    @Override
    public String type() {
        return TYPE;
    }

    /**
     * A copy with the arguments and every free text that may quote them (tag evidence, reason, step details,
     * classifier answers) passed through {@code redactor}. The digest is kept: it was taken before redaction.
     */
    public Receipt redactedWith(Redactor redactor) {
        List<CapabilityTag> redactedTags = tags.stream()
                .map(t -> new CapabilityTag(t.capability(), t.scope(), redactor.redactText(t.evidence())))
                .toList();
        List<Step> redactedPath = path.stream()
                .map(s -> new Step(s.tier(), s.verdict(), s.decider().redactedWith(redactor), s.latencyMicros(),
                        redactor.redactText(s.detail())))
                .toList();
        return new Receipt(decisionId, time, agent, session, server, serverKind, method, target, argumentsDigest,
                redactor.redact(arguments), redactor.name(), redactedTags, decision, tier, hard,
                redactor.redactText(reason), redactedPath, policyRevision, upstream);
    }

    /** Who made the final decision: the decider of the last step (the path ends where the decision was made). */
    public Decider decider() {
        return path.isEmpty() ? new Decider.Gateway("no path recorded") : path.getLast().decider();
    }

    /** Whether a person was asked: some step was an operator's. */
    public boolean reachedOperator() {
        return path.stream().anyMatch(s -> s.decider() instanceof Decider.Operator);
    }

    /** The final decision. */
    public enum Outcome {
        ALLOW, DENY;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Outcome of(String id) {
            return Ids.parse(Outcome.class, values(), id, Outcome::id);
        }
    }

    /**
     * One capability tag.
     *
     * @param capability the capability id, e.g. {@code delete}
     * @param scope      where it lands, e.g. {@code outside}; empty when the capability has no scope
     * @param evidence   what produced it (redacted), e.g. {@code rm -rf ~/old}
     */
    public record CapabilityTag(String capability, String scope, String evidence) {
        public CapabilityTag {
            Objects.requireNonNull(capability, "capability");
            scope = scope == null ? "" : scope;
            evidence = evidence == null ? "" : evidence;
        }

        /** {@code capability} or {@code capability:scope}, as the policy writes tags. */
        public String label() {
            return scope.isEmpty() ? capability : capability + ":" + scope;
        }
    }

    /**
     * One tier's part in the decision.
     *
     * @param tier          0 rules, 1 sandbox, 2 classifier, 3 operator
     * @param verdict       what the tier concluded
     * @param decider       who concluded it
     * @param latencyMicros how long the tier took
     * @param detail        the step in words (redacted), as {@code airlock explain} shows it
     */
    public record Step(int tier, Verdict verdict, Decider decider, long latencyMicros, String detail) {
        public Step {
            if (tier < 0 || tier > 3) {
                throw new IllegalArgumentException("tier: " + tier + " (expected: 0..3)");
            }
            Objects.requireNonNull(verdict, "verdict");
            Objects.requireNonNull(decider, "decider");
            if (latencyMicros < 0) {
                throw new IllegalArgumentException("latencyMicros: " + latencyMicros + " (expected: >= 0)");
            }
            detail = detail == null ? "" : detail;
        }
    }

    /** What one tier concluded. {@code pass} means the tier was unavailable or failed and passed the call on. */
    public enum Verdict {
        ALLOW, DENY, ASK, SANDBOX, CLASSIFY, RETRY, PASS;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Verdict of(String id) {
            return Ids.parse(Verdict.class, values(), id, Verdict::id);
        }
    }

    /** Who concluded a step. */
    public sealed interface Decider {
        /** {@code rule}, {@code sandbox}, {@code classifier}, {@code operator} or {@code gateway}. */
        String kind();

        /** The rule id, twin, model, operator name or reason: what {@code audit query --decider} matches. */
        String name();

        Decider redactedWith(Redactor redactor);

        /** A tier-0 rule (or list entry); {@code default} when no rule matched. */
        record Rule(String id) implements Decider {
            public Rule {
                Objects.requireNonNull(id, "id");
            }

            public String kind() {
                return "rule";
            }

            public String name() {
                return id;
            }

            public Decider redactedWith(Redactor redactor) {
                return this;
            }
        }

        /** The sandbox tier, with the twin it ran the call in. */
        record Sandbox(String twin) implements Decider {
            public Sandbox {
                Objects.requireNonNull(twin, "twin");
            }

            public String kind() {
                return "sandbox";
            }

            public String name() {
                return twin;
            }

            public Decider redactedWith(Redactor redactor) {
                return this;
            }
        }

        /** The classifier tier: the model and its answer (redacted: a model may quote the arguments). */
        record Classifier(String model, String answer) implements Decider {
            public Classifier {
                Objects.requireNonNull(model, "model");
                answer = answer == null ? "" : answer;
            }

            public String kind() {
                return "classifier";
            }

            public String name() {
                return model;
            }

            public Decider redactedWith(Redactor redactor) {
                return new Classifier(model, redactor.redactText(answer));
            }
        }

        /** A person at the operator tier. */
        record Operator(String operator) implements Decider {
            public Operator {
                Objects.requireNonNull(operator, "operator");
            }

            public String kind() {
                return "operator";
            }

            public String name() {
                return operator;
            }

            public Decider redactedWith(Redactor redactor) {
                return this;
            }
        }

        /** Airlock itself, failing closed (e.g. no operator connected, a tier error). */
        record Gateway(String reason) implements Decider {
            public Gateway {
                Objects.requireNonNull(reason, "reason");
            }

            public String kind() {
                return "gateway";
            }

            public String name() {
                return reason;
            }

            public Decider redactedWith(Redactor redactor) {
                return new Gateway(redactor.redactText(reason));
            }
        }
    }

    /**
     * What the server did with the call.
     *
     * @param outcome       ok, error (JSON-RPC error or transport failure), is-error (a tool result with
     *                      {@code isError: true}) or not-forwarded
     * @param resultBytes   the size of the answer as received, 0 when not forwarded
     * @param latencyMicros from forwarding to the answer, 0 when not forwarded
     */
    public record Upstream(UpstreamOutcome outcome, long resultBytes, long latencyMicros) {
        public Upstream {
            Objects.requireNonNull(outcome, "outcome");
            if (resultBytes < 0 || latencyMicros < 0) {
                throw new IllegalArgumentException("resultBytes/latencyMicros: " + resultBytes + "/"
                        + latencyMicros + " (expected: >= 0)");
            }
        }

        public static Upstream notForwarded() {
            return new Upstream(UpstreamOutcome.NOT_FORWARDED, 0, 0);
        }
    }

    /** The closed set of upstream outcomes. */
    public enum UpstreamOutcome {
        OK, ERROR, IS_ERROR, NOT_FORWARDED,
        /** Forwarded when the receipt was written; a {@link CallResult} line with its decision id says how it ended. */
        FORWARDED,
        /** Not forwarded: a sandboxed twin ran the call, its effects were committed and its result was the answer. */
        SANDBOXED;

        public String id() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        public static UpstreamOutcome of(String id) {
            return Ids.parse(UpstreamOutcome.class, values(), id, UpstreamOutcome::id);
        }
    }
}
