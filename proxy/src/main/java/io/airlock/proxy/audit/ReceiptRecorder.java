package io.airlock.proxy.audit;

import io.airlock.policy.Decision;
import io.airlock.policy.Gate;
import io.airlock.policy.cascade.CascadeResult;
import io.airlock.policy.rules.Evaluation;
import io.airlock.policy.tags.Scope;
import io.airlock.policy.tags.Tag;
import io.airlock.proxy.config.AirlockConfig;
import io.airlock.proxy.relay.CallRecorder;
import io.airlock.receipts.CanonicalJson;
import io.airlock.receipts.Receipt;
import io.airlock.receipts.ReceiptLog;
import io.airlock.receipts.Redactor;
import io.airlock.receipts.Signing;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns each finished gated call into a {@link Receipt} (redacted) and appends it to the {@link ReceiptLog}. The
 * relay asks {@link #unavailable()} before every gated call: once the log cannot be written (disk full, permissions),
 * gated calls are refused, so nothing is forwarded unaudited.
 *
 * <p>A receipt is written when the call is finished (answered, denied, cancelled or cut off by the session's end), so
 * it can carry the upstream outcome. A crash of Airlock between forwarding a call and its answer therefore loses that
 * one receipt; the log's recovery marks the crash itself.
 */
public final class ReceiptRecorder implements CallRecorder, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ReceiptRecorder.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ReceiptLog receipts;
    private final Redactor redactor;
    private final Function<String, String> kinds;
    private final AtomicLong refused = new AtomicLong();

    private ReceiptRecorder(ReceiptLog receipts, Redactor redactor, Function<String, String> kinds) {
        this.receipts = receipts;
        this.redactor = redactor;
        this.kinds = kinds;
    }

    /** Opens the log (creating the key and directory on first start); recovers a torn tail, and says so. */
    /** @param kinds the catalog kind of a server name (for {@code audit replay}), or null when unknown */
    public static ReceiptRecorder open(AirlockConfig.ReceiptSettings settings, Function<String, String> kinds)
            throws IOException {
        Signing.Key key = Signing.loadOrCreate(settings.keyDir());
        ReceiptLog receipts = ReceiptLog.open(ReceiptLog.Options.defaults(settings.dir(), key)
                .withFsyncInterval(Duration.ofMillis(settings.fsyncMillis()))
                .withRotation(settings.rotateBytes(), Duration.ofHours(settings.rotateHours())));
        receipts.recovery().ifPresent(recovery -> log.warn("receipts in {}: the last file ended in a torn line "
                + "(Airlock stopped mid-write); it was cut and the chain resumes: {}", settings.dir(), recovery));
        Redactor redactor = settings.rawArguments() ? Redactor.raw() : Redactor.standard(settings.masks());
        if (settings.rawArguments()) {
            log.warn("receipts record arguments UNREDACTED (receipts.rawArguments: true)");
        }
        return new ReceiptRecorder(receipts, redactor, kinds);
    }

    @Override
    public String unavailable() {
        return receipts.healthy() ? null : receipts.failure().orElse("the receipt log failed");
    }

    @Override
    public void record(Call call) {
        Receipt receipt;
        try {
            receipt = toReceipt(call, kinds.apply(call.request().server())).redactedWith(redactor);
        } catch (RuntimeException e) {
            log.error("could not build the receipt of {} {}", call.request().method(), call.request().target(), e);
            return;
        }
        if (receipts.append(receipt) instanceof ReceiptLog.Append.Refused no) {
            log.error("receipt NOT recorded ({} so far): {}", refused.incrementAndGet(), no.reason());
        }
    }

    public ReceiptLog log() {
        return receipts;
    }

    static Receipt toReceipt(Call call, String kind) {
        Decision decision = call.decided().decision();
        CascadeResult detail = call.decided().detail();
        Evaluation evaluation = detail == null ? null : detail.evaluation();
        List<Receipt.CapabilityTag> tags = new ArrayList<>();
        if (detail != null) {
            for (Tag tag : detail.tags()) {
                tags.add(new Receipt.CapabilityTag(tag.capability().id(), tag.scope() == Scope.NONE ? ""
                        : tag.scope().id(), tag.evidence()));
            }
        }
        int tier = detail == null ? 0 : detail.tier();
        return new Receipt(decisionId(), call.at(), call.request().agent(), call.request().sessionId(),
                call.request().server(), kind == null ? "" : kind, call.request().method(),
                call.request().target(), CanonicalJson.digest(call.request().arguments()),
                call.request().arguments(), "raw", tags,
                decision instanceof Decision.Allow ? Receipt.Outcome.ALLOW : Receipt.Outcome.DENY, tier,
                detail != null && detail.hard(), decision instanceof Decision.Deny deny ? deny.reason() : "",
                steps(decision, detail, evaluation, call.decisionMicros()),
                evaluation == null ? "" : evaluation.revision(),
                new Receipt.Upstream(switch (call.outcome()) {
                    case OK -> Receipt.UpstreamOutcome.OK;
                    case ERROR -> Receipt.UpstreamOutcome.ERROR;
                    case IS_ERROR -> Receipt.UpstreamOutcome.IS_ERROR;
                    case NOT_FORWARDED -> Receipt.UpstreamOutcome.NOT_FORWARDED;
                }, call.resultBytes(), call.upstreamMicros()));
    }

    /**
     * The path through the tiers: tier 0's verdict and rule, the tiers the call passed through, and the tier that
     * decided, with who decided. Timing is known for the whole decision only; it goes on the deciding step.
     */
    private static List<Receipt.Step> steps(Decision decision, CascadeResult detail, Evaluation evaluation,
                                            long decisionMicros) {
        List<Receipt.Step> steps = new ArrayList<>();
        Receipt.Verdict finalVerdict = decision instanceof Decision.Allow ? Receipt.Verdict.ALLOW
                : Receipt.Verdict.DENY;
        if (detail == null || evaluation == null) {
            steps.add(new Receipt.Step(0, finalVerdict, decider(decision.rule()), decisionMicros,
                    "decided without the policy engine's detail"));
            return steps;
        }
        List<String> path = detail.path();
        Receipt.Verdict tier0 = Receipt.Verdict.of(evaluation.action().id());
        if (detail.tier() == 0) {
            steps.add(new Receipt.Step(0, finalVerdict, decider(decision.rule()), decisionMicros,
                    path.isEmpty() ? "" : path.getFirst()));
            return steps;
        }
        steps.add(new Receipt.Step(0, tier0, new Receipt.Decider.Rule(evaluation.ruleId()), 0,
                path.isEmpty() ? "" : path.getFirst()));
        for (int i = 1; i < path.size() - 1; i++) {
            String line = path.get(i);
            int tier = line.startsWith("tier 1") ? 1 : line.startsWith("tier 2") ? 2 : line.startsWith("tier 3") ? 3
                    : 0;
            steps.add(new Receipt.Step(tier, Receipt.Verdict.PASS, new Receipt.Decider.Gateway("passed on"), 0,
                    line));
        }
        steps.add(new Receipt.Step(detail.tier(), finalVerdict, decider(decision.rule()), decisionMicros,
                path.size() > 1 ? path.getLast() : ""));
        return steps;
    }

    /** Who decided, from the decision's rule id ({@code operator:alice}, {@code classifier:model}, a rule id...). */
    static Receipt.Decider decider(String rule) {
        if (rule.startsWith("operator:")) {
            return new Receipt.Decider.Operator(rule.substring("operator:".length()));
        }
        if (rule.startsWith("classifier:")) {
            return new Receipt.Decider.Classifier(rule.substring("classifier:".length()), "");
        }
        if (rule.startsWith("sandbox:")) {
            return new Receipt.Decider.Sandbox(rule.substring("sandbox:".length()));
        }
        return switch (rule) {
            case "operator-timeout", "operator-unavailable", "operator-queue-full", "cancelled", "gate-error",
                    "operator-error", "receipts-unavailable" -> new Receipt.Decider.Gateway(rule);
            default -> new Receipt.Decider.Rule(rule);
        };
    }

    private static String decisionId() {
        byte[] bytes = new byte[12];
        RANDOM.nextBytes(bytes);
        return "d-" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    @Override
    public void close() {
        try {
            receipts.close();
        } catch (IOException e) {
            log.error("closing the receipt log: {}", e.toString());
        }
    }
}
