package io.airlock.workbench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import io.modelcontextprotocol.spec.McpSchema.ToolAnnotations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The four workbench tools. Every handler turns every failure into a tool error result ({@code isError: true}) with a
 * readable message; nothing is thrown back into the SDK.
 */
final class WorkbenchTools {

    static final String RUN_COMMAND = "run_command";
    static final String READ_TEXT_FILE = "read_text_file";
    static final String WRITE_FILE = "write_file";
    static final String LIST_DIRECTORY = "list_directory";

    static final int DEFAULT_TIMEOUT_SECONDS = 30;
    static final int MAX_TIMEOUT_SECONDS = 300;
    static final int MAX_READ_BYTES = 1024 * 1024;
    static final int MAX_LIST_ENTRIES = 10_000;

    private static final Logger log = LoggerFactory.getLogger(WorkbenchTools.class);

    private static final Set<PosixFilePermission> NEW_FILE_PERMISSIONS = PosixFilePermissions.fromString("rw-r--r--");

    private final Workspace workspace;
    private final CommandRunner runner;

    WorkbenchTools(Workspace workspace, CommandRunner runner) {
        this.workspace = workspace;
        this.runner = runner;
    }

    List<SyncToolSpecification> specifications() {
        return List.of(
                spec(runCommandTool(), this::runCommand),
                spec(readTextFileTool(), this::readTextFile),
                spec(writeFileTool(), this::writeFile),
                spec(listDirectoryTool(), this::listDirectory));
    }

    // ---------------------------------------------------------------- tool definitions

    static Tool runCommandTool() {
        Map<String, Object> schema = objectSchema(
                ordered(
                        "command", Map.of(
                                "type", "string",
                                "minLength", 1,
                                "description", "The shell command line, run as `sh -c <command>`."),
                        "timeout_seconds", Map.of(
                                "type", "integer",
                                "minimum", 1,
                                "maximum", MAX_TIMEOUT_SECONDS,
                                "default", DEFAULT_TIMEOUT_SECONDS,
                                "description", "Kill the command after this many seconds (default "
                                        + DEFAULT_TIMEOUT_SECONDS + ", at most " + MAX_TIMEOUT_SECONDS
                                        + ").")),
                List.of("command"));
        return Tool.builder(RUN_COMMAND, schema)
                .title("Run shell command")
                .description("Runs a shell command with `sh -c` in the workspace directory (stdin is closed) and "
                        + "returns its combined stdout and stderr (at most 64 KiB) followed by its exit code. "
                        + "A non-zero exit code or a timeout is reported as an error; on timeout the whole process "
                        + "tree is killed.")
                .annotations(ToolAnnotations.builder()
                        .title("Run shell command")
                        .readOnlyHint(false)
                        .destructiveHint(true)
                        .idempotentHint(false)
                        .openWorldHint(false)
                        .build())
                .build();
    }

    static Tool readTextFileTool() {
        Map<String, Object> schema = objectSchema(
                Map.of("path", Map.of(
                        "type", "string",
                        "minLength", 1,
                        "description", "File path relative to the workspace.")),
                List.of("path"));
        return Tool.builder(READ_TEXT_FILE, schema)
                .title("Read text file")
                .description("Reads a UTF-8 text file from the workspace (at most 1 MiB) and returns its content. "
                        + "The path is relative to the workspace and may not leave it.")
                .annotations(ToolAnnotations.builder()
                        .title("Read text file")
                        .readOnlyHint(true)
                        .destructiveHint(false)
                        .idempotentHint(true)
                        .openWorldHint(false)
                        .build())
                .build();
    }

    static Tool writeFileTool() {
        Map<String, Object> schema = objectSchema(
                ordered(
                        "path", Map.of(
                                "type", "string",
                                "minLength", 1,
                                "description", "File path relative to the workspace."),
                        "content", Map.of(
                                "type", "string",
                                "description", "The complete new content of the file.")),
                List.of("path", "content"));
        return Tool.builder(WRITE_FILE, schema)
                .title("Write file")
                .description("Writes UTF-8 text to a file in the workspace, creating parent directories as needed "
                        + "and replacing any existing file atomically. The path is relative to the workspace and "
                        + "may not leave it.")
                .annotations(ToolAnnotations.builder()
                        .title("Write file")
                        .readOnlyHint(false)
                        .destructiveHint(true)
                        .idempotentHint(true)
                        .openWorldHint(false)
                        .build())
                .build();
    }

