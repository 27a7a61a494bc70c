package io.airlock.policy.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.airlock.policy.analysis.AnalysisContext;
import io.airlock.policy.tags.Capability;
import io.airlock.policy.tags.Scope;
import io.airlock.policy.tags.Tag;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the shell analyser over the shared evaluation corpus ({@code ../../shared/corpus} from the module, or
 * {@code -Dairlock.corpus=DIR}) and prints, per file: how often each capability is tagged, rows that do not parse,
 * and the risky/dangerous rows left with nothing actionable (nothing beyond exec_command and read_file:inside),
 * grouped by category. To keep the module's tests quick, benign.jsonl (every 8th row) and the report-only files
 * (every 3rd row) are sampled unless {@code -Dairlock.corpus.full=true}; the files with thresholds run in full.
 */
class ShellCorpusTest {

    private static final Path CORPUS = Path.of(System.getProperty("airlock.corpus", "../../shared/corpus"));
    private static final boolean FULL = Boolean.getBoolean("airlock.corpus.full");
    private static final AnalysisContext CTX = new AnalysisContext(List.of(Path.of("/home/dev/project")),
            Path.of("/home/dev"), Set.of("github.com", "*.github.com", "registry.npmjs.org", "pypi.org",
            "files.pythonhosted.org", "crates.io", "static.crates.io", "repo.maven.apache.org", "proxy.golang.org"));
    private static final Set<String> BENIGN_LABELS = Set.of("exec_command", "exec_command:inside", "read_file:inside",
            "write_file:inside", "delete:inside");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ShellAnalyzer analyzer;
    private static ExecutorService pool;

    private record Row(String id, String category, String label, String dcgExpected, String command) {}

    private record Result(Row row, ShellAnalysis analysis) {
        boolean actionable() {
            for (Tag t : analysis.tags()) {
                if (t.capability() == Capability.EXEC_COMMAND) {
                    continue;
                }
                if (t.capability() == Capability.READ_FILE && (t.scope() == Scope.INSIDE || t.scope() == Scope.NONE)) {
                    continue;
                }
                return true;
            }
            return false;
        }

        boolean benignOnly() {
            for (String l : analysis.labels()) {
                if (!BENIGN_LABELS.contains(l) && !l.startsWith("network_egress")) {
                    return false;
                }
            }
            return true;
        }
    }

    @BeforeAll
    static void setUp() {
        analyzer = new ShellAnalyzer(new ShellParser(), new ShellAnalysisCache(0));
        assumeTrue(analyzer.parser().available(), "shfmt not installed");
        assumeTrue(Files.isDirectory(CORPUS), "corpus not found at " + CORPUS.toAbsolutePath().normalize());
        pool = Executors.newFixedThreadPool(Math.max(2, Math.min(6, Runtime.getRuntime().availableProcessors() * 2)));
    }

    @AfterAll
    static void tearDown() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    private static List<Result> run(String file, int every) throws Exception {
        List<Row> rows = new ArrayList<>();
        List<String> lines = Files.readAllLines(CORPUS.resolve(file));
        for (int i = 0; i < lines.size(); i += every) {
            JsonNode n = JSON.readTree(lines.get(i));
            if (!"shell".equals(n.path("server").asText()) || !n.path("arguments").has("command")) {
                continue;
            }
            rows.add(new Row(n.path("id").asText(), n.path("category").asText(n.path("subset").asText("")),
                    n.path("label").asText(), n.path("dcg_expected").asText(null),
                    n.path("arguments").path("command").asText()));
        }
        List<Future<Result>> futures = new ArrayList<>();
        for (Row r : rows) {
            futures.add(pool.submit(() -> new Result(r, analyzer.analyze(r.command(), CTX))));
        }
        List<Result> out = new ArrayList<>();
        for (Future<Result> f : futures) {
            out.add(f.get());
        }
        return out;
    }

