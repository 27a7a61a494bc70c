package io.airlock.proxy.onboard;

import java.util.ArrayList;
import java.util.List;

/** A unified diff (3 lines of context) of two texts, for showing a rewrite before it is made. */
final class UnifiedDiff {

    private static final int CONTEXT = 3;
    /** Beyond this many changed lines on each side the middle is shown as one replacement (no LCS table). */
    private static final int MAX_LCS = 4000;

    private UnifiedDiff() {}

    static String diff(String label, String before, String after) {
        List<String> a = before == null ? List.of() : lines(before);
        List<String> b = lines(after == null ? "" : after);
        int prefix = 0;
        while (prefix < a.size() && prefix < b.size() && a.get(prefix).equals(b.get(prefix))) {
            prefix++;
        }
        int suffix = 0;
        while (suffix < a.size() - prefix && suffix < b.size() - prefix
                && a.get(a.size() - 1 - suffix).equals(b.get(b.size() - 1 - suffix))) {
            suffix++;
        }
        if (prefix == a.size() && prefix == b.size()) {
            return "";
        }
        // Edit script over the whole file: ' ' keep, '-' remove, '+' add.
        List<char[]> ops = new ArrayList<>();
        List<String> text = new ArrayList<>();
        for (int i = 0; i < prefix; i++) {
            ops.add(new char[] {' '});
            text.add(a.get(i));
        }
        List<String> midA = a.subList(prefix, a.size() - suffix);
        List<String> midB = b.subList(prefix, b.size() - suffix);
        middle(midA, midB, ops, text);
        for (int i = a.size() - suffix; i < a.size(); i++) {
            ops.add(new char[] {' '});
            text.add(a.get(i));
        }
        StringBuilder out = new StringBuilder();
        out.append("--- ").append(before == null ? "/dev/null" : label).append('\n');
        out.append("+++ ").append(after == null ? "/dev/null" : label).append('\n');
        int n = ops.size();
        int i = 0;
        while (i < n) {
            if (ops.get(i)[0] == ' ') {
                i++;
                continue;
            }
            int start = Math.max(0, i - CONTEXT);
            int end = i;
            // Extend the hunk while changes are within 2*CONTEXT lines of each other.
            int last = i;
            for (int j = i; j < n; j++) {
                if (ops.get(j)[0] != ' ') {
                    last = j;
                } else if (j - last > 2 * CONTEXT) {
                    break;
                }
            }
            end = Math.min(n, last + CONTEXT + 1);
            int oldStart = 1;
            int newStart = 1;
            for (int k = 0; k < start; k++) {
                if (ops.get(k)[0] != '+') {
                    oldStart++;
                }
                if (ops.get(k)[0] != '-') {
                    newStart++;
                }
            }
            int oldCount = 0;
            int newCount = 0;
            StringBuilder hunk = new StringBuilder();
            for (int k = start; k < end; k++) {
                char op = ops.get(k)[0];
                if (op != '+') {
                    oldCount++;
                }
                if (op != '-') {
                    newCount++;
                }
                hunk.append(op).append(text.get(k)).append('\n');
            }
            out.append("@@ -").append(oldCount == 0 ? oldStart - 1 : oldStart).append(',').append(oldCount)
                    .append(" +").append(newCount == 0 ? newStart - 1 : newStart).append(',').append(newCount)
                    .append(" @@\n").append(hunk);
            i = end;
        }
        return out.toString();
    }

    private static void middle(List<String> a, List<String> b, List<char[]> ops, List<String> text) {
        if (a.size() > MAX_LCS || b.size() > MAX_LCS) {
            a.forEach(line -> {
                ops.add(new char[] {'-'});
                text.add(line);
            });
            b.forEach(line -> {
                ops.add(new char[] {'+'});
                text.add(line);
            });
            return;
        }
        int[][] lcs = new int[a.size() + 1][b.size() + 1];
        for (int i = a.size() - 1; i >= 0; i--) {
            for (int j = b.size() - 1; j >= 0; j--) {
                lcs[i][j] = a.get(i).equals(b.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        int i = 0;
        int j = 0;
        while (i < a.size() || j < b.size()) {
            if (i < a.size() && j < b.size() && a.get(i).equals(b.get(j))) {
                ops.add(new char[] {' '});
                text.add(a.get(i++));
                j++;
            } else if (i < a.size() && (j == b.size() || lcs[i + 1][j] >= lcs[i][j + 1])) {
                ops.add(new char[] {'-'}); // removals first, as diff(1) shows them
                text.add(a.get(i++));
            } else {
                ops.add(new char[] {'+'});
                text.add(b.get(j++));
            }
        }
    }

    private static List<String> lines(String s) {
        List<String> out = new ArrayList<>(List.of(s.split("\n", -1)));
        if (!out.isEmpty() && out.getLast().isEmpty()) {
            out.removeLast();
        }
        return out;
    }
}
