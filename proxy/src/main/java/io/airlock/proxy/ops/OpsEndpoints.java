package io.airlock.proxy.ops;

import io.airlock.proxy.admin.AdminToken;

/**
 * What the admin port serves besides the operator API: {@code /healthz}, {@code /readyz} (no token: probes carry
 * none, and the answer is only a status) and {@code /metrics} (the admin token, or the read-only metrics token).
 *
 * @param metricsToken a token that opens {@code /metrics} only, or null (then only the admin token does)
 */
public record OpsEndpoints(AirlockMetrics metrics, Readiness readiness, Liveness liveness, AdminToken metricsToken) {
}
