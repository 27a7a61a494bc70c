package io.airlock.mcp.upstream;

import io.airlock.mcp.jsonrpc.JsonRpcErrors;
import io.airlock.mcp.jsonrpc.JsonRpcException;
import io.airlock.mcp.jsonrpc.JsonRpcFrame;
import io.airlock.mcp.jsonrpc.JsonRpcId;
import io.airlock.mcp.jsonrpc.JsonRpcMessage;
import io.airlock.mcp.jsonrpc.JsonRpcMessages;
import io.airlock.mcp.jsonrpc.JsonRpcParser;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import org.slf4j.Logger;

/** What the two HTTP upstream transports share: the client, bounded body reads, delivering parsed frames. */
final class HttpUpstreamSupport {

    /** One client for all HTTP upstreams: HTTP/1.1 (no h2c upgrade dance), virtual threads for its work. */
    static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER)
            .executor(Executors.newVirtualThreadPerTaskExecutor())
            .build();

    private HttpUpstreamSupport() {}

    static byte[] readBounded(InputStream body, int max) throws IOException {
        try (body) {
            byte[] bytes = body.readNBytes(max + 1);
            if (bytes.length > max) {
                throw new IOException("upstream response exceeds " + max + " bytes");
            }
            return bytes;
        }
    }

    static String preview(InputStream body) {
        try (body) {
            String text = new String(body.readNBytes(300), StandardCharsets.UTF_8).strip();
            return text.isEmpty() ? "" : ": " + text;
        } catch (IOException e) {
            return "";
        }
    }

    /** Parses a JSON body (message or batch) and hands each message on; bad frames are logged, not relayed. */
    static void deliverFrame(byte[] bytes, JsonRpcParser parser, UpstreamListener listener, JsonRpcId relatedTo,
                             String name, Logger log) {
        try {
            switch (parser.parseFrame(bytes)) {
                case JsonRpcFrame.Single single -> listener.onMessage(single.message(), relatedTo);
                case JsonRpcFrame.Batch batch -> batch.messages().forEach(m -> listener.onMessage(m, relatedTo));
            }
        } catch (JsonRpcException e) {
            log.warn("upstream '{}' sent an invalid message ({})", name, e.getMessage());
        }
    }

    /** Answers a request the upstream could not take, so the client is never left waiting. */
    static void failRequest(JsonRpcMessage message, String why, UpstreamListener listener) {
        if (message instanceof JsonRpcMessage.Request request) {
            listener.onMessage(JsonRpcMessages.error(request.id(), JsonRpcErrors.UPSTREAM_UNAVAILABLE, why),
                    request.id());
        }
    }
}
