package io.airlock.policy.classifier;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.airlock.policy.CanonicalJson;
import io.airlock.policy.cascade.Tiers;
import io.airlock.policy.cascade.ToolCall;
import io.airlock.policy.rules.Evaluation;
import io.airlock.policy.tags.Tag;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tier 2: a language model, steered by the operator's policy text, decides allow / retry / ask for a call tier 0 sent
 * to {@code classify}. The flow for one call:
 * <ol>
 *   <li>A hard evaluation is refused here too (ask, no request): the cascade never sends one, and this is the second
 *       wall.</li>
 *   <li>The retry breaker: after {@code retriesBeforeAsk} retry verdicts in a row in this session, the call goes to a
 *       person (an agent that keeps rephrasing is not left to talk its way through).</li>
 *   <li>The cache: same call (canonical arguments), same tags and rule, same policy revision, same policy text and
 *       models → the verdict reached before, without a request.</li>
 *   <li>The fast stage: {@code allow} clears the call. Anything else — retry, ask, an answer that is not the strict
 *       JSON — is flagged to the reasoning stage, which decides. Without a reasoning stage the fast verdict stands
 *       and a malformed answer is {@code ask}.</li>
 * </ol>
 * Every request runs inside a bulkhead (full: ask at once, never queued), a circuit breaker (open: ask without a
 * request) and a time limiter (late: ask). A timeout, an HTTP error, an open circuit or an unparseable answer is
 * never an allow. Failures are not cached, so a recovered endpoint is asked again.
 *
 * <p>{@link #classify} never blocks its caller (the relay calls it on an event loop): the retry breaker and the cache
 * are memory and CPU only; on a miss, the prompt is built on a virtual thread and the request is asynchronous.
 */
public final class ModelClassifier implements Tiers.Classifier, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ModelClassifier.class);

    /** How often the policy text files are checked for edits. */
    static final Duration TEXT_CHECK = Duration.ofMillis(250);

    private final ClassifierConfig config;
    private final ModelClient client;
    private final PolicyText policyText;
    private final RecentCalls recent;
    private final Cache<String, Tiers.Verdict> cache;
    private final Cache<String, AtomicInteger> retries;
    private final CircuitBreaker circuit;
    private final Bulkhead bulkhead;
    private final TimeLimiter fastLimit;
    private final TimeLimiter reasoningLimit;
    private final ScheduledExecutorService timer;
    private final ExecutorService work;
    private final HttpClient http;
    private final ClassifierStats stats = new ClassifierStats();

    /** Reads the key and the policy text, and builds the client for the configured provider. */
    public static ModelClassifier create(ClassifierConfig config) throws IOException {
        ApiKey key = ApiKey.resolve(config.key());
        PolicyText text = new PolicyText(config.policyText());
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(config.connectTimeout()).build();
        return new ModelClassifier(config, ModelClient.of(config.provider(), config.endpoint(), key, http), text,
                new RecentCalls(config.recentCalls(), 10_000, Duration.ofHours(1)), http);
    }

    /** With a given client (another provider, a test double); {@code http} is closed with this, may be null. */
    public ModelClassifier(ClassifierConfig config, ModelClient client, PolicyText policyText, RecentCalls recent,
                           HttpClient http) {
        this.config = config;
        this.client = client;
        this.policyText = policyText;
        this.recent = recent;
        this.http = http;
        this.cache = Caffeine.newBuilder().maximumSize(config.cacheSize()).expireAfterWrite(config.cacheTtl())
                .build();
        this.retries = Caffeine.newBuilder().maximumSize(10_000).expireAfterAccess(Duration.ofHours(1)).build();
        ClassifierConfig.Circuit c = config.circuit();
        this.circuit = CircuitBreaker.of("classifier", CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(c.windowCalls()).minimumNumberOfCalls(c.minimumCalls())
                .failureRateThreshold(c.failureRatePercent()).waitDurationInOpenState(c.openFor())
                .permittedNumberOfCallsInHalfOpenState(1).build());
        String shown = HttpModelClient.shown(config.endpoint());
        circuit.getEventPublisher().onStateTransition(e -> log.warn("classifier circuit {} ({}): {}",
                e.getStateTransition().getToState(), shown, switch (e.getStateTransition().getToState()) {
                    case OPEN, FORCED_OPEN -> "the model endpoint keeps failing; calls go to the operator without a "
                            + "request";
                    case HALF_OPEN -> "trying the endpoint again";
                    default -> "the endpoint answers again";
                }));
        this.bulkhead = Bulkhead.of("classifier", BulkheadConfig.custom().maxConcurrentCalls(config.maxConcurrent())
                .maxWaitDuration(Duration.ZERO).build());
        this.fastLimit = TimeLimiter.of(TimeLimiterConfig.custom().timeoutDuration(config.fast().timeout())
                .cancelRunningFuture(true).build());
        this.reasoningLimit = config.reasoning() == null ? null : TimeLimiter.of(TimeLimiterConfig.custom()
                .timeoutDuration(config.reasoning().timeout()).cancelRunningFuture(true).build());
        this.timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("classifier-timer")
                .factory());
        this.work = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("classifier-", 0).factory());
        // Notices edits of the policy text (a stat per file); the next call is judged under the new text.
        timer.scheduleWithFixedDelay(() -> {
            try {
                policyText.current();
            } catch (RuntimeException e) {
                log.error("checking the classifier policy text: {}", e.toString());
            }
        }, TEXT_CHECK.toMillis(), TEXT_CHECK.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** Feed this the gate's decisions so the model sees each session's recent calls. */
    public RecentCalls recentCalls() {
        return recent;
    }

    public ClassifierStats stats() {
        return stats;
    }

    /** Model requests that could start now without being refused by the bulkhead. */
    int availableRequests() {
        return bulkhead.getMetrics().getAvailableConcurrentCalls();
    }

    public CircuitBreaker.State circuitState() {
        return circuit.getState();
    }

    @Override
    public CompletionStage<Tiers.Verdict> classify(ToolCall call, List<Tag> tags, Evaluation evaluation) {
        if (evaluation.hard()) {
            // The cascade never sends a hard call here; if a future change did, it still goes to a person.
            return CompletableFuture.completedFuture(new Tiers.Verdict.Ask(
                    "a hard rule matched; the classifier does not judge such calls", "none"));
        }
        long start = System.nanoTime();
        try {
            // The breaker and the cache run on the caller's thread: memory and CPU only (the policy text is
            // re-checked on the timer thread), so a cache hit costs no thread hand-off.
            String session = RecentCalls.key(call);
            AtomicInteger inARow = retries.get(session, s -> new AtomicInteger());
            int n = inARow.get();
            if (n >= config.retriesBeforeAsk()) {
                inARow.set(0);
                stats.breakerTripped();
                return done(start, new Tiers.Verdict.Ask("the agent was asked to retry " + n + " times in a row "
                        + "in this session; a person decides now", config.fast().model()));
            }
            PolicyText.Snapshot text = policyText.snapshot();
            String key = cacheKey(call, tags, evaluation, text.hash());
            Tiers.Verdict cached = cache.getIfPresent(key);
            if (cached != null) {
                stats.cacheHit();
                return done(start, account(inARow, cached));
            }
            stats.cacheMiss();
            // Building the prompt and the request run on a virtual thread; the request itself is asynchronous.
            return CompletableFuture.supplyAsync(() -> ask(call, tags, evaluation, text, key, inARow, start), work)
                    .thenCompose(stage -> stage);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private CompletionStage<Tiers.Verdict> ask(ToolCall call, List<Tag> tags, Evaluation evaluation,
                                               PolicyText.Snapshot text, String key, AtomicInteger inARow,
                                               long start) {
        String data = Prompt.data(call, tags, evaluation, recent.of(call));
        ClassifierConfig.Stage fast = config.fast();
        return stage(fast, fastLimit, text.text(), false, data).thenCompose(first -> {
            if (first instanceof Outcome.Failed failed) {
                return CompletableFuture.completedFuture(failed.verdict(fast.model()));
            }
            if (first instanceof Outcome.Answered(Tiers.Verdict.Allow allow)) {
                return CompletableFuture.completedFuture(allow);
            }
            ClassifierConfig.Stage second = config.reasoning();
            if (second == null) {
                return CompletableFuture.completedFuture(first instanceof Outcome.Answered(Tiers.Verdict v) ? v
                        : ((Outcome.Malformed) first).verdict(fast.model()));
            }
            stats.escalate();
            return stage(second, reasoningLimit, text.text(), true, data).thenApply(answer -> switch (answer) {
                case Outcome.Answered(Tiers.Verdict v) -> v;
                case Outcome.Malformed m -> m.verdict(second.model());
                case Outcome.Failed f -> f.verdict(second.model());
            }).toCompletableFuture();
        }).thenApply(verdict -> {
            if (!(verdict instanceof Tiers.Verdict.Ask ask && ask.reason().startsWith(UNDECIDED))) {
                cache.put(key, verdict); // only verdicts a model actually gave
            }
            return account(inARow, verdict);
        }).whenComplete((v, e) -> stats.latency(System.nanoTime() - start));
    }

    private CompletionStage<Tiers.Verdict> done(long start, Tiers.Verdict verdict) {
        stats.latency(System.nanoTime() - start);
        return CompletableFuture.completedFuture(verdict);
    }

    /** The retry breaker's count: a retry adds one, anything else ends the row. */
    private static Tiers.Verdict account(AtomicInteger inARow, Tiers.Verdict verdict) {
        if (verdict instanceof Tiers.Verdict.Retry) {
            inARow.incrementAndGet();
        } else {
            inARow.set(0);
        }
        return verdict;
    }

    /** Prefix of the reasons of asks that no model gave (failures): these are not cached. */
    static final String UNDECIDED = "the classifier could not decide: ";

    /** One stage's result. */
    private sealed interface Outcome {
        record Answered(Tiers.Verdict verdict) implements Outcome {}

        record Malformed(String why) implements Outcome {
            Tiers.Verdict verdict(String model) {
                return new Tiers.Verdict.Ask(UNDECIDED + "the model's answer was " + why, model);
            }
        }

        record Failed(String why) implements Outcome {
            Tiers.Verdict verdict(String model) {
                return new Tiers.Verdict.Ask(UNDECIDED + why, model);
            }
        }
    }

    private CompletionStage<Outcome> stage(ClassifierConfig.Stage stage, TimeLimiter limit, String policy,
                                         boolean reasoning, String data) {
        ModelClient.Request request = new ModelClient.Request(stage.model(), system(policy, reasoning),
                Prompt.user(Prompt.nonce(), data), stage.maxTokens(), stage.timeout().plusSeconds(1));
        java.util.function.Supplier<CompletionStage<ModelClient.Reply>> call = () -> client.complete(request);
        java.util.function.Supplier<CompletionStage<ModelClient.Reply>> guarded = Bulkhead.decorateCompletionStage(
                bulkhead, CircuitBreaker.decorateCompletionStage(circuit,
                        () -> limit.executeCompletionStage(timer, call)));
        stats.request(reasoning);
        CompletionStage<ModelClient.Reply> reply;
        try {
            reply = guarded.get();
        } catch (RuntimeException e) {
            reply = CompletableFuture.failedFuture(e);
        }
        return reply.handle((answer, error) -> {
            if (error != null) {
                String why = describe(error);
                stats.failure();
                if (rootCause(error) instanceof CallNotPermittedException) {
                    // Not one line per call while the circuit is open: its transitions are logged instead.
                    log.debug("classifier {} stage ({}): {}", reasoning ? "reasoning" : "fast", stage.model(), why);
                } else {
                    log.warn("classifier {} stage ({}) failed: {}", reasoning ? "reasoning" : "fast", stage.model(),
                            why);
                }
                return new Outcome.Failed(why);
            }
            stats.tokens(answer.inputTokens(), answer.outputTokens());
            return switch (VerdictParser.parse(answer.text())) {
                case VerdictParser.Parsed.Invalid invalid -> {
                    stats.malformedAnswer();
                    log.warn("classifier {} stage ({}) gave no valid verdict: {}", reasoning ? "reasoning" : "fast",
                            stage.model(), invalid.why());
                    yield new Outcome.Malformed(invalid.why());
                }
                case VerdictParser.Parsed.Answer(VerdictParser.Kind kind, String reason) -> new Outcome.Answered(
                        switch (kind) {
                            case ALLOW -> new Tiers.Verdict.Allow(reason, stage.model());
                            case RETRY -> new Tiers.Verdict.Retry(reason, stage.model());
                            case ASK -> new Tiers.Verdict.Ask(reason, stage.model());
                        });
            };
        });
    }

    /** The system prompts for the policy text last seen: the same text for every call until the policy is edited. */
    private record SystemPrompts(String policy, String fast, String reasoning) {}

    private volatile SystemPrompts prompts = new SystemPrompts(null, null, null);

    private String system(String policy, boolean reasoning) {
        SystemPrompts p = prompts;
        if (!policy.equals(p.policy())) { // a reference check first, in practice: the snapshot's string is shared
            p = new SystemPrompts(policy, Prompt.system(policy, false), Prompt.system(policy, true));
            prompts = p;
        }
        return reasoning ? p.reasoning() : p.fast();
    }

    private static Throwable rootCause(Throwable error) {
        Throwable cause = error;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static String describe(Throwable error) {
        return switch (rootCause(error)) {
            case CallNotPermittedException ignored -> "the model endpoint is failing (circuit open)";
            case io.github.resilience4j.bulkhead.BulkheadFullException ignored ->
                    "too many classifier requests in flight";
            case TimeoutException ignored -> "the model did not answer in time";
            case ModelException m -> m.getMessage();
            case Throwable other -> other.getClass().getSimpleName();
        };
    }

    /** Canonical call + tags + the rule that sent it + policy revision + policy text + models. */
    private String cacheKey(ToolCall call, List<Tag> tags, Evaluation evaluation, String textHash) {
        StringBuilder key = new StringBuilder(256);
        CanonicalJson.appendString(key, call.server()).append('\u0000');
        CanonicalJson.appendString(key, call.kind() == null ? "" : call.kind()).append('\u0000');
        CanonicalJson.appendString(key, call.method()).append('\u0000');
        CanonicalJson.appendString(key, call.tool()).append('\u0000');
        CanonicalJson.appendTo(key, call.arguments()).append('\u0000');
        tags.stream().map(Tag::label).distinct().sorted().forEach(t -> key.append(t).append(','));
        key.append('\u0000').append(evaluation.ruleId()).append('\u0000').append(evaluation.revision())
                .append('\u0000').append(textHash).append('\u0000').append(config.fast().model()).append('\u0000')
                .append(config.reasoning() == null ? "" : config.reasoning().model());
        return PolicyText.sha256(key.toString());
    }

    @Override
    public void close() {
        timer.shutdownNow();
        work.shutdownNow();
        if (http != null) {
            http.shutdownNow();
        }
    }

    @Override
    public String toString() {
        return "ModelClassifier[" + config.provider().id() + " " + HttpModelClient.shown(config.endpoint())
                + ", fast " + config.fast().model()
                + (config.reasoning() == null ? "" : ", reasoning " + config.reasoning().model()) + "]";
    }
}
