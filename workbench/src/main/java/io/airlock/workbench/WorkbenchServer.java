package io.airlock.workbench;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
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
 * any logging backend's console output land on stderr. The server exits when its stdin reaches end-of-file.
 */
public final class WorkbenchServer {

    public static final String SERVER_NAME = "airlock-workbench";
    static final String FALLBACK_VERSION = "0.1.0";

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
        CountDownLatch stdinClosed = new CountDownLatch(1);
        InputStream protocolIn = new EofSignallingInputStream(new FileInputStream(FileDescriptor.in), stdinClosed);
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
        StdioServerTransportProvider transport = new StdioServerTransportProvider(jsonMapper, protocolIn, protocolOut);
        McpSyncServer server = McpServer.sync(transport)
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

    /** Counts {@code eof} down once the underlying stream ends or fails. */
    private static final class EofSignallingInputStream extends FilterInputStream {

        private final CountDownLatch eof;

        EofSignallingInputStream(InputStream in, CountDownLatch eof) {
            super(in);
            this.eof = eof;
        }

        @Override
        public int read() throws IOException {
            return signal(() -> super.read());
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return signal(() -> super.read(b, off, len));
        }

        @Override
        public void close() throws IOException {
            eof.countDown();
            super.close();
        }

        private int signal(IoIntSupplier read) throws IOException {
            try {
                int n = read.get();
                if (n == -1) {
                    eof.countDown();
                }
                return n;
            } catch (IOException | RuntimeException e) {
                eof.countDown();
                throw e;
            }
        }

        @FunctionalInterface
        private interface IoIntSupplier {
            int get() throws IOException;
        }
    }
}
