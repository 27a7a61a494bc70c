package io.airlock.tui;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A stand-in for Airlock's admin API (JDK HttpServer), with canned answers per route, a recording of every request,
 * and an event stream the test feeds. Checks the bearer token like the real one (401, empty body).
 */
public final class FakeAdminServer implements AutoCloseable {

    public static final String TOKEN = "test-token";

    /** A request as received. */
    public record Recorded(String method, String path, String authorization, String body) {
    }

    /** An answer for a route; {@code delay} before answering (a slow server). */
    public record Canned(int status, String body, Duration delay) {
        public Canned(int status, String body) {
            this(status, body, Duration.ZERO);
        }
    }

    /** Put on the event queue to end the current stream connection. */
    public static final String END_STREAM = "\u0000end";

    private final HttpServer server;
    private final List<Recorded> requests = new CopyOnWriteArrayList<>();
    private final Map<String, Canned> routes = new ConcurrentHashMap<>();
    private final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    private final AtomicInteger streamConnections = new AtomicInteger();
    private volatile Supplier<String> hello = () -> "{\"version\":\"test\",\"held\":[]}";
    private volatile int eventsStatus = 200;

    public FakeAdminServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    public URI address() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Answers {@code method path} (path with query, if any) with {@code canned} from now on. */
    public FakeAdminServer on(String method, String path, Canned canned) {
        routes.put(method + " " + path, canned);
        return this;
    }

    public FakeAdminServer on(String method, String path, int status, String body) {
        return on(method, path, new Canned(status, body));
    }

    /** The hello data each new stream connection starts with. */
    public void hello(Supplier<String> helloJson) {
        this.hello = helloJson;
    }

    /** Sends an event on the open stream (or the next one). */
    public void event(String type, String json) {
        events.add("event: " + type + "\ndata: " + json + "\n\n");
    }

    /** Ends the current stream connection; the client should come back. */
    public void dropStream() {
        events.add(END_STREAM);
    }

    public void eventsStatus(int status) {
        this.eventsStatus = status;
    }

    public int streamConnections() {
        return streamConnections.get();
    }

    public List<Recorded> requests() {
        return List.copyOf(requests);
    }

    public List<Recorded> requests(String method, String pathPrefix) {
        return requests.stream().filter(r -> r.method().equals(method) && r.path().startsWith(pathPrefix)).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getRawPath()
                + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery());
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        requests.add(new Recorded(exchange.getRequestMethod(), path, authorization, body));
        try (exchange) {
            if (!("Bearer " + TOKEN).equals(authorization)) {
                exchange.sendResponseHeaders(401, -1);
                return;
            }
            if (path.equals("/v1/events")) {
                stream(exchange);
                return;
            }
            Canned canned = routes.get(exchange.getRequestMethod() + " " + path);
            if (canned == null) {
                canned = new Canned(404, "{\"error\":\"no route " + path + "\"}");
            }
            if (!canned.delay().isZero()) {
                Thread.sleep(canned.delay());
            }
            byte[] bytes = canned.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(canned.status(), bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                exchange.getResponseBody().write(bytes);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void stream(HttpExchange exchange) throws IOException, InterruptedException {
        if (eventsStatus != 200) {
            exchange.sendResponseHeaders(eventsStatus, -1);
            return;
        }
        int generation = streamConnections.incrementAndGet(); // a newer connection retires this one
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        out.write(("event: hello\ndata: " + hello.get() + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        while (generation == streamConnections.get()) {
            String event = events.poll(100, TimeUnit.MILLISECONDS);
            if (event == null) {
                continue;
            }
            if (event.equals(END_STREAM)) {
                return;
            }
            out.write(event.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }

    /** A held call's JSON, as the admin API lists it. */
    public static String heldJson(String id, String heldAt, String tool, String summary, boolean hard) {
        return """
                {"id":"%s","heldAt":"%s","deadline":"2030-01-01T00:00:00Z","agent":"claude-code","session":"s1",
                 "server":"files","method":"tools/call","tool":"%s","summary":"%s","tags":["write_file:outside"],
                 "hard":%s,"rule":"%s","why":"writes outside the workspace","callHash":"sha256:%s",
                 "rememberable":%s}""".formatted(id, heldAt, tool, summary, hard,
                hard ? "hard-ask-persistence" : "ask-outside-writes", id.hashCode(), !hard).replace("\n", "");
    }
}
