package io.airlock.bench.classifier;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.sun.net.httpserver.HttpServer;
import io.airlock.policy.cascade.Tiers;
import io.airlock.policy.cascade.ToolCall;
import io.airlock.policy.classifier.ClassifierConfig;
import io.airlock.policy.classifier.ModelClassifier;
import io.airlock.policy.rules.Action;
import io.airlock.policy.rules.Evaluation;
import io.airlock.policy.tags.Capability;
import io.airlock.policy.tags.Scope;
import io.airlock.policy.tags.Tag;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;

/**
 * What tier 2 itself costs, apart from the model: against a local stub endpoint that answers at once (the JDK's HTTP
 * server, a fixed Ollama {@code /api/chat} reply), it times
 * <ol>
 *   <li>the raw round trip: the JDK HTTP client posting a request of the same size and reading the reply;</li>
 *   <li>a cache miss through the classifier: prompt building, canonical cache key, policy text check, bulkhead,
 *       circuit breaker, time limiter, the same round trip, strict parsing, and the thread hand-offs;</li>
 *   <li>a cache hit through the classifier.</li>
 * </ol>
 * The tier's overhead is (2) minus (1), per quantile. Calls run one at a time. Prints figures, asserts nothing.
 *
 * <p>{@code java -cp "$(cat bench/target/bench.classpath):bench/target/classes"
 * io.airlock.bench.classifier.ClassifierOverhead [calls] [warmup] [policy-text.md]}
 */
public final class ClassifierOverhead {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        int calls = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 3000;
        Path text = args.length > 2 ? Path.of(args[2]) : Path.of("docs/airlock-policy.md");
        if (!Files.isRegularFile(text)) {
            text = Files.writeString(Files.createTempFile("policy", ".md"), "Fetching documentation is fine.\n");
        }
        byte[] reply = JSON.writeValueAsBytes(JSON.createObjectNode().put("model", "stub")
                .set("message", JSON.createObjectNode().put("role", "assistant")
                        .put("content", "{\"verdict\":\"allow\",\"reason\":\"fine\"}")))
                ;
        HttpServer stub = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        java.util.concurrent.atomic.AtomicLong lastBody = new java.util.concurrent.atomic.AtomicLong();
        stub.createContext("/api/chat", exchange -> {
            lastBody.set(exchange.getRequestBody().readAllBytes().length);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, reply.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(reply);
            }
        });
        stub.setExecutor(Executors.newFixedThreadPool(2));
        stub.start();
        URI endpoint = URI.create("http://127.0.0.1:" + stub.getAddress().getPort());
        ClassifierConfig config = ClassifierConfig.defaults(ClassifierConfig.Provider.OLLAMA, endpoint, "stub",
                List.of(text)).withStages(new ClassifierConfig.Stage("stub", 64, Duration.ofSeconds(5)), null)
                .withCircuit(new ClassifierConfig.Circuit(100, 100, 100f, Duration.ofSeconds(1)));
        Evaluation evaluation = new Evaluation(Action.CLASSIFY, false, null, List.of(), "bench", "");
        List<Tag> tags = List.of(Tag.of(Capability.NETWORK_EGRESS, Scope.OUTSIDE, "curl"));

        try (ModelClassifier classifier = ModelClassifier.create(config)) {
            // A request body as large as the classifier's, for a fair raw round trip.
            classifier.classify(call("size"), tags, evaluation).toCompletableFuture().join();
            String body = JSON.writeValueAsString(JSON.createObjectNode().put("model", "stub")
                    .put("system", "x".repeat((int) lastBody.get() - 60)).put("stream", false));
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpRequest raw = HttpRequest.newBuilder(endpoint.resolve("/api/chat"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();

            long[] lastBodyOfTier = new long[1];
            long[] rawNanos = new long[calls];
            long[] missNanos = new long[calls];
            long[] hitNanos = new long[calls];
            for (int round = 0; round < 2; round++) {
                int n = round == 0 ? warmup : calls;
                for (int i = 0; i < n; i++) {
                    long t0 = System.nanoTime();
                    HttpResponse<byte[]> r = http.send(raw, HttpResponse.BodyHandlers.ofByteArray());
                    JSON.readTree(r.body());
                    long t1 = System.nanoTime();
                    // Distinct arguments: a cache miss, the whole tier with a model request.
                    Tiers.Verdict miss = classifier.classify(call(round + "-" + i), tags, evaluation)
                            .toCompletableFuture().join();
                    long t2 = System.nanoTime();
                    lastBodyOfTier[0] = lastBody.get();
                    Tiers.Verdict hit = classifier.classify(call(round + "-" + i), tags, evaluation)
                            .toCompletableFuture().join();
                    long t3 = System.nanoTime();
                    if (!(miss instanceof Tiers.Verdict.Allow) || !(hit instanceof Tiers.Verdict.Allow)) {
                        throw new IllegalStateException("the stub's allow did not come through: " + miss + ", " + hit);
                    }
                    if (round == 1) {
                        rawNanos[i] = t1 - t0;
                        missNanos[i] = t2 - t1;
                        hitNanos[i] = t3 - t2;
                    }
                }
            }
            Arrays.sort(rawNanos);
            Arrays.sort(missNanos);
            Arrays.sort(hitNanos);
            System.out.printf("classifier tier overhead, %d calls one at a time after %d warm-up, instant local "
                    + "stub (policy text %d bytes)%n", calls, warmup, Files.size(text));
            System.out.println("| measure | p50 | p99 |");
            System.out.println("|---|---|---|");
            row("raw HTTP round trip to the stub", rawNanos);
            row("tier 2, cache miss (one model request)", missNanos);
            System.out.printf("| **tier overhead** (miss − raw, per quantile) | %.1f µs | %.1f µs |%n",
                    (q(missNanos, 0.50) - q(rawNanos, 0.50)) / 1e3, (q(missNanos, 0.99) - q(rawNanos, 0.99)) / 1e3);
            row("tier 2, cache hit right after the miss (no request)", hitNanos);
            // Steady state: the same call again and again (a busy session repeating itself).
            ToolCall same = call("steady");
            long[] steady = new long[Math.max(calls, 20_000)];
            for (int round = 0; round < 2; round++) {
                for (int i = 0; i < steady.length; i++) {
                    long t0 = System.nanoTime();
                    classifier.classify(same, tags, evaluation).toCompletableFuture().join();
                    steady[i] = System.nanoTime() - t0;
                }
            }
            Arrays.sort(steady);
            row("tier 2, cache hit, same call repeated", steady);
            System.out.printf("request bodies: classifier %d bytes, raw %d bytes%n", lastBodyOfTier[0],
                    body.getBytes(StandardCharsets.UTF_8).length);
            System.out.printf("cache hits %d, misses %d, model requests %d%n", classifier.stats().cacheHits(),
                    classifier.stats().cacheMisses(), classifier.stats().fastRequests());
            http.close();
        } finally {
            stub.stop(0);
            ((java.util.concurrent.ExecutorService) stub.getExecutor()).shutdownNow();
        }
    }

    private static ToolCall call(String n) {
        return new ToolCall("shell", "shell", "tools/call", "run_command", JsonNodeFactory.instance.objectNode()
                .put("command", "curl -s https://docs.python.org/3/library/" + n + ".html"), "bench", "s-" + n);
    }

    private static void row(String name, long[] sorted) {
        System.out.printf("| %s | %.1f µs | %.1f µs |%n", name, q(sorted, 0.50) / 1e3, q(sorted, 0.99) / 1e3);
    }

    private static double q(long[] sorted, double q) {
        int index = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
