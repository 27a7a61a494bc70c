package io.airlock.sandbox.commit;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A line diff: Myers' greedy O((N+M)·D) algorithm on the part between the common prefix and suffix, and the unified
 * hunks built from its edit script. Lines keep their {@code \n}, so a last line without one differs from the same
 * text with one (as in diff(1)).
 *
 * <p>The backtracking trace costs D² ints; past {@link #MAX_EDITS} differing lines the middle part is shown as
 * removed and re-added whole: still a correct diff, just not a minimal one.
 */
final class LineDiff {

    static final int MAX_EDITS = 1500;

    enum Op { EQUAL, DELETE, INSERT }

    /** One line of the edit script: an index into the old lines, the new lines, or both. */
    record Edit(Op op, int a, int b) {}

    private LineDiff() {}

    /** Splits text into lines, each with its {@code \n} except perhaps the last. */
    static List<String> lines(String text) {
        List<String> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                lines.add(text.substring(start, i + 1));
                start = i + 1;
            }
        }
        if (start < text.length()) {
            lines.add(text.substring(start));
        }
        return lines;
    }

    static List<Edit> diff(List<String> a, List<String> b) {
        int n = a.size();
        int m = b.size();
        int prefix = 0;
        while (prefix < n && prefix < m && a.get(prefix).equals(b.get(prefix))) {
            prefix++;
        }
        int suffix = 0;
        while (suffix < n - prefix && suffix < m - prefix && a.get(n - 1 - suffix).equals(b.get(m - 1 - suffix))) {
            suffix++;
        }
        List<Edit> script = new ArrayList<>(n + m);
        for (int i = 0; i < prefix; i++) {
            script.add(new Edit(Op.EQUAL, i, i));
        }
        middle(a, b, prefix, n - suffix, prefix, m - suffix, script);
        for (int i = suffix; i > 0; i--) {
            script.add(new Edit(Op.EQUAL, n - i, m - i));
        }
        return script;
    }

    /** Appends the edit script of a[aFrom, aTo) against b[bFrom, bTo). */
    private static void middle(List<String> a, List<String> b, int aFrom, int aTo, int bFrom, int bTo,
                               List<Edit> script) {
        int n = aTo - aFrom;
        int m = bTo - bFrom;
        // Lines as ints: equal lines, equal ids.
        Map<String, Integer> ids = new HashMap<>();
        int[] x1 = new int[n];
        int[] y1 = new int[m];
        for (int i = 0; i < n; i++) {
            x1[i] = ids.computeIfAbsent(a.get(aFrom + i), k -> ids.size());
        }
        for (int j = 0; j < m; j++) {
            y1[j] = ids.computeIfAbsent(b.get(bFrom + j), k -> ids.size());
        }
        int max = n + m;
        int offset = max + 1;
        int[] v = new int[2 * max + 3];
        List<int[]> trace = new ArrayList<>();
        int found = -1;
        for (int d = 0; d <= max && d <= MAX_EDITS; d++) {
            // Keep V[-d..d] as it was before this round: backtracking reads exactly that range.
            int[] snapshot = new int[2 * d + 1];
            System.arraycopy(v, offset - d, snapshot, 0, 2 * d + 1);
            trace.add(snapshot);
            for (int k = -d; k <= d; k += 2) {
                int x = (k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1]))
                        ? v[offset + k + 1] : v[offset + k - 1] + 1;
                int y = x - k;
                while (x < n && y < m && x1[x] == y1[y]) {
                    x++;
                    y++;
                }
                v[offset + k] = x;
                if (x >= n && y >= m) {
                    found = d;
                    break;
                }
            }
            if (found >= 0) {
                break;
            }
        }
        if (found < 0) {
            for (int i = 0; i < n; i++) {
                script.add(new Edit(Op.DELETE, aFrom + i, -1));
            }
            for (int j = 0; j < m; j++) {
                script.add(new Edit(Op.INSERT, -1, bFrom + j));
            }
            return;
        }
        List<Edit> reversed = new ArrayList<>();
        int x = n;
        int y = m;
        for (int d = found; d > 0; d--) {
            int[] prev = trace.get(d); // V before round d, indices -d..d
            int k = x - y;
            int prevK = (k == -d || (k != d && prev[k - 1 + d] < prev[k + 1 + d])) ? k + 1 : k - 1;
            int prevX = prev[prevK + d];
            int prevY = prevX - prevK;
            while (x > prevX && y > prevY) {
                x--;
                y--;
                reversed.add(new Edit(Op.EQUAL, aFrom + x, bFrom + y));
            }
            if (x == prevX) {
                reversed.add(new Edit(Op.INSERT, -1, bFrom + prevY));
            } else {
                reversed.add(new Edit(Op.DELETE, aFrom + prevX, -1));
            }
            x = prevX;
            y = prevY;
        }
        while (x > 0 && y > 0) {
            x--;
            y--;
            reversed.add(new Edit(Op.EQUAL, aFrom + x, bFrom + y));
        }
        Collections.reverse(reversed);
        script.addAll(reversed);
    }

    /** One unified hunk: its header and its lines (prefixed, without their own newlines). */
    record Hunk(int aStart, int aCount, int bStart, int bCount, List<Edit> edits) {
        String header() {
            return "@@ -" + range(aStart, aCount) + " +" + range(bStart, bCount) + " @@";
        }

        private static String range(int start, int count) {
            return count == 1 ? String.valueOf(start) : start + "," + count;
        }
    }

    /** Groups an edit script into hunks with {@code context} lines of context around each change. */
    static List<Hunk> hunks(List<Edit> script, int context) {
        List<Hunk> hunks = new ArrayList<>();
        int i = 0;
        int size = script.size();
        // aBefore/bBefore: old/new lines consumed before script index i.
        int[] aBefore = new int[size + 1];
        int[] bBefore = new int[size + 1];
        for (int s = 0; s < size; s++) {
            Op op = script.get(s).op();
            aBefore[s + 1] = aBefore[s] + (op == Op.INSERT ? 0 : 1);
            bBefore[s + 1] = bBefore[s] + (op == Op.DELETE ? 0 : 1);
        }
        while (i < size) {
            if (script.get(i).op() == Op.EQUAL) {
                i++;
                continue;
            }
            int start = Math.max(0, i - context);
            int end = i; // exclusive end of the last change seen
            int j = i;
            while (j < size) {
                if (script.get(j).op() != Op.EQUAL) {
                    end = j + 1;
                    j++;
                    continue;
                }
                // A run of equal lines: the hunk goes on only if another change follows within 2·context lines.
                int run = j;
                while (run < size && script.get(run).op() == Op.EQUAL) {
                    run++;
                }
                if (run < size && run - j <= 2 * context) {
                    j = run;
                } else {
                    break;
                }
            }
            int stop = Math.min(size, end + context);
            int aCount = aBefore[stop] - aBefore[start];
            int bCount = bBefore[stop] - bBefore[start];
            int aStart = aCount == 0 ? aBefore[start] : aBefore[start] + 1;
            int bStart = bCount == 0 ? bBefore[start] : bBefore[start] + 1;
            hunks.add(new Hunk(aStart, aCount, bStart, bCount, script.subList(start, stop)));
            i = stop;
        }
        return hunks;
    }
}
