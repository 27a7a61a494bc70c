package io.airlock.policy.shell;

import java.util.List;
import java.util.Objects;

/**
 * A small, typed syntax tree for shell command lines, converted from the tree {@code shfmt --to-json} prints (the
 * mvdan/sh parser). It keeps what analysis needs (commands, words and how they were quoted, redirections,
 * substitutions, control flow) and drops positions and comments. Anything the converter does not know becomes an
 * explicit {@link Unmodelled} or {@link UnmodelledPart} node, never nothing, so analysis can fail closed on it.
 */
public final class ShellAst {

    private ShellAst() {}

    /** A whole command line or script. */
    public record Script(List<Stmt> stmts) {
        public Script {
            stmts = List.copyOf(stmts);
        }
    }

    /**
     * One statement: a command with its redirections. {@code cmd} is null for a statement made only of redirections
     * (e.g. {@code > file}).
     */
    public record Stmt(Command cmd, List<Redirect> redirects, boolean negated, boolean background) {
        public Stmt {
            redirects = List.copyOf(redirects);
        }
    }

    /** The kinds of command a statement can hold. */
    public sealed interface Command permits CallExpr, BinaryCmd, Subshell, Block, IfClause, WhileClause, ForClause,
            CaseClause, FuncDecl, DeclClause, TestClause, ArithmCmd, LetClause, TimeClause, CoprocClause, Unmodelled {}

    /** A simple command: optional assignments ({@code A=1 B=2 cmd}) and the words of its argv. */
    public record CallExpr(List<Assign> assigns, List<Word> args) implements Command {
        public CallExpr {
            assigns = List.copyOf(assigns);
            args = List.copyOf(args);
        }
    }

    /** Binary operators between statements. */
    public enum BinaryOp {
        AND("&&"), OR("||"), PIPE("|"), PIPE_ALL("|&");

        private final String text;

        BinaryOp(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }

        public boolean isPipe() {
            return this == PIPE || this == PIPE_ALL;
        }
    }

    /** {@code left && right}, {@code left || right}, {@code left | right}; pipelines nest to the left. */
    public record BinaryCmd(BinaryOp op, Stmt left, Stmt right) implements Command {}

    /** {@code ( stmts )}. */
    public record Subshell(List<Stmt> stmts) implements Command {
        public Subshell {
            stmts = List.copyOf(stmts);
        }
    }

    /** {@code { stmts; }}. */
    public record Block(List<Stmt> stmts) implements Command {
        public Block {
            stmts = List.copyOf(stmts);
        }
    }

    /**
     * {@code if cond; then then; elif ...; else ...; fi}. {@code elseBranch} is null when there is no else; a plain
     * {@code else} is an IfClause with an empty {@code cond}.
     */
    public record IfClause(List<Stmt> cond, List<Stmt> then, IfClause elseBranch) implements Command {
        public IfClause {
            cond = List.copyOf(cond);
            then = List.copyOf(then);
        }
    }

    /** {@code while cond; do body; done} or, with {@code until}, {@code until cond; do body; done}. */
    public record WhileClause(boolean until, List<Stmt> cond, List<Stmt> body) implements Command {
        public WhileClause {
            cond = List.copyOf(cond);
            body = List.copyOf(body);
        }
    }

    /**
     * {@code for var in items; do body; done} ({@code items} null when there is no {@code in}: it iterates "$@"),
     * {@code select}, or the arithmetic form {@code for ((init; cond; post))} (then {@code var} is null and
     * {@code arithmetic} holds the words inside the expressions).
     */
    public record ForClause(boolean select, String var, List<Word> items, List<Word> arithmetic, List<Stmt> body)
            implements Command {
        public ForClause {
            items = items == null ? null : List.copyOf(items);
            arithmetic = List.copyOf(arithmetic);
            body = List.copyOf(body);
        }
    }

    /** {@code case word in pattern) stmts;; esac}. */
    public record CaseClause(Word word, List<CaseItem> items) implements Command {
        public CaseClause {
            items = List.copyOf(items);
        }
    }

    /** One arm of a case clause. */
    public record CaseItem(List<Word> patterns, List<Stmt> stmts) {
        public CaseItem {
            patterns = List.copyOf(patterns);
            stmts = List.copyOf(stmts);
        }
    }

    /** {@code name() body} or {@code function name body}. */
    public record FuncDecl(String name, Stmt body) implements Command {}

    /** {@code declare}, {@code local}, {@code export}, {@code readonly}, {@code typeset}, {@code nameref}. */
    public record DeclClause(String variant, List<Assign> args) implements Command {
        public DeclClause {
            args = List.copyOf(args);
        }
    }

    /** {@code [[ ... ]]}: the operand words, flattened (operators dropped). */
    public record TestClause(List<Word> words) implements Command {
        public TestClause {
            words = List.copyOf(words);
        }
    }

