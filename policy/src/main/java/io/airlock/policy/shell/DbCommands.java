package io.airlock.policy.shell;

import static io.airlock.policy.shell.CommandTable.register;

import io.airlock.policy.analysis.Access;
import io.airlock.policy.analysis.SqlAnalyzer;
import io.airlock.policy.tags.Capability;
import io.airlock.policy.tags.Scope;
import io.airlock.policy.tags.Tag;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Database clients. SQL given on the command line (or on standard input) is classified by keywords only (a future
 * SQL analyser can do better): DROP/TRUNCATE, DELETE or UPDATE without WHERE, and stacked writes are
 * {@code db_destructive}; other writes {@code db_write}; queries {@code db_read}.
 */
final class DbCommands {

    private DbCommands() {}

    static void install() {
        CommandTable.register(DbCommands::psql, "psql", "pgcli", "cockroach", "usql", "ysqlsh", "edb-psql");
        register(DbCommands::mysql, "mysql", "mariadb", "mycli", "mysqlsh");
        register(DbCommands::sqlite, "sqlite3", "sqlite", "litecli", "duckdb", "spatialite");
        register(c -> sqlOptions(c, Set.of("-Q", "-q", "--query", "-e", "--execute", "--eval", "-c", "--command"),
                Set.of("-i", "--input-file", "-f", "--file")), "sqlcmd", "bcp", "clickhouse-client", "clickhouse",
                "cqlsh", "influx", "snowsql", "bq", "trino", "presto", "beeline", "hive", "impala-shell", "vsql",
                "isql", "osql", "db2", "sqlplus", "tsql", "bteq", "spark-sql", "athena", "mssql-cli", "tidb",
                "cockroach-sql");
        register(DbCommands::mongo, "mongo", "mongosh");
        register(DbCommands::redis, "redis-cli", "valkey-cli", "keydb-cli", "memcached-tool");
        register(c -> {
            c.tag(Capability.DB_DESTRUCTIVE, Scope.UNKNOWN, c.name + " drops a database or role: " + c.text);
            connection(c);
        }, "dropdb", "dropuser", "pg_dropcluster", "mysqladmin-drop");
        register(c -> {
            if (c.anyArg("drop", "DROP")) {
                c.tag(Capability.DB_DESTRUCTIVE, Scope.UNKNOWN, "mysqladmin drop: " + c.text);
            } else if (c.anyArg("shutdown", "kill", "flush-hosts", "flush-logs", "flush-privileges", "reload",
                    "refresh")) {
                c.tag(Capability.SYSTEM_DISRUPTION, Scope.OUTSIDE, "mysqladmin: " + c.text);
            } else if (c.anyArg("create", "password")) {
                c.tag(Capability.DB_WRITE, Scope.UNKNOWN, "mysqladmin: " + c.text);
            }
            connection(c);
        }, "mysqladmin", "mariadb-admin");
        register(c -> {
            c.tag(Capability.DB_WRITE, Scope.UNKNOWN, c.name + " creates a database or role: " + c.text);
            connection(c);
        }, "createdb", "createuser", "pg_createcluster");
        register(c -> {
            c.tag(Capability.DB_READ, Scope.UNKNOWN, c.name + " dumps a database: " + c.text);
            Call.Opts o = c.opts("-f", "--file", "-o", "--out", "--result-file", "-r", "--archive", "-d", "--dbname",
                    "-h", "--host", "-U", "--username", "-u", "-p", "--port", "-t", "--table", "-n", "--schema", "-F",
                    "--format", "--uri", "-c", "--collection");
            c.paths(o.all("-f", "--file", "-o", "--out", "--result-file", "-r", "--archive"), Access.WRITE);
            connection(c);
        }, "pg_dump", "pg_dumpall", "mysqldump", "mariadb-dump", "mongodump", "mongoexport", "redis-dump",
                "pg_basebackup");
        register(c -> {
            boolean clean = c.anyArg("-c", "--clean", "--drop", "--if-exists");
            c.tag(clean ? Capability.DB_DESTRUCTIVE : Capability.DB_WRITE, Scope.UNKNOWN, c.name
                    + (clean ? " drops objects before restoring: " : " restores data: ") + c.text);
            for (Arg a : c.args) {
                if (a.literal() && CommandTable.isPathLike(a.value())) {
                    c.path(a, Access.READ);
                }
            }
            connection(c);
        }, "pg_restore", "mongorestore", "mongoimport", "mysqlimport", "mariadb-import");
        register(c -> {
            List<String> w = CommandTable.words(c.args);
            if (w.contains("stop") || w.contains("kill") || w.contains("restart")) {
                c.tag(Capability.SYSTEM_DISRUPTION, Scope.OUTSIDE, c.name + " stops a database server: " + c.text);
            }
        }, "pg_ctl", "pg_ctlcluster", "mongod-ctl", "mysql.server");
    }