    static Tool listDirectoryTool() {
        Map<String, Object> schema = objectSchema(
                Map.of("path", Map.of(
                        "type", "string",
                        "default", ".",
                        "description", "Directory path relative to the workspace; \".\" is the root.")),
                List.of());
        return Tool.builder(LIST_DIRECTORY, schema)
                .title("List directory")
                .description("Lists a directory in the workspace, one entry per line as `[DIR] name` or "
                        + "`[FILE] name`, sorted by name. The path is relative to the workspace (default: the "
                        + "workspace root) and may not leave it.")
                .annotations(ToolAnnotations.builder()
                        .title("List directory")
                        .readOnlyHint(true)
                        .destructiveHint(false)
                        .idempotentHint(true)
                        .openWorldHint(false)
                        .build())
                .build();
    }

    /** A map that keeps its keys in the given order (so schemas serialise predictably). */
    private static Map<String, Object> ordered(String k1, Object v1, String k2, Object v2) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(k1, v1);
        m.put(k2, v2);
        return m;
    }

    private static Map<String, Object> objectSchema(Map<String, Object> properties, List<String> required) {
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", "object");
        schema.put("properties", properties);
        if (!required.isEmpty()) {
            schema.put("required", required);
        }
        return schema;
    }

    // ---------------------------------------------------------------- handlers

    CallToolResult runCommand(Map<String, Object> args) throws ToolException, IOException, InterruptedException {
        String command = requiredString(args, "command");
        if (command.isBlank()) {
            throw new ToolException("'command' must not be blank.");
        }
        int timeoutSeconds = optionalInt(args, "timeout_seconds", DEFAULT_TIMEOUT_SECONDS);
        if (timeoutSeconds < 1 || timeoutSeconds > MAX_TIMEOUT_SECONDS) {
            throw new ToolException("'timeout_seconds' must be between 1 and " + MAX_TIMEOUT_SECONDS + ", was "
                    + timeoutSeconds + ".");
        }
        CommandRunner.Result r;
        try {
            r = runner.run(command, Duration.ofSeconds(timeoutSeconds));
        } catch (IOException e) {
            throw new ToolException("Could not start the command: " + e.getMessage());
        }

        String text = CommandReport.text(timeoutSeconds, r.timedOut(), r.output(), r.totalOutputBytes(),
                r.outputIncomplete(), r.exitCode());
        return result(text, CommandReport.isError(r.timedOut(), r.exitCode()));
    }

    CallToolResult readTextFile(Map<String, Object> args) throws ToolException, IOException {
        String raw = requiredString(args, "path");
        Path file = workspace.resolve(raw);
        if (!Files.exists(file)) {
            throw new ToolException("File not found: '" + raw + "'.");
        }
        if (Files.isDirectory(file)) {
            throw new ToolException("'" + raw + "' is a directory; use list_directory to list it.");
        }
        if (!Files.isRegularFile(file)) {
            throw new ToolException("'" + raw + "' is not a regular file.");
        }
        long size = Files.size(file);
        if (size > MAX_READ_BYTES) {
            throw new ToolException(tooLarge(raw, size));
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_READ_BYTES + 1);
        }
        if (bytes.length > MAX_READ_BYTES) {
            throw new ToolException(tooLarge(raw, Files.size(file)));
        }
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
            return result(text, false);
        } catch (CharacterCodingException e) {
            throw new ToolException("'" + raw + "' is not valid UTF-8 text (is it a binary file?).");
        }
    }

    CallToolResult writeFile(Map<String, Object> args) throws ToolException, IOException {
        String raw = requiredString(args, "path");
        String content = requiredString(args, "content");
        Path target = workspace.resolve(raw);
        if (target.equals(workspace.root()) || Files.isDirectory(target)) {
            throw new ToolException("'" + raw + "' is a directory; give a file path.");
        }
        Path parent = target.getParent();
        try {
            Files.createDirectories(parent);
        } catch (FileAlreadyExistsException e) {
            throw new ToolException("Cannot create the parent directories of '" + raw
                    + "': a path component exists and is not a directory.");
        }
        // Creating directories must not have changed where the path leads (e.g. a concurrently planted symlink).
        if (!workspace.resolve(raw).equals(target)) {
            throw new ToolException("Path '" + raw + "' changed while it was being written; try again.");
        }

        byte[] data = content.getBytes(StandardCharsets.UTF_8);
        Set<PosixFilePermission> permissions = existingPermissions(target);
        Path temp = Files.createTempFile(parent, ".workbench-", ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(data);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            try {
                Files.setPosixFilePermissions(temp, permissions);
            } catch (UnsupportedOperationException e) {
                // Not a POSIX file system: keep the defaults.
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
        return result("Wrote " + data.length + " bytes to " + workspace.display(target), false);
    }

    CallToolResult listDirectory(Map<String, Object> args) throws ToolException, IOException {
        String raw = optionalString(args, "path", ".");
        Path dir = workspace.resolve(raw.isEmpty() ? "." : raw);
        if (!Files.exists(dir)) {
            throw new ToolException("Directory not found: '" + raw + "'.");
        }
        if (!Files.isDirectory(dir)) {
            throw new ToolException("'" + raw + "' is not a directory; use read_text_file to read a file.");
        }
        List<Path> entries;
        try (Stream<Path> s = Files.list(dir)) {
            entries = new ArrayList<>(s.toList());
        }
        entries.sort(Comparator.comparing(p -> p.getFileName().toString()));
        if (entries.isEmpty()) {
            return result("(empty directory)", false);
        }
        StringBuilder text = new StringBuilder();
        int shown = Math.min(entries.size(), MAX_LIST_ENTRIES);
        for (int i = 0; i < shown; i++) {
            Path p = entries.get(i);
            text.append(Files.isDirectory(p) ? "[DIR] " : "[FILE] ").append(p.getFileName()).append('\n');
        }
        if (entries.size() > shown) {
            text.append("[listing truncated: showing ").append(shown).append(" of ").append(entries.size())
                    .append(" entries]\n");
        }
        text.setLength(text.length() - 1);
        return result(text.toString(), false);
    }

    // ---------------------------------------------------------------- plumbing

    @FunctionalInterface
    interface Handler {
        CallToolResult call(Map<String, Object> args) throws ToolException, IOException, InterruptedException;
    }

    private static SyncToolSpecification spec(Tool tool, Handler handler) {
        return SyncToolSpecification.builder()
                .tool(tool)
                .callHandler((exchange, request) -> invoke(tool.name(), handler, request.arguments()))
                .build();
    }

    /** Runs a handler, mapping every failure to an error result. */
    static CallToolResult invoke(String toolName, Handler handler, Map<String, Object> args) {
        try {
            return handler.call(args == null ? Map.of() : args);
        } catch (ToolException e) {
            return result(e.getMessage(), true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return result("The " + toolName + " call was interrupted.", true);
        } catch (IOException e) {
            return result(describe(e), true);
        } catch (RuntimeException e) {
            log.warn("{} failed unexpectedly", toolName, e);
            return result("Internal error in " + toolName + ": " + e, true);
        }
    }

    private static String describe(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "No such file or directory: " + ((FileSystemException) e).getFile();
        }
        if (e instanceof AccessDeniedException) {
            return "Permission denied: " + ((FileSystemException) e).getFile();
        }
        if (e instanceof NotDirectoryException) {
            return "Not a directory: " + ((FileSystemException) e).getFile();
        }
        return "I/O error: " + e;
    }

    private static CallToolResult result(String text, boolean isError) {
        return CallToolResult.builder().addContent(TextContent.builder(text).build()).isError(isError).build();
    }

    private static String tooLarge(String raw, long size) {
        return "'" + raw + "' is too large (" + size + " bytes); read_text_file reads at most " + MAX_READ_BYTES
                + " bytes (1 MiB). Use run_command (e.g. head, tail, grep) to inspect large files.";
    }

    private static Set<PosixFilePermission> existingPermissions(Path target) {
        try {
            if (Files.isRegularFile(target)) {
                return Files.getPosixFilePermissions(target);
            }
        } catch (IOException | UnsupportedOperationException e) {
            // fall back to the default
        }
        return NEW_FILE_PERMISSIONS;
    }

    private static String requiredString(Map<String, Object> args, String name) throws ToolException {
        Object v = args.get(name);
        if (v == null) {
            throw new ToolException("Missing required argument '" + name + "'.");
        }
        if (!(v instanceof String s)) {
            throw new ToolException("Argument '" + name + "' must be a string.");
        }
        return s;
    }

    private static String optionalString(Map<String, Object> args, String name, String dflt) throws ToolException {
        Object v = args.get(name);
        if (v == null) {
            return dflt;
        }
        if (!(v instanceof String s)) {
            throw new ToolException("Argument '" + name + "' must be a string.");
        }
        return s;
    }

    private static int optionalInt(Map<String, Object> args, String name, int dflt) throws ToolException {
        Object v = args.get(name);
        if (v == null) {
            return dflt;
        }
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            long l = ((Number) v).longValue();
            return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, l));
        }
        if (v instanceof Number n) {
            double d = n.doubleValue();
            if (d == Math.rint(d) && !Double.isInfinite(d)) {
                return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, d));
            }
        }
        throw new ToolException("Argument '" + name + "' must be an integer.");
    }
}
