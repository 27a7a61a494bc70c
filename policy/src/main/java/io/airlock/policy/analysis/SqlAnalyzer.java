package io.airlock.policy.analysis;

import io.airlock.policy.tags.Capability;
import io.airlock.policy.tags.Scope;
import io.airlock.policy.tags.Tag;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.sf.jsqlparser.JSQLParserException;
import net.sf.jsqlparser.expression.BooleanValue;
import net.sf.jsqlparser.expression.DoubleValue;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.LongValue;
import net.sf.jsqlparser.expression.NotExpression;
import net.sf.jsqlparser.expression.NullValue;
import net.sf.jsqlparser.expression.Parenthesis;
import net.sf.jsqlparser.expression.StringValue;
import net.sf.jsqlparser.expression.operators.conditional.AndExpression;
import net.sf.jsqlparser.expression.operators.conditional.OrExpression;
import net.sf.jsqlparser.expression.operators.relational.ComparisonOperator;
import net.sf.jsqlparser.expression.operators.relational.EqualsTo;
import net.sf.jsqlparser.expression.operators.relational.GreaterThan;
import net.sf.jsqlparser.expression.operators.relational.GreaterThanEquals;
import net.sf.jsqlparser.expression.operators.relational.IsNullExpression;
import net.sf.jsqlparser.expression.operators.relational.MinorThan;
import net.sf.jsqlparser.expression.operators.relational.MinorThanEquals;
import net.sf.jsqlparser.expression.operators.relational.NotEqualsTo;
import net.sf.jsqlparser.expression.operators.relational.ParenthesedExpressionList;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.statement.Commit;
import net.sf.jsqlparser.statement.DescribeStatement;
import net.sf.jsqlparser.statement.ExplainStatement;
import net.sf.jsqlparser.statement.ResetStatement;
import net.sf.jsqlparser.statement.RollbackStatement;
import net.sf.jsqlparser.statement.SavepointStatement;
import net.sf.jsqlparser.statement.SetStatement;
import net.sf.jsqlparser.statement.ShowColumnsStatement;
import net.sf.jsqlparser.statement.ShowStatement;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.UnsupportedStatement;
import net.sf.jsqlparser.statement.UseStatement;
import net.sf.jsqlparser.statement.alter.Alter;
import net.sf.jsqlparser.statement.alter.AlterExpression;
import net.sf.jsqlparser.statement.alter.AlterSystemStatement;
import net.sf.jsqlparser.statement.comment.Comment;
import net.sf.jsqlparser.statement.create.index.CreateIndex;
import net.sf.jsqlparser.statement.create.schema.CreateSchema;
import net.sf.jsqlparser.statement.create.sequence.CreateSequence;
import net.sf.jsqlparser.statement.create.table.CreateTable;
import net.sf.jsqlparser.statement.create.view.AlterView;
import net.sf.jsqlparser.statement.create.view.CreateView;
import net.sf.jsqlparser.statement.delete.Delete;
import net.sf.jsqlparser.statement.delete.ParenthesedDelete;
import net.sf.jsqlparser.statement.drop.Drop;
import net.sf.jsqlparser.statement.execute.Execute;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.insert.ParenthesedInsert;
import net.sf.jsqlparser.statement.merge.Merge;
import net.sf.jsqlparser.statement.refresh.RefreshMaterializedViewStatement;
import net.sf.jsqlparser.statement.select.ParenthesedSelect;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.select.WithItem;
import net.sf.jsqlparser.statement.show.ShowTablesStatement;
import net.sf.jsqlparser.statement.truncate.Truncate;
import net.sf.jsqlparser.statement.update.ParenthesedUpdate;
import net.sf.jsqlparser.statement.update.Update;
import net.sf.jsqlparser.statement.upsert.Upsert;

/**
 * Tags an SQL argument by what its statements do, with JSqlParser and PostgreSQL's lexical rules.
 *
 * <ul>
 *   <li>{@code db_read}: SELECT, TABLE, VALUES, SHOW, EXPLAIN (without ANALYZE), COPY … TO STDOUT.</li>
 *   <li>{@code db_write}: INSERT, MERGE, UPDATE/DELETE with a WHERE that is not always true, SELECT INTO, schema
 *       creation and changes other than drops, session settings, transaction control, maintenance (VACUUM, …).</li>
 *   <li>{@code db_destructive}: DROP, TRUNCATE, ALTER … DROP, DELETE or UPDATE without WHERE or with an
 *       always-true one ({@code WHERE 1=1}, {@code WHERE true}, {@code … OR 1=1}: treated as unscoped), COPY … PROGRAM,
 *       ALTER SYSTEM, and transaction control inside stacked statements ({@code COMMIT; DROP …} ends the read-only
 *       transaction a server wraps the query in).</li>
 *   <li>{@code privilege}: GRANT, REVOKE, CREATE/ALTER/DROP ROLE|USER|GROUP; {@code exec_command}: COPY … PROGRAM,
 *       LOAD, functions in untrusted languages; {@code read_file}/{@code write_file} (outside: the database host):
 *       server-side file functions and COPY to or from a file; {@code network_egress}: dblink;
 *       {@code system_disruption}: pg_terminate_backend and the like.</li>
 *   <li>Stacked statements are each analysed and tagged (evidence {@code statement 2 of 3: …}).</li>
 *   <li>A statement that cannot be parsed fails closed: {@code unknown} plus a keyword scan of its text (DROP,
 *       TRUNCATE, DELETE, UPDATE → {@code db_destructive}; other writes → {@code db_write}; GRANT/ROLE →
 *       {@code privilege}; PROGRAM → {@code exec_command}). So does an unterminated string or comment.</li>
 * </ul>
 *
 * <p>The input is first split into statements by a lexer that follows PostgreSQL (nested block comments,
 * {@code E'\''} escapes, dollar quoting), and string contents are replaced by placeholders before JSqlParser sees a
 * statement, so that the two never disagree on where a string or a statement ends. Comments are not executed and are
 * ignored. Blank or comment-only SQL has no tags.
 */
