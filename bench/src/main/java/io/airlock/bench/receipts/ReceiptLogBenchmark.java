package io.airlock.bench.receipts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.airlock.receipts.CanonicalJson;
import io.airlock.receipts.ChainVerifier;
import io.airlock.receipts.Receipt;
import io.airlock.receipts.ReceiptLog;
import io.airlock.receipts.Redactor;
import io.airlock.receipts.Signing;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * Receipts per second sustained by the group-commit writer, and the latency of {@code append} as the gateway sees it
 * (encode + enqueue). Producers append as fast as the log accepts; a refused append (queue full) is counted and
 * retried after a short pause, so the rate printed is what reached the disk, forced. Prints figures, asserts nothing.
 * <pre>
 * java -cp "$(cat bench/target/bench.classpath):bench/target/classes" io.airlock.bench.receipts.ReceiptLogBenchmark \
 *     [--seconds 10] [--warmup 3] [--threads 2] [--fsync-ms 10] [--dir /var/tmp/receipts-bench]
 * </pre>
 */
public final class ReceiptLogBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ReceiptLogBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = intArg(args, "--seconds", 10);
        int warmup = intArg(args, "--warmup", 3);
        int threads = intArg(args, "--threads", 2);
        int fsyncMs = intArg(args, "--fsync-ms", 10);
        Path dir = Path.of(stringArg(args, "--dir", Files.createTempDirectory("receipts-bench").toString()));
        List<Receipt> pool = receipts(1024);

        System.out.printf(Locale.ROOT, "receipt log benchmark: %d producer thread(s), fsync every %d ms, %d s "
                + "(+%d s warm-up), dir %s, %d cores%n", threads, fsyncMs, seconds, warmup, dir,
                Runtime.getRuntime().availableProcessors());
        System.out.printf(Locale.ROOT, "average receipt line: %d bytes%n", averageLineBytes(pool));
        redactionRate(pool);

        ReceiptLog.Options options = ReceiptLog.Options.defaults(dir, Signing.generate())
                .withFsyncInterval(Duration.ofMillis(fsyncMs));
        ReceiptLog log = ReceiptLog.open(options);
        run(log, pool, threads, Duration.ofSeconds(warmup), false);
        Result result = run(log, pool, threads, Duration.ofSeconds(seconds), true);
        long closeStart = System.nanoTime();
        log.close();
        double closeMs = (System.nanoTime() - closeStart) / 1e6;
        ReceiptLog.Counters counters = log.counters();

        System.out.printf(Locale.ROOT, "sustained: %,.0f receipts/s durable (%,d in %.2f s), %,d refused while "
                + "the queue was full%n", result.durable / result.seconds, result.durable, result.seconds,
                result.refused);
        System.out.printf(Locale.ROOT, "append latency (encode + enqueue): p50 %.1f us, p99 %.1f us, p99.9 %.1f us, "
                + "max %.1f us%n", result.percentile(0.50), result.percentile(0.99), result.percentile(0.999),
                result.percentile(1.0));
        System.out.printf(Locale.ROOT, "writer: %,d lines, %,d checkpoints, %,d fsyncs (%.0f lines per fsync); "
                + "close took %.1f ms%n", counters.linesWritten(), counters.checkpoints(), counters.syncs(),
                (double) counters.linesWritten() / Math.max(1, counters.syncs()), closeMs);
        long verifyStart = System.nanoTime();
        ChainVerifier.Report report = ChainVerifier.verifyDirectory(dir,
                ChainVerifier.Options.withKey(options.key().publicKey()));
        double verifySeconds = (System.nanoTime() - verifyStart) / 1e9;
        System.out.printf(Locale.ROOT, "verify: %s, %,d lines in %.2f s (%,.0f lines/s)%n",
                report.ok() ? "OK" : "FAULT " + report.fault().orElseThrow(), report.lines(), verifySeconds,
                report.lines() / verifySeconds);
        if (!args0(args, "--keep")) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private record Result(long durable, double seconds, long refused, long[] latencies, int count) {
        double percentile(double p) {
            if (count == 0) {
                return Double.NaN;
            }
            int index = (int) Math.min(count - 1, Math.ceil(p * count) - 1);
            return latencies[Math.max(0, index)] / 1000.0;
        }
    }

    private static Result run(ReceiptLog log, List<Receipt> pool, int threads, Duration duration, boolean measure)
            throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch start = new CountDownLatch(1);
        long[][] latencies = new long[threads][];
        int[] counts = new int[threads];
        long[] refused = new long[threads];
        long[] lastTicket = new long[threads];
        List<Thread> producers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            producers.add(Thread.ofPlatform().name("producer-" + t).start(() -> {
                long[] samples = new long[4_000_000];
                int n = 0;
                int next = id;
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                while (!stop.get()) {
                    Receipt receipt = pool.get(next++ & (pool.size() - 1));
                    long begin = System.nanoTime();
                    ReceiptLog.Append append = log.append(receipt);
                    long took = System.nanoTime() - begin;
                    if (append instanceof ReceiptLog.Append.Accepted(long ticket)) {
                        lastTicket[id] = Math.max(lastTicket[id], ticket);
                        if (n < samples.length) {
                            samples[n++] = took;
                        }
                    } else {
                        refused[id]++;
                        if (!log.healthy()) {
                            throw new IllegalStateException(log.failure().orElse("closed"));
                        }
                        Thread.onSpinWait();
                        java.util.concurrent.locks.LockSupport.parkNanos(50_000);
                    }
                }
                latencies[id] = samples;
                counts[id] = n;
            }));
        }
        long before = log.counters().durableTicket();
        long begin = System.nanoTime();
        start.countDown();
        Thread.sleep(duration.toMillis());
        stop.set(true);
        for (Thread producer : producers) {
            producer.join();
        }
        long last = Arrays.stream(lastTicket).max().orElse(before);
        log.awaitDurable(last, Duration.ofSeconds(60));
        double seconds = (System.nanoTime() - begin) / 1e9;
        if (!measure) {
            return null;
        }
        int total = Arrays.stream(counts).sum();
        long[] all = new long[total];
        int at = 0;
        for (int t = 0; t < threads; t++) {
            System.arraycopy(latencies[t], 0, all, at, counts[t]);
            at += counts[t];
        }
        Arrays.sort(all);
        return new Result(last - before, seconds, Arrays.stream(refused).sum(), all, total);
    }

    /** Varied, realistic receipts: reads, shell commands, an operator decision; already redacted. */
    private static List<Receipt> receipts(int count) throws IOException {
        List<Receipt> receipts = new ArrayList<>(count);
        Instant now = Instant.now();
        for (int i = 0; i < count; i++) {
            boolean shell = i % 3 == 0;
            JsonNode args = shell
                    ? JSON.readTree("{\"command\":\"git -C /work/project log --oneline -n " + i + " | head -20\","
                    + "\"cwd\":\"/work/project\",\"timeout\":30}")
                    : JSON.readTree("{\"path\":\"/work/project/src/main/java/io/example/Service" + i + ".java\"}");
            boolean asked = i % 17 == 0;
            List<Receipt.Step> path = new ArrayList<>();
            path.add(new Receipt.Step(0, asked ? Receipt.Verdict.CLASSIFY : Receipt.Verdict.ALLOW,
                    new Receipt.Decider.Rule(shell ? "shell-read-only" : "read-inside"), 35,
                    "tier 0: rule " + (shell ? "shell-read-only" : "read-inside")));
            if (asked) {
                path.add(new Receipt.Step(3, Receipt.Verdict.ALLOW, new Receipt.Decider.Operator("alice"), 2_500_000,
                        "tier 3: allowed (operator)"));
            }
            receipts.add(new Receipt("01J" + String.format("%023d", i), now.plusMillis(i), "claude-code", "sess-42",
                    shell ? "workbench" : "filesystem", shell ? "shell" : "filesystem", "tools/call",
                    shell ? "run_command" : "read_text_file", CanonicalJson.digest(args), args, "standard",
                    List.of(new Receipt.CapabilityTag(shell ? "exec" : "read", "inside",
                            shell ? "git log" : "Service" + i + ".java")),
                    Receipt.Outcome.ALLOW, asked ? 3 : 0, false, "", path, "rev-3f2a",
                    new Receipt.Upstream(Receipt.UpstreamOutcome.OK, 512 + i, 1800 + i))
                    .redactedWith(Redactor.standard()));
        }
        return receipts;
    }

    private static long averageLineBytes(List<Receipt> pool) {
        return (long) pool.stream().mapToInt(r -> io.airlock.receipts.ReceiptCodec.encodeBody(r).length + 90)
                .average().orElse(0);
    }

    /** Redaction runs on the gateway's threads before append; its cost is printed apart. */
    private static void redactionRate(List<Receipt> pool) {
        Redactor redactor = Redactor.standard();
        long begin = System.nanoTime();
        int n = 0;
        while (System.nanoTime() - begin < 1_000_000_000L) {
            pool.get(n++ & (pool.size() - 1)).redactedWith(redactor);
        }
        double seconds = (System.nanoTime() - begin) / 1e9;
        System.out.printf(Locale.ROOT, "redaction (one thread, whole receipt): %,.0f receipts/s, %.1f us each%n",
                n / seconds, seconds * 1e6 / n);
    }

    private static int intArg(String[] args, String name, int fallback) {
        return Integer.parseInt(stringArg(args, name, Integer.toString(fallback)));
    }

    private static String stringArg(String[] args, String name, String fallback) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }

    private static boolean args0(String[] args, String flag) {
        return Arrays.asList(args).contains(flag);
    }
}
