package io.airlock.mcp.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A fake upstream on 127.0.0.1: the JDK's HttpServer, one virtual thread per exchange, every request recorded. */
final class FakeHttpServer implements AutoCloseable {

    static final ObjectMapper MAPPER = new ObjectMapper();

    /** One request as the server saw it. */
    record Seen(String method, String path, String query, Headers headers, String body) {
        String header(String name) {
            return headers.getFirst(name);
        }

        JsonNode json() {
            try {
                return MAPPER.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }

        /** The JSON-RPC method of the body, or null. */
        String rpcMethod() {
            return body.isEmpty() ? null : json().path("method").textValue();
        }
    }

    @FunctionalInterface
    interface Handler {
        void handle(HttpExchange exchange, Seen request) throws Exception;
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    final BlockingQueue<Seen> seen = new LinkedBlockingQueue<>();

    FakeHttpServer(Handler handler) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            try (exchange) {
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                Seen request = new Seen(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                        exchange.getRequestURI().getRawQuery(), exchange.getRequestHeaders(), body);
                seen.add(request);
                handler.handle(exchange, request);
            } catch (Exception e) {
                // the client may hang up mid-stream; nothing to do
            }
        });
        server.start();
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    /** The next request, failing after a few seconds. */
    Seen next() throws InterruptedException {
        Seen request = seen.poll(5, TimeUnit.SECONDS);
        if (request == null) {
            throw new AssertionError("the server saw no request within 5 s");
        }
        return request;
    }

    /** The next request other than the standalone GET / DELETE housekeeping. */
    Seen nextPost() throws InterruptedException {
        while (true) {
            Seen request = next();
            if (request.method().equals("POST")) {
                return request;
            }
        }
    }

    static void json(HttpExchange exchange, int status, String body, String... headers) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        for (int i = 0; i + 1 < headers.length; i += 2) {
            exchange.getResponseHeaders().set(headers[i], headers[i + 1]);
        }
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    static void empty(HttpExchange exchange, int status) throws IOException {
        exchange.sendResponseHeaders(status, -1);
    }

    /** Starts an SSE response; write events with {@link #event}. */
    static OutputStream sse(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        exchange.sendResponseHeaders(200, 0);
        return exchange.getResponseBody();
    }

    static void event(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** The {@code "id"} member of a JSON-RPC body, spelled as on the wire. */
    static String idOf(Seen request) {
        return request.json().get("id").toString();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