public final class SqlAnalyzer {

    /** Parses run on daemon virtual threads (JSqlParser enforces its timeout through an executor). */
    private static final ExecutorService PARSER_THREADS = Executors.newVirtualThreadPerTaskExecutor();
    private static final long PARSE_TIMEOUT_MS = 2_000;
    private static final int EVIDENCE_LENGTH = 100;

    private static final Pattern LEADING_WORDS = Pattern.compile("^[\\s(]*([A-Za-z_]+)(?:\\s+([A-Za-z_]+))?"
            + "(?:\\s+([A-Za-z_]+))?");
    private static final Pattern ROLE_STATEMENT = Pattern.compile(
            "(?is)^\\s*(CREATE|ALTER|DROP)\\s+(ROLE|USER|GROUP)\\b.*");
    private static final Pattern UNTRUSTED_LANGUAGE = Pattern.compile(
            "(?is)^\\s*CREATE\\s+(OR\\s+REPLACE\\s+)?(FUNCTION|PROCEDURE)\\b.*\\bLANGUAGE\\s+'?(c|internal|"
                    + "plpythonu|plpython2u|plpython3u|plperlu|pltclu|plsh|plv8u|pljavau|plrustu)\\b.*");
    private static final Pattern EXPLAIN_ANALYZE = Pattern.compile(
            "(?is)^\\s*EXPLAIN\\s*(\\([^)]*\\bANALY[SZ]E\\b(?!\\s+(FALSE|OFF|0)\\b)[^)]*\\)|\\s+ANALY[SZ]E\\b"
                    + "(\\s+VERBOSE\\b)?)\\s*(.*)");
    private static final Pattern EXPLAIN_PREFIX = Pattern.compile(
            "(?is)^\\s*EXPLAIN\\s*(\\([^)]*\\)|(\\s+(ANALY[SZ]E|VERBOSE)\\b)*)\\s*(.*)");
    private static final Pattern PREPARE = Pattern.compile("(?is)^\\s*PREPARE\\s+\\w+\\s*(\\([^)]*\\))?\\s+AS\\s+(.*)");
    private static final Pattern READ_ONLY_TOGGLE = Pattern.compile(
            "(?i)\\b(transaction_read_only|default_transaction_read_only|READ\\s+WRITE|session_authorization|role)\\b");
    private static final Pattern SET_IDENTITY = Pattern.compile(
            "(?i)^\\s*SET\\s+((SESSION|LOCAL)\\s+)?(ROLE\\b|SESSION\\s+AUTHORIZATION\\b|role\\s*(=|TO)\\s*)");
    private static final Pattern COPY_TO = Pattern.compile(
            "\\)\\s*TO\\b|^\\s*COPY\\s+[\\w.\"]+(\\s*\\([^)]*\\))?\\s+TO\\b");
    private static final Pattern DML_INSIDE = Pattern.compile(
            "(?i)\\b(DELETE\\s+FROM|UPDATE\\s+[\\w.\"]+\\s+(AS\\s+\\w+\\s+)?SET|INSERT\\s+INTO|MERGE\\s+INTO)\\b");

    private record FunctionRisk(Pattern pattern, Capability capability, Scope scope, String what) {}

    private static final List<FunctionRisk> FUNCTIONS = List.of(
            fn("pg_read_file|pg_read_binary_file|pg_ls_dir|pg_stat_file|lo_import|pg_ls_logdir|pg_ls_waldir"
                    + "|pg_ls_tmpdir", Capability.READ_FILE, Scope.OUTSIDE, "reads files on the database host"),
            fn("lo_export|pg_file_write|pg_file_rename|pg_file_unlink", Capability.WRITE_FILE, Scope.OUTSIDE,
                    "writes files on the database host"),
            fn("dblink|dblink_exec|dblink_connect|dblink_send_query|http_get|http_post|http", Capability.NETWORK_EGRESS,
                    Scope.UNKNOWN, "connects to another server"),
            fn("pg_terminate_backend|pg_cancel_backend|pg_reload_conf|pg_rotate_logfile|pg_promote",
                    Capability.SYSTEM_DISRUPTION, Scope.NONE, "disturbs the database server"),
            fn("set_config|setval|nextval|pg_advisory_lock|txid_current", Capability.DB_WRITE, Scope.NONE,
                    "changes server state"));

