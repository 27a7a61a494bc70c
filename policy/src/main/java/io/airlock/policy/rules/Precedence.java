package io.airlock.policy.rules;

/**
 * The one table that decides between matching rules. Higher wins; a tie keeps the earlier rule in the file.
 *
 * <pre>
 *   rank  outcome      why
 *   6     hard deny    a hard boundary the operator forbids outright
 *   5     hard ask     a hard boundary: a person decides, per call, never a model or a sandbox
 *   4     deny         the operator forbids it
 *   3     ask          a person decides
 *   2     sandbox      reversible: try it in a twin and look at the effect
 *   1     classify     soft middle: the classifier decides, steered by the policy text
 *   0     allow        known harmless
 * </pre>
 *
 * A call no rule matches gets the policy's default action ({@code classify} unless configured). A call tagged
 * {@code unknown} is never allowed at tier 0: an allow is raised to {@code classify}.
 *
 * <p>Remembered approvals (an operator's approve-and-remember, {@link Remembered}) apply after this table: an outcome
 * of ask, sandbox or classify that is not hard becomes allow when a remembered rule matches the call. Deny and every
 * hard outcome are never changed by them.
 */
public final class Precedence {

    private Precedence() {}

    public static int rank(Action action, boolean hard) {
        return switch (action) {
            case DENY -> hard ? 6 : 4;
            case ASK -> hard ? 5 : 3;
            case SANDBOX -> 2;
            case CLASSIFY -> 1;
            case ALLOW -> 0;
        };
    }
}
