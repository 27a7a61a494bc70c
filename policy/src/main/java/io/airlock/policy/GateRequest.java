package io.airlock.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.util.Objects;

/**
 * One gated call as the policy sees it.
 *
 * @param server    the configured upstream name the agent addressed
 * @param method    {@code tools/call}, {@code resources/read} or {@code prompts/get}
 * @param target    the tool name, resource URI or prompt name
 * @param arguments the call's arguments ({@code arguments} of tools/call and prompts/get); never null
 * @param sessionId Airlock's session id for the agent, for per-session state and receipts
 * @param agent     the agent's identity, or {@code "anonymous"}
 * @param cancellation fires when the agent stops waiting for the answer
 */
public record GateRequest(String server, String method, String target, JsonNode arguments, String sessionId,
                          String agent, Cancellation cancellation) {

    public GateRequest(String server, String method, String target, JsonNode arguments, String sessionId,
                       String agent) {
        this(server, method, target, arguments, sessionId, agent, Cancellation.none());
    }

    public GateRequest {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(target, "target");
        arguments = arguments == null ? NullNode.getInstance() : arguments;
        Objects.requireNonNull(sessionId, "sessionId");
        agent = agent == null ? "anonymous" : agent;
        cancellation = cancellation == null ? Cancellation.none() : cancellation;
    }
}