    private static FunctionRisk fn(String names, Capability capability, Scope scope, String what) {
        return new FunctionRisk(Pattern.compile("(?i)(?<![\\w$])(" + names + ")\\s*\\("), capability, scope, what);
    }

    private SqlAnalyzer() {}

    /** Tags for running {@code sql} (one statement or several separated by semicolons). */
    public static List<Tag> analyze(String sql) {
        if (sql == null || sql.isBlank()) {
            return List.of();
        }
        Lexed lexed = lex(sql);
        if (lexed.problem() != null) {
            List<Tag> tags = new ArrayList<>();
            tags.add(Tag.of(Capability.UNKNOWN, lexed.problem() + ": " + snippet(sql)));
            tags.addAll(keywordScan(sql, snippet(sql)));
            return dedupe(tags);
        }
        List<Stmt> statements = lexed.statements();
        List<Tag> tags = new ArrayList<>();
        int n = statements.size();
        for (int i = 0; i < n; i++) {
            Stmt s = statements.get(i);
            String prefix = n > 1 ? "statement " + (i + 1) + " of " + n + ": " : "";
            Result r = analyzeStatement(s, prefix);
            tags.addAll(r.tags());
            if (n > 1 && r.transactionControl()) {
                tags.add(Tag.of(Capability.DB_DESTRUCTIVE, prefix + "transaction control in stacked statements "
                        + "ends the transaction the query runs in (a read-only transaction no longer applies): "
                        + s.evidence()));
            }
        }
        return dedupe(tags);
    }

    // ---- one statement -------------------------------------------------------------------------------------------

    private record Result(List<Tag> tags, boolean transactionControl) {}

    private static Result analyzeStatement(Stmt s, String prefix) {
        List<Tag> tags = new ArrayList<>();
        boolean txn = false;
        String norm = s.normalised();
        String ev = s.evidence();
        Matcher lead = LEADING_WORDS.matcher(norm);
        String w1 = "";
        String w2 = "";
        if (lead.find()) {
            w1 = lead.group(1).toUpperCase(Locale.ROOT);
            w2 = lead.group(2) == null ? "" : lead.group(2).toUpperCase(Locale.ROOT);
        }
        if (ROLE_STATEMENT.matcher(norm).matches()) {
            tags.add(Tag.of(Capability.PRIVILEGE, prefix + w1 + " " + w2 + ": " + ev));
            tags.add(Tag.of(w1.equals("DROP") ? Capability.DB_DESTRUCTIVE : Capability.DB_WRITE,
                    prefix + w1 + " " + w2 + ": " + ev));
            return new Result(tags, false);
        }
        switch (w1) {
            case "COPY" -> {
                copy(s, prefix, tags);
                return new Result(tags, false);
            }
            case "EXPLAIN" -> {
                Matcher analyze = EXPLAIN_ANALYZE.matcher(norm);
                if (analyze.matches()) { // EXPLAIN ANALYZE runs the statement
                    Matcher inner = EXPLAIN_PREFIX.matcher(s.text());
                    String innerText = inner.matches() ? inner.group(4) : s.text();
                    return analyzeStatement(inner(s, innerText, analyze.group(4)), prefix + "EXPLAIN ANALYZE runs ");
                }
                tags.add(Tag.of(Capability.DB_READ, prefix + "EXPLAIN (plans without running): " + ev));
                return new Result(tags, false);
            }
            case "PREPARE" -> {
                if (w2.equals("TRANSACTION")) {
                    tags.add(Tag.of(Capability.DB_WRITE, prefix + "transaction control PREPARE TRANSACTION: " + ev));
                    return new Result(tags, true);
                }
                Matcher p = PREPARE.matcher(norm);
                if (p.matches()) {
                    Matcher pt = PREPARE.matcher(s.text());
                    String innerText = pt.matches() ? pt.group(2) : s.text();
                    return analyzeStatement(inner(s, innerText, p.group(2)), prefix + "PREPARE of ");
                }
            }
            case "BEGIN", "START", "END", "COMMIT", "ROLLBACK", "ABORT", "SAVEPOINT", "RELEASE" -> {
                tags.add(Tag.of(Capability.DB_WRITE, prefix + "transaction control " + w1 + ": " + ev));
                return new Result(tags, true);
            }
            case "SET", "RESET" -> {
                boolean toggle = w2.equals("TRANSACTION") || w2.equals("SESSION") || w2.equals("ROLE")
                        || READ_ONLY_TOGGLE.matcher(norm).find();
                tags.add(Tag.of(Capability.DB_WRITE, prefix + "session setting " + w1 + ": " + ev));
                if (w1.equals("SET") && SET_IDENTITY.matcher(norm).find()) {
                    tags.add(Tag.of(Capability.PRIVILEGE, prefix + "SET ROLE / SESSION AUTHORIZATION changes the "
                            + "identity queries run as: " + ev));
                }
                return new Result(tags, toggle);
            }
            case "DISCARD", "LISTEN", "UNLISTEN", "NOTIFY", "LOCK", "VACUUM", "ANALYZE", "ANALYSE", "CLUSTER",
                 "REINDEX", "CHECKPOINT", "REFRESH", "SECURITY" -> {
                tags.add(Tag.of(Capability.DB_WRITE, prefix + w1 + ": " + ev));
                functions(norm, prefix, tags);
                return new Result(tags, false);
            }
            case "GRANT", "REVOKE" -> {
                tags.add(Tag.of(Capability.PRIVILEGE, prefix + w1 + ": " + ev));
                tags.add(Tag.of(Capability.DB_WRITE, prefix + w1 + ": " + ev));
                return new Result(tags, false);
            }
            case "LOAD" -> {
                tags.add(Tag.of(Capability.EXEC_COMMAND, prefix + "LOAD loads a shared library into the server: "
                        + ev));
                tags.add(Tag.of(Capability.DB_WRITE, prefix + "LOAD: " + ev));
                return new Result(tags, false);
            }
            case "DO" -> {
                tags.add(Tag.of(Capability.UNKNOWN, prefix + "DO runs an anonymous code block: " + ev));
                tags.addAll(keywordScan(s.text(), prefix + "DO block: " + ev));
                return new Result(tags, false);
            }
            case "DROP" -> {
                tags.add(Tag.of(Capability.DB_DESTRUCTIVE, prefix + "DROP " + w2 + ": " + ev));
                return new Result(tags, false);
            }
            case "TRUNCATE" -> {
                tags.add(Tag.of(Capability.DB_DESTRUCTIVE, prefix + "TRUNCATE: " + ev));
                return new Result(tags, false);
            }
            default -> { }
        }
        if (UNTRUSTED_LANGUAGE.matcher(norm).matches()) {
            tags.add(Tag.of(Capability.EXEC_COMMAND, prefix + "function in an untrusted language runs code on the "
                    + "database host: " + ev));
        }
        Statement parsed = parse(norm);
        if (parsed == null || parsed instanceof UnsupportedStatement) {
            tags.add(Tag.of(Capability.UNKNOWN, prefix + "statement not understood: " + ev));
            tags.addAll(keywordScan(s.text(), prefix + ev));
            return new Result(tags, false);
        }
        txn = classify(parsed, s, prefix, tags);
        functions(norm, prefix, tags);
        return new Result(tags, txn);
    }

