package io.airlock.workbench;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCMessage;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCResponse;
import io.modelcontextprotocol.spec.McpServerSession;
import io.modelcontextprotocol.spec.McpServerTransport;
import io.modelcontextprotocol.spec.McpServerTransportProvider;
import reactor.core.publisher.Mono;

/**
 * Counts JSON-RPC traffic so that, at end of input, the server can finish answering what it was asked before the SDK
 * shuts the session down.
 *
 * <p>The SDK's stdio transport stops writing as soon as it sees end-of-file on stdin, dropping responses that are
 * still being computed or are queued for output; a client that writes its requests and then closes stdin (a shell
 * pipe, say) would get nothing back. {@link StdinGuard} therefore holds end-of-file back until {@link #awaitIdle}
 * says that every request passed in has been answered and every queued message has reached stdout (or a time limit
 * passes).
 */
final class Traffic {

    private long requestsIn;
    private long responsesQueued;
    private long messagesQueued;
    private long messagesWritten;

    /** A client request was handed to the transport. */
    synchronized void requestIn() {
        requestsIn++;
    }

    /** A message was queued for stdout (by the transport, or a direct error reply). */
    synchronized void queued(boolean isResponse) {
        messagesQueued++;
        if (isResponse) {
            responsesQueued++;
        }
        notifyAll();
    }

    /** A queued message did not make it into the queue after all. */
    synchronized void dropped(boolean isResponse) {
        messagesQueued--;
        if (isResponse) {
            responsesQueued--;
        }
        notifyAll();
    }

    /** A complete message line reached stdout. */
    synchronized void written() {
        messagesWritten++;
        notifyAll();
    }

    synchronized boolean idle() {
        return responsesQueued >= requestsIn && messagesWritten >= messagesQueued;
    }

    /** Waits until {@link #idle()} or {@code max} has passed; returns whether idle. */
    synchronized boolean awaitIdle(Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (!idle()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    /** Wraps stdout, counting complete (newline-terminated) messages. */
    OutputStream countLines(OutputStream out) {
        return new FilterOutputStream(out) {
            @Override
            public void write(int b) throws IOException {
                out.write(b);
                if (b == '\n') {
                    written();
                }
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
                for (int i = off; i < off + len; i++) {
                    if (b[i] == '\n') {
                        written();
                    }
                }
            }
        };
    }

    /** Wraps a transport provider so that every message its session sends is counted. */
    McpServerTransportProvider counting(McpServerTransportProvider delegate) {
        return new McpServerTransportProvider() {
            @Override
            public void setSessionFactory(McpServerSession.Factory factory) {
                delegate.setSessionFactory(transport -> factory.create(countingTransport(transport)));
            }

            @Override
            public Mono<Void> notifyClients(String method, Object params) {
                return delegate.notifyClients(method, params);
            }

            @Override
            public Mono<Void> notifyClient(String sessionId, String method, Object params) {
                return delegate.notifyClient(sessionId, method, params);
            }

            @Override
            public Mono<Void> closeGracefully() {
                return delegate.closeGracefully();
            }

            @Override
            public void close() {
                delegate.close();
            }

            @Override
            public List<String> protocolVersions() {
                return delegate.protocolVersions();
            }
        };
    }

    private McpServerTransport countingTransport(McpServerTransport delegate) {
        return new McpServerTransport() {
            @Override
            public Mono<Void> sendMessage(JSONRPCMessage message) {
                boolean response = message instanceof JSONRPCResponse;
                return Mono.defer(() -> {
                    queued(response);
                    return delegate.sendMessage(message).doOnError(e -> dropped(response));
                });
            }

            @Override
            public Mono<Void> closeGracefully() {
                return delegate.closeGracefully();
            }

            @Override
            public void close() {
                delegate.close();
            }

            @Override
            public <T> T unmarshalFrom(Object data, TypeRef<T> typeRef) {
                return delegate.unmarshalFrom(data, typeRef);
            }

            @Override
            public List<String> protocolVersions() {
                return delegate.protocolVersions();
            }
        };
    }
}
