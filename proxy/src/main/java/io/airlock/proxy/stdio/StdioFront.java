package io.airlock.proxy.stdio;

import io.airlock.mcp.io.BoundedLineReader;
import io.airlock.mcp.jsonrpc.JsonRpcErrors;
import io.airlock.mcp.jsonrpc.JsonRpcException;
import io.airlock.mcp.jsonrpc.JsonRpcFrame;
import io.airlock.mcp.jsonrpc.JsonRpcMessage;
import io.airlock.mcp.jsonrpc.JsonRpcMessages;
import io.airlock.mcp.jsonrpc.JsonRpcParser;
import io.airlock.proxy.Gateway;
import io.airlock.proxy.relay.ClientStream;
import io.airlock.proxy.relay.RelaySession;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code airlock stdio --server NAME}: Airlock as the "server" an agent spawns. Newline-delimited JSON-RPC on
 * stdin/stdout, relayed through one session; logs go to stderr only. When the upstream cannot start, every request is
 * answered with an error saying why, so the agent shows the cause rather than hanging.
 */
public final class StdioFront {

    private static final Logger log = LoggerFactory.getLogger(StdioFront.class);

    private final Gateway gateway;
    private final String server;
    private final String agent;

    /** The session's agent is the config's {@code agents.stdio}. */
    public StdioFront(Gateway gateway, String server) {
        this(gateway, server, gateway.config().agents().stdioAgent());
    }

    /**
     * @param agent the identity the gate, receipts and operators see: stdio has no token (the agent spawned this
     *              process, so it is whoever the config or the command line says)
     */
    public StdioFront(Gateway gateway, String server, String agent) {
        this.gateway = gateway;
        this.server = server;
        this.agent = java.util.Objects.requireNonNull(agent, "agent");
    }

    /** Runs until stdin closes or the upstream goes away; returns the process exit code. */
    public int run(InputStream in, OutputStream out) {
        StdoutStream stdout = new StdoutStream(out);
        RelaySession session = null;
        String startFailure = null;
        try {
            session = gateway.sessions().open(server, agent).join();
            session.attachStandalone(stdout);
        } catch (CompletionException e) {
            startFailure = "Airlock could not start the upstream server: "
                    + (e.getCause() == null ? e.toString() : e.getCause().getMessage());
            log.error("{}", startFailure);
        }
        RelaySession relay = session;
        String failure = startFailure;
        CountDownLatch done = new CountDownLatch(1);
        JsonRpcParser parser = gateway.parser();
        BoundedLineReader lines = new BoundedLineReader(in, parser.limits().maxFrameBytes());
        // Platform daemon thread: a blocking stdin read must not pin a carrier, and must not keep the JVM alive.
        Thread.ofPlatform().name("stdio-in").daemon().start(() -> {
            try {
                byte[] line;
                while ((line = lines.readLine()) != null && (relay == null || !relay.isClosed())) {
                    if (line.length > 0) {
                        handleLine(line, parser, relay, stdout, failure);
                    }
                }
            } catch (IOException e) {
                log.error("stdin failed: {}", e.getMessage());
            } finally {
                done.countDown();
            }
        });
        if (relay != null) {
            relay.onClosed(ignored -> done.countDown());
        }
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (relay == null) {
            return 1;
        }
        boolean upstreamDied = relay.isClosed();
        relay.close("the agent closed stdin");
        return upstreamDied ? 1 : 0;
    }

    private static void handleLine(byte[] line, JsonRpcParser parser, RelaySession session, StdoutStream stdout,
                                   String startFailure) {
        JsonRpcFrame frame;
        try {
            frame = parser.parseFrame(line);
        } catch (JsonRpcException e) {
            stdout.send(JsonRpcMessages.error(e.id(), e.code(), e.getMessage()));
            return;
        }
        java.util.List<JsonRpcMessage> messages = switch (frame) {
            case JsonRpcFrame.Single single -> java.util.List.of(single.message());
            case JsonRpcFrame.Batch batch -> {
                batch.invalid().forEach(e -> stdout.send(JsonRpcMessages.error(e.id(), e.code(), e.getMessage())));
                yield batch.messages();
            }
        };
        for (JsonRpcMessage message : messages) {
            if (session == null) {
                if (message instanceof JsonRpcMessage.Request request) {
                    stdout.send(JsonRpcMessages.error(request.id(), JsonRpcErrors.UPSTREAM_UNAVAILABLE,
                            startFailure));
                }
            } else {
                session.fromClient(message, stdout);
            }
        }
    }

    /** stdout as a client stream: one line per message, flushed; writes are serialised. */
    private static final class StdoutStream implements ClientStream {
        private final OutputStream out;
        private volatile boolean open = true;

        StdoutStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public synchronized boolean send(JsonRpcMessage message) {
            if (!open) {
                return false;
            }
            try {
                byte[] raw = message.raw();
                for (int i = 0; i < raw.length; i++) {
                    if (raw[i] == '\n' || raw[i] == '\r') {
                        raw = raw.clone();
                        for (int j = i; j < raw.length; j++) {
                            if (raw[j] == '\n' || raw[j] == '\r') {
                                raw[j] = ' ';
                            }
                        }
                        break;
                    }
                }
                out.write(raw);
                out.write('\n');
                out.flush();
                return true;
            } catch (IOException e) {
                open = false;
                return false;
            }
        }

        @Override
        public boolean isOpen() {
            return open;
        }
    }
}