    /** {@code (( ... ))}: the words inside the expression. */
    public record ArithmCmd(List<Word> words) implements Command {
        public ArithmCmd {
            words = List.copyOf(words);
        }
    }

    /** {@code let expr...}: the words inside the expressions. */
    public record LetClause(List<Word> words) implements Command {
        public LetClause {
            words = List.copyOf(words);
        }
    }

    /** The {@code time} keyword; {@code stmt} may be null. */
    public record TimeClause(Stmt stmt) implements Command {}

    /** {@code coproc [name] cmd}. */
    public record CoprocClause(String name, Stmt stmt) implements Command {}

    /** A construct the converter does not model; {@code type} is the parser's node type. Analysis fails closed. */
    public record Unmodelled(String type) implements Command {}

    /**
     * An assignment, {@code name=value}, {@code name+=value}, {@code name=(a b)}, {@code name[i]=v}, or a bare name in
     * a declaration ({@code naked}, e.g. {@code export NAME}; also flags such as {@code -x}, then {@code name} is null
     * and {@code value} holds the word).
     */
    public record Assign(String name, boolean append, boolean naked, Word value, List<Word> array, Word index) {
        public Assign {
            array = array == null ? null : List.copyOf(array);
        }
    }

    /** Redirection operators. */
    public enum RedirOp {
        OUT(">"), APPEND(">>"), IN("<"), RDWR("<>"), DUP_IN("<&"), DUP_OUT(">&"), CLOBBER(">|"), HEREDOC("<<"),
        HEREDOC_TABS("<<-"), HERESTRING("<<<"), ALL_OUT("&>"), ALL_APPEND("&>>"), UNKNOWN("?");

        private final String text;

        RedirOp(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }

        /** Whether the target is written to. */
        public boolean writes() {
            return this == OUT || this == APPEND || this == CLOBBER || this == ALL_OUT || this == ALL_APPEND
                    || this == RDWR;
        }
    }

    /**
     * A redirection: optional file descriptor ({@code 2>}), operator, target word (for heredocs the delimiter) and,
     * for heredocs, the body.
     */
    public record Redirect(String fd, RedirOp op, Word target, Word heredoc) {
        public Redirect {
            Objects.requireNonNull(op, "op");
        }
    }

    /** A shell word: the concatenation of its parts. */
    public record Word(List<WordPart> parts) {
        public Word {
            parts = List.copyOf(parts);
        }
    }

    /** A piece of a word. */
    public sealed interface WordPart permits Lit, SglQuoted, DblQuoted, ParamExp, CmdSubst, ProcSubst, ArithmExp,
            ExtGlob, UnmodelledPart {}

    /** Unquoted literal text exactly as written (backslash escapes not yet removed). */
    public record Lit(String value) implements WordPart {}

    /** {@code 'text'}, or with {@code dollar} the ANSI-C form {@code $'text'} (escapes not yet decoded). */
    public record SglQuoted(String value, boolean dollar) implements WordPart {}

    /** {@code "..."} (or the localised {@code $"..."}). */
    public record DblQuoted(List<WordPart> parts, boolean dollar) implements WordPart {
        public DblQuoted {
            parts = List.copyOf(parts);
        }
    }

    /**
     * A parameter expansion. {@code plain} is true for {@code $name} and {@code ${name}} with no operator;
     * {@code operator} is a short description of any operator (e.g. {@code :-}, {@code #}, {@code /}); {@code nested}
     * holds every word inside the expansion (defaults, patterns, indexes) so their substitutions can be analysed.
     */
    public record ParamExp(String name, boolean plain, String operator, List<Word> nested) implements WordPart {
        public ParamExp {
            nested = List.copyOf(nested);
        }
    }

    /** {@code $( stmts )} or {@code `stmts`}. */
    public record CmdSubst(List<Stmt> stmts, boolean backquotes) implements WordPart {
        public CmdSubst {
            stmts = List.copyOf(stmts);
        }
    }

    /** {@code <( stmts )} or, with {@code output}, {@code >( stmts )}. */
    public record ProcSubst(boolean output, List<Stmt> stmts) implements WordPart {
        public ProcSubst {
            stmts = List.copyOf(stmts);
        }
    }

    /** {@code $(( expr ))}: the words inside the expression. */
    public record ArithmExp(List<Word> words) implements WordPart {
        public ArithmExp {
            words = List.copyOf(words);
        }
    }

    /** An extended glob such as {@code @(a|b)}. */
    public record ExtGlob(String op, String pattern) implements WordPart {}

    /** A word part the converter does not model; analysis treats the word as unknown and fails closed. */
    public record UnmodelledPart(String type) implements WordPart {}
}
