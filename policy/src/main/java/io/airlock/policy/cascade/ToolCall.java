package io.airlock.policy.cascade;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.airlock.policy.Cancellation;
import java.util.Objects;

/**
 * A gated call as the cascade sees it.
 *
 * @param server the configured server name
 * @param kind   the server's catalog kind, or null when unknown
 * @param tool   the tool name (for resources/read the URI, for prompts/get the prompt name)
 * @param method {@code tools/call}, {@code resources/read} or {@code prompts/get}
 */
public record ToolCall(String server, String kind, String method, String tool, JsonNode arguments, String agent,
                       String sessionId, Cancellation cancellation) {

    public ToolCall(String server, String kind, String method, String tool, JsonNode arguments, String agent,
                    String sessionId) {
        this(server, kind, method, tool, arguments, agent, sessionId, Cancellation.none());
    }

    public ToolCall {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(tool, "tool");
        arguments = arguments == null ? NullNode.getInstance() : arguments;
        agent = agent == null ? "anonymous" : agent;
        sessionId = sessionId == null ? "" : sessionId;
        cancellation = cancellation == null ? Cancellation.none() : cancellation;
    }
}