    // ------------------------------------------------------------------------------------------------ clients

    private static void psql(Call c) {
        sqlOptions(c, Set.of("-c", "--command", "-e", "--execute"), Set.of("-f", "--file"));
    }

    private static void mysql(Call c) {
        sqlOptions(c, Set.of("-e", "--execute", "--init-command", "--sql"), Set.of("--source?"));
    }

    /** A client where {@code sqlOpts} carry SQL and {@code fileOpts} name SQL files; else SQL comes on stdin. */
    private static void sqlOptions(Call c, Set<String> sqlOpts, Set<String> fileOpts) {
        boolean any = false;
        for (int i = 0; i < c.args.size(); i++) {
            Arg a = c.args.get(i);
            String v = a.value();
            String opt = v.contains("=") && v.startsWith("--") ? v.substring(0, v.indexOf('=')) : v;
            Arg value = null;
            if (v.contains("=") && v.startsWith("--")) {
                value = Arg.lit(v.substring(v.indexOf('=') + 1));
            } else if (i + 1 < c.args.size()) {
                value = c.args.get(i + 1);
            }
            if (value == null) {
                continue;
            }
            if (sqlOpts.contains(opt)) {
                any = true;
                sql(c, value);
                if (!v.contains("=")) {
                    i++;
                }
            } else if (fileOpts.contains(opt)) {
                any = true;
                c.path(value, Access.READ);
                c.tag(Capability.DB_WRITE, Scope.UNKNOWN, c.name + " runs an SQL file: " + c.text);
                if (!v.contains("=")) {
                    i++;
                }
            }
        }
        if (!any) {
            fromStdin(c);
        }
        connection(c);
    }

    private static void fromStdin(Call c) {
        if (c.stdin.present() && c.stdin.text() != null) {
            sql(c, Arg.lit(c.stdin.text()));
        } else if (c.stdin.present()) {
            if (c.stdin.file() != null || c.stdin.fileRaw() != null) {
                c.tag(Capability.DB_WRITE, Scope.UNKNOWN, c.name + " runs SQL from " + c.stdin.fileRaw() + ": "
                        + c.text);
            } else {
                c.tag(Capability.DB_WRITE, Scope.UNKNOWN, c.name + " runs SQL the analyser cannot see: " + c.text);
            }
        } else {
            c.tag(Capability.DB_READ, Scope.UNKNOWN, c.name + " opens a database session: " + c.text);
        }
    }

    private static void sqlite(Call c) {
        Call.Opts o = c.opts("-cmd", "-separator", "-newline", "-nullvalue", "-init", "-vfs", "-mmap", "-pagecache",
                "-lookaside", "-maxsize", "-heap", "-escape");
        List<Arg> pos = o.positional;
        if (!pos.isEmpty()) {
            c.path(pos.getFirst(), Access.READ);
        }
        for (Arg cmd : o.all("-cmd")) {
            sql(c, cmd);
        }
        Arg init = o.value("-init");
        if (init != null) {
            c.path(init, Access.READ);
        }
        if (pos.size() > 1) {
            for (Arg s : pos.subList(1, pos.size())) {
                sql(c, s);
            }
        } else if (o.all("-cmd").isEmpty()) {
            fromStdin(c);
        }
    }

