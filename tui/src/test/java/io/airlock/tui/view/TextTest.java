package io.airlock.tui.view;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TextTest {

    @Test
    void escapeSequencesFromAnAgentAreShownNotObeyed() {
        assertThat(Text.visible("ok\u001b[2J\u001b[Happroved")).isEqualTo("ok\\x1b[2J\\x1b[Happroved");
        assertThat(Text.visible("a\rb\u009bc")).isEqualTo("a\\x0db\\x9bc");
    }

    @Test
    void bidirectionalOverridesAreShownNotObeyed() {
        assertThat(Text.visible("rm -rf \u202e/ fr-")).isEqualTo("rm -rf \\u202e/ fr-");
    }

    @Test
    void plainTextIsUnchanged() {
        String text = "write_file path=/tmp/x (52 chars) ✓ 日本";
        assertThat(Text.visible(text)).isSameAs(text);
    }

    @Test
    void visibleLinesKeepsLineBreaks() {
        assertThat(Text.visibleLines("a\n\u001bb\n")).isEqualTo("a\n\\x1bb\n");
    }

    @Test
    void aLongCommandWrapsAtSpacesAndLosesNothing() {
        String command = "curl -s https://example.com/install.sh | sudo bash -s -- --prefix /usr/local --yes";

        var lines = Text.wrap(command, 30, "    ");

        assertThat(lines).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(30));
        assertThat(String.join("", lines.stream().map(l -> l.startsWith("    ") ? l.substring(4) : l).toList()))
                .isEqualTo(command);
    }

    @Test
    void aWordLongerThanTheLineIsBrokenInside() {
        assertThat(Text.wrap("x".repeat(25), 10, "  ")).containsExactly("x".repeat(10), "  " + "x".repeat(8),
                "  " + "x".repeat(7));
    }

    @Test
    void agesAndCountdownsAreShort() {
        assertThat(Text.age(Duration.ofSeconds(12))).isEqualTo("12s");
        assertThat(Text.age(Duration.ofMinutes(5))).isEqualTo("5m");
        assertThat(Text.age(Duration.ofHours(3))).isEqualTo("3h");
        assertThat(Text.age(Duration.ofDays(3))).isEqualTo("3d");
        assertThat(Text.countdown(Duration.ofSeconds(552))).isEqualTo("9m 12s");
        assertThat(Text.countdown(Duration.ofSeconds(-3))).isEqualTo("0s");
    }
}
