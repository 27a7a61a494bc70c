package io.airlock.tui.view;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Text shaping for the screen: making untrusted strings harmless, wrapping, short durations. */
public final class Text {

    private Text() {
    }

    /**
     * Makes a string from an agent or server safe to draw: control characters (including ESC, which could move the
     * cursor or repaint the screen) and bidirectional overrides (which can make text read differently than it is)
     * become visible escapes such as {@code \x1b}; tabs become a space. What the operator reads is what was sent.
     */
    public static String visible(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String replacement = c == '\t' ? " "
                    : c < 0x20 || (c >= 0x7f && c <= 0x9f) ? String.format("\\x%02x", (int) c)
                    : (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c == 0x200e || c == 0x200f
                            ? String.format("\\u%04x", (int) c)
                    : null;
            if (replacement != null && out == null) {
                out = new StringBuilder(text.length() + 8).append(text, 0, i);
            }
            if (out != null) {
                if (replacement != null) {
                    out.append(replacement);
                } else {
                    out.append(c);
                }
            }
        }
        return out == null ? text : out.toString();
    }

    /** {@link #visible} line by line, keeping the line breaks (for pretty JSON and YAML). */
    public static String visibleLines(String text) {
        return String.join("\n", text.lines().map(Text::visible).toList()) + (text.endsWith("\n") ? "\n" : "");
    }

    /**
     * Wraps one line to {@code width} columns, breaking after spaces where it can and anywhere when a word is too
     * long (a shell pipeline must be shown whole, not cut); continuation lines start with {@code indent}.
     */
    public static List<String> wrap(String line, int width, String indent) {
        List<String> out = new ArrayList<>();
        if (width <= indent.length() + 1) {
            out.add(line.length() <= Math.max(width, 1) ? line : line.substring(0, Math.max(width, 1)));
            return out;
        }
        String rest = line;
        String prefix = "";
        while (prefix.length() + rest.length() > width) {
            int room = width - prefix.length();
            int cut = rest.lastIndexOf(' ', room);
            if (cut <= 0) {
                cut = room; // no space to break at: break inside the word
            } else {
                cut++; // keep the space at the end of the line, so joining the lines gives the original back
            }
            out.add(prefix + rest.substring(0, cut));
            rest = rest.substring(cut);
            prefix = indent;
        }
        out.add(prefix + rest);
        return out;
    }

    /** "12s", "4m", "3h", "2d": an age that fits five columns. */
    public static String age(Duration duration) {
        long seconds = Math.max(0, duration.toSeconds());
        if (seconds < 100) {
            return seconds + "s";
        }
        if (seconds < 100 * 60) {
            return seconds / 60 + "m";
        }
        if (seconds < 48 * 3600) {
            return seconds / 3600 + "h";
        }
        return seconds / 86400 + "d";
    }

    /** "9m 12s", "45s": a countdown. */
    public static String countdown(Duration duration) {
        long seconds = Math.max(0, duration.toSeconds());
        return seconds >= 60 ? seconds / 60 + "m " + seconds % 60 + "s" : seconds + "s";
    }
}