    private static Stmt inner(Stmt outer, String text, String normalised) {
        return new Stmt(text.strip(), normalised.strip(), outer.evidence());
    }

    /** Adds the tags of a parsed statement; returns whether it is transaction control. */
    private static boolean classify(Statement st, Stmt s, String prefix, List<Tag> tags) {
        String ev = s.evidence();
        switch (st) {
            case Select select -> {
                tags.add(Tag.of(Capability.DB_READ, prefix + "SELECT: " + ev));
                if (select instanceof PlainSelect ps && ps.getIntoTables() != null && !ps.getIntoTables().isEmpty()) {
                    tags.add(Tag.of(Capability.DB_WRITE, prefix + "SELECT INTO creates a table: " + ev));
                }
                boolean nested = withItems(select.getWithItemsList(), s, prefix, tags);
                if (!nested && DML_INSIDE.matcher(s.normalised()).find()) {
                    // data-modifying statements somewhere the walk above does not reach: fail closed
                    tags.add(Tag.of(Capability.UNKNOWN, prefix + "SELECT with an embedded write: " + ev));
                    tags.addAll(keywordScan(s.normalised(), prefix + ev));
                }
            }
            case Insert insert -> {
                tags.add(Tag.of(Capability.DB_WRITE, prefix + "INSERT INTO " + insert.getTable() + ": " + ev));
                withItems(insert.getWithItemsList(), s, prefix, tags);
                if (insert.getSelect() != null) {
                    withItems(insert.getSelect().getWithItemsList(), s, prefix, tags);
                }
            }
            case Update update -> {
                scoped("UPDATE " + update.getTable(), update.getWhere(), s, prefix, tags);
                withItems(update.getWithItemsList(), s, prefix, tags);
            }
            case Delete delete -> {
                scoped("DELETE FROM " + delete.getTable(), delete.getWhere(), s, prefix, tags);
                withItems(delete.getWithItemsList(), s, prefix, tags);
            }
            case Merge merge -> tags.add(Tag.of(Capability.DB_WRITE, prefix + "MERGE INTO " + merge.getTable() + ": "
                    + ev));
            case Upsert upsert -> tags.add(Tag.of(Capability.DB_WRITE, prefix + "UPSERT: " + ev));
            case Drop drop -> tags.add(Tag.of(Capability.DB_DESTRUCTIVE, prefix + "DROP " + drop.getType() + ": "
                    + ev));
            case Truncate truncate -> tags.add(Tag.of(Capability.DB_DESTRUCTIVE, prefix + "TRUNCATE: " + ev));
            case Alter alter -> {
                boolean drops = false;
                if (alter.getAlterExpressions() != null) {
                    for (AlterExpression e : alter.getAlterExpressions()) {
                        if (e.getOperation() != null && e.getOperation().name().startsWith("DROP")) {
                            drops = true;
                        }
                    }
                }
                tags.add(drops ? Tag.of(Capability.DB_DESTRUCTIVE, prefix + "ALTER TABLE … DROP: " + ev)
                        : Tag.of(Capability.DB_WRITE, prefix + "ALTER TABLE: " + ev));
            }
            case AlterSystemStatement a -> tags.add(Tag.of(Capability.DB_DESTRUCTIVE,
                    prefix + "ALTER SYSTEM rewrites the server configuration: " + ev));
            case CreateTable c -> tags.add(Tag.of(Capability.DB_WRITE, prefix + "CREATE TABLE: " + ev));
            case CreateIndex c -> tags.add(Tag.of(Capability.DB_WRITE, prefix + "CREATE INDEX: " + ev));
            case CreateView c -> tags.add(Tag.of(Capability.DB_WRITE, prefix + "CREATE VIEW: " + ev));
            case AlterView c -> tags.add(Tag.of(Capability.DB_WRITE, prefix + "ALTER VIEW: " + ev));
            case CreateSchema c -> tags.add(Tag.of(Capability.DB_WRITE, prefix + "CREATE SCHEMA: " + ev));
            case CreateSequence c -> tags.add(Tag.of(Capability.DB_WRITE, prefix + "CREATE SEQUENCE: " + ev));
            case Comment c -> tags.add(Tag.of(Capability.DB_WRITE, prefix + "COMMENT: " + ev));
            case RefreshMaterializedViewStatement r -> tags.add(Tag.of(Capability.DB_WRITE,
                    prefix + "REFRESH MATERIALIZED VIEW: " + ev));
            case Execute e -> {
                tags.add(Tag.of(Capability.DB_WRITE, prefix + "CALL/EXECUTE: " + ev));
                tags.add(Tag.of(Capability.UNKNOWN, prefix + "runs a stored routine whose effects are not visible: "
                        + ev));
            }
            case ShowStatement x -> tags.add(Tag.of(Capability.DB_READ, prefix + "SHOW: " + ev));
            case ShowColumnsStatement x -> tags.add(Tag.of(Capability.DB_READ, prefix + "SHOW: " + ev));
            case ShowTablesStatement x -> tags.add(Tag.of(Capability.DB_READ, prefix + "SHOW: " + ev));
            case DescribeStatement x -> tags.add(Tag.of(Capability.DB_READ, prefix + "DESCRIBE: " + ev));
            case ExplainStatement x -> tags.add(Tag.of(Capability.DB_READ, prefix + "EXPLAIN: " + ev));
            case UseStatement x -> tags.add(Tag.of(Capability.DB_READ, prefix + "USE: " + ev));
            case SetStatement x -> {
                tags.add(Tag.of(Capability.DB_WRITE, prefix + "session setting SET: " + ev));
                return READ_ONLY_TOGGLE.matcher(s.normalised()).find();
            }
            case ResetStatement x -> tags.add(Tag.of(Capability.DB_WRITE, prefix + "session setting RESET: " + ev));
            case Commit x -> {
                tags.add(Tag.of(Capability.DB_WRITE, prefix + "transaction control COMMIT: " + ev));
                return true;
            }
            case RollbackStatement x -> {
                tags.add(Tag.of(Capability.DB_WRITE, prefix + "transaction control ROLLBACK: " + ev));
                return true;
            }
            case SavepointStatement x -> {
                tags.add(Tag.of(Capability.DB_WRITE, prefix + "transaction control SAVEPOINT: " + ev));
                return true;
            }
            default -> {
                if (st.getClass().getSimpleName().startsWith("Create")
                        || st.getClass().getSimpleName().startsWith("Alter")) {
                    tags.add(Tag.of(Capability.DB_WRITE, prefix + st.getClass().getSimpleName() + ": " + ev));
                } else {
                    tags.add(Tag.of(Capability.UNKNOWN, prefix + "statement kind " + st.getClass().getSimpleName()
                            + " is not modelled: " + ev));
                    tags.addAll(keywordScan(s.text(), prefix + ev));
                }
            }
        }
        return false;
    }

