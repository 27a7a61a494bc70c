package io.airlock.policy.rules;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;

/**
 * What happens to the effects of a call run in a sandboxed twin (the {@code commit:} section of the policy file).
 * The semantics, in one place:
 * <ol>
 *   <li>A change the commit step cannot apply faithfully (a device, fifo or socket; a hard link) → <b>discard</b>.</li>
 *   <li>A change under a {@code discard} pattern (default: git hooks, which run code later) → <b>discard</b>.</li>
 *   <li>A change under a {@code protected} pattern (git internals, CI configuration, secrets, lockfiles when
 *       {@code lockfiles: protected}), or more than {@code maxFiles} changes, more than {@code maxBytes} in total, or
 *       one file over {@code maxFileBytes} → <b>ask</b>: the operator sees the diff and commits or discards.</li>
 *   <li>Otherwise → <b>commit</b> automatically. No change at all → commit (nothing to apply).</li>
 * </ol>
 * Every change is inside the workspace by construction: the twin's only writable view of the disk is the overlay of
 * the workspace (and a private /tmp that disappears with it).
 *
 * <p>Patterns: with a {@code /}, a glob over the path relative to the workspace ({@code .git/**} also matches
 * {@code .git} itself); without one, a glob over the file name at any depth ({@code *.pem}, {@code .env}).
 */
public record CommitPolicy(List<String> discard, List<String> protectedPaths, boolean lockfilesProtected,
                           int maxFiles, long maxBytes, long maxFileBytes) {

    /** Lockfiles of common package managers: protected only when the operator says so. */
    public static final List<String> LOCKFILES = List.of("package-lock.json", "npm-shrinkwrap.json", "yarn.lock",
            "pnpm-lock.yaml", "Cargo.lock", "Gemfile.lock", "poetry.lock", "Pipfile.lock", "uv.lock", "go.sum",
            "composer.lock", "mix.lock", "pubspec.lock", "Podfile.lock", "gradle.lockfile", "flake.lock");

    public static final List<String> DEFAULT_DISCARD = List.of(".git/hooks/**");

    public static final List<String> DEFAULT_PROTECTED = List.of(".git/**", ".github/**", ".gitlab-ci.yml",
            ".gitlab/**", ".circleci/**", ".buildkite/**", "Jenkinsfile", ".travis.yml", "azure-pipelines.yml",
            ".env", ".env.*", "*.pem", "*.key", "*.p12", "*.pfx", "id_rsa*", "id_ed25519*", "id_ecdsa*",
            ".npmrc", ".pypirc", ".netrc", ".git-credentials", "credentials", "credentials.json", "*.tfstate",
            ".mcp.json", ".cursor/**", ".vscode/mcp.json", ".claude/**", "airlock.yaml", "airlock-policy.yaml");

    public CommitPolicy {
        discard = List.copyOf(discard);
        protectedPaths = List.copyOf(protectedPaths);
        if (maxFiles < 0 || maxBytes < 0 || maxFileBytes < 0) {
            throw new IllegalArgumentException("commit limits must not be negative");
        }
    }

    public static CommitPolicy defaults() {
        return new CommitPolicy(DEFAULT_DISCARD, DEFAULT_PROTECTED, false, 1000, 64L << 20, 16L << 20);
    }

    /**
     * One change of a sandboxed run, as the commit policy sees it.
     *
     * @param status what the commit step found: {@code UNCOMMITTABLE} (it cannot be applied faithfully) and
     *               {@code REVIEW} (e.g. a symlink pointing out of the workspace) come with {@code why}
     */
    public record Change(String path, long bytes, Status status, String why) {
        public Change(String path, long bytes) {
            this(path, bytes, Status.OK, "");
        }

        public Change {
            why = why == null ? "" : why;
        }
    }

    /** See {@link Change}. */
    public enum Status { OK, REVIEW, UNCOMMITTABLE }

    /** What the policy decides for a run's changes. */
    public sealed interface Judgement {
        record Commit() implements Judgement {}

        /** The operator decides, seeing the diff; {@code reasons} say why it was not committed automatically. */
        record Ask(List<String> reasons) implements Judgement {}

        record Discard(String reason) implements Judgement {}
    }

    public Judgement judge(List<Change> changes) {
        for (Change change : changes) {
            if (change.status() == Status.UNCOMMITTABLE) {
                return new Judgement.Discard(change.path() + " cannot be committed (" + change.why() + ")");
            }
        }
        for (Change change : changes) {
            String pattern = firstMatch(discard, change.path());
            if (pattern != null) {
                return new Judgement.Discard(change.path() + " is never committed from a sandbox (pattern '"
                        + pattern + "')");
            }
        }
        List<String> reasons = new ArrayList<>();
        for (Change change : changes) {
            String pattern = firstMatch(protectedPaths, change.path());
            if (pattern == null && lockfilesProtected) {
                pattern = firstMatch(LOCKFILES, change.path());
            }
            if (change.status() == Status.REVIEW) {
                reasons.add(change.path() + ": " + change.why());
            } else if (pattern != null) {
                reasons.add(change.path() + " is protected (pattern '" + pattern + "')");
            } else if (change.bytes() > maxFileBytes) {
                reasons.add(change.path() + " is " + change.bytes() + " bytes (over maxFileBytes " + maxFileBytes
                        + ")");
            }
        }
        if (changes.size() > maxFiles) {
            reasons.add(changes.size() + " changes (over maxFiles " + maxFiles + ")");
        }
        long total = changes.stream().mapToLong(Change::bytes).sum();
        if (total > maxBytes) {
            reasons.add(total + " bytes changed (over maxBytes " + maxBytes + ")");
        }
        return reasons.isEmpty() ? new Judgement.Commit() : new Judgement.Ask(List.copyOf(reasons));
    }

    /** The first pattern in {@code patterns} that {@code path} (relative, '/'-separated) matches, or null. */
    static String firstMatch(List<String> patterns, String path) {
        Path relative = Path.of(path);
        Path name = relative.getFileName();
        for (String pattern : patterns) {
            if (matches(pattern, relative, name)) {
                return pattern;
            }
        }
        return null;
    }

    private static boolean matches(String pattern, Path relative, Path name) {
        if (!pattern.contains("/")) {
            // A bare name matches at any depth, and also covers what lies under a directory of that name.
            PathMatcher matcher = glob(pattern);
            for (Path part : relative) {
                if (matcher.matches(part)) {
                    return true;
                }
            }
            return false;
        }
        if (glob(pattern).matches(relative)) {
            return true;
        }
        return pattern.endsWith("/**") && glob(pattern.substring(0, pattern.length() - 3)).matches(relative);
    }

    private static PathMatcher glob(String pattern) {
        return FileSystems.getDefault().getPathMatcher("glob:" + pattern);
    }

    /** Checks a pattern when the policy is loaded, so a typo fails the load, not a commit. */
    static void validatePattern(String pattern) {
        if (pattern.isBlank() || pattern.startsWith("/") || pattern.contains("..")) {
            throw new IllegalArgumentException("'" + pattern + "' (expected a relative glob inside the workspace)");
        }
        glob(pattern);
    }
}
