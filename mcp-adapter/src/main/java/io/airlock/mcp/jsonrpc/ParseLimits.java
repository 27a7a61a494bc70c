package io.airlock.mcp.jsonrpc;

/**
 * Bounds applied to every frame Airlock parses, from either peer. A frame over any bound is rejected before it is
 * relayed; nothing unbounded reaches the policy or the upstream.
 *
 * @param maxFrameBytes  largest JSON-RPC frame (one HTTP body, one stdio line, one SSE event's data)
 * @param maxDepth       deepest nesting of objects and arrays
 * @param maxStringChars longest JSON string (names and values)
 * @param maxBatchSize   most messages in one JSON-RPC batch (2025-03-26 only)
 */
public record ParseLimits(int maxFrameBytes, int maxDepth, int maxStringChars, int maxBatchSize) {

    /** 4 MiB frames, depth 64: generous for tool arguments and results, small enough to bound memory per session. */
    public static final ParseLimits DEFAULT = new ParseLimits(4 * 1024 * 1024, 64, 4 * 1024 * 1024, 64);

    public ParseLimits {
        if (maxFrameBytes < 1024) {
            throw new IllegalArgumentException("maxFrameBytes: " + maxFrameBytes + " (expected: >= 1024)");
        }
        if (maxDepth < 4) {
            throw new IllegalArgumentException("maxDepth: " + maxDepth + " (expected: >= 4)");
        }
        if (maxStringChars < 1) {
            throw new IllegalArgumentException("maxStringChars: " + maxStringChars + " (expected: >= 1)");
        }
        if (maxBatchSize < 1) {
            throw new IllegalArgumentException("maxBatchSize: " + maxBatchSize + " (expected: >= 1)");
        }
    }
}