    /** UPDATE/DELETE: destructive without WHERE or with an always-true WHERE, a bounded write otherwise. */
    private static void scoped(String what, Expression where, Stmt s, String prefix, List<Tag> tags) {
        if (where == null) {
            tags.add(Tag.of(Capability.DB_DESTRUCTIVE, prefix + what + " without WHERE: " + s.evidence()));
        } else if (alwaysTrue(where)) {
            String condition = where.toString();
            String shown = condition.contains("'") ? "" : " (" + condition + ")"; // strings are placeholders here
            tags.add(Tag.of(Capability.DB_DESTRUCTIVE, prefix + what + " with an always-true WHERE" + shown + ": "
                    + s.evidence()));
        } else {
            tags.add(Tag.of(Capability.DB_WRITE, prefix + what + " … WHERE: " + s.evidence()));
        }
    }

    /** Analyses data-modifying CTEs ({@code WITH d AS (DELETE …)}); returns whether there was one. */
    private static boolean withItems(List<WithItem<?>> items, Stmt s, String prefix, List<Tag> tags) {
        boolean found = false;
        if (items == null) {
            return false;
        }
        for (WithItem<?> item : items) {
            String p = prefix + "WITH " + item.getAliasName() + " ";
            switch (item.getParenthesedStatement()) {
                case ParenthesedDelete pd when pd.getDelete() != null -> {
                    Delete d = pd.getDelete();
                    scoped("DELETE FROM " + d.getTable(), d.getWhere(), s, p, tags);
                    found = true;
                }
                case ParenthesedUpdate pu when pu.getUpdate() != null -> {
                    Update u = pu.getUpdate();
                    scoped("UPDATE " + u.getTable(), u.getWhere(), s, p, tags);
                    found = true;
                }
                case ParenthesedInsert pi -> {
                    tags.add(Tag.of(Capability.DB_WRITE, p + "INSERT: " + s.evidence()));
                    found = true;
                }
                case ParenthesedSelect ps when ps.getSelect() != null ->
                        found |= withItems(ps.getSelect().getWithItemsList(), s, prefix, tags);
                case null, default -> { }
            }
        }
        return found;
    }

