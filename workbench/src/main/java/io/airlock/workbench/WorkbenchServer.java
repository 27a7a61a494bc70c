package io.airlock.workbench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema.ServerCapabilities;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in demo MCP server: four tools ({@code run_command}, {@code read_text_file}, {@code write_file},
 * {@code list_directory}) confined to one workspace directory, spoken over stdio with the MCP Java SDK.
 *
 * <p>Usage: {@code WorkbenchServer --workspace DIR}. Standard output carries only JSON-RPC: the real stdout is handed to
 * the SDK's stdio transport and {@link System#out} is pointed at stderr before anything else runs, so stray prints and
 * any logging backend's console output land on stderr. Inbound lines pass through a {@link StdinGuard}, so a malformed
 * line is answered with a JSON-RPC error instead of silently ending the SDK's session. When stdin reaches end-of-file
 * the server finishes answering the requests it already has (at most {@link #EOF_DRAIN_LIMIT}), then exits with
 * status 0, killing any command still running.
 */
public final class WorkbenchServer {

    public static final String SERVER_NAME = "airlock-workbench";
    static final String FALLBACK_VERSION = "0.1.0";

    /** Inbound messages longer than this are answered with an error and dropped (see {@link StdinGuard}). */
    static final int MAX_MESSAGE_BYTES = 8 * 1024 * 1024;

    /** The SDK transport's own line limit (in chars); kept above {@link #MAX_MESSAGE_BYTES} so it never trips. */
    private static final int TRANSPORT_MAX_LINE = 16 * 1024 * 1024;

    /** At end of input, how long to keep answering requests already received before exiting. */
    static final Duration EOF_DRAIN_LIMIT = Duration.ofSeconds(10);

    private WorkbenchServer() {}

    /**
     * The command line that starts this server as a child process on the current JVM and class path.
     *
     * @param workspace the workspace directory (created by the server if missing)
     */
    public static List<String> command(Path workspace) {
        String java = ProcessHandle.current().info().command()
                .orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java").toString());
        return List.of(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                WorkbenchServer.class.getName(),
                "--workspace",
                workspace.toAbsolutePath().toString());
    }

    /** The version from the package manifest, or {@value #FALLBACK_VERSION} when running from classes. */
    public static String version() {
        String v = WorkbenchServer.class.getPackage().getImplementationVersion();
        return v == null || v.isBlank() ? FALLBACK_VERSION : v;
    }

    public static void main(String[] args) {
        // Claim the real stdout for JSON-RPC before anything (a logger, a library) can write to it.
        OutputStream protocolOut = new BufferedOutputStream(new FileOutputStream(FileDescriptor.out));
        System.setOut(System.err);
        System.setIn(InputStream.nullInputStream());

        Path workspaceDir;
        try {
            workspaceDir = parseArgs(args);
        } catch (IllegalArgumentException e) {
            System.err.println("airlock-workbench: " + e.getMessage());
            System.err.println("usage: " + WorkbenchServer.class.getName() + " --workspace DIR");
            System.exit(2);
            return;
        }

        Logger log = LoggerFactory.getLogger(WorkbenchServer.class);
        Workspace workspace;
        try {
            workspace = Workspace.open(workspaceDir);
        } catch (IOException | RuntimeException e) {
            System.err.println("airlock-workbench: cannot open workspace " + workspaceDir + ": " + e);
            System.exit(1);
            return;
        }

        CommandRunner runner = new CommandRunner(workspace.root());
        Runtime.getRuntime().addShutdownHook(new Thread(runner::killAll, "workbench-shutdown"));

        McpJsonMapper jsonMapper = McpJsonDefaults.getMapper();
        Traffic traffic = new Traffic();
        OutputStream countedOut = traffic.countLines(protocolOut);
        CountDownLatch stdinClosed = new CountDownLatch(1);
        InputStream protocolIn = new StdinGuard(new BufferedInputStream(new FileInputStream(FileDescriptor.in)),
                countedOut, jsonMapper, MAX_MESSAGE_BYTES, traffic, EOF_DRAIN_LIMIT, stdinClosed::countDown);
        StdioServerTransportProvider transport = new StdioServerTransportProvider(
                jsonMapper, protocolIn, countedOut, TRANSPORT_MAX_LINE);
        McpSyncServer server = McpServer.sync(traffic.counting(transport))
                .serverInfo(SERVER_NAME, version())
                .instructions("A scratch workspace. All paths are relative to the workspace directory and may not "
                        + "leave it; run_command runs `sh -c` with the workspace as its working directory.")
                .capabilities(ServerCapabilities.builder().tools(false).build())
                .tools(new WorkbenchTools(workspace, runner).specifications())
                .build();
        log.info("{} {} serving workspace {}", SERVER_NAME, version(), workspace.root());

        try {
            stdinClosed.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.info("stdin closed; shutting down");
        try {
            server.close();
        } catch (RuntimeException e) {
            log.debug("error while closing", e);
        }
        System.exit(0);
    }

    static Path parseArgs(String[] args) {
        Path workspace = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String value;
            if (a.equals("--workspace")) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("--workspace needs a directory");
                }
                value = args[++i];
            } else if (a.startsWith("--workspace=")) {
                value = a.substring("--workspace=".length());
            } else {
                throw new IllegalArgumentException("unknown argument: " + a);
            }
            if (value.isEmpty()) {
                throw new IllegalArgumentException("--workspace needs a directory");
            }
            try {
                workspace = Path.of(value);
            } catch (InvalidPathException e) {
                throw new IllegalArgumentException("invalid workspace path: " + e.getMessage());
            }
        }
        if (workspace == null) {
            throw new IllegalArgumentException("--workspace DIR is required");
        }
        return workspace;
    }
}