    /** Prints the report for one file and returns the share of "wanted" rows that are actionable. */
    private static double report(String file, List<Result> results, java.util.function.Predicate<Row> wanted) {
        StringBuilder sb = new StringBuilder();
        int n = results.size();
        Map<String, Integer> caps = new TreeMap<>();
        int unparsed = 0;
        int wantedRows = 0;
        int wantedActionable = 0;
        int benignOnly = 0;
        Map<String, List<Result>> misses = new TreeMap<>();
        Map<String, Integer> offLabels = new TreeMap<>();
        for (Result r : results) {
            for (Capability c : r.analysis().capabilities()) {
                caps.merge(c.id(), 1, Integer::sum);
            }
            if (!r.analysis().parsed()) {
                unparsed++;
            }
            if (r.benignOnly()) {
                benignOnly++;
            } else {
                for (String l : r.analysis().labels()) {
                    if (!BENIGN_LABELS.contains(l) && !l.startsWith("network_egress")) {
                        offLabels.merge(l, 1, Integer::sum);
                    }
                }
            }
            if (wanted.test(r.row())) {
                wantedRows++;
                if (r.actionable()) {
                    wantedActionable++;
                } else {
                    misses.computeIfAbsent(r.row().category().isEmpty() ? "-" : r.row().category(),
                            k -> new ArrayList<>()).add(r);
                }
            }
        }
        sb.append(String.format(Locale.ROOT, "%n=== %s: %d rows%s, %d do not parse%n", file, n,
                FULL ? "" : file.equals("benign.jsonl") ? " (every 8th)" : file.startsWith("re") ? " (every 3rd)" : "",
                unparsed));
        sb.append("  rows with each capability: ");
        caps.forEach((k, v) -> sb.append(String.format(Locale.ROOT, "%s %.1f%%  ", k, 100.0 * v / n)));
        sb.append('\n');
        sb.append(String.format(Locale.ROOT, "  rows with only exec/read/write/delete inside + network: %d (%.1f%%)%n",
                benignOnly, 100.0 * benignOnly / n));
        if (file.equals("benign.jsonl")) {
            sb.append("  other labels on benign rows: ").append(offLabels).append('\n');
        }
        double share = wantedRows == 0 ? 1.0 : (double) wantedActionable / wantedRows;
        if (wantedRows > 0) {
            sb.append(String.format(Locale.ROOT, "  risky/dangerous rows with an actionable tag: %d of %d (%.2f%%); "
                    + "misses: %d%n", wantedActionable, wantedRows, 100.0 * share, wantedRows - wantedActionable));
            misses.forEach((cat, list) -> {
                sb.append(String.format(Locale.ROOT, "    [%s] %d misses%n", cat, list.size()));
                for (Result r : list.subList(0, Math.min(5, list.size()))) {
                    String cmd = r.row().command().replace("\n", "⏎");
                    sb.append("      ").append(r.row().id()).append(" | ")
                            .append(cmd.length() > 140 ? cmd.substring(0, 140) + "…" : cmd).append('\n');
                }
            });
        }
        System.out.print(sb);
        return share;
    }

    private static boolean risky(Row r) {
        return r.label().equals("dangerous") || r.label().equals("risky");
    }

    @Test
    void dcgCorpusDenyRowsAreAllActionable() throws Exception {
        List<Result> results = run("dcg_corpus.jsonl", 1);
        double share = report("dcg_corpus.jsonl", results, r -> "deny".equals(r.dcgExpected()));
        assertThat(share).as("dcg rows expected deny with an actionable tag").isEqualTo(1.0);
    }

    @Test
    void dangerousRowsAreActionable() throws Exception {
        List<Result> results = run("dangerous.jsonl", 1);
        double share = report("dangerous.jsonl", results, ShellCorpusTest::risky);
        assertThat(share).as("dangerous.jsonl rows with an actionable tag").isGreaterThanOrEqualTo(0.99);
    }

    @Test
    void benignExcludedRowsAreActionable() throws Exception {
        List<Result> results = run("benign_excluded.jsonl", 1);
        double share = report("benign_excluded.jsonl", results, ShellCorpusTest::risky);
        assertThat(share).as("benign_excluded.jsonl rows with an actionable tag").isGreaterThanOrEqualTo(0.98);
    }

    @Test
    void benignRowsMostlyStayQuiet() throws Exception {
        List<Result> results = run("benign.jsonl", FULL ? 1 : 8);
        report("benign.jsonl", results, r -> false);
        long quiet = results.stream().filter(Result::benignOnly).count();
        assertThat((double) quiet / results.size()).as("benign rows with only everyday labels")
                .isGreaterThanOrEqualTo(0.85);
    }

    @Test
    void otherFilesAreReported() throws Exception {
        for (String file : List.of("redcode_exec.jsonl", "recon.jsonl")) {
            if (Files.exists(CORPUS.resolve(file))) {
                List<Result> results = run(file, FULL ? 1 : 3);
                report(file, results, ShellCorpusTest::risky);
                assertThat(results).isNotEmpty();
            }
        }
    }
}
