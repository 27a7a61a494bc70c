package io.airlock.proxy.relay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.airlock.mcp.McpMethods;
import io.airlock.mcp.jsonrpc.JsonRpcErrors;
import io.airlock.mcp.jsonrpc.JsonRpcId;
import io.airlock.mcp.jsonrpc.JsonRpcMessage;
import io.airlock.mcp.jsonrpc.JsonRpcMessage.Notification;
import io.airlock.mcp.jsonrpc.JsonRpcMessage.Request;
import io.airlock.mcp.jsonrpc.JsonRpcMessage.Response;
import io.airlock.mcp.jsonrpc.JsonRpcMessages;
import io.airlock.mcp.upstream.Upstream;
import io.airlock.mcp.upstream.UpstreamException;
import io.airlock.mcp.upstream.UpstreamListener;
import io.airlock.policy.Cancellation;
import io.airlock.policy.Decision;
import io.airlock.policy.Gate;
import io.airlock.policy.GateRequest;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One agent session relayed to one upstream. The relay's semantics live here, transport-free:
 * <ul>
 *   <li>Client requests are remembered by id with the stream that must carry their answer; gated methods go
 *       through the {@link Gate} first, and anything but an {@link Decision.Allow} (a denial, a gate error) is
 *       answered by Airlock and never forwarded.</li>
 *   <li>Messages are forwarded as their original bytes. The one rewrite: {@code tools/list} results lose the tools
 *       the gate would never allow.</li>
 *   <li>Server-to-client requests and notifications go to the stream the transport related them to, else (stdio
 *       upstreams cannot say) by progress token, else to the latest in-flight request's stream or the standalone
 *       stream; with no stream open they wait in a bounded queue.</li>
 *   <li>When the upstream dies every in-flight request is answered with an error naming the cause, and the session
 *       closes; the agent's next session starts a fresh upstream.</li>
 * </ul>
 */
public final class RelaySession implements UpstreamListener {

    private static final Logger log = LoggerFactory.getLogger(RelaySession.class);
    private static final int MAX_UNROUTED = 256;
    private static final com.fasterxml.jackson.databind.ObjectMapper SANDBOX_RESULTS =
            new com.fasterxml.jackson.databind.ObjectMapper();
    /** JSON-RPC error for a denied resources/read or prompts/get (tools/call denials are tool results). */
    public static final int DENIED = -32003;

    /**
     * A request in flight. {@code cancellation} tells the gate's slow tiers when the agent stops waiting (null for
     * requests that are not gated).
     */
    private record Pending(String method, ClientStream stream, String progressKey, long sequence,
                           boolean forwarded, Cancellation cancellation, Audit audit) {}

    /** What a gated call's receipt needs, gathered as the call goes: request, decision, timings. Recorded once. */
    private static final class Audit {
        final GateRequest request;
        final Instant at = Instant.now();
        final long startNanos = System.nanoTime();
        volatile Gate.Decided decided;
        volatile long decisionMicros;
        volatile long forwardedNanos;
        volatile String decisionId;
        final java.util.concurrent.atomic.AtomicBoolean recorded = new java.util.concurrent.atomic.AtomicBoolean();
        final java.util.concurrent.atomic.AtomicBoolean ended = new java.util.concurrent.atomic.AtomicBoolean();

        Audit(GateRequest request) {
            this.request = request;
        }
    }