    private static void mongo(Call c) {
        Call.Opts o = c.opts("--eval", "--host", "-u", "--username", "-p", "--password", "--port",
                "--authenticationDatabase", "-f", "--file");
        boolean any = false;
        for (Arg code : o.all("--eval")) {
            any = true;
            String js = code.value();
            if (!code.literal()) {
                c.tag(Capability.DB_WRITE, Scope.UNKNOWN, "mongo evaluates code built at run time: " + c.text);
                continue;
            }
            if (js.matches("(?s).*(dropDatabase|\\.drop\\(|deleteMany\\(\\s*\\{\\s*\\}|remove\\(\\s*\\{\\s*\\}"
                    + "|dropAllUsers|dropIndexes).*")) {
                c.tag(Capability.DB_DESTRUCTIVE, Scope.UNKNOWN, "mongo drops or wipes data: " + c.text);
            } else if (js.matches("(?s).*(insert|update|delete|remove|replace|createCollection|createUser"
                    + "|bulkWrite|findOneAnd).*")) {
                c.tag(Capability.DB_WRITE, Scope.UNKNOWN, "mongo writes data: " + c.text);
            } else {
                c.tag(Capability.DB_READ, Scope.UNKNOWN, "mongo reads data: " + c.text);
            }
        }
        for (Arg f : o.all("-f", "--file")) {
            any = true;
            c.path(f, Access.READ);
            c.tag(Capability.DB_WRITE, Scope.UNKNOWN, "mongo runs a script: " + c.text);
        }
        for (Arg f : o.positional) {
            if (f.value().endsWith(".js")) {
                any = true;
                c.path(f, Access.READ);
                c.tag(Capability.DB_WRITE, Scope.UNKNOWN, "mongo runs a script: " + c.text);
            }
        }
        if (!any) {
            fromStdin(c);
        }
        connection(c);
    }

    private static final Set<String> REDIS_DESTRUCTIVE = Set.of("FLUSHALL", "FLUSHDB", "SHUTDOWN", "DEBUG",
            "SWAPDB", "CLUSTER", "REPLICAOF", "SLAVEOF", "MIGRATE");
    private static final Set<String> REDIS_WRITE = Set.of("SET", "DEL", "UNLINK", "HSET", "HDEL", "LPUSH", "RPUSH",
            "LPOP", "RPOP", "SADD", "SREM", "ZADD", "ZREM", "INCR", "DECR", "EXPIRE", "PERSIST", "RENAME", "MSET",
            "SETEX", "APPEND", "XADD", "PUBLISH", "RESTORE", "CONFIG", "EVAL", "EVALSHA", "SCRIPT", "MODULE",
            "FUNCTION", "SAVE", "BGSAVE", "BGREWRITEAOF", "ACL", "HMSET", "SETNX", "GETDEL", "COPY", "MOVE");

    private static void redis(Call c) {
        List<String> w = VcsCommands.words(c.args, Set.of("-h", "-p", "-a", "--user", "--pass", "-n", "-u", "-s",
                "-r", "-i", "--tls", "--cacert", "--cert", "--key", "--rdb", "--pipe-timeout", "-d", "--eval"));
        for (int i = 0; i < c.args.size(); i++) {
            String v = c.args.get(i).value();
            if (v.equals("--rdb") && i + 1 < c.args.size()) {
                c.path(c.args.get(i + 1), Access.WRITE);
                c.tag(Capability.DB_READ, Scope.UNKNOWN, "redis-cli --rdb dumps the database: " + c.text);
            }
        }
        if (w.isEmpty()) {
            fromStdin(c);
            connection(c);
            return;
        }
        String cmd = w.getFirst().toUpperCase(Locale.ROOT);
        if (REDIS_DESTRUCTIVE.contains(cmd)) {
            c.tag(Capability.DB_DESTRUCTIVE, Scope.UNKNOWN, "redis " + cmd + ": " + c.text);
        } else if (cmd.equals("CONFIG") && w.size() > 1 && w.get(1).equalsIgnoreCase("set")) {
            c.tag(Capability.DB_WRITE, Scope.UNKNOWN, "redis CONFIG SET: " + c.text);
            if (String.join(" ", w).matches("(?i).*\\b(dir|dbfilename)\\b.*")) {
                c.tag(Capability.PERSISTENCE, Scope.OUTSIDE, "redis CONFIG SET dir/dbfilename can write files "
                        + "anywhere: " + c.text);
            }
        } else if (REDIS_WRITE.contains(cmd)) {
            c.tag(Capability.DB_WRITE, Scope.UNKNOWN, "redis " + cmd + ": " + c.text);
        } else {
            c.tag(Capability.DB_READ, Scope.UNKNOWN, "redis " + cmd + ": " + c.text);
        }
        connection(c);
    }