    /**
     * Whether a WHERE condition holds for every row whatever the data: literals that are true ({@code true},
     * {@code 1}), comparisons of constants ({@code 1=1}, {@code 2>1}), a column compared with itself
     * ({@code id=id}), {@code NULL IS NULL}, and AND/OR/NOT/parentheses of those.
     */
    static boolean alwaysTrue(Expression e) {
        Expression x = unwrap(e);
        return switch (x) {
            case BooleanValue b -> b.getValue();
            case LongValue l -> l.getValue() != 0;
            case DoubleValue d -> d.getValue() != 0;
            case Column c -> c.getFullyQualifiedName().equalsIgnoreCase("true") && c.getTable() == null;
            case OrExpression or -> alwaysTrue(or.getLeftExpression()) || alwaysTrue(or.getRightExpression());
            case AndExpression and -> alwaysTrue(and.getLeftExpression()) && alwaysTrue(and.getRightExpression());
            case NotExpression not -> alwaysFalse(not.getExpression());
            case IsNullExpression isNull -> {
                Expression left = unwrap(isNull.getLeftExpression());
                yield isNull.isNot() ? isLiteral(left) && !(left instanceof NullValue) : left instanceof NullValue;
            }
            case ComparisonOperator cmp -> compareConstants(cmp, true);
            default -> false;
        };
    }

    private static boolean alwaysFalse(Expression e) {
        Expression x = unwrap(e);
        return switch (x) {
            case BooleanValue b -> !b.getValue();
            case LongValue l -> l.getValue() == 0;
            case Column c -> c.getFullyQualifiedName().equalsIgnoreCase("false") && c.getTable() == null;
            case OrExpression or -> alwaysFalse(or.getLeftExpression()) && alwaysFalse(or.getRightExpression());
            case AndExpression and -> alwaysFalse(and.getLeftExpression()) || alwaysFalse(and.getRightExpression());
            case NotExpression not -> alwaysTrue(not.getExpression());
            case ComparisonOperator cmp -> compareConstants(cmp, false);
            default -> false;
        };
    }

    private static boolean compareConstants(ComparisonOperator cmp, boolean wantTrue) {
        Expression l = unwrap(cmp.getLeftExpression());
        Expression r = unwrap(cmp.getRightExpression());
        boolean same = l.toString().equals(r.toString()) && !(l instanceof NullValue);
        Double a = number(l);
        Double b = number(r);
        Boolean value = null;
        if (a != null && b != null) {
            int c = Double.compare(a, b);
            value = switch (cmp) {
                case EqualsTo x -> c == 0;
                case NotEqualsTo x -> c != 0;
                case GreaterThan x -> c > 0;
                case GreaterThanEquals x -> c >= 0;
                case MinorThan x -> c < 0;
                case MinorThanEquals x -> c <= 0;
                default -> null;
            };
        } else if (same) {
            value = switch (cmp) {
                case EqualsTo x -> true;
                case GreaterThanEquals x -> true;
                case MinorThanEquals x -> true;
                case NotEqualsTo x -> false;
                case GreaterThan x -> false;
                case MinorThan x -> false;
                default -> null;
            };
        } else if (l instanceof StringValue && r instanceof StringValue) {
            value = switch (cmp) {
                case EqualsTo x -> false;
                case NotEqualsTo x -> true;
                default -> null;
            };
        }
        return value != null && value == wantTrue;
    }

    private static Double number(Expression e) {
        return switch (e) {
            case LongValue l -> (double) l.getValue();
            case DoubleValue d -> d.getValue();
            default -> null;
        };
    }

    private static boolean isLiteral(Expression e) {
        return e instanceof LongValue || e instanceof DoubleValue || e instanceof StringValue
                || e instanceof BooleanValue || e instanceof NullValue;
    }

