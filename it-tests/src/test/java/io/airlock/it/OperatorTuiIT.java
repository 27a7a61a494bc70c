package io.airlock.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.airlock.proxy.Gateway;
import io.airlock.proxy.config.ConfigLoader;
import io.airlock.tui.client.AdminClient;
import io.airlock.tui.client.HeldCall;
import io.airlock.tui.client.Reply;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The operator tier end to end: a real MCP client (the Java SDK) calls {@code write_file} outside the policy's
 * workspace, which the shipped default policy sends to ask; Airlock holds it; {@code airlock tui} runs in a real
 * terminal (tmux, 120x40) and a person's keys (send-keys) approve or deny it, or nobody answers and the hold times out.
 * Asserts what the agent got, what reached the disk, and what the TUI showed; prints how long a held call took to
 * appear on the operator's screen.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OperatorTuiIT {

    private static final String TMUX = "/usr/bin/tmux";
    private static final int HOLD_TIMEOUT_SECONDS = 10;
    private static final java.util.regex.Pattern APPROVED = java.util.regex.Pattern.compile(
            "approve +it-operator +workbench/write_file");
    private static final java.util.regex.Pattern DENIED = java.util.regex.Pattern.compile(
            "deny +it-operator +workbench/write_file .*not outside the workspace");
    private static final java.util.regex.Pattern EXPIRED = java.util.regex.Pattern.compile(
            "expired +timeout +workbench/write_file");
    /** Decision keys are ignored this long after a call becomes selected by itself; a person takes longer. */
    private static final Duration LOOK = Duration.ofMillis(900);

    private Path dir;
    private Path workspace;
    private Gateway gateway;
    private AdminClient admin;
    private McpSyncClient client;
    private String session;
    private final ExecutorService agents = Executors.newVirtualThreadPerTaskExecutor();
    private final List<Duration> appearLatencies = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        assumeThat(Files.isExecutable(Path.of(TMUX))).as("tmux at " + TMUX).isTrue();
        dir = Files.createTempDirectory(Path.of("/tmp"), "airlock-op-it");
        workspace = Files.createDirectories(dir.resolve("ws"));
        Files.createDirectories(workspace.resolve("inner"));
        String yaml = """
                listen: 127.0.0.1:0
                admin:
                  listen: 127.0.0.1:0
                  tokenFile: %1$s/admin-token
                operator:
                  holdTimeoutSeconds: %3$d
                  rememberFile: %1$s/remembered.yaml
                receipts:
                  dir: %1$s/receipts
                  keyDir: %1$s/keys
                policy:
                  workspace: [%2$s/inner]
                servers:
                  workbench:
                    builtin: workbench
                    workspace: %2$s
                """.formatted(dir, workspace, HOLD_TIMEOUT_SECONDS);
        gateway = new Gateway(ConfigLoader.parse(yaml, "operator-it", dir));
        int port = gateway.startHttp().getPort();
        InetSocketAddress adminAddress = gateway.startAdmin(port);
        String adminUrl = "http://127.0.0.1:" + adminAddress.getPort();
        admin = new AdminClient(java.net.URI.create(adminUrl),
                Files.readString(dir.resolve("admin-token")).strip());

        session = "airlock-op-it-" + ProcessHandle.current().pid();
        String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
        String tui = "'" + java + "' -cp '" + System.getProperty("java.class.path") + "' "
                + "io.airlock.proxy.cli.AirlockCli tui --admin " + adminUrl + " --token-file '" + dir
                + "/admin-token' --operator it-operator 2> '" + dir + "/tui-stderr.txt'; sleep 120";
        tmux("new-session", "-d", "-s", session, "-x", "120", "-y", "40", tui);
        awaitScreen(screen -> screen.contains("live · 127.0.0.1:" + adminAddress.getPort()), Duration.ofSeconds(60));

        HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport
                .builder("http://127.0.0.1:" + port)
                .endpoint("/mcp/workbench")
                .jsonMapper(McpJsonDefaults.getMapper())
                .build();
        client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(90)).build();
        client.initialize();
    }

    @AfterAll
    void stop() throws Exception {
        if (!appearLatencies.isEmpty()) {
            System.out.println("[OperatorTuiIT] held -> shown in the TUI (tmux 120x40): " + appearLatencies.stream()
                    .map(d -> d.toMillis() + " ms").toList());
        }
        if (session != null) {
            tmux("kill-session", "-t", session);
        }
        if (client != null) {
            client.closeGracefully();
        }
        agents.shutdownNow();
        if (gateway != null) {
            gateway.close();
        }
        if (dir != null) {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    @Test
    @Order(1)
    void approvedInTheTuiTheCallReachesTheServer() throws Exception {
        Path target = workspace.resolve("approved.txt");
        CompletableFuture<CallToolResult> answer = call(target, "approved by a person");

        heldAndShown(target);
        String held = screen();
        System.out.println("[OperatorTuiIT] screen while held:\n" + held);
        assertThat(held).contains("1 held call", "write_file", "ask/write-outside-workspace",
                "\"path\" : \"" + target + "\"", "a approve", "d deny", "r remember", "q quit");
        assertThat(answer).isNotDone();

        tmux("send-keys", "-t", session, "a");

        CallToolResult result = answer.get(30, TimeUnit.SECONDS);
        assertThat(result.isError()).isNotEqualTo(Boolean.TRUE);
        assertThat(Files.readString(target)).isEqualTo("approved by a person");
        // capture-pane can catch a row half redrawn: wait for a whole frame that shows it, not for a fragment.
        String after = awaitScreen(screen -> screen.contains("0 held calls") && screen.contains("approved write_file")
                && APPROVED.matcher(screen).find(), Duration.ofSeconds(10));
        assertThat(after).containsPattern(APPROVED.pattern());
    }

    @Test
    @Order(2)
    void deniedInTheTuiTheAgentGetsTheReasonAndNothingIsWritten() throws Exception {
        Path target = workspace.resolve("denied.txt");
        CompletableFuture<CallToolResult> answer = call(target, "should never be written");

        heldAndShown(target);
        tmux("send-keys", "-t", session, "d");
        awaitScreen(screen -> screen.contains("reason for the agent"), Duration.ofSeconds(5));
        tmux("send-keys", "-t", session, "-l", "not outside the workspace");
        tmux("send-keys", "-t", session, "Enter");

        CallToolResult result = answer.get(30, TimeUnit.SECONDS);
        assertThat(result.isError()).isTrue();
        assertThat(text(result)).contains("not outside the workspace");
        assertThat(target).doesNotExist();
        String after = awaitScreen(screen -> screen.contains("0 held calls") && screen.contains("denied write_file")
                && DENIED.matcher(screen).find(), Duration.ofSeconds(10));
        assertThat(after).containsPattern(DENIED.pattern());
    }

    @Test
    @Order(3)
    void undecidedTheHoldTimesOutAsADenialAndTheTuiShowsIt() throws Exception {
        Path target = workspace.resolve("late.txt");
        Instant sent = Instant.now();
        CompletableFuture<CallToolResult> answer = call(target, "nobody answered");

        heldAndShown(target);

        CallToolResult result = answer.get(HOLD_TIMEOUT_SECONDS + 30, TimeUnit.SECONDS);
        Duration waited = Duration.between(sent, Instant.now());
        assertThat(result.isError()).isTrue();
        assertThat(text(result)).containsIgnoringCase("timed out");
        assertThat(waited).isGreaterThanOrEqualTo(Duration.ofSeconds(HOLD_TIMEOUT_SECONDS - 1));
        assertThat(target).doesNotExist();
        String after = awaitScreen(screen -> screen.contains("0 held calls") && EXPIRED.matcher(screen).find(),
                Duration.ofSeconds(10));
        assertThat(after).containsPattern(EXPIRED.pattern());
        System.out.println("[OperatorTuiIT] screen after the timeout:\n" + after);
    }

    /** The agent's call, on its own thread: it blocks until the operator (or the deadline) decides. */
    private CompletableFuture<CallToolResult> call(Path target, String content) {
        return CompletableFuture.supplyAsync(() -> client.callTool(new CallToolRequest("write_file",
                Map.of("path", target.toString(), "content", content))), agents);
    }

    /**
     * Waits until the admin API holds the call for {@code target}, then until the TUI shows it (the title count and
     * the selected row), and records the time from the server's {@code heldAt} to the screen.
     */
    private void heldAndShown(Path target) throws Exception {
        HeldCall held = null;
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (held == null && System.nanoTime() < giveUp) {
            if (admin.held() instanceof Reply.Ok<List<HeldCall>>(List<HeldCall> calls)) {
                held = calls.stream().filter(c -> c.summary().contains(target.toString())).findFirst().orElse(null);
            }
            if (held == null) {
                Thread.sleep(5);
            }
        }
        assertThat(held).as("held call for " + target).isNotNull();
        awaitScreen(screen -> screen.contains("1 held call") && screen.lines().anyMatch(
                line -> line.startsWith("> ") && line.contains("write_file")), Duration.ofSeconds(10));
        Duration latency = Duration.between(held.heldAt(), Instant.now());
        appearLatencies.add(latency);
        System.out.println("[OperatorTuiIT] " + target.getFileName() + ": held -> shown in the TUI in "
                + latency.toMillis() + " ms");
        assertThat(latency).as("sanity bound").isLessThan(Duration.ofSeconds(5));
        Thread.sleep(LOOK.toMillis());
    }

    private String awaitScreen(Predicate<String> condition, Duration timeout) throws Exception {
        long giveUp = System.nanoTime() + timeout.toNanos();
        String screen = "";
        while (System.nanoTime() < giveUp) {
            screen = screen();
            if (condition.test(screen)) {
                return screen;
            }
            Thread.sleep(10);
        }
        String stderr = Files.exists(dir.resolve("tui-stderr.txt"))
                ? Files.readString(dir.resolve("tui-stderr.txt")) : "";
        throw new AssertionError("the TUI did not show what was expected within " + timeout + "; screen:\n" + screen
                + "\nTUI stderr:\n" + stderr);
    }

    private String screen() throws IOException, InterruptedException {
        return tmux("capture-pane", "-p", "-t", session);
    }

    private static String tmux(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(TMUX));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor(10, TimeUnit.SECONDS);
        return out;
    }

    private static String text(CallToolResult result) {
        return result.content().stream().filter(TextContent.class::isInstance)
                .map(c -> ((TextContent) c).text()).reduce("", String::concat);
    }
}
