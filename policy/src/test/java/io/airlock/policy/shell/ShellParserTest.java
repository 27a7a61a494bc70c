package io.airlock.policy.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.airlock.policy.shell.ShellAst.ArithmCmd;
import io.airlock.policy.shell.ShellAst.ArithmExp;
import io.airlock.policy.shell.ShellAst.BinaryCmd;
import io.airlock.policy.shell.ShellAst.BinaryOp;
import io.airlock.policy.shell.ShellAst.Block;
import io.airlock.policy.shell.ShellAst.CallExpr;
import io.airlock.policy.shell.ShellAst.CaseClause;
import io.airlock.policy.shell.ShellAst.CmdSubst;
import io.airlock.policy.shell.ShellAst.CoprocClause;
import io.airlock.policy.shell.ShellAst.DblQuoted;
import io.airlock.policy.shell.ShellAst.DeclClause;
import io.airlock.policy.shell.ShellAst.ExtGlob;
import io.airlock.policy.shell.ShellAst.ForClause;
import io.airlock.policy.shell.ShellAst.FuncDecl;
import io.airlock.policy.shell.ShellAst.IfClause;
import io.airlock.policy.shell.ShellAst.LetClause;
import io.airlock.policy.shell.ShellAst.Lit;
import io.airlock.policy.shell.ShellAst.ParamExp;
import io.airlock.policy.shell.ShellAst.ProcSubst;
import io.airlock.policy.shell.ShellAst.RedirOp;
import io.airlock.policy.shell.ShellAst.Redirect;
import io.airlock.policy.shell.ShellAst.Script;
import io.airlock.policy.shell.ShellAst.SglQuoted;
import io.airlock.policy.shell.ShellAst.Stmt;
import io.airlock.policy.shell.ShellAst.Subshell;
import io.airlock.policy.shell.ShellAst.TestClause;
import io.airlock.policy.shell.ShellAst.TimeClause;
import io.airlock.policy.shell.ShellAst.Unmodelled;
import io.airlock.policy.shell.ShellAst.UnmodelledPart;
import io.airlock.policy.shell.ShellAst.WhileClause;
import io.airlock.policy.shell.ShellAst.Word;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShellParserTest {

    private static final ShellParser PARSER = new ShellParser();

    @BeforeAll
    static void shfmtPresent() {
        assumeTrue(PARSER.available(), "shfmt not installed at " + PARSER.shfmt());
    }

    private static Script parse(String source) {
        ShellParser.Result r = PARSER.parse(source);
        assertThat(r).as(source).isInstanceOf(ShellParser.Parsed.class);
        return ((ShellParser.Parsed) r).script();
    }

    private static Stmt only(String source) {
        Script s = parse(source);
        assertThat(s.stmts()).as(source).hasSize(1);
        return s.stmts().getFirst();
    }

    private static List<String> argv(Stmt stmt) {
        return ((CallExpr) stmt.cmd()).args().stream().map(Words::render).toList();
    }

    @Test
    void simpleCommandWithAssignmentsAndRedirects() {
        Stmt s = only("FOO=1 BAR=x ls -la /tmp > out.txt 2>/dev/null");
        CallExpr call = (CallExpr) s.cmd();
        assertThat(call.assigns()).extracting(ShellAst.Assign::name).containsExactly("FOO", "BAR");
        assertThat(argv(s)).containsExactly("ls", "-la", "/tmp");
        assertThat(s.redirects()).extracting(Redirect::op).containsExactly(RedirOp.OUT, RedirOp.OUT);
        assertThat(s.redirects().get(1).fd()).isEqualTo("2");
        assertThat(Words.render(s.redirects().get(0).target())).isEqualTo("out.txt");
    }

    @Test
    void everyRedirectionOperator() {
        String[][] cases = {{">", "OUT"}, {">>", "APPEND"}, {"<", "IN"}, {"<>", "RDWR"}, {">|", "CLOBBER"},
                {"&>", "ALL_OUT"}, {"&>>", "ALL_APPEND"}, {"<<<", "HERESTRING"}};
        for (String[] c : cases) {
            Stmt s = only("cmd " + c[0] + " target");
            assertThat(s.redirects().getFirst().op()).as(c[0]).isEqualTo(RedirOp.valueOf(c[1]));
        }
        assertThat(only("cmd 2>&1").redirects().getFirst().op()).isEqualTo(RedirOp.DUP_OUT);
        assertThat(only("cmd <&3").redirects().getFirst().op()).isEqualTo(RedirOp.DUP_IN);
    }

    @Test
    void heredocsKeepTheirBody() {
        Stmt quoted = only("cat <<'EOF'\nrm -rf $HOME\nEOF\n");
        Redirect r = quoted.redirects().getFirst();
        assertThat(r.op()).isEqualTo(RedirOp.HEREDOC);
        assertThat(r.target().parts().getFirst()).isInstanceOf(SglQuoted.class);
        assertThat(Words.render(r.heredoc())).isEqualTo("rm -rf $HOME\n");

        Stmt unquoted = only("bash <<EOF\necho $(id) $x\nEOF\n");
        Word body = unquoted.redirects().getFirst().heredoc();
        assertThat(body.parts()).hasAtLeastOneElementOfType(CmdSubst.class).hasAtLeastOneElementOfType(
                ParamExp.class);

        Stmt tabs = only("cat <<-EOF\n\thi\n\tEOF\n");
        assertThat(tabs.redirects().getFirst().op()).isEqualTo(RedirOp.HEREDOC_TABS);
    }

    @Test
    void pipelinesNestToTheLeftAndListsKeepOperators() {
        Stmt s = only("a | b |& c");
        BinaryCmd outer = (BinaryCmd) s.cmd();
        assertThat(outer.op()).isEqualTo(BinaryOp.PIPE_ALL);
        BinaryCmd inner = (BinaryCmd) outer.left().cmd();
        assertThat(inner.op()).isEqualTo(BinaryOp.PIPE);
        assertThat(argv(inner.left())).containsExactly("a");
        assertThat(argv(outer.right())).containsExactly("c");

        BinaryCmd list = (BinaryCmd) only("a && b || c").cmd();
        assertThat(list.op()).isEqualTo(BinaryOp.OR);
        assertThat(((BinaryCmd) list.left().cmd()).op()).isEqualTo(BinaryOp.AND);
    }

    @Test
    void treeSitterMisparseCasesParseCorrectly() {
        // tree-sitter-bash loses the second line's first command (upstream #347).
        Script s = parse("a | b | c\necho B && d");
        assertThat(s.stmts()).hasSize(2);
        BinaryCmd second = (BinaryCmd) s.stmts().get(1).cmd();
        assertThat(second.op()).isEqualTo(BinaryOp.AND);
        assertThat(argv(second.left())).containsExactly("echo", "B");
        assertThat(argv(second.right())).containsExactly("d");
        // tree-sitter swallows the arguments after a leading redirect (#233).
        Stmt grep = only("grep 2>/dev/null -q x f");
        assertThat(argv(grep)).containsExactly("grep", "-q", "x", "f");
        assertThat(grep.redirects()).hasSize(1);
        // Redirects stay with their command (#345).
        BinaryCmd pipe = (BinaryCmd) only("a > x | b < y").cmd();
        assertThat(pipe.left().redirects()).extracting(Redirect::op).containsExactly(RedirOp.OUT);
        assertThat(pipe.right().redirects()).extracting(Redirect::op).containsExactly(RedirOp.IN);
    }

    @Test
    void subshellsBlocksNegationAndBackground() {
        assertThat(only("(cd x; ls)").cmd()).isInstanceOf(Subshell.class);
        assertThat(((Block) only("{ a; b; }").cmd()).stmts()).hasSize(2);
        assertThat(only("! ls").negated()).isTrue();
        Script bg = parse("sleep 1 & echo hi");
        assertThat(bg.stmts().getFirst().background()).isTrue();
        assertThat(bg.stmts()).hasSize(2);
    }

    @Test
    void controlFlow() {
        IfClause ic = (IfClause) only("if a; then b; elif c; then d; else e; fi").cmd();
        assertThat(ic.cond()).hasSize(1);
        assertThat(ic.elseBranch().cond()).hasSize(1);
        assertThat(ic.elseBranch().elseBranch().cond()).isEmpty();
        assertThat(argv(ic.elseBranch().elseBranch().then().getFirst())).containsExactly("e");

        WhileClause wc = (WhileClause) only("until a; do b; done").cmd();
        assertThat(wc.until()).isTrue();
        assertThat(wc.body()).hasSize(1);

        ForClause fc = (ForClause) only("for f in a 'b c'; do rm \"$f\"; done").cmd();
        assertThat(fc.var()).isEqualTo("f");
        assertThat(fc.items()).extracting(Words::render).containsExactly("a", "b c");
        assertThat(((ForClause) only("for f; do echo; done").cmd()).items()).isNull();
        ForClause cstyle = (ForClause) only("for ((i=0; i<$(id -u); i++)); do echo; done").cmd();
        assertThat(cstyle.var()).isNull();
        assertThat(cstyle.arithmetic()).anySatisfy(w -> assertThat(w.parts()).hasAtLeastOneElementOfType(
                CmdSubst.class));
        assertThat(((ForClause) only("select x in a b; do ls; done").cmd()).select()).isTrue();

        CaseClause cc = (CaseClause) only("case $x in a|b) c;; *) d;; esac").cmd();
        assertThat(cc.items()).hasSize(2);
        assertThat(cc.items().getFirst().patterns()).extracting(Words::render).containsExactly("a", "b");
    }

    @Test
    void functionsAndDeclarations() {
        FuncDecl f = (FuncDecl) only("f() { rm x; }").cmd();
        assertThat(f.name()).isEqualTo("f");
        assertThat(f.body().cmd()).isInstanceOf(Block.class);
        assertThat(((FuncDecl) only("function g { ls; }").cmd()).name()).isEqualTo("g");

        DeclClause d = (DeclClause) only("export A=$(id) B").cmd();
        assertThat(d.variant()).isEqualTo("export");
        assertThat(d.args()).hasSize(2);
        assertThat(d.args().get(1).naked()).isTrue();
        assertThat(((DeclClause) only("local x=1").cmd()).variant()).isEqualTo("local");

        CallExpr arr = (CallExpr) only("a=(1 2 $(id)) b+=x").cmd();
        assertThat(arr.assigns().getFirst().array()).hasSize(3);
        assertThat(arr.assigns().get(1).append()).isTrue();
    }

    @Test
    void wordParts() {
        Stmt s = only("echo lit 'single' \"dbl $x\" $'a\\x41' ${y:-d} $(id) `pwd` <(ls) >(cat) $((1+2)) @(a|b)");
        List<Word> args = ((CallExpr) s.cmd()).args();
        assertThat(args.get(1).parts().getFirst()).isInstanceOf(Lit.class);
        assertThat(args.get(2).parts().getFirst()).isInstanceOf(SglQuoted.class);
        assertThat(((DblQuoted) args.get(3).parts().getFirst()).parts()).hasAtLeastOneElementOfType(ParamExp.class);
        SglQuoted ansi = (SglQuoted) args.get(4).parts().getFirst();
        assertThat(ansi.dollar()).isTrue();
        assertThat(Words.decodeAnsiC(ansi.value())).isEqualTo("aA");
        ParamExp pe = (ParamExp) args.get(5).parts().getFirst();
        assertThat(pe.plain()).isFalse();
        assertThat(pe.nested()).hasSize(1);
        assertThat(args.get(6).parts().getFirst()).isInstanceOf(CmdSubst.class);
        assertThat(((CmdSubst) args.get(7).parts().getFirst()).backquotes()).isTrue();
        assertThat(((ProcSubst) args.get(8).parts().getFirst()).output()).isFalse();
        assertThat(((ProcSubst) args.get(9).parts().getFirst()).output()).isTrue();
        assertThat(args.get(10).parts().getFirst()).isInstanceOf(ArithmExp.class);
        assertThat(((ExtGlob) args.get(11).parts().getFirst()).op()).isEqualTo("@(");
        CallExpr plain = (CallExpr) only("echo $x").cmd();
        assertThat(((ParamExp) plain.args().get(1).parts().getFirst()).plain()).isTrue();
    }

    @Test
    void testArithmeticTimeAndCoproc() {
        TestClause tc = (TestClause) only("[[ $(id) == x && -f y ]]").cmd();
        assertThat(tc.words()).hasSize(3);
        assertThat(((ArithmCmd) only("((x++))").cmd()).words()).isNotEmpty();
        assertThat(((LetClause) only("let x=1").cmd()).words()).isNotEmpty();
        assertThat(((TimeClause) only("time ls").cmd()).stmt().cmd()).isInstanceOf(CallExpr.class);
        CoprocClause co = (CoprocClause) only("coproc foo { ls; }").cmd();
        assertThat(co.name()).isEqualTo("foo");
    }

    @Test
    void escapesAreRemovedWhenRendering() {
        assertThat(argv(only("\\rm -r\\f \"a\\$b\" 'q\\n'"))).containsExactly("rm", "-rf", "a$b", "q\\n");
        assertThat(argv(only("\"git\" reset"))).containsExactly("git", "reset");
    }

    @Test
    void syntaxErrorsAreReported() {
        ShellParser.Result r = PARSER.parse("echo 'unterminated");
        assertThat(r).isInstanceOf(ShellParser.SyntaxError.class);
        assertThat(((ShellParser.SyntaxError) r).message()).contains("quote");
        assertThat(PARSER.parse("if true; then")).isInstanceOf(ShellParser.SyntaxError.class);
        assertThat(PARSER.parse("a\0b")).isInstanceOf(ShellParser.SyntaxError.class);
    }

    @Test
    void missingParserIsUnavailable() {
        ShellParser missing = new ShellParser(Path.of("/nonexistent/shfmt"), Duration.ofSeconds(1));
        assertThat(missing.available()).isFalse();
        ShellParser.Result r = missing.parse("ls");
        assertThat(r).isInstanceOf(ShellParser.Unavailable.class);
        assertThat(((ShellParser.Unavailable) r).reason()).contains("/nonexistent/shfmt");
    }

    @Test
    void hangingParserTimesOut(@TempDir Path dir) throws IOException {
        Path fake = dir.resolve("slow-shfmt");
        Files.writeString(fake, "#!/bin/sh\nexec sleep 30\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwx------"));
        ShellParser slow = new ShellParser(fake, Duration.ofMillis(300));
        long start = System.nanoTime();
        ShellParser.Result r = slow.parse("ls");
        assertThat(r).isInstanceOf(ShellParser.Unavailable.class);
        assertThat(((ShellParser.Unavailable) r).reason()).contains("timed out");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void crashingParserIsUnavailable(@TempDir Path dir) throws IOException {
        Path fake = dir.resolve("bad-shfmt");
        Files.writeString(fake, "#!/bin/sh\necho oops >&2\nexit 2\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwx------"));
        assertThat(new ShellParser(fake, Duration.ofSeconds(2)).parse("ls")).isInstanceOf(
                ShellParser.Unavailable.class);
        Path garbage = dir.resolve("garbage-shfmt");
        Files.writeString(garbage, "#!/bin/sh\ncat >/dev/null\necho not-json\n");
        Files.setPosixFilePermissions(garbage, PosixFilePermissions.fromString("rwx------"));
        assertThat(new ShellParser(garbage, Duration.ofSeconds(2)).parse("ls")).isInstanceOf(
                ShellParser.Unavailable.class);
    }

    @Test
    void unknownNodeTypesBecomeUnmodelledNodes() throws IOException {
        String json = new String(getClass().getResourceAsStream("/shell/unmodelled.json").readAllBytes(),
                StandardCharsets.UTF_8);
        ShellParser.Result r = ShellParser.fromJson(json.getBytes(StandardCharsets.UTF_8));
        Script s = ((ShellParser.Parsed) r).script();
        assertThat(s.stmts()).hasSize(2);
        assertThat(s.stmts().get(0).cmd()).isEqualTo(new Unmodelled("FancyNewClause"));
        CallExpr call = (CallExpr) s.stmts().get(1).cmd();
        assertThat(call.args().get(1).parts().getFirst()).isEqualTo(new UnmodelledPart("BraceExp"));
        assertThat(ShellParser.fromJson("{\"Type\":\"Nope\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(ShellParser.Unavailable.class);
        assertThat(ShellParser.fromJson("not json".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(ShellParser.Unavailable.class);
    }

    @Test
    void deepNestingIsCutNotCrashed() {
        StringBuilder sb = new StringBuilder("echo ");
        for (int i = 0; i < 120; i++) {
            sb.append("$(echo ");
        }
        sb.append("x");
        sb.append(")".repeat(120));
        ShellParser.Result r = PARSER.parse(sb.toString());
        // Either parsed (possibly with an Unmodelled cut) or unavailable: never an exception.
        assertThat(r).isNotNull();
    }
}