    private static Expression unwrap(Expression e) {
        Expression x = e;
        while (true) {
            if (x instanceof Parenthesis p) {
                x = p.getExpression();
            } else if (x instanceof ParenthesedExpressionList<?> list && list.size() == 1) {
                x = (Expression) list.get(0);
            } else {
                return x;
            }
        }
    }

    private static void copy(Stmt s, String prefix, List<Tag> tags) {
        String n = s.normalised().toUpperCase(Locale.ROOT);
        String ev = s.evidence();
        boolean to = COPY_TO.matcher(n).find();
        if (Pattern.compile("\\bPROGRAM\\b").matcher(n).find()) {
            tags.add(Tag.of(Capability.EXEC_COMMAND, prefix + "COPY … PROGRAM runs a shell command on the database "
                    + "host: " + ev));
            tags.add(Tag.of(Capability.DB_DESTRUCTIVE, prefix + "COPY … PROGRAM: " + ev));
            tags.add(Tag.of(to ? Capability.DB_READ : Capability.DB_WRITE, prefix + "COPY: " + ev));
            return;
        }
        boolean stdio = Pattern.compile("\\b(STDOUT|STDIN)\\b").matcher(n).find();
        if (to) {
            tags.add(Tag.of(Capability.DB_READ, prefix + "COPY … TO: " + ev));
            if (!stdio) {
                tags.add(Tag.of(Capability.WRITE_FILE, Scope.OUTSIDE, prefix + "COPY … TO a file on the database host: "
                        + ev));
            }
        } else {
            tags.add(Tag.of(Capability.DB_WRITE, prefix + "COPY … FROM: " + ev));
            if (!stdio) {
                tags.add(Tag.of(Capability.READ_FILE, Scope.OUTSIDE, prefix + "COPY … FROM a file on the database "
                        + "host: " + ev));
            }
        }
    }

    private static void functions(String normalised, String prefix, List<Tag> tags) {
        for (FunctionRisk f : FUNCTIONS) {
            Matcher m = f.pattern().matcher(normalised);
            while (m.find()) {
                tags.add(Tag.of(f.capability(), f.scope(), prefix + m.group(1).toLowerCase(Locale.ROOT) + "() "
                        + f.what()));
            }
        }
    }

    /** Fail-closed classification of text that could not be parsed: its keywords, wherever they are. */
    static List<Tag> keywordScan(String text, String evidence) {
        List<Tag> tags = new ArrayList<>();
        String u = text.toUpperCase(Locale.ROOT);
        Matcher destructive = Pattern.compile("\\b(DROP|TRUNCATE|DELETE|UPDATE)\\b").matcher(u);
        if (destructive.find()) {
            tags.add(Tag.of(Capability.DB_DESTRUCTIVE, "keyword " + destructive.group(1) + " in " + evidence));
        }
        Matcher write = Pattern.compile("\\b(INSERT|MERGE|CREATE|ALTER|COPY|GRANT|REVOKE|COMMENT|VACUUM|REINDEX|"
                + "CLUSTER|CALL|EXECUTE|COMMIT|SET)\\b").matcher(u);
        if (write.find()) {
            tags.add(Tag.of(Capability.DB_WRITE, "keyword " + write.group(1) + " in " + evidence));
        }
        Matcher privilege = Pattern.compile("\\b(GRANT|REVOKE|ROLE|USER|SUPERUSER|SECURITY\\s+DEFINER)\\b").matcher(u);
        if (privilege.find()) {
            tags.add(Tag.of(Capability.PRIVILEGE, "keyword " + privilege.group(1) + " in " + evidence));
        }
        if (Pattern.compile("\\bPROGRAM\\b|\\bLOAD\\b").matcher(u).find()) {
            tags.add(Tag.of(Capability.EXEC_COMMAND, "keyword PROGRAM/LOAD in " + evidence));
        }
        Matcher read = Pattern.compile("\\b(SELECT|SHOW|TABLE|VALUES|WITH|EXPLAIN)\\b").matcher(u);
        if (read.find()) {
            tags.add(Tag.of(Capability.DB_READ, "keyword " + read.group(1) + " in " + evidence));
        }
        functions(text, "", tags);
        return tags;
    }

    private static Statement parse(String normalised) {
        try {
            return CCJSqlParserUtil.parse(normalised, PARSER_THREADS, p -> p.withTimeOut(PARSE_TIMEOUT_MS)
                    .withUnsupportedStatements(false));
        } catch (JSQLParserException | RuntimeException e) {
            return null;
        }
    }

    private static List<Tag> dedupe(List<Tag> tags) {
        return List.copyOf(new LinkedHashSet<>(tags));
    }

    // ---- lexing --------------------------------------------------------------------------------------------------

    /** A statement: its text without comments, the same with string contents replaced by placeholders. */
    private record Stmt(String text, String normalised, String evidence) {
        Stmt(String text, String normalised) {
            this(text, normalised, snippet(text));
        }
    }

    private record Lexed(List<Stmt> statements, String problem) {}

