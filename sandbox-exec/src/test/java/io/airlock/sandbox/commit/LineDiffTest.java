package io.airlock.sandbox.commit;

import static org.assertj.core.api.Assertions.assertThat;

import io.airlock.sandbox.commit.LineDiff.Edit;
import io.airlock.sandbox.commit.LineDiff.Op;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LineDiffTest {

    @Test
    void theEditScriptRebuildsBothSidesAndIsMinimal() {
        Random random = new Random(42);
        for (int round = 0; round < 2000; round++) {
            List<String> a = randomLines(random);
            List<String> b = randomLines(random);
            List<Edit> script = LineDiff.diff(a, b);
            List<String> old = new ArrayList<>();
            List<String> now = new ArrayList<>();
            int edits = 0;
            for (Edit e : script) {
                switch (e.op()) {
                    case EQUAL -> {
                        assertThat(a.get(e.a())).isEqualTo(b.get(e.b()));
                        old.add(a.get(e.a()));
                        now.add(b.get(e.b()));
                    }
                    case DELETE -> {
                        old.add(a.get(e.a()));
                        edits++;
                    }
                    case INSERT -> {
                        now.add(b.get(e.b()));
                        edits++;
                    }
                }
            }
            assertThat(old).isEqualTo(a);
            assertThat(now).isEqualTo(b);
            assertThat(edits).as("%s -> %s", a, b).isEqualTo(a.size() + b.size() - 2 * lcs(a, b));
        }
    }

    @Test
    void hunksCarryThreeLinesOfContextAndMergeWhenClose() {
        List<String> a = new ArrayList<>();
        for (int i = 1; i <= 30; i++) {
            a.add(i + "\n");
        }
        List<String> b = new ArrayList<>(a);
        b.set(1, "two\n");   // line 2
        b.set(7, "eight\n"); // line 8: 5 equal lines apart, one hunk
        b.set(24, "x\n");    // line 25: its own hunk
        List<LineDiff.Hunk> hunks = LineDiff.hunks(LineDiff.diff(a, b), 3);
        assertThat(hunks).extracting(LineDiff.Hunk::header).containsExactly("@@ -1,11 +1,11 @@",
                "@@ -22,7 +22,7 @@");
    }

    @Test
    void aLastLineWithoutNewlineDiffersFromTheSameTextWithOne() {
        List<Edit> script = LineDiff.diff(LineDiff.lines("a\nb"), LineDiff.lines("a\nb\n"));
        assertThat(script).extracting(Edit::op).containsExactly(Op.EQUAL, Op.DELETE, Op.INSERT);
    }

    @Test
    void pastTheEditLimitTheMiddleIsReplacedWhole() {
        List<String> a = new ArrayList<>();
        List<String> b = new ArrayList<>();
        for (int i = 0; i < LineDiff.MAX_EDITS; i++) {
            a.add("a" + i + "\n");
            b.add("b" + i + "\n");
        }
        a.add("same\n");
        b.add("same\n");
        List<Edit> script = LineDiff.diff(a, b);
        assertThat(script.stream().filter(e -> e.op() == Op.DELETE)).hasSize(LineDiff.MAX_EDITS);
        assertThat(script.getLast()).isEqualTo(new Edit(Op.EQUAL, LineDiff.MAX_EDITS, LineDiff.MAX_EDITS));
    }

    private static List<String> randomLines(Random random) {
        int n = random.nextInt(12);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            lines.add(String.valueOf((char) ('a' + random.nextInt(4))));
        }
        return lines;
    }

    private static int lcs(List<String> a, List<String> b) {
        int[][] t = new int[a.size() + 1][b.size() + 1];
        for (int i = a.size() - 1; i >= 0; i--) {
            for (int j = b.size() - 1; j >= 0; j--) {
                t[i][j] = a.get(i).equals(b.get(j)) ? t[i + 1][j + 1] + 1 : Math.max(t[i + 1][j], t[i][j + 1]);
            }
        }
        return t[0][0];
    }
}