    /** Remote hosts and connection URIs in the arguments. */
    private static void connection(Call c) {
        for (int i = 0; i < c.args.size(); i++) {
            Arg a = c.args.get(i);
            String v = a.value();
            if (v.contains("://") && v.matches("(?i)(postgres(ql)?|mysql|mariadb|mongodb(\\+srv)?|redis|rediss|"
                    + "clickhouse|sqlserver|jdbc:\\w+)://.*")) {
                c.url(v.replaceFirst("^jdbc:", ""));
            } else if ((v.equals("-h") || v.equals("--host") || v.equals("-H")) && i + 1 < c.args.size()) {
                String host = c.args.get(i + 1).value();
                if (!host.matches("localhost|127\\.0\\.0\\.1|::1|/.*")) {
                    c.host(host);
                }
            } else if (v.startsWith("--host=")) {
                String host = v.substring(7);
                if (!host.matches("localhost|127\\.0\\.0\\.1|::1|/.*")) {
                    c.host(host);
                }
            } else if (v.matches("-h[\\w.-]+\\.[a-z]{2,}") && !c.name.equals("psql")) {
                c.host(v.substring(2));
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ SQL

    private static final Pattern COMMENTS = Pattern.compile("--[^\\n]*|/\\*.*?\\*/", Pattern.DOTALL);
    private static final Pattern STRINGS = Pattern.compile("'(?:[^']|'')*'|\\$\\$.*?\\$\\$", Pattern.DOTALL);

    /** Classifies SQL text and tags it. */
    static void sql(Call c, Arg sqlArg) {
        if (!sqlArg.literal()) {
            c.tag(Capability.DB_WRITE, Scope.UNKNOWN, c.name + " runs SQL built at run time: " + c.text);
            return;
        }
        String raw = sqlArg.value();
        // Client meta-commands that reach the shell or the file system.
        Matcher shell = Pattern.compile("(?m)(?:^|;)\\s*(?:\\\\!|\\.shell|\\.system|system|\\\\setenv)\\s+(.+)$")
                .matcher(raw);
        while (shell.find()) {
            c.script(shell.group(1), c.name + " shell escape");
        }
        Matcher out = Pattern.compile("(?m)(?:^|;)\\s*(?:\\\\o|\\\\out|\\.output|\\.once|\\\\copy .* to|tee)\\s+"
                + "'?([^\\s';]+)").matcher(raw);
        while (out.find()) {
            c.path(Arg.lit(out.group(1)), Access.WRITE);
        }
        Matcher in = Pattern.compile("(?m)(?:^|;)\\s*(?:\\\\i|\\\\ir|\\\\include|\\.read|source|\\.import)\\s+"
                + "'?([^\\s';]+)").matcher(raw);
        while (in.find()) {
            c.path(Arg.lit(in.group(1)), Access.READ);
        }
        if (raw.matches("(?s).*\\.load\\s+.*")) {
            c.tag(Capability.OBFUSCATED, Scope.UNKNOWN, c.name + " loads a native extension: " + c.text);
        }
        String upper = STRINGS.matcher(COMMENTS.matcher(raw).replaceAll(" ")).replaceAll("''").toUpperCase(
                Locale.ROOT);
        if (upper.contains("PROGRAM") && upper.matches("(?s).*\\bCOPY\\b.*\\b(TO|FROM)\\s+PROGRAM\\b.*")
                || upper.contains("XP_CMDSHELL") || upper.contains("SYS_EXEC") || upper.contains("SYS_EVAL")) {
            c.tag(Capability.OBFUSCATED, Scope.UNKNOWN, "SQL runs an operating-system command: " + c.text);
            c.tag(Capability.EXEC_COMMAND, Scope.UNKNOWN, "SQL runs an operating-system command: " + c.text);
        }
        if (upper.matches("(?s).*\\b(INTO\\s+(OUT|DUMP)FILE|LOAD_FILE|PG_READ_FILE|PG_READ_BINARY_FILE|LO_IMPORT"
                + "|LO_EXPORT|LOAD\\s+DATA)\\b.*")) {
            c.tag(Capability.WRITE_FILE, Scope.UNKNOWN, "SQL reads or writes server files: " + c.text);
        }
        String[] statements = upper.split(";");
        int writes = 0;
        int count = 0;
        boolean destructive = false;
        boolean write = false;
        boolean read = false;
        for (String s : statements) {
            String t = s.strip();
            if (t.isEmpty() || t.startsWith("\\") || t.startsWith(".")) {
                if (t.matches("\\\\D[A-Z+]*.*|\\\\L.*|\\\\DT.*|\\\\L")) {
                    read = true;
                }
                continue;
            }
            count++;
            String first = t.split("\\s+", 2)[0];
            switch (first) {
                case "DROP", "TRUNCATE" -> destructive = true;
                case "DELETE" -> {
                    writes++;
                    if (!t.matches("(?s).*\\bWHERE\\b.*")) {
                        destructive = true;
                    } else {
                        write = true;
                    }
                }
                case "UPDATE" -> {
                    writes++;
                    if (!t.matches("(?s).*\\bWHERE\\b.*")) {
                        destructive = true;
                    } else {
                        write = true;
                    }
                }
                case "ALTER" -> {
                    writes++;
                    if (t.matches("(?s).*\\bDROP\\b.*")) {
                        destructive = true;
                    } else {
                        write = true;
                    }
                }
                case "INSERT", "REPLACE", "MERGE", "UPSERT", "CREATE", "GRANT", "REVOKE", "COPY", "LOAD", "CALL",
                        "EXEC", "EXECUTE", "DO", "RENAME", "COMMENT", "VACUUM", "REINDEX", "CLUSTER", "REFRESH",
                        "SET", "RESET", "LOCK", "IMPORT", "ATTACH", "DETACH", "PRAGMA", "BEGIN", "COMMIT",
                        "ROLLBACK", "SAVEPOINT", "UNLOCK", "FLUSH", "KILL", "SHUTDOWN", "INSTALL", "UNINSTALL",
                        "HANDLER", "PURGE", "OPTIMIZE", "REPAIR", "ANALYZE" -> {
                    if (!Set.of("BEGIN", "COMMIT", "SET", "SAVEPOINT", "ANALYZE", "PRAGMA").contains(first)) {
                        writes++;
                    }
                    if (first.equals("PURGE") || first.equals("SHUTDOWN") || first.equals("KILL")) {
                        destructive = true;
                    }
                    write |= !Set.of("BEGIN", "COMMIT", "SAVEPOINT", "ANALYZE").contains(first)
                            || first.equals("PRAGMA") && t.contains("=");
                    if (first.equals("PRAGMA") && !t.contains("=")) {
                        read = true;
                    }
                }
                case "WITH" -> {
                    if (t.matches("(?s).*\\b(INSERT|UPDATE|DELETE)\\b.*")) {
                        writes++;
                        write = true;
                        if (t.matches("(?s).*\\bDELETE\\b.*") && !t.matches("(?s).*\\bWHERE\\b.*")) {
                            destructive = true;
                        }
                    } else {
                        read = true;
                    }
                }
                default -> read = true;
            }
        }
        // The keyword scan above is a floor; the real parser sees what it cannot (an UPDATE whose only WHERE sits in
        // a subquery, a DELETE ... USING without a condition). Its verdict only ever makes the tags stricter.
        String statementsOnly = raw.lines().filter(l -> !l.strip().startsWith("\\") && !l.strip().startsWith("."))
                .collect(java.util.stream.Collectors.joining("\n"));
        List<Tag> parsed = SqlAnalyzer.analyze(statementsOnly);
        if (parsed.stream().noneMatch(t -> t.capability() == Capability.UNKNOWN)) {
            destructive |= parsed.stream().anyMatch(t -> t.capability() == Capability.DB_DESTRUCTIVE);
            write |= !destructive && parsed.stream().anyMatch(t -> t.capability() == Capability.DB_WRITE);
        }
        if (destructive) {
            c.tag(Capability.DB_DESTRUCTIVE, Scope.UNKNOWN, c.name + " runs destructive SQL: "
                    + Words.abbreviate(raw.strip(), 120));
        } else if (write) {
            c.tag(Capability.DB_WRITE, Scope.UNKNOWN, c.name + " writes data: " + Words.abbreviate(raw.strip(), 120));
        } else if (read || count > 0) {
            c.tag(Capability.DB_READ, Scope.UNKNOWN, c.name + " reads data: " + Words.abbreviate(raw.strip(), 120));
        }
        if (upper.matches("(?s).*\\b(PASSWORD|PASSWD|AUTHENTICATION_STRING|PG_SHADOW|PG_AUTHID|MYSQL\\.USER"
                + "|API_KEY|SECRET|TOKEN)\\b.*") && (read || destructive || write)) {
            c.tag(Capability.SECRET_RESOLVE, Scope.UNKNOWN, c.name + " reads or sets credentials: "
                    + Words.abbreviate(raw.strip(), 120));
        }
    }
}