    /**
     * Splits SQL into statements following PostgreSQL's lexical rules: {@code --} and nested {@code /* *}{@code /}
     * comments, {@code '…'} strings with {@code ''}, {@code E'…'} strings with backslash escapes, dollar-quoted
     * strings ({@code $tag$…$tag$}), {@code "…"} identifiers. String contents become placeholders ({@code 's1'}, the
     * same content the same placeholder), so that no parser can read them as code.
     */
    private static Lexed lex(String sql) {
        List<Stmt> out = new ArrayList<>();
        Map<String, String> placeholders = new HashMap<>();
        StringBuilder text = new StringBuilder();
        StringBuilder norm = new StringBuilder();
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            char next = i + 1 < n ? sql.charAt(i + 1) : '\0';
            if (c == '-' && next == '-') {
                int end = sql.indexOf('\n', i);
                i = end < 0 ? n : end;
                text.append(' ');
                norm.append(' ');
            } else if (c == '/' && next == '*') {
                int depth = 1;
                int j = i + 2;
                while (j < n && depth > 0) {
                    if (sql.startsWith("/*", j)) {
                        depth++;
                        j += 2;
                    } else if (sql.startsWith("*/", j)) {
                        depth--;
                        j += 2;
                    } else {
                        j++;
                    }
                }
                if (depth > 0) {
                    return new Lexed(List.of(), "unterminated comment");
                }
                i = j;
                text.append(' ');
                norm.append(' ');
            } else if (c == '\'') {
                boolean escapes = isPrefix(sql, i, 'e');
                StringBuilder content = new StringBuilder();
                int j = i + 1;
                boolean closed = false;
                while (j < n) {
                    char d = sql.charAt(j);
                    if (escapes && d == '\\' && j + 1 < n) {
                        content.append(d).append(sql.charAt(j + 1));
                        j += 2;
                    } else if (d == '\'' && j + 1 < n && sql.charAt(j + 1) == '\'') {
                        content.append("''");
                        j += 2;
                    } else if (d == '\'') {
                        closed = true;
                        j++;
                        break;
                    } else {
                        content.append(d);
                        j++;
                    }
                }
                if (!closed) {
                    return new Lexed(List.of(), "unterminated string");
                }
                text.append(sql, i, j);
                if (escapes) {
                    norm.setLength(norm.length() - 1); // drop the E: the placeholder is a plain string
                }
                norm.append(placeholder(placeholders, content.toString()));
                i = j;
            } else if (c == '$' && !(i > 0 && isIdentifierChar(sql.charAt(i - 1))) && !Character.isDigit(next)) {
                Matcher tag = Pattern.compile("\\$([A-Za-z_][A-Za-z0-9_]*)?\\$").matcher(sql).region(i, n);
                if (tag.lookingAt()) {
                    String delimiter = tag.group();
                    int end = sql.indexOf(delimiter, tag.end());
                    if (end < 0) {
                        return new Lexed(List.of(), "unterminated dollar-quoted string");
                    }
                    text.append(sql, i, end + delimiter.length());
                    norm.append(placeholder(placeholders, sql.substring(tag.end(), end)));
                    i = end + delimiter.length();
                } else {
                    text.append(c);
                    norm.append(c);
                    i++;
                }
            } else if (c == '"') {
                int j = i + 1;
                boolean closed = false;
                while (j < n) {
                    if (sql.charAt(j) == '"' && j + 1 < n && sql.charAt(j + 1) == '"') {
                        j += 2;
                    } else if (sql.charAt(j) == '"') {
                        closed = true;
                        j++;
                        break;
                    } else {
                        j++;
                    }
                }
                if (!closed) {
                    return new Lexed(List.of(), "unterminated quoted identifier");
                }
                text.append(sql, i, j);
                norm.append(sql, i, j);
                i = j;
            } else if (c == ';') {
                add(out, text, norm);
                i++;
            } else {
                text.append(c);
                norm.append(c);
                i++;
            }
        }
        add(out, text, norm);
        return new Lexed(out, null);
    }

    private static boolean isPrefix(String sql, int quote, char letter) {
        if (quote == 0 || Character.toLowerCase(sql.charAt(quote - 1)) != letter) {
            return false;
        }
        return quote == 1 || !isIdentifierChar(sql.charAt(quote - 2));
    }

    private static boolean isIdentifierChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$';
    }

    private static String placeholder(Map<String, String> placeholders, String content) {
        return "'" + placeholders.computeIfAbsent(content, k -> "s" + (placeholders.size() + 1)) + "'";
    }

    private static void add(List<Stmt> out, StringBuilder text, StringBuilder norm) {
        String t = text.toString().strip();
        String nm = norm.toString().strip();
        if (!nm.isEmpty()) {
            out.add(new Stmt(t, nm));
        }
        text.setLength(0);
        norm.setLength(0);
    }

    private static String snippet(String text) {
        String s = text.strip().replaceAll("\\s+", " ");
        return s.length() <= EVIDENCE_LENGTH ? s : s.substring(0, EVIDENCE_LENGTH - 1) + "…";
    }
}
