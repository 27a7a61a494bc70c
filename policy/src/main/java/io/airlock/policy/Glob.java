package io.airlock.policy;

import java.util.regex.Pattern;

/** A shell-style name pattern: {@code *} is any run of characters, {@code ?} one character; case-sensitive. */
public record Glob(String pattern, Pattern regex) {

    public static Glob of(String pattern) {
        if (pattern == null || pattern.isEmpty()) {
            throw new IllegalArgumentException("pattern: empty (expected: a name or a glob such as 'read_*')");
        }
        StringBuilder regex = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            if (c == '*' || c == '?') {
                if (!literal.isEmpty()) {
                    regex.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                regex.append(c == '*' ? ".*" : ".");
            } else {
                literal.append(c);
            }
        }
        if (!literal.isEmpty()) {
            regex.append(Pattern.quote(literal.toString()));
        }
        return new Glob(pattern, Pattern.compile(regex.toString(), Pattern.DOTALL));
    }

    public boolean matches(String name) {
        return regex.matcher(name).matches();
    }

    /** Globs are equal when their patterns are: {@link Pattern} itself has identity equality. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Glob other && pattern.equals(other.pattern);
    }

    @Override
    public int hashCode() {
        return pattern.hashCode();
    }

    @Override
    public String toString() {
        return pattern;
    }
}
