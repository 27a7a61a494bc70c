package io.airlock.policy.shell;

import io.airlock.policy.shell.ShellAst.ArithmExp;
import io.airlock.policy.shell.ShellAst.CmdSubst;
import io.airlock.policy.shell.ShellAst.DblQuoted;
import io.airlock.policy.shell.ShellAst.ExtGlob;
import io.airlock.policy.shell.ShellAst.Lit;
import io.airlock.policy.shell.ShellAst.ParamExp;
import io.airlock.policy.shell.ShellAst.ProcSubst;
import io.airlock.policy.shell.ShellAst.SglQuoted;
import io.airlock.policy.shell.ShellAst.UnmodelledPart;
import io.airlock.policy.shell.ShellAst.Word;
import io.airlock.policy.shell.ShellAst.WordPart;

/** Text helpers for words: quote removal, ANSI-C decoding, and a readable rendering of non-literal parts. */
final class Words {

    private Words() {}

    /** Removes backslash escapes from unquoted text ({@code \x} is {@code x}; a trailing backslash stays). */
    static String unescapeUnquoted(String raw) {
        if (raw.indexOf('\\') < 0) {
            return raw;
        }
        StringBuilder out = new StringBuilder(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '\\' && i + 1 < raw.length()) {
                char next = raw.charAt(++i);
                if (next != '\n') {
                    out.append(next);
                }
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** Removes the escapes that are special inside double quotes: {@code \$ \` \" \\} and backslash-newline. */
    static String unescapeDoubleQuoted(String raw) {
        if (raw.indexOf('\\') < 0) {
            return raw;
        }
        StringBuilder out = new StringBuilder(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '\\' && i + 1 < raw.length()) {
                char next = raw.charAt(i + 1);
                if (next == '$' || next == '`' || next == '"' || next == '\\') {
                    out.append(next);
                    i++;
                    continue;
                }
                if (next == '\n') {
                    i++;
                    continue;
                }
            }
            out.append(c);
        }
        return out.toString();
    }

    /** Decodes the body of {@code $'...'}. */
    static String decodeAnsiC(String raw) {
        StringBuilder out = new StringBuilder(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c != '\\' || i + 1 >= raw.length()) {
                out.append(c);
                continue;
            }
            char e = raw.charAt(++i);
            switch (e) {
                case 'a' -> out.append('\u0007');
                case 'b' -> out.append('\b');
                case 'e', 'E' -> out.append('\u001b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'v' -> out.append('\u000b');
                case '\\', '\'', '"', '?' -> out.append(e);
                case 'x' -> i = appendCode(raw, i + 1, 2, 16, out) - 1;
                case 'u' -> i = appendCode(raw, i + 1, 4, 16, out) - 1;
                case 'U' -> i = appendCode(raw, i + 1, 8, 16, out) - 1;
                case 'c' -> {
                    if (i + 1 < raw.length()) {
                        out.append((char) (raw.charAt(++i) & 0x1f));
                    }
                }
                default -> {
                    if (e >= '0' && e <= '7') {
                        i = appendCode(raw, i, 3, 8, out) - 1;
                    } else {
                        out.append('\\').append(e);
                    }
                }
            }
        }
        return out.toString();
    }

    /** Appends the character coded by up to {@code max} digits at {@code start}; returns the index after them. */
    private static int appendCode(String raw, int start, int max, int radix, StringBuilder out) {
        int end = start;
        while (end < raw.length() && end - start < max && Character.digit(raw.charAt(end), radix) >= 0) {
            end++;
        }
        if (end == start) {
            out.append('\\').append(raw.charAt(start - 1));
            return start;
        }
        int code = Integer.parseInt(raw, start, end, radix);
        if (Character.isValidCodePoint(code)) {
            out.appendCodePoint(code);
        }
        return end;
    }

    /** Decodes the escapes {@code printf} and {@code echo -e} understand (as ANSI-C, plus {@code \0NNN}). */
    static String decodePrintf(String raw) {
        return decodeAnsiC(raw.replace("\\0", "\\"));
    }

    /** A readable rendering of a word: literal text as is, expansions as {@code $name}, {@code $(…)} etc. */
    static String render(Word word) {
        StringBuilder out = new StringBuilder();
        for (WordPart part : word.parts()) {
            render(part, out);
        }
        return out.toString();
    }

    private static void render(WordPart part, StringBuilder out) {
        switch (part) {
            case Lit lit -> out.append(unescapeUnquoted(lit.value()));
            case SglQuoted sq -> out.append(sq.dollar() ? decodeAnsiC(sq.value()) : sq.value());
            case DblQuoted dq -> {
                for (WordPart inner : dq.parts()) {
                    if (inner instanceof Lit lit) {
                        out.append(unescapeDoubleQuoted(lit.value()));
                    } else {
                        render(inner, out);
                    }
                }
            }
            case ParamExp pe -> out.append(pe.plain() ? "$" + pe.name() : "${" + pe.name() + "…}");
            case CmdSubst ignored -> out.append("$(…)");
            case ProcSubst ps -> out.append(ps.output() ? "$>(…)" : "$<(…)");
            case ArithmExp ignored -> out.append("$((…))");
            case ExtGlob g -> out.append(g.op()).append(g.pattern()).append(')');
            case UnmodelledPart u -> out.append("$<").append(u.type()).append('>');
        }
    }

    /** The literal text of a word whose parts are all literal, else its rendering. */
    static String rawText(Word word) {
        return render(word);
    }

    /** Shortens text for evidence strings. */
    static String abbreviate(String text, int max) {
        String oneLine = text.replace('\n', '⏎');
        return oneLine.length() <= max ? oneLine : oneLine.substring(0, max - 1) + "…";
    }
}
