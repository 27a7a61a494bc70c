package io.airlock.proxy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.airlock.policy.GateRequest;
import io.airlock.policy.PolicyGate;
import io.airlock.policy.cascade.CascadeResult;
import io.airlock.policy.cascade.DryRun;
import io.airlock.policy.rules.Rule;
import io.airlock.policy.tags.Tag;
import io.airlock.proxy.PolicyEngine;
import io.airlock.proxy.config.AirlockConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code airlock explain}: the tags, every matching rule and the path through the tiers, in words. */
@Command(name = "explain", description = "Explain how the policy treats one tools/call, e.g. airlock explain "
        + "'{\"server\":\"shell\",\"name\":\"run_command\",\"arguments\":{\"command\":\"rm -rf ~/x\"}}' (a JSON-RPC "
        + "tools/call message works too; --server names the server when the JSON does not).")
final class ExplainCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Mixin
    AirlockCli.ConfigOption configOption = new AirlockCli.ConfigOption();

    @Parameters(index = "0", description = "The call as JSON.")
    String call;

    @Option(names = {"-s", "--server"}, description = "Server name (default: the JSON's 'server', else 'shell').")
    String server;

    @Option(names = "--workspace", description = "Workspace directory (overrides the config).")
    Path workspace;

    @Option(names = "--home", description = "Home directory (default: the user's).")
    Path home;

    @Override
    public Integer call() throws Exception {
        JsonNode node;
        try {
            node = JSON.readTree(call);
        } catch (Exception e) {
            System.err.println("airlock explain: the call is not JSON: " + e.getMessage());
            return 2;
        }
        JsonNode params = node.has("params") ? node.get("params") : node;
        String tool = params.path("name").asText(params.path("tool").asText(null));
        if (tool == null) {
            System.err.println("airlock explain: the call needs 'name' (the tool), e.g. {\"name\":\"run_command\","
                    + "\"arguments\":{...}}");
            return 2;
        }
        String serverName = server != null ? server : node.path("server").asText("shell");
        AirlockConfig config = PolicyEngine.withContext(configOption.load(), workspace, home);
        CascadeResult result;
        PolicyGate gate = PolicyEngine.dryRun(config);
        try (gate) {
            result = gate.evaluate(new GateRequest(serverName, "tools/call", tool,
                    params.get("arguments"), "explain", "explain")).toCompletableFuture().join();
        }

        System.out.println("call:     " + serverName + " / " + tool + " " + params.path("arguments"));
        System.out.println("policy:   " + gate.policy().source() + " (revision " + gate.policy().revision() + ")");
        System.out.println("tags:");
        if (result.tags().isEmpty()) {
            System.out.println("  (none: the tool has no capability the catalog knows of)");
        }
        for (Tag tag : result.tags()) {
            System.out.println("  " + tag.label() + "  <- " + tag.evidence());
        }
        System.out.println("rules that matched:");
        if (result.evaluation().matched().isEmpty()) {
            System.out.println("  (none: the default applies)");
        }
        for (Rule rule : result.evaluation().matched()) {
            System.out.println("  " + rule.id() + ": " + rule.action().id() + (rule.hard() ? " (hard)" : "")
                    + (rule.description().isEmpty() ? "" : " - " + rule.description()));
        }
        System.out.println("path:");
        result.path().forEach(step -> System.out.println("  " + step));
        System.out.println("decision: " + DryRun.outcome(result) + " at tier " + result.tier()
                + (result.hard() ? " (hard boundary: never sent to the sandbox or the classifier)" : ""));
        return 0;
    }
}
