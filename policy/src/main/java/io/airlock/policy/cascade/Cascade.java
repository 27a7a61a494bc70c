package io.airlock.policy.cascade;

import io.airlock.policy.Decision;
import io.airlock.policy.rules.Action;
import io.airlock.policy.rules.Evaluation;
import io.airlock.policy.tags.Tag;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The tier cascade. Its semantics, in one place:
 * <ol>
 *   <li>Tier 0 (rules) has already evaluated the call. {@code allow} and {@code deny} end here.</li>
 *   <li>{@code sandbox}: tier 1 runs the call in a twin, if the server has one; otherwise the call passes on as
 *       {@code classify}.</li>
 *   <li>{@code classify}: tier 2 asks the classifier, if one is configured; {@code allow} forwards, {@code retry}
 *       refuses with a hint, {@code ask} — or any failure — passes on to the operator. Without a classifier the call
 *       passes on to the operator.</li>
 *   <li>{@code ask}: tier 3 holds the call for a person. Without an operator tier the call is denied with a message
 *       saying so (fail closed).</li>
 * </ol>
 * A tier that is unavailable passes the call on, never to allow. <b>A hard evaluation is only ever {@code ask} or
 * {@code deny}, and the sandbox and classifier are not even consulted for it</b>: that is checked here again, so a
 * misconfigured policy cannot route a hard call to a model. Any exception in a tier ends in ask (deny for hard).
 */
public final class Cascade {

    private final Tiers.Sandbox sandbox;
    private final Tiers.Classifier classifier;
    private final Tiers.Operator operator;

    /** Any tier may be null (not available). */
    public Cascade(Tiers.Sandbox sandbox, Tiers.Classifier classifier, Tiers.Operator operator) {
        this.sandbox = sandbox;
        this.classifier = classifier;
        this.operator = operator;
    }

    public CompletionStage<CascadeResult> run(ToolCall call, List<Tag> tags, Evaluation evaluation) {
        List<String> path = new ArrayList<>();
        path.add("tier 0: rule " + evaluation.ruleId() + " -> " + evaluation.action().id()
                + (evaluation.hard() ? " (hard)" : "") + (evaluation.note().isEmpty() ? "" : "; " + evaluation.note()));
        Action action = evaluation.action();
        if (evaluation.hard() && action != Action.ASK && action != Action.DENY) {
            // Unreachable with a validated policy; kept so that no future change can route a hard call onwards.
            path.add("tier 0: a hard rule produced '" + action.id() + "'; denied (fail closed)");
            return done(deny(evaluation, "a hard boundary was misconfigured; Airlock fails closed"), 0, tags,
                    evaluation, path);
        }
        return switch (action) {
            case ALLOW -> done(new Decision.Allow(evaluation.ruleId()), 0, tags, evaluation, path);
            case DENY -> done(deny(evaluation, reasonOf(evaluation)), 0, tags, evaluation, path);
            case ASK -> toOperator(call, tags, evaluation, path, reasonOf(evaluation));
            case SANDBOX -> toSandbox(call, tags, evaluation, path);
            case CLASSIFY -> toClassifier(call, tags, evaluation, path);
        };
    }

    private CompletionStage<CascadeResult> toSandbox(ToolCall call, List<Tag> tags, Evaluation evaluation,
                                                     List<String> path) {
        if (sandbox == null || !sandbox.available(call)) {
            path.add("tier 1: no sandboxed twin for server '" + call.server() + "'; passed on");
            return toClassifier(call, tags, evaluation, path);
        }
        return guarded(() -> sandbox.run(call, tags, evaluation)).handle((decision, error) -> {
            if (error != null || decision == null) {
                path.add("tier 1: sandbox failed (" + describe(error) + "); passed on to the operator");
                return toOperator(call, tags, evaluation, path, "the sandbox failed: " + describe(error));
            }
            path.add("tier 1: " + describe(decision));
            return done(decision, 1, tags, evaluation, path);
        }).thenCompose(stage -> stage);
    }

