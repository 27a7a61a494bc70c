package io.airlock.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GlobTest {

    @Test
    void starMatchesAnyRunIncludingEmpty() {
        Glob glob = Glob.of("read_*");
        assertThat(glob.matches("read_")).isTrue();
        assertThat(glob.matches("read_file")).isTrue();
        assertThat(glob.matches("read_a/b/c")).isTrue();
        assertThat(glob.matches("xread_file")).isFalse();
        assertThat(glob.matches("read")).isFalse();
        assertThat(Glob.of("*").matches("")).isTrue();
        assertThat(Glob.of("*").matches("anything at all\nwith a newline")).isTrue();
        assertThat(Glob.of("*_file").matches("write_file")).isTrue();
        assertThat(Glob.of("*_file").matches("write_files")).isFalse();
        assertThat(Glob.of("a*b*c").matches("abc")).isTrue();
        assertThat(Glob.of("a*b*c").matches("a-b-c-")).isFalse();
        assertThat(Glob.of("**").matches("x")).isTrue();
    }

    @Test
    void questionMarkMatchesExactlyOneCharacter() {
        Glob glob = Glob.of("rm?");
        assertThat(glob.matches("rmx")).isTrue();
        assertThat(glob.matches("rm")).isFalse();
        assertThat(glob.matches("rmxy")).isFalse();
        assertThat(glob.matches("rm\n")).isTrue();
        assertThat(Glob.of("??").matches("ab")).isTrue();
        assertThat(Glob.of("??").matches("a")).isFalse();
    }

    @Test
    void matchingIsWholeNameAndCaseSensitive() {
        assertThat(Glob.of("read").matches("read")).isTrue();
        assertThat(Glob.of("read").matches("Read")).isFalse();
        assertThat(Glob.of("read").matches("reader")).isFalse();
        assertThat(Glob.of("read").matches("xread")).isFalse();
    }

    @Test
    void regexMetacharactersAreLiteral() {
        List<String> literals = List.of("a.b", "a+b", "(x)", "[ab]", "a{2}", "^start", "end$", "a|b", "a\\b",
                "x\\Ey", "\\Q", "\\E", "tools/list", "file:///etc/passwd", "$1", "a-b");
        for (String literal : literals) {
            Glob glob = Glob.of(literal);
            assertThat(glob.matches(literal)).as(literal).isTrue();
        }
        assertThat(Glob.of("a.b").matches("axb")).isFalse();
        assertThat(Glob.of("a+b").matches("aab")).isFalse();
        assertThat(Glob.of("a+b").matches("ab")).isFalse();
        assertThat(Glob.of("[ab]").matches("a")).isFalse();
        assertThat(Glob.of("a{2}").matches("aa")).isFalse();
        assertThat(Glob.of("a|b").matches("a")).isFalse();
        assertThat(Glob.of("a\\b").matches("a\b")).isFalse();
        assertThat(Glob.of("x\\Ey").matches("xEy")).isFalse();
        // wildcards next to metacharacters still work
        assertThat(Glob.of("file:///etc/*").matches("file:///etc/shadow")).isTrue();
        assertThat(Glob.of("file:///etc/*").matches("file:///home/x")).isFalse();
        assertThat(Glob.of("x\\E*").matches("x\\Eyz")).isTrue();
        assertThat(Glob.of("(?)").matches("(a)")).isTrue();
        assertThat(Glob.of("(?)").matches("a")).isFalse();
    }

    @Test
    void emptyOrNullPatternIsRejected() {
        assertThatThrownBy(() -> Glob.of("")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pattern");
        assertThatThrownBy(() -> Glob.of(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void toStringAndEqualityFollowThePattern() {
        assertThat(Glob.of("rm_*").toString()).isEqualTo("rm_*");
        assertThat(Glob.of("rm_*")).isEqualTo(Glob.of("rm_*")).hasSameHashCodeAs(Glob.of("rm_*"));
        assertThat(Glob.of("rm_*")).isNotEqualTo(Glob.of("rm_?"));
    }

    /** Seeded property test against a straightforward reference matcher. */
    @Test
    void agreesWithAReferenceMatcher() {
        Random random = new Random(1234);
        char[] patternAlphabet = {'a', 'b', '.', '*', '?', '\\', '[', '$', '(', 'E', 'Q'};
        char[] nameAlphabet = {'a', 'b', '.', '\\', '[', '$', '(', 'E', 'Q', 'x'};
        int matched = 0;
        for (int i = 0; i < 5_000; i++) {
            String pattern = randomString(random, patternAlphabet, 1 + random.nextInt(7));
            Glob glob = Glob.of(pattern);
            for (int k = 0; k < 10; k++) {
                String name = randomString(random, nameAlphabet, random.nextInt(8));
                boolean expected = reference(pattern, 0, name, 0);
                assertThat(glob.matches(name)).as("'%s' vs '%s'", pattern, name).isEqualTo(expected);
                matched += expected ? 1 : 0;
            }
            // the pattern with its wildcards replaced by literals always matches
            String instance = pattern.replace("*", "").replace('?', 'x');
            assertThat(glob.matches(instance)).as("'%s' vs '%s'", pattern, instance).isTrue();
        }
        assertThat(matched).as("the generator produces matches too").isGreaterThan(500);
    }

    private static String randomString(Random random, char[] alphabet, int length) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < length; i++) {
            sb.append(alphabet[random.nextInt(alphabet.length)]);
        }
        return sb.toString();
    }

    private static boolean reference(String p, int pi, String s, int si) {
        if (pi == p.length()) {
            return si == s.length();
        }
        char c = p.charAt(pi);
        if (c == '*') {
            for (int k = si; k <= s.length(); k++) {
                if (reference(p, pi + 1, s, k)) {
                    return true;
                }
            }
            return false;
        }
        if (si == s.length()) {
            return false;
        }
        return (c == '?' || c == s.charAt(si)) && reference(p, pi + 1, s, si + 1);
    }
}
