package io.airlock.sandbox.tier;

import com.fasterxml.jackson.databind.JsonNode;
import io.airlock.policy.cascade.ToolCall;
import io.airlock.sandbox.SandboxRun;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * For a tool whose whole work is one shell command: the sandbox runs the command itself instead of asking a twin of
 * the server to run it, and builds the server's own answer from the run. Faster (no server to start or keep warm),
 * with the same effects and the same answer, where the server's answer is known to be built the same way.
 */
public interface DirectExec {

    /** The command this call runs, or empty when the twin should answer it (arguments the server would refuse). */
    Optional<Invocation> invocation(ToolCall call);

    /** The server's answer ({@code tools/call} result object) for this run. */
    JsonNode result(Invocation invocation, SandboxRun run);

    /**
     * @param command        the argv to run in the sandbox (in the server's working directory: the workspace)
     * @param timeout        the tool's own time limit: the run is killed after it
     * @param mergeOutput    stdout and stderr interleaved, as the server reads them
     * @param maxOutputBytes output kept; the rest is counted
     */
    record Invocation(List<String> command, Duration timeout, boolean mergeOutput, int maxOutputBytes) {
        public Invocation {
            command = List.copyOf(command);
        }
    }
}
