package io.airlock.proxy.ops;

import io.airlock.mcp.jsonrpc.JsonRpcMessage;
import io.airlock.policy.GateRequest;
import io.airlock.proxy.relay.CallRecorder;

/**
 * Counts every recorded call, then hands it to the real recorder (receipts). The delegate's answer is returned
 * unchanged: metrics never decide whether a call is forwarded, and a metrics failure never stops a receipt.
 */
final class MetricsRecorder implements CallRecorder {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(MetricsRecorder.class);

    private final AirlockMetrics metrics;
    private final CallRecorder delegate;

    MetricsRecorder(AirlockMetrics metrics, CallRecorder delegate) {
        this.metrics = metrics;
        this.delegate = delegate;
    }

    @Override
    public String unavailable() {
        return delegate.unavailable();
    }

    @Override
    public String record(Call call) {
        try {
            metrics.decided(call);
        } catch (RuntimeException e) {
            log.debug("metrics: could not count a call: {}", e.toString());
        }
        return delegate.record(call);
    }

    @Override
    public void finished(String decisionId, Outcome outcome, long resultBytes, long upstreamMicros) {
        delegate.finished(decisionId, outcome, resultBytes, upstreamMicros);
    }

    @Override
    public void finished(GateRequest request, String decisionId, Outcome outcome, long resultBytes,
                         long upstreamMicros) {
        try {
            metrics.upstream(request.server(), outcome, upstreamMicros);
        } catch (RuntimeException e) {
            log.debug("metrics: could not time an upstream answer: {}", e.toString());
        }
        delegate.finished(request, decisionId, outcome, resultBytes, upstreamMicros);
    }

    @Override
    public void traffic(String session, String server, boolean toServer, JsonRpcMessage message) {
        delegate.traffic(session, server, toServer, message);
    }
}
