package io.airlock.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One run of the {@code @modelcontextprotocol/conformance} CLI in server mode against one URL, and its per-scenario
 * outcome. The scenario list and verdicts come from the {@code === SUMMARY ===} block; the per-check details (which
 * check failed, and why) from the {@code checks.json} files that {@code -o DIR} writes.
 */
final class ConformanceRun {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SUMMARY_LINE =
            Pattern.compile("^([✓✗]) ([A-Za-z0-9][A-Za-z0-9._/-]*): (\\d+) passed, (\\d+) failed");
    /** {@code server-<scenario>-<ISO timestamp with ':' and '.' replaced by '-'>}. */
    private static final Pattern RESULT_DIR =
            Pattern.compile("^server-(.+)-\\d{4}-\\d{2}-\\d{2}T\\d{2}-\\d{2}-\\d{2}-\\d{3}Z$");

    enum Status {
        PASS, FAIL, MISSING
    }

    record Outcome(String scenario, Status status, int passed, int failed, int warnings, List<String> failures) {

        String cell() {
            return switch (status) {
                case PASS -> "PASS " + passed + "/" + (passed + failed) + (warnings > 0 ? " " + warnings + "W" : "");
                case FAIL -> "FAIL " + passed + "/" + (passed + failed) + (warnings > 0 ? " " + warnings + "W" : "");
                case MISSING -> "MISSING";
            };
        }
    }

    final String label;
    final Map<String, Outcome> outcomes;
    final int exitCode;
    final boolean timedOut;
    final Duration elapsed;
    final Path output;

    private ConformanceRun(String label, Map<String, Outcome> outcomes, int exitCode, boolean timedOut,
            Duration elapsed, Path output) {
        this.label = label;
        this.outcomes = outcomes;
        this.exitCode = exitCode;
        this.timedOut = timedOut;
        this.elapsed = elapsed;
        this.output = output;
    }

    /**
     * Runs {@code node <cli> server --url <url> -o <dir>/results <args...>}, the whole console output going to
     * {@code <dir>/console.txt}.
     */
    static ConformanceRun run(String label, Path cli, String url, Path dir, Duration timeout, String... args)
            throws IOException, InterruptedException {
        deleteTree(dir);
        Path results = dir.resolve("results");
        Files.createDirectories(results);
        Path console = dir.resolve("console.txt");
        List<String> command = new ArrayList<>(List.of(NodeTools.node(), cli.toString(), "server", "--url", url,
                "-o", results.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(NodeTools.PROJECT.resolve("it-tests/node").toFile())
                .redirectErrorStream(true)
                .redirectOutput(console.toFile());
        builder.environment().put("NO_COLOR", "1");
        builder.environment().put("FORCE_COLOR", "0");
        for (String proxy : List.of("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy",
                "all_proxy", "NODE_USE_ENV_PROXY")) {
            builder.environment().remove(proxy);
        }
        long start = System.nanoTime();
        Process process = builder.start();
        boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (!finished) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        Map<String, Outcome> outcomes = parse(Files.readString(console, StandardCharsets.UTF_8), results);
        return new ConformanceRun(label, outcomes, finished ? process.exitValue() : -1, !finished, elapsed, console);
    }

    Status status(String scenario) {
        Outcome outcome = outcomes.get(scenario);
        return outcome == null ? Status.MISSING : outcome.status();
    }

    /** The last {@code lines} lines of the console output, for failure messages. */
    String consoleTail(int lines) {
        try {
            List<String> all = Files.readAllLines(output, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + output + ": " + e + ")";
        }
    }

    private static Map<String, Outcome> parse(String console, Path results) throws IOException {
        Map<String, JsonNode> checks = readChecks(results);
        Map<String, Outcome> outcomes = new LinkedHashMap<>();
        boolean inSummary = false;
        for (String line : console.split("\\R")) {
            if (line.strip().equals("=== SUMMARY ===")) {
                inSummary = true;
                continue;
            }
            Matcher m = SUMMARY_LINE.matcher(line);
            if (inSummary && m.find()) {
                String scenario = m.group(2);
                boolean summaryPass = m.group(1).equals("✓");
                outcomes.put(scenario, outcome(scenario, checks.get(scenario), summaryPass,
                        Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4))));
            }
        }
        // No summary (the CLI died or timed out): fall back on whatever checks.json files were written.
        for (Map.Entry<String, JsonNode> entry : checks.entrySet()) {
            outcomes.computeIfAbsent(entry.getKey(), s -> outcome(s, entry.getValue(), true, 0, 0));
        }
        return outcomes;
    }

    private static Outcome outcome(String scenario, JsonNode checks, boolean summaryPass, int passed, int failed) {
        if (checks == null) {
            return new Outcome(scenario, summaryPass ? Status.PASS : Status.FAIL, passed, failed, 0,
                    summaryPass ? List.of() : List.of("(no checks.json; the CLI reported " + failed + " failed)"));
        }
        int success = 0;
        int failure = 0;
        int warnings = 0;
        List<String> failures = new ArrayList<>();
        for (JsonNode check : checks) {
            switch (check.path("status").asText()) {
                case "SUCCESS" -> success++;
                case "WARNING" -> warnings++;
                case "FAILURE" -> {
                    failure++;
                    String message = check.path("errorMessage").asText(check.path("description").asText());
                    failures.add(check.path("id").asText() + ": " + abbreviate(message, 400));
                }
                default -> { }
            }
        }
        boolean pass = summaryPass && failure == 0;
        return new Outcome(scenario, pass ? Status.PASS : Status.FAIL, success, failure, warnings, failures);
    }

    private static Map<String, JsonNode> readChecks(Path results) throws IOException {
        Map<String, JsonNode> checks = new LinkedHashMap<>();
        if (!Files.isDirectory(results)) {
            return checks;
        }
        try (Stream<Path> dirs = Files.list(results)) {
            for (Path dir : dirs.sorted(Comparator.comparing(Path::toString)).toList()) {
                Matcher m = RESULT_DIR.matcher(dir.getFileName().toString());
                Path file = dir.resolve("checks.json");
                if (m.matches() && Files.isRegularFile(file)) {
                    checks.put(m.group(1), JSON.readTree(file.toFile()));
                }
            }
        }
        return checks;
    }

    private static String abbreviate(String text, int max) {
        String flat = text.replaceAll("\\s+", " ").strip();
        return flat.length() <= max ? flat : flat.substring(0, max) + "…";
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
