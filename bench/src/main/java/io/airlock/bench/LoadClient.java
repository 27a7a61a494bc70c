package io.airlock.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The one load client every scenario uses. A {@link Target} opens MCP sessions; a {@link Session} hands out
 * {@link Conn}s; a conn makes one blocking {@code tools/call echo} at a time and checks the answer.
 * <ul>
 *   <li>{@link HttpTarget}: a small raw-socket HTTP/1.1 keep-alive client (one TCP connection per conn, TCP_NODELAY,
 *       one request in flight per connection). It reads JSON or SSE bodies, Content-Length or chunked. It is the
 *       same code for the direct HTTP baseline, Airlock and the peers.</li>
 *   <li>{@link StdioTarget}: spawns the server and writes the same request bytes, newline-terminated, to its stdin;
 *       one reader thread reads stdout and wakes the conn whose id came back (conns of one session share the pipe,
 *       as connections of one HTTP session share the upstream).</li>
 * </ul>
 * Request ids are {@code conn << 32 | seq}: unique per session across its conns, and below 2^53 (JavaScript peers
 * parse ids as doubles).
 */
final class LoadClient {

    /** The echo argument in every call. */
    static final String MESSAGE = "airlock-bench: the quick brown fox jumps over the lazy dog";
    static final String PROTOCOL_VERSION = "2025-06-18";
    static final int CALL_TIMEOUT_MS = 10_000;