    /**
     * While a gated call waits (held for a person), progress notifications keep the client from timing out: the first
     * after {@link #PROGRESS_FIRST}, so the agent's user learns early that a person must act, then every
     * {@link #PROGRESS_EVERY}.
     */
    public static final java.time.Duration PROGRESS_FIRST = java.time.Duration.ofSeconds(1);
    public static final java.time.Duration PROGRESS_EVERY = java.time.Duration.ofSeconds(5);
    private static final java.util.concurrent.ScheduledExecutorService PROGRESS =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().daemon().name("gate-progress").factory());

    private final String id;
    private final String server;
    private final String agent;
    private final Upstream upstream;
    private final Gate gate;
    private volatile CallRecorder recorder = CallRecorder.NONE;
    private final int maxInFlight;
    private final Consumer<RelaySession> onClose;
    private final Map<JsonRpcId, Pending> pending = new ConcurrentHashMap<>();
    private final Map<String, ClientStream> progressStreams = new ConcurrentHashMap<>();
    private final Deque<JsonRpcMessage> unrouted = new ArrayDeque<>();
    private final AtomicLong sequence = new AtomicLong();
    private final boolean shared;
    private volatile ClientStream standalone;
    private volatile String protocolVersion;
    private volatile String closedReason;
    private volatile long lastActivityNanos = System.nanoTime();
    private final java.util.List<Consumer<String>> closeListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    public RelaySession(String id, String server, String agent, Upstream upstream, Gate gate, int maxInFlight,
                        Consumer<RelaySession> onClose) {
        this(id, server, agent, upstream, gate, maxInFlight, onClose, false);
    }

    /**
     * @param shared true when several clients share this session (stateless 2026-07-28 traffic): then a server
     *               message goes only to a stream it can be attributed to, never to a guess
     */
    public RelaySession(String id, String server, String agent, Upstream upstream, Gate gate, int maxInFlight,
                        Consumer<RelaySession> onClose, boolean shared) {
        this.shared = shared;
        this.id = Objects.requireNonNull(id, "id");
        this.server = Objects.requireNonNull(server, "server");
        this.agent = agent;
        this.upstream = Objects.requireNonNull(upstream, "upstream");
        this.gate = Objects.requireNonNull(gate, "gate");
        this.maxInFlight = maxInFlight;
        this.onClose = Objects.requireNonNull(onClose, "onClose");
    }

    /** Where finished gated calls are reported (receipts). Set before the session carries traffic. */
    public RelaySession recordingTo(CallRecorder recorder) {
        this.recorder = recorder == null ? CallRecorder.NONE : recorder;
        return this;
    }

    /** Starts the upstream. Blocking (spawn, connect): call from a virtual thread, never an event loop. */
    public void start() throws UpstreamException {
        upstream.start(this);
    }

    public String id() {
        return id;
    }

    public String server() {
        return server;
    }

    /** The agent this session belongs to (what its token named); only that agent may use the session. */
    public String agent() {
        return agent;
    }

    public Upstream upstream() {
        return upstream;
    }

    /** The protocol version the upstream agreed in {@code initialize}, or null before that. */
    public String protocolVersion() {
        return protocolVersion;
    }

    public boolean isClosed() {
        return closedReason != null;
    }

    public int inFlight() {
        return pending.size();
    }

    /**
     * Whether the session has been unused for longer than {@code idleNanos}: nothing in flight, no open standalone
     * stream, no traffic either way. Such a session belongs to an agent that left without DELETE.
     */
    public boolean isIdle(long nowNanos, long idleNanos) {
        ClientStream stream = standalone;
        return pending.isEmpty() && (stream == null || !stream.isOpen())
                && nowNanos - lastActivityNanos > idleNanos;
    }

    /**
     * Attaches the standalone stream (HTTP GET, or stdio's stdout) for messages not tied to a request.
     *
     * @return false when another standalone stream is already open
     */
    public boolean attachStandalone(ClientStream stream) {
        Deque<JsonRpcMessage> backlog;
        synchronized (unrouted) {
            ClientStream current = standalone;
            if (current != null && current.isOpen()) {
                return false;
            }
            standalone = stream;
            backlog = new ArrayDeque<>(unrouted);
            unrouted.clear();
        }
        backlog.forEach(m -> route(m, null));
        return true;
    }

    /** The standalone stream, or null. */
    public ClientStream standalone() {
        return standalone;
    }

    public void detachStandalone(ClientStream stream) {
        synchronized (unrouted) {
            if (standalone == stream) {
                standalone = null;
            }
        }
    }

    /** A message from the agent. {@code replyTo} carries the answer if it is a request. */
    public void fromClient(JsonRpcMessage message, ClientStream replyTo) {
        lastActivityNanos = System.nanoTime();
        recorder.traffic(id, server, true, message);
        switch (message) {
            case Request request -> fromClientRequest(request, replyTo);
            case Notification notification -> fromClientNotification(notification);
            case Response response -> forward(response); // the agent answering a server-to-client request
        }
    }

    private void fromClientRequest(Request request, ClientStream replyTo) {
        String closed = closedReason;
        if (closed != null) {
            replyTo.send(JsonRpcMessages.error(request.id(), JsonRpcErrors.UPSTREAM_UNAVAILABLE,
                    "session closed: " + closed));
            return;
        }
        if (pending.size() >= maxInFlight) {
            replyTo.send(JsonRpcMessages.error(request.id(), JsonRpcErrors.OVERLOADED, "too many requests in flight ("
                    + maxInFlight + ") on this session; wait for answers before sending more"));
            return;
        }
        String progressKey = request.progressToken() == null ? null : request.progressToken().toString();
        boolean gated = McpMethods.isGated(request.method());
        Pending entry = new Pending(request.method(), replyTo, progressKey, sequence.incrementAndGet(), !gated,
                gated ? new Cancellation() : null, null);
        if (pending.putIfAbsent(request.id(), entry) != null) {
            replyTo.send(JsonRpcMessages.error(request.id(), JsonRpcErrors.INVALID_REQUEST,
                    "Invalid Request: id " + request.id() + " is already in flight on this session"));
            return;
        }
        if (progressKey != null) {
            progressStreams.put(progressKey, replyTo);
        }
        if (!gated) {
            forwardRequest(request);
            return;
        }
        GateRequest gateRequest = toGateRequest(request, entry.cancellation());
        if (gateRequest == null) {
            answer(request.id(), JsonRpcMessages.error(request.id(), JsonRpcErrors.INVALID_PARAMS,
                    "Invalid params: " + request.method() + " needs a string '"
                            + (McpMethods.RESOURCES_READ.equals(request.method()) ? "uri" : "name") + "'"));
            return;
        }
        String unaudited = recorder.unavailable();
        if (unaudited != null) {
            // Fail closed: a call Airlock cannot leave a receipt for is not forwarded.
            log.error("refused {} {} on '{}': receipts cannot be written: {}", request.method(), targetOf(request),
                    server, unaudited);
            Decision.Deny refused = new Decision.Deny("Airlock cannot write its audit receipts (" + unaudited
                    + "), and refuses gated calls rather than act unaudited", "Ask the operator to fix Airlock's "
                    + "receipt storage (disk space, permissions).", "receipts-unavailable");
            answer(request.id(), denial(request, refused));
            return;
        }
        Audit audit = new Audit(gateRequest);
        Pending gatedEntry = new Pending(entry.method(), entry.stream(), entry.progressKey(), entry.sequence(), false,
                entry.cancellation(), audit);
        pending.replace(request.id(), entry, gatedEntry);
        CompletionStage<Gate.Decided> decision;
        try {
            decision = gate.decideInDetail(gateRequest);
        } catch (RuntimeException e) {
            decision = CompletableFuture.failedFuture(e);
        }
        java.util.concurrent.Future<?> progress = request.progressToken() == null ? null
                : keepAliveWhileWaiting(request, gatedEntry, decision);
        decision.whenComplete((d, error) -> {
            if (progress != null) {
                progress.cancel(false);
            }
            Gate.Decided decided = error != null || d == null || d.decision() == null
                    ? new Gate.Decided(gateFailure(error), null) : d;
            audit.decided = decided;
            audit.decisionMicros = (System.nanoTime() - audit.startNanos) / 1000;
            applyDecision(request, gatedEntry, decided.decision());
        });
    }

    /** Records the decision once; returns its id, or null when it could not be recorded (or was already). */
    private String record(Audit audit, CallRecorder.Outcome outcome, String note) {
        if (audit == null || audit.decided == null || !audit.recorded.compareAndSet(false, true)) {
            return null;
        }
        try {
            audit.decisionId = recorder.record(new CallRecorder.Call(audit.request, audit.decided, audit.at,
                    audit.decisionMicros, outcome, 0, 0, note));
            return audit.decisionId;
        } catch (RuntimeException e) {
            log.error("session {}: recording a call failed", id, e);
            return null;
        }
    }

    /** Records how a forwarded call ended, once. */
    private void recordEnd(Audit audit, CallRecorder.Outcome outcome, long resultBytes) {
        if (audit == null || audit.decisionId == null || !audit.ended.compareAndSet(false, true)) {
            return;
        }
        long upstreamMicros = audit.forwardedNanos == 0 ? 0 : (System.nanoTime() - audit.forwardedNanos) / 1000;
        try {
            recorder.finished(audit.request, audit.decisionId, outcome, resultBytes, upstreamMicros);
        } catch (RuntimeException e) {
            log.error("session {}: recording a call's end failed", id, e);
        }
    }

    private static CallRecorder.Outcome outcomeOf(Response response) {
        if (response.isError()) {
            return CallRecorder.Outcome.ERROR;
        }
        JsonNode result = response.result();
        return result != null && result.path("isError").asBoolean(false) ? CallRecorder.Outcome.IS_ERROR
                : CallRecorder.Outcome.OK;
    }

    private static Response denial(Request request, Decision.Deny deny) {
        return McpMethods.TOOLS_CALL.equals(request.method())
                ? JsonRpcMessages.toolError(request.id(), deny.message())
                : JsonRpcMessages.error(request.id(), DENIED, deny.message());
    }

    /**
     * A call held for a person may wait minutes; clients time out long before that unless they hear progress. So
     * while the gate has not decided, the client gets {@code notifications/progress} for the request's token.
     */
    private java.util.concurrent.Future<?> keepAliveWhileWaiting(Request request, Pending entry,
                                                                  CompletionStage<?> decision) {
        JsonNode token = request.progressToken();
        long start = System.nanoTime();
        AtomicLong beats = new AtomicLong();
        long every = PROGRESS_EVERY.toMillis();
        return PROGRESS.scheduleAtFixedRate(() -> {
            if (decision.toCompletableFuture().isDone() || pending.get(request.id()) != entry) {
                return;
            }
            ObjectNode params = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
            params.set("progressToken", token);
            params.put("progress", beats.incrementAndGet());
            params.put("message", "Airlock: waiting for an operator to approve this call (held "
                    + java.util.concurrent.TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start) + " s)");
            entry.stream().send(JsonRpcMessages.notification(McpMethods.PROGRESS, params));
        }, PROGRESS_FIRST.toMillis(), every, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** A gate that throws or fails denies: an error in any tier is never an allow. */
    private static Decision gateFailure(Throwable error) {
        log.error("gate failed; denying the call", error);
        return new Decision.Deny("the policy could not be evaluated ("
                + (error == null ? "no decision" : error.getClass().getSimpleName() + ": " + error.getMessage())
                + ")", "This is a gateway fault, not a verdict on the call; the operator has been told.",
                "gate-error");
    }

    private void applyDecision(Request request, Pending entry, Decision decision) {
        if (pending.get(request.id()) != entry) {
            // Cancelled, or the session closed, while the gate was deciding: nothing was forwarded.
            record(entry.audit(), CallRecorder.Outcome.NOT_FORWARDED, "the agent stopped waiting");
            return;
        }
        switch (decision) {
            case Decision.Allow allow -> {
                if (entry.audit() != null) {
                    // The receipt is written before the call leaves: a call Airlock cannot account for is not sent.
                    if (record(entry.audit(), CallRecorder.Outcome.FORWARDED, "") == null) {
                        answer(request.id(), denial(request, new Decision.Deny("Airlock could not record this "
                                + "call's receipt, and refuses to act unaudited", "Ask the operator to check "
                                + "Airlock's receipt storage.", "receipts-unavailable")));
                        return;
                    }
                    entry.audit().forwardedNanos = System.nanoTime();
                }
                pending.replace(request.id(), entry, new Pending(entry.method(), entry.stream(), entry.progressKey(),
                        entry.sequence(), true, entry.cancellation(), entry.audit()));
                forwardRequest(request);
            }
            case Decision.Deny deny -> {
                log.info("denied {} {} on '{}' (session {}): {} [{}]", request.method(), targetOf(request), server,
                        id, deny.reason(), deny.rule());
                answer(request.id(), denial(request, deny));
            }
            case Decision.Answer answered -> answerFromSandbox(request, entry, answered);
        }
    }

    /** The sandbox tier ran the call in a twin and committed its effects: its result is the answer. */
    private void answerFromSandbox(Request request, Pending entry, Decision.Answer answered) {
        JsonNode result;
        try {
            result = SANDBOX_RESULTS.readTree(answered.result());
        } catch (java.io.IOException e) {
            result = null;
        }
        if (result == null || !result.isObject()) {
            // The effects are committed but the twin's answer is unreadable: say so rather than invent a result.
            answer(request.id(), denial(request, new Decision.Deny("the sandboxed run's changes were committed ("
                    + answered.note() + "), but its result could not be read", "Check the workspace before "
                    + "retrying.", answered.rule())));
            return;
        }
        log.info("answered {} {} on '{}' (session {}) from its sandboxed run: {}", request.method(),
                targetOf(request), server, id, answered.note());
        if (pending.remove(request.id(), entry)) {
            dropProgress(entry);
            Response response = JsonRpcMessages.result(request.id(), result);
            recorder.traffic(id, server, false, response);
            if (record(entry.audit(), CallRecorder.Outcome.SANDBOXED, answered.note()) != null) {
                recordEnd(entry.audit(), outcomeOf(response), answered.result().length());
            }
            entry.stream().send(response);
        }
    }

    private void fromClientNotification(Notification notification) {
        if (McpMethods.CANCELLED.equals(notification.method()) && notification.params() != null) {
            JsonRpcId target = JsonRpcId.ofNode(notification.params().get("requestId"));
            Pending entry = target == null ? null : pending.get(target);
            if (entry != null && !entry.forwarded()) {
                // Still at the gate: the upstream never saw it, so drop it here (and any hold) and tell nobody.
                pending.remove(target, entry);
                dropProgress(entry);
                if (entry.cancellation() != null) {
                    entry.cancellation().cancel("the client cancelled the call");
                }
                entry.stream().unanswered(target);
                return;
            }
        }
        forward(notification);
    }

    private void forwardRequest(Request request) {
        try {
            upstream.send(request);
        } catch (UpstreamException e) {
            answer(request.id(), JsonRpcMessages.error(request.id(), JsonRpcErrors.UPSTREAM_UNAVAILABLE,
                    e.getMessage()));
        }
    }

    private void forward(JsonRpcMessage message) {
        try {
            upstream.send(message);
        } catch (UpstreamException e) {
            log.warn("session {}: dropped a message for '{}': {}", id, server, e.getMessage());
        }
    }

    /** Completes a pending request with a message Airlock wrote. */
    private void answer(JsonRpcId requestId, Response response) {
        Pending entry = pending.remove(requestId);
        if (entry != null) {
            dropProgress(entry);
            recorder.traffic(id, server, false, response);
            if (entry.audit() != null) {
                if (entry.forwarded()) {
                    recordEnd(entry.audit(), CallRecorder.Outcome.ERROR, 0);
                } else {
                    record(entry.audit(), CallRecorder.Outcome.NOT_FORWARDED, "");
                }
            }
            entry.stream().send(response);
        }
    }

    // ---- from the upstream (reader threads) ----

    @Override
    public void onMessage(JsonRpcMessage message, JsonRpcId relatedTo) {
        lastActivityNanos = System.nanoTime();
        recorder.traffic(id, server, false, message);
        if (message instanceof Response response) {
            Pending entry = response.id() == null ? null : pending.remove(response.id());
            if (entry == null) {
                log.debug("session {}: response {} from '{}' matches no request in flight; dropped", id,
                        response.id(), server);
                return;
            }
            dropProgress(entry);
            if (entry.audit() != null) {
                recordEnd(entry.audit(), outcomeOf(response), response.raw().length);
            }
            if (!entry.stream().send(postProcess(entry.method(), response))) {
                log.debug("session {}: the client went away before response {} arrived", id, response.id());
            }
            return;
        }
        route(message, relatedTo);
    }

    @Override
    public void onClosed(String reason) {
        closeWith(reason);
    }

    /** Runs {@code listener} with the reason once the session closes (at once if it already has). */
    public void onClosed(Consumer<String> listener) {
        closeListeners.add(listener);
        String reason = closedReason;
        if (reason != null && closeListeners.remove(listener)) {
            listener.accept(reason);
        }
    }

    /** Closes the session from the agent's side (DELETE, stdin EOF, idle expiry). */
    public void close(String reason) {
        closeWith(reason);
    }

    private void closeWith(String reason) {
        synchronized (this) {
            if (closedReason != null) {
                return;
            }
            closedReason = reason;
        }
        upstream.close();
        for (Map.Entry<JsonRpcId, Pending> entry : pending.entrySet()) {
            if (pending.remove(entry.getKey(), entry.getValue())) {
                if (entry.getValue().cancellation() != null) {
                    entry.getValue().cancellation().cancel("the session closed: " + reason);
                }
                if (entry.getValue().forwarded()) {
                    recordEnd(entry.getValue().audit(), CallRecorder.Outcome.ERROR, 0);
                }
                entry.getValue().stream().send(JsonRpcMessages.error(entry.getKey(),
                        JsonRpcErrors.UPSTREAM_UNAVAILABLE, reason));
            }
        }
        progressStreams.clear();
        onClose.accept(this);
        for (Consumer<String> listener : closeListeners) {
            if (closeListeners.remove(listener)) {
                listener.accept(reason);
            }
        }
    }

    private Response postProcess(String method, Response response) {
        if (response.isError()) {
            return response;
        }
        if (McpMethods.TOOLS_LIST.equals(method)) {
            return filterToolList(response);
        }
        if (McpMethods.INITIALIZE.equals(method)) {
            JsonNode version = response.result().get("protocolVersion");
            if (version != null && version.isTextual()) {
                protocolVersion = version.textValue();
                if (upstream instanceof io.airlock.mcp.upstream.StreamableHttpUpstream http) {
                    http.protocolVersion(protocolVersion);
                }
            }
        }
        return response;
    }

    /** Hides tools the gate would never allow, so the listing and the guard apply the same policy. */
    private Response filterToolList(Response response) {
        JsonNode tools = response.result().get("tools");
        if (tools == null || !tools.isArray()) {
            return response;
        }
        try {
            gate.observeTools(server, tools);
        } catch (RuntimeException e) {
            log.warn("gate could not read the tool list of '{}': {}", server, e.toString());
        }
        ArrayNode kept = ((ArrayNode) tools).arrayNode();
        for (JsonNode tool : tools) {
            JsonNode name = tool.get("name");
            if (name != null && name.isTextual() && gate.isListed(server, name.textValue())) {
                kept.add(tool);
            }
        }
        if (kept.size() == tools.size()) {
            return response; // nothing hidden: keep the original bytes
        }
        ObjectNode result = ((ObjectNode) response.result()).deepCopy();
        result.set("tools", kept);
        return JsonRpcMessages.rewrite(response, result);
    }

    private void route(JsonRpcMessage message, JsonRpcId relatedTo) {
        if (relatedTo != null) {
            Pending entry = pending.get(relatedTo);
            if (entry != null && entry.stream().send(message)) {
                return;
            }
        }
        if (message instanceof Notification n && McpMethods.PROGRESS.equals(n.method()) && n.params() != null) {
            JsonNode token = n.params().get("progressToken");
            ClientStream stream = token == null ? null : progressStreams.get(token.toString());
            if (stream != null && stream.send(message)) {
                return;
            }
        }
        JsonNode subscription = io.airlock.mcp.Meta.get(message, io.airlock.mcp.Meta.SUBSCRIPTION_ID);
        JsonRpcId listenId = subscription == null ? null : JsonRpcId.ofNode(subscription);
        if (listenId != null) {
            Pending listen = pending.get(listenId);
            if (listen != null && listen.stream().send(message)) {
                return;
            }
        }
        if (shared) {
            routeShared(message);
            return;
        }
        boolean isRequest = message instanceof Request;
        ClientStream current = standalone;
        if (!isRequest && current != null && current.send(message)) {
            return;
        }
        ClientStream latest = latestOpenStream();
        if (latest != null && latest.send(message)) {
            return;
        }
        if (isRequest && current != null && current.send(message)) {
            return;
        }
        synchronized (unrouted) {
            if (standalone != null && standalone.isOpen() && standalone.send(message)) {
                return;
            }
            if (unrouted.size() < MAX_UNROUTED) {
                unrouted.addLast(message);
                return;
            }
        }
        log.warn("session {}: no client stream for a server message and the backlog is full; dropped", id);
        if (message instanceof Request request) {
            forward(JsonRpcMessages.error(request.id(), JsonRpcErrors.INTERNAL_ERROR,
                    "the client has no open stream to receive this request"));
        }
    }

    /** Shared sessions: the only call in flight may take an unlabelled message; otherwise nobody can. */
    private void routeShared(JsonRpcMessage message) {
        Pending only = null;
        int forwarded = 0;
        for (Pending entry : pending.values()) {
            if (entry.forwarded()) {
                forwarded++;
                only = entry;
            }
        }
        if (forwarded == 1 && only.stream().send(message)) {
            return;
        }
        log.debug("session {}: a server message could not be attributed to one client; dropped", id);
    }

    private ClientStream latestOpenStream() {
        Pending latest = null;
        for (Pending entry : pending.values()) {
            if (entry.forwarded() && entry.stream().isOpen()
                    && (latest == null || entry.sequence() > latest.sequence())) {
                latest = entry;
            }
        }
        return latest == null ? null : latest.stream();
    }

    private void dropProgress(Pending entry) {
        if (entry.progressKey() != null) {
            progressStreams.remove(entry.progressKey(), entry.stream());
        }
    }

    private GateRequest toGateRequest(Request request, Cancellation cancellation) {
        ObjectNode params = request.params();
        if (params == null) {
            return null;
        }
        String key = McpMethods.RESOURCES_READ.equals(request.method()) ? "uri" : "name";
        JsonNode target = params.get(key);
        if (target == null || !target.isTextual()) {
            return null;
        }
        return new GateRequest(server, request.method(), target.textValue(), params.get("arguments"), id, agent,
                cancellation);
    }

    private static String targetOf(Request request) {
        ObjectNode params = request.params();
        if (params == null) {
            return "";
        }
        JsonNode target = params.has("name") ? params.get("name") : params.get("uri");
        return target == null ? "" : target.asText();
    }
}
