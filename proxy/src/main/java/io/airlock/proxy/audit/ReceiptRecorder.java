package io.airlock.proxy.audit;

import io.airlock.policy.Decision;
import io.airlock.policy.Gate;
import io.airlock.policy.cascade.CascadeResult;
import io.airlock.policy.rules.Evaluation;
import io.airlock.policy.tags.Scope;
import io.airlock.policy.tags.Tag;
import io.airlock.proxy.config.AirlockConfig;
import io.airlock.proxy.relay.CallRecorder;
import io.airlock.receipts.CallResult;
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
 * <p>A receipt is written when the call is decided: for an allowed call, before it is forwarded (with upstream outcome
 * {@code forwarded}); a {@link CallResult} line with the same decision id records how it ended. A receipt that cannot
 * be queued means the call is not forwarded.
 */
public final class ReceiptRecorder implements CallRecorder, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ReceiptRecorder.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Subdirectory of the receipts dir where Airlocks that find it in use write their own chains. */
    public static final String INSTANCES = "instances";

    private final ReceiptLog receipts;
    private final Redactor redactor;
    private final Function<String, String> kinds;
    private final java.nio.channels.FileChannel lock;
    private final boolean traffic;
    private final AtomicLong refused = new AtomicLong();

    private ReceiptRecorder(ReceiptLog receipts, Redactor redactor, Function<String, String> kinds,
                            java.nio.channels.FileChannel lock, boolean traffic) {
        this.receipts = receipts;
        this.redactor = redactor;
        this.kinds = kinds;
        this.lock = lock;
        this.traffic = traffic;
    }

    /**
     * One writer per chain: two processes appending to the same files would interleave and break it. The first
     * Airlock takes the receipts dir; another one running at the same time (several {@code airlock stdio} spawned by
     * agents) writes its own chain under {@code instances/<pid>-<n>}, which {@code airlock audit} reads too.
     */
    private static java.nio.channels.FileChannel lockOrNull(java.nio.file.Path dir) throws IOException {
        java.nio.file.Files.createDirectories(dir);
        java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(dir.resolve(".lock"),
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
        try {
            if (channel.tryLock() != null) {
                return channel;
            }
        } catch (java.nio.channels.OverlappingFileLockException inThisJvm) {
            // Another gateway in this JVM holds it.
        }
        channel.close();
        return null;
    }

    /** Opens the log (creating the key and directory on first start); recovers a torn tail, and says so. */
    /** @param kinds the catalog kind of a server name (for {@code audit replay}), or null when unknown */
    public static ReceiptRecorder open(AirlockConfig.ReceiptSettings settings, Function<String, String> kinds)
            throws IOException {
        Signing.Key key = Signing.loadOrCreate(settings.keyDir());
        java.nio.file.Path dir = settings.dir();
        java.nio.channels.FileChannel lock = lockOrNull(dir);
        for (int n = 1; lock == null; n++) {
            dir = settings.dir().resolve(INSTANCES).resolve(ProcessHandle.current().pid() + "-" + n);
            lock = lockOrNull(dir);
        }
        if (!dir.equals(settings.dir())) {
            log.info("receipts dir {} is in use by another Airlock; this one writes its own chain in {}",
                    settings.dir(), dir);
        }
        ReceiptLog receipts = ReceiptLog.open(ReceiptLog.Options.defaults(dir, key)
                .withFsyncInterval(Duration.ofMillis(settings.fsyncMillis()))
                .withRotation(settings.rotateBytes(), Duration.ofHours(settings.rotateHours())));
        receipts.recovery().ifPresent(recovery -> log.warn("receipts in {}: the last file ended in a torn line "
                + "(Airlock stopped mid-write); it was cut and the chain resumes: {}", settings.dir(), recovery));
        Redactor redactor = settings.rawArguments() ? Redactor.raw() : Redactor.standard(settings.masks());
        if (settings.rawArguments()) {
            log.warn("receipts record arguments UNREDACTED (receipts.rawArguments: true)");
        }
        if (settings.traffic()) {
            log.info("receipts also keep every proxied message, redacted (receipts.traffic: true)");
        }
        return new ReceiptRecorder(receipts, redactor, kinds, lock, settings.traffic());
    }

    @Override
    public String unavailable() {
        return receipts.healthy() ? null : receipts.failure().orElse("the receipt log failed");
    }

    @Override
    public String record(Call call) {
        // Built now (a receipt that cannot be made keeps the call from being forwarded) and admitted now; the
        // costly part, redacting and encoding, happens on the log's writer thread, not on the event loop.
        String decisionId = decisionId();
        Receipt receipt;
        try {
            receipt = toReceipt(call, kinds.apply(call.request().server()), decisionId);
        } catch (RuntimeException e) {
            log.error("could not build the receipt of {} {}", call.request().method(), call.request().target(), e);
            return null;
        }
        if (receipts.appendLater(() -> receipt.redactedWith(redactor)) instanceof ReceiptLog.Append.Refused no) {
            log.error("receipt NOT recorded ({} so far): {}", refused.incrementAndGet(), no.reason());
            return null;
        }
        return decisionId;
    }

    @Override
    public void finished(String decisionId, Outcome outcome, long resultBytes, long upstreamMicros) {
        try {
            Receipt.Upstream upstream = new Receipt.Upstream(upstreamOutcome(outcome), resultBytes, upstreamMicros);
            java.time.Instant at = java.time.Instant.now();
            if (receipts.appendLater(() -> new CallResult(at, decisionId, upstream))
                    instanceof ReceiptLog.Append.Refused no) {
                log.error("the result of {} NOT recorded ({} so far): {}", decisionId, refused.incrementAndGet(),
                        no.reason());
            }
        } catch (RuntimeException e) {
            log.error("could not record the result of {}", decisionId, e);
        }
    }

    private static Receipt.UpstreamOutcome upstreamOutcome(Outcome outcome) {
        return switch (outcome) {
            case OK -> Receipt.UpstreamOutcome.OK;
            case ERROR -> Receipt.UpstreamOutcome.ERROR;
            case IS_ERROR -> Receipt.UpstreamOutcome.IS_ERROR;
            case NOT_FORWARDED -> Receipt.UpstreamOutcome.NOT_FORWARDED;
            case FORWARDED -> Receipt.UpstreamOutcome.FORWARDED;
            case SANDBOXED -> Receipt.UpstreamOutcome.SANDBOXED;
        };
    }

    @Override
    public void traffic(String session, String server, boolean toServer,
                        io.airlock.mcp.jsonrpc.JsonRpcMessage message) {
        if (!traffic) {
            return;
        }
        try {
            // The configured masks point into a call's arguments: apply them there, then redact the whole message.
            com.fasterxml.jackson.databind.node.ObjectNode tree = message.tree().deepCopy();
            if (tree.path("params").path("arguments").isObject()) {
                ((com.fasterxml.jackson.databind.node.ObjectNode) tree.get("params")).set("arguments",
                        redactor.redact(tree.get("params").get("arguments")));
            }
            io.airlock.receipts.Traffic entry = new io.airlock.receipts.Traffic(java.time.Instant.now(), session,
                    server, toServer ? io.airlock.receipts.Traffic.Direction.TO_SERVER
                    : io.airlock.receipts.Traffic.Direction.TO_AGENT, tree, "raw").redactedWith(redactor);
            if (receipts.append(entry) instanceof ReceiptLog.Append.Refused no) {
                log.error("traffic NOT recorded ({} so far): {}", refused.incrementAndGet(), no.reason());
            }
        } catch (RuntimeException e) {
            log.error("could not record a message of session {}", session, e);
        }
    }

    public ReceiptLog log() {
        return receipts;
    }

    static Receipt toReceipt(Call call, String kind, String decisionId) {
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
        return new Receipt(decisionId, call.at(), call.request().agent(), call.request().sessionId(),
                call.request().server(), kind == null ? "" : kind, call.request().method(),
                call.request().target(), CanonicalJson.digest(call.request().arguments()),
                call.request().arguments(), "raw", tags,
                decision instanceof Decision.Deny ? Receipt.Outcome.DENY : Receipt.Outcome.ALLOW, tier,
                detail != null && detail.hard(), decision instanceof Decision.Deny deny ? deny.reason() : "",
                steps(decision, detail, evaluation, call.decisionMicros()),
                evaluation == null ? "" : evaluation.revision(),
                new Receipt.Upstream(upstreamOutcome(call.outcome()), call.resultBytes(), call.upstreamMicros()));
    }

    /**
     * The path through the tiers: tier 0's verdict and rule, the tiers the call passed through, and the tier that
     * decided, with who decided. Timing is known for the whole decision only; it goes on the deciding step.
     */
    private static List<Receipt.Step> steps(Decision decision, CascadeResult detail, Evaluation evaluation,
                                            long decisionMicros) {
        List<Receipt.Step> steps = new ArrayList<>();
        Receipt.Verdict finalVerdict = decision instanceof Decision.Deny ? Receipt.Verdict.DENY
                : Receipt.Verdict.ALLOW;
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
        try {
            lock.close(); // releases the lock
        } catch (IOException e) {
            log.debug("releasing the receipts lock: {}", e.toString());
        }
    }
}
