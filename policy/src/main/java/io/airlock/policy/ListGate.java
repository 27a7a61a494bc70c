package io.airlock.policy;

import io.airlock.policy.Decision.Allow;
import io.airlock.policy.Decision.Deny;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The minimal deterministic gate: allow and deny lists of tool names, resource URIs and prompt names per server,
 * from the config. Rule ids name the config entry that decided, e.g. {@code servers.shell.tools.deny[rm_*]}.
 */
public final class ListGate implements Gate {

    /** Lists for one server. */
    public record ServerLists(NameLists tools, NameLists resources, NameLists prompts) {
        public static final ServerLists OPEN = new ServerLists(NameLists.OPEN, NameLists.OPEN, NameLists.OPEN);
    }

    private final Map<String, ServerLists> servers;

    public ListGate(Map<String, ServerLists> servers) {
        this.servers = Map.copyOf(servers);
    }

    @Override
    public CompletionStage<Decision> decide(GateRequest request) {
        return CompletableFuture.completedFuture(decideNow(request));
    }

    /** The decision, computed synchronously: list lookups are cheap and need no thread hop. */
    public Decision decideNow(GateRequest request) {
        ServerLists lists = servers.getOrDefault(request.server(), ServerLists.OPEN);
        String kind;
        NameLists names;
        switch (request.method()) {
            case "tools/call" -> {
                kind = "tools";
                names = lists.tools();
            }
            case "resources/read" -> {
                kind = "resources";
                names = lists.resources();
            }
            case "prompts/get" -> {
                kind = "prompts";
                names = lists.prompts();
            }
            default -> {
                return new Deny("method '" + request.method() + "' is not a gated method", "", "list-gate");
            }
        }
        String noun = kind.substring(0, kind.length() - 1);
        String prefix = "servers." + request.server() + "." + kind;
        Glob denied = names.denying(request.target());
        if (denied != null) {
            return new Deny(noun + " '" + request.target() + "' on server '" + request.server()
                    + "' is on the gateway's deny list (" + denied + ")",
                    "Do not retry this " + noun + "; use another way that the operator allows, or ask the user.",
                    prefix + ".deny[" + denied + "]");
        }
        if (names.allow().isEmpty()) {
            return new Allow(prefix + ".default");
        }
        Glob admitted = names.admitting(request.target());
        if (admitted == null) {
            return new Deny(noun + " '" + request.target() + "' on server '" + request.server()
                    + "' is not on the gateway's allowlist",
                    "Allowed " + kind + ": " + names.allow() + ".", prefix + ".allow");
        }
        return new Allow(prefix + ".allow[" + admitted + "]");
    }

    @Override
    public boolean isListed(String server, String tool) {
        ServerLists lists = servers.getOrDefault(server, ServerLists.OPEN);
        return lists.tools().denying(tool) == null && lists.tools().admits(tool);
    }
}