    private static final byte[] CALL_HEAD = "{\"jsonrpc\":\"2.0\",\"id\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CALL_TAIL = (",\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":"
            + "{\"message\":\"" + MESSAGE + "\"}}}").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] INITIALIZE = ("{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":"
            + "{\"protocolVersion\":\"" + PROTOCOL_VERSION + "\",\"capabilities\":{},\"clientInfo\":"
            + "{\"name\":\"airlock-bench\",\"version\":\"0.1.0\"}}}").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] INITIALIZED = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}"
            .getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ID_KEY = "\"id\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RESULT_KEY = "\"result\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NL = {'\n'};
    private static final byte[] MESSAGE_BYTES = MESSAGE.getBytes(StandardCharsets.US_ASCII);

    private static final AtomicInteger CONN_IDS = new AtomicInteger();

    private LoadClient() {}

    /** Where sessions come from. */
    interface Target {
        Session open() throws IOException;
    }

    /** One MCP session (initialized). */
    interface Session extends AutoCloseable {
        Conn connect() throws IOException;

        @Override
        void close();
    }

    /** One call at a time. */
    interface Conn extends AutoCloseable {
        /** Makes one echo call; throws {@link CallFailed} (or another IOException) when it did not succeed. */
        void call() throws IOException;

        @Override
        void close();
    }

    static final class CallFailed extends IOException {
        CallFailed(String message) {
            super(message);
        }
    }

    // ---- request and response bytes, shared by both transports ----

    static int writeCall(byte[] dst, int off, long id) {
        System.arraycopy(CALL_HEAD, 0, dst, off, CALL_HEAD.length);
        off += CALL_HEAD.length;
        byte[] digits = Long.toString(id).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(digits, 0, dst, off, digits.length);
        off += digits.length;
        System.arraycopy(CALL_TAIL, 0, dst, off, CALL_TAIL.length);
        return off + CALL_TAIL.length;
    }

    static int maxCallLength() {
        return CALL_HEAD.length + 20 + CALL_TAIL.length;
    }

    /** The first {@code "id":N} in the bytes, or -1. */
    static long findId(byte[] b, int off, int len) {
        int at = indexOf(b, off, off + len, ID_KEY);
        if (at < 0) {
            return -1;
        }
        int i = at + ID_KEY.length;
        int end = off + len;
        while (i < end && (b[i] == ' ' || b[i] == '"')) {
            i++;
        }
        long v = 0;
        int digits = 0;
        while (i < end && b[i] >= '0' && b[i] <= '9') {
            v = v * 10 + (b[i++] - '0');
            digits++;
        }
        return digits == 0 ? -1 : v;
    }

    /** Null when the bytes hold the successful answer to {@code id}; else what is wrong. */
    static String check(byte[] b, int off, int len, long id, boolean echo) {
        long got = findId(b, off, len);
        if (got != id) {
            return "answer for id " + got + ", expected " + id + ": " + preview(b, off, len);
        }
        if (indexOf(b, off, off + len, RESULT_KEY) < 0) {
            return "not a result: " + preview(b, off, len);
        }
        if (echo && indexOf(b, off, off + len, MESSAGE_BYTES) < 0) {
            return "result without the echoed message: " + preview(b, off, len);
        }
        return null;
    }

    static String preview(byte[] b, int off, int len) {
        String s = new String(b, off, Math.min(len, 300), StandardCharsets.UTF_8).replace("\r", "\\r")
                .replace("\n", "\\n");
        return len > 300 ? s + "..." : s;
    }

    static int indexOf(byte[] b, int from, int to, byte[] needle) {
        outer:
        for (int i = from, last = to - needle.length; i <= last; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (b[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    // ---- HTTP ----

    /** Streamable HTTP at {@code http://host:port/path}. */
    record HttpTarget(String host, int port, String path) implements Target {

        @Override
        public Session open() throws IOException {
            try (HttpConn conn = new HttpConn(this, null)) {
                HttpConn.Reply init = conn.post(INITIALIZE, INITIALIZE.length);
                if (init.status != 200) {
                    throw new CallFailed("initialize: HTTP " + init.status + " " + init.preview());
                }
                String problem = check(init.body, 0, init.length, 0, false);
                if (problem != null) {
                    throw new CallFailed("initialize: " + problem);
                }
                if (init.sessionId == null) {
                    throw new CallFailed("initialize: no Mcp-Session-Id in the response");
                }
                HttpSession session = new HttpSession(this, init.sessionId);
                try (HttpConn notify = new HttpConn(this, init.sessionId)) {
                    HttpConn.Reply done = notify.post(INITIALIZED, INITIALIZED.length);
                    if (done.status / 100 != 2) {
                        throw new CallFailed("notifications/initialized: HTTP " + done.status + " " + done.preview());
                    }
                }
                return session;
            }
        }

        @Override
        public String toString() {
            return "http://" + host + ":" + port + path;
        }
    }

    record HttpSession(HttpTarget target, String sessionId) implements Session {
        @Override
        public Conn connect() throws IOException {
            return new HttpConn(target, sessionId);
        }

        @Override
        public void close() {
            try (HttpConn conn = new HttpConn(target, sessionId)) {
                conn.socketTimeout(2_000);
                conn.request("DELETE", null, 0);
            } catch (IOException ignored) {
                // best effort: the process is stopped next anyway
            }
        }
    }

    /** A raw HTTP/1.1 keep-alive connection. Not thread-safe: one call at a time. */
    static final class HttpConn implements Conn {

        private final HttpTarget target;
        private final byte[] postHead;
        private final long connId = CONN_IDS.incrementAndGet();
        private long seq;
        private Socket socket;
        private OutputStream out;
        private InputStream in;
        private boolean used;
        private int timeoutMs = CALL_TIMEOUT_MS;
        private final byte[] rbuf = new byte[32 * 1024];
        private int rpos;
        private int rlim;
        private byte[] wbuf = new byte[2048];
        private final byte[] callBody = new byte[maxCallLength()];
        private final Reply reply = new Reply();

        HttpConn(HttpTarget target, String sessionId) throws IOException {
            this.target = target;
            StringBuilder head = new StringBuilder()
                    .append(" ").append(target.path()).append(" HTTP/1.1\r\n")
                    .append("Host: ").append(target.host()).append(':').append(target.port()).append("\r\n")
                    .append("Content-Type: application/json\r\n")
                    .append("Accept: application/json, text/event-stream\r\n");
            if (sessionId != null) {
                head.append("MCP-Protocol-Version: ").append(PROTOCOL_VERSION).append("\r\n")
                        .append("Mcp-Session-Id: ").append(sessionId).append("\r\n");
            }
            head.append("Content-Length: ");
            this.postHead = head.toString().getBytes(StandardCharsets.US_ASCII);
            connect();
        }

        void socketTimeout(int millis) throws IOException {
            timeoutMs = millis;
            socket.setSoTimeout(millis);
        }

        private void connect() throws IOException {
            Socket s = new Socket();
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(target.host(), target.port()), 5_000);
            s.setSoTimeout(timeoutMs);
            socket = s;
            out = s.getOutputStream();
            in = s.getInputStream();
            rpos = rlim = 0;
            used = false;
        }

        @Override
        public void call() throws IOException {
            long id = connId << 32 | ++seq;
            int len = writeCall(callBody, 0, id);
            Reply r = post(callBody, len);
            if (r.status != 200) {
                throw new CallFailed("HTTP " + r.status + ": " + r.preview());
            }
            String problem = check(r.body, 0, r.length, id, true);
            if (problem != null) {
                throw new CallFailed(problem);
            }
        }

        Reply post(byte[] body, int len) throws IOException {
            return request("POST", body, len);
        }

        Reply request(String method, byte[] body, int len) throws IOException {
            if (socket == null) {
                connect();
            }
            int n = 0;
            byte[] m = method.getBytes(StandardCharsets.US_ASCII);
            byte[] digits = Integer.toString(len).getBytes(StandardCharsets.US_ASCII);
            int need = m.length + postHead.length + digits.length + 4 + len;
            if (wbuf.length < need) {
                wbuf = new byte[need * 2];
            }
            System.arraycopy(m, 0, wbuf, n, m.length);
            n += m.length;
            System.arraycopy(postHead, 0, wbuf, n, postHead.length);
            n += postHead.length;
            System.arraycopy(digits, 0, wbuf, n, digits.length);
            n += digits.length;
            wbuf[n++] = '\r';
            wbuf[n++] = '\n';
            wbuf[n++] = '\r';
            wbuf[n++] = '\n';
            if (len > 0) {
                System.arraycopy(body, 0, wbuf, n, len);
                n += len;
            }
            boolean reused = used;
            reply.reset();
            try {
                out.write(wbuf, 0, n);
                readReply();
            } catch (IOException e) {
                boolean nothingRead = reply.status == 0;
                closeSocket();
                if (reused && nothingRead && !(e instanceof java.net.SocketTimeoutException)) {
                    // The server closed an idle keep-alive connection: reconnect and send again, once.
                    connect();
                    out.write(wbuf, 0, n);
                    try {
                        readReply();
                    } catch (IOException again) {
                        closeSocket();
                        throw again;
                    }
                } else {
                    throw e;
                }
            }
            used = true;
            if (reply.close) {
                closeSocket();
            }
            return reply;
        }

        private void readReply() throws IOException {
            Reply r = reply;
            r.reset();
            // status line
            String status = readLine();
            while (status.isEmpty()) {
                status = readLine(); // tolerate a stray CRLF
            }
            if (!status.startsWith("HTTP/1.")) {
                throw new CallFailed("not an HTTP response: " + status);
            }
            int sp = status.indexOf(' ');
            r.status = Integer.parseInt(status.substring(sp + 1, sp + 4));
            r.close = status.startsWith("HTTP/1.0");
            long contentLength = -1;
            boolean chunked = false;
            String line;
            while (!(line = readLine()).isEmpty()) {
                int colon = line.indexOf(':');
                if (colon <= 0) {
                    continue;
                }
                String value = line.substring(colon + 1).trim();
                switch (line.substring(0, colon).trim().toLowerCase(java.util.Locale.ROOT)) {
                    case "content-length" -> contentLength = Long.parseLong(value);
                    case "transfer-encoding" -> chunked = value.toLowerCase(java.util.Locale.ROOT).contains("chunked");
                    case "content-type" -> r.contentType = value;
                    case "mcp-session-id" -> r.sessionId = value;
                    case "connection" -> r.close |= value.equalsIgnoreCase("close");
                    default -> { }
                }
            }
            if (r.status / 100 == 1 || r.status == 204 || r.status == 304) {
                return;
            }
            if (chunked) {
                while (true) {
                    String size = readLine();
                    int semi = size.indexOf(';');
                    int n = Integer.parseInt((semi >= 0 ? size.substring(0, semi) : size).trim(), 16);
                    if (n == 0) {
                        while (!readLine().isEmpty()) {
                            // trailers
                        }
                        break;
                    }
                    readBody(n);
                    readLine(); // CRLF after the chunk
                }
            } else if (contentLength >= 0) {
                readBody((int) contentLength);
            } else {
                // delimited by close
                r.close = true;
                while (fill()) {
                    readBody(rlim - rpos);
                }
            }
        }

        private void readBody(int n) throws IOException {
            Reply r = reply;
            r.ensure(r.length + n);
            while (n > 0) {
                if (rpos == rlim && !fill()) {
                    throw new CallFailed("connection closed in the middle of a body");
                }
                int k = Math.min(n, rlim - rpos);
                System.arraycopy(rbuf, rpos, r.body, r.length, k);
                r.length += k;
                rpos += k;
                n -= k;
            }
        }

        private boolean fill() throws IOException {
            if (rpos < rlim) {
                return true;
            }
            int n = in.read(rbuf, 0, rbuf.length);
            if (n <= 0) {
                return false;
            }
            rpos = 0;
            rlim = n;
            return true;
        }

        private final StringBuilder lineBuf = new StringBuilder(128);

        private String readLine() throws IOException {
            lineBuf.setLength(0);
            while (true) {
                if (rpos == rlim && !fill()) {
                    throw new java.io.EOFException(lineBuf.isEmpty() && reply.status == 0
                            ? "connection closed by the server" : "connection closed in the middle of a response");
                }
                byte b = rbuf[rpos++];
                if (b == '\n') {
                    int l = lineBuf.length();
                    if (l > 0 && lineBuf.charAt(l - 1) == '\r') {
                        lineBuf.setLength(l - 1);
                    }
                    return lineBuf.toString();
                }
                lineBuf.append((char) (b & 0xff));
            }
        }

        private void closeSocket() {
            Socket s = socket;
            socket = null;
            if (s != null) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing
                }
            }
        }

        @Override
        public void close() {
            closeSocket();
        }

        static final class Reply {
            int status;
            String contentType;
            String sessionId;
            boolean close;
            byte[] body = new byte[4096];
            int length;

            void reset() {
                status = 0;
                contentType = null;
                sessionId = null;
                close = false;
                length = 0;
            }

            void ensure(int n) {
                if (body.length < n) {
                    body = java.util.Arrays.copyOf(body, Math.max(n, body.length * 2));
                }
            }

            String preview() {
                return LoadClient.preview(body, 0, length);
            }
        }
    }

    // ---- stdio ----

    /** Spawns {@code command} per session and talks newline-delimited JSON-RPC over its stdin/stdout. */
    record StdioTarget(List<String> command, java.nio.file.Path stderrLog, List<Process> started) implements Target {

        @Override
        public Session open() throws IOException {
            ProcessBuilder pb = new ProcessBuilder(command);
            pb.redirectError(ProcessBuilder.Redirect.appendTo(stderrLog.toFile()));
            Process process = pb.start();
            started.add(process);
            StdioSession session = new StdioSession(process);
            try {
                session.handshake();
            } catch (IOException e) {
                session.close();
                throw e;
            }
            return session;
        }
    }

    /** What a waiting conn is woken with. */
    static final class Slot {
        final Thread owner;
        volatile long expected = -1;
        volatile boolean done;
        volatile String failure;

        Slot(Thread owner) {
            this.owner = owner;
        }
    }

    static final class StdioSession implements Session {

        private final Process process;
        private final OutputStream out;
        private final Thread reader;
        private final ConcurrentHashMap<Long, Slot> slots = new ConcurrentHashMap<>();
        private volatile String dead;

        StdioSession(Process process) {
            this.process = process;
            this.out = process.getOutputStream();
            this.reader = Thread.ofPlatform().daemon().name("stdio-reader-" + process.pid()).start(this::readLoop);
        }

        void handshake() throws IOException {
            Slot slot = new Slot(Thread.currentThread());
            slots.put(0L, slot);
            try {
                roundTrip(slot, 0, INITIALIZE, INITIALIZE.length, false);
            } finally {
                slots.remove(0L);
            }
            send(INITIALIZED, INITIALIZED.length);
        }

        private void send(byte[] b, int len) throws IOException {
            synchronized (out) {
                out.write(b, 0, len);
                out.write('\n');
                out.flush();
            }
        }

        void roundTrip(Slot slot, long id, byte[] b, int len, boolean echo) throws IOException {
            String why = dead;
            if (why != null) {
                throw new CallFailed(why);
            }
            slot.failure = null;
            slot.done = false;
            slot.expected = id;
            send(b, len);
            long deadline = System.nanoTime() + CALL_TIMEOUT_MS * 1_000_000L;
            while (!slot.done) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new CallFailed("no answer to id " + id + " within " + CALL_TIMEOUT_MS + " ms");
                }
                LockSupport.parkNanos(this, left);
                if (!slot.done && dead != null) {
                    throw new CallFailed(dead);
                }
            }
            if (slot.failure != null) {
                throw new CallFailed(slot.failure);
            }
        }

        private void readLoop() {
            InputStream in = process.getInputStream();
            byte[] buf = new byte[64 * 1024];
            int start = 0;
            int end = 0;
            try {
                while (true) {
                    int n = in.read(buf, end, buf.length - end);
                    if (n < 0) {
                        break;
                    }
                    end += n;
                    int nl;
                    while ((nl = indexOf(buf, start, end, NL)) >= 0) {
                        deliver(buf, start, nl - start);
                        start = nl + 1;
                    }
                    if (start == end) {
                        start = end = 0;
                    } else if (start > 0) {
                        System.arraycopy(buf, start, buf, 0, end - start);
                        end -= start;
                        start = 0;
                    }
                    if (end == buf.length) {
                        buf = java.util.Arrays.copyOf(buf, buf.length * 2);
                    }
                }
            } catch (IOException e) {
                // the process went away
            }
            dead = "the stdio server exited" + (process.isAlive() ? "" : " (exit " + exitCode() + ")");
            slots.values().forEach(s -> LockSupport.unpark(s.owner));
        }

        private String exitCode() {
            try {
                return String.valueOf(process.waitFor(1, java.util.concurrent.TimeUnit.SECONDS)
                        ? process.exitValue() : "?");
            } catch (InterruptedException e) {
                return "?";
            }
        }

        private void deliver(byte[] buf, int off, int len) {
            if (len == 0) {
                return;
            }
            long id = findId(buf, off, len);
            Slot slot = id < 0 ? null : slots.get(id >>> 32);
            if (slot == null || slot.expected != id) {
                System.err.println("bench: unexpected line from the stdio server: " + preview(buf, off, len));
                return;
            }
            slot.failure = check(buf, off, len, id, id != 0);
            slot.done = true;
            LockSupport.unpark(slot.owner);
        }

        @Override
        public Conn connect() {
            long connId = CONN_IDS.incrementAndGet();
            return new StdioConn(this, connId);
        }

        @Override
        public void close() {
            try {
                out.close(); // EOF: the echo server exits
            } catch (IOException ignored) {
                // already gone
            }
            try {
                if (!process.waitFor(3, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
            reader.interrupt();
        }

        Process process() {
            return process;
        }
    }

    static final class StdioConn implements Conn {
        private final StdioSession session;
        private final long connId;
        private final byte[] line = new byte[maxCallLength()];
        private long seq;
        private Slot slot;

        StdioConn(StdioSession session, long connId) {
            this.session = session;
            this.connId = connId;
        }

        @Override
        public void call() throws IOException {
            Thread me = Thread.currentThread();
            if (slot == null || slot.owner != me) {
                slot = new Slot(me);
                session.slots.put(connId, slot);
            }
            long id = connId << 32 | ++seq;
            int len = writeCall(line, 0, id);
            session.roundTrip(slot, id, line, len, true);
        }

        @Override
        public void close() {
            session.slots.remove(connId);
        }
    }
}
