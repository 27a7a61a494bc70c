package io.airlock.sandbox.twin;

import io.airlock.sandbox.OverlaySandbox;
import io.airlock.sandbox.SandboxProcess;
import io.airlock.sandbox.SandboxSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How to start one server's twin: the server's command, run in the sandbox over an overlay of its workspace.
 *
 * @param server    the configured server name
 * @param command   the server's command line, as the real server is started
 * @param cwd       its working directory (null: the workspace)
 * @param workspace the directory the twin sees through an overlay; its effects are committed here
 * @param spec      the sandbox's limits, environment and hidden paths
 * @param scratch   where overlays are kept (a directory Airlock owns)
 * @param startup   how long the server may take to start and answer {@code initialize}
 */
public record TwinLauncher(String server, List<String> command, Path cwd, Path workspace, SandboxSpec spec,
                           Path scratch, Duration startup) {

    public TwinLauncher {
        command = List.copyOf(command);
    }

    public StdioTwin start() throws IOException {
        SandboxProcess process = OverlaySandbox.start(workspace, command, spec, scratch, cwd);
        return StdioTwin.start(server, process, startup);
    }
}
