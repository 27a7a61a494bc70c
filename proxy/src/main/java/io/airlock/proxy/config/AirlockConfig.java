package io.airlock.proxy.config;

import java.util.List;
import java.util.Map;

/**
 * The validated contents of {@code airlock.yaml}. Built only by {@link ConfigLoader}, which rejects anything it does
 * not understand with a message naming the field.
 *
 * @param host           address the agent-facing HTTP front binds (default 127.0.0.1: loopback only)
 * @param port           its port (0 picks a free one)
 * @param allowedOrigins {@code Origin} values accepted besides loopback ones
 * @param servers        upstreams by name, in config order
 */
public record AirlockConfig(String host, int port, List<String> allowedOrigins, Limits limits,
                            Map<String, ServerConfig> servers, String source) {

    /** Per-frame and per-session bounds. */
    public record Limits(int maxFrameBytes, int maxDepth, int maxInFlightPerSession, int maxSessions,
                         int sessionIdleSeconds) {
        public static final Limits DEFAULT = new Limits(4 * 1024 * 1024, 64, 256, 1024, 1800);
    }

    public AirlockConfig {
        allowedOrigins = List.copyOf(allowedOrigins);
        servers = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(servers));
    }

    public AirlockConfig withPort(int newPort) {
        return new AirlockConfig(host, newPort, allowedOrigins, limits, servers, source);
    }
}