    private CompletionStage<CascadeResult> toClassifier(ToolCall call, List<Tag> tags, Evaluation evaluation,
                                                        List<String> path) {
        if (classifier == null) {
            path.add("tier 2: no classifier configured; passed on");
            return toOperator(call, tags, evaluation, path, reasonOf(evaluation));
        }
        return guarded(() -> classifier.classify(call, tags, evaluation)).handle((verdict, error) -> {
            if (error != null || verdict == null) {
                path.add("tier 2: classifier failed (" + describe(error) + "); passed on to the operator");
                return toOperator(call, tags, evaluation, path, "the classifier could not decide");
            }
            return switch (verdict) {
                case Tiers.Verdict.Allow allow -> {
                    path.add("tier 2: " + allow.model() + " allowed: " + allow.reason());
                    yield done(new Decision.Allow("classifier:" + allow.model()), 2, tags, evaluation, path);
                }
                case Tiers.Verdict.Retry retry -> {
                    path.add("tier 2: " + retry.model() + " asked the agent to retry: " + retry.reason());
                    yield done(new Decision.Deny(retry.reason(), "Try a safer way to reach the same goal.",
                            "classifier:" + retry.model()), 2, tags, evaluation, path);
                }
                case Tiers.Verdict.Ask ask -> {
                    path.add("tier 2: " + ask.model() + " wants a person: " + ask.reason());
                    yield toOperator(call, tags, evaluation, path, ask.reason());
                }
            };
        }).thenCompose(stage -> stage);
    }

    private CompletionStage<CascadeResult> toOperator(ToolCall call, List<Tag> tags, Evaluation evaluation,
                                                      List<String> path, String why) {
        if (operator == null) {
            path.add("tier 3: no operator tier is running; denied (fail closed)");
            return done(new Decision.Deny("this call needs a person's approval (" + why + "), but no operator is "
                    + "connected to Airlock, so it was refused", "Ask the user to approve it or to change the "
                    + "policy; do not try to work around the refusal.", evaluation.ruleId()), 3, tags, evaluation,
                    path);
        }
        return guarded(() -> operator.hold(call, tags, evaluation, why)).handle((decision, error) -> {
            Decision result = error != null || decision == null
                    ? new Decision.Deny("the approval could not be obtained (" + describe(error) + ")", "",
                    "operator-error")
                    : decision;
            path.add("tier 3: " + describe(result));
            return new CascadeResult(result, 3, evaluation.hard(), tags, evaluation, path);
        });
    }

    private static Decision deny(Evaluation evaluation, String reason) {
        String hint = evaluation.deciding() == null ? "" : evaluation.deciding().hint();
        return new Decision.Deny(reason, hint, evaluation.ruleId());
    }

    private static String reasonOf(Evaluation evaluation) {
        if (evaluation.deciding() == null) {
            return "no rule covers this call";
        }
        String reason = evaluation.deciding().reason();
        return reason.isEmpty() ? "rule " + evaluation.deciding().id() : reason;
    }

    private static CompletionStage<CascadeResult> done(Decision decision, int tier, List<Tag> tags,
                                                       Evaluation evaluation, List<String> path) {
        return CompletableFuture.completedFuture(new CascadeResult(decision, tier, evaluation.hard(), tags,
                evaluation, path));
    }

    /** A tier that throws instead of failing its stage is treated the same way. */
    private static <T> CompletionStage<T> guarded(java.util.function.Supplier<CompletionStage<T>> tier) {
        try {
            CompletionStage<T> stage = tier.get();
            return stage == null ? CompletableFuture.failedFuture(new IllegalStateException("no result")) : stage;
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static String describe(Object o) {
        if (o == null) {
            return "no answer";
        }
        if (o instanceof Throwable t) {
            Throwable cause = t instanceof java.util.concurrent.CompletionException && t.getCause() != null
                    ? t.getCause() : t;
            return cause.getClass().getSimpleName() + ": " + cause.getMessage();
        }
        if (o instanceof Decision.Deny deny) {
            return "denied: " + deny.reason();
        }
        if (o instanceof Decision.Answer answer) {
            return "answered by the sandbox (" + answer.rule() + (answer.note().isEmpty() ? "" : "; " + answer.note())
                    + ")";
        }
        if (o instanceof Decision.Allow allow) {
            return "allowed (" + allow.rule() + ")";
        }
        return o.toString();
    }
}
