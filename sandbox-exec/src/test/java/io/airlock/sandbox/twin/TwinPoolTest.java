package io.airlock.sandbox.twin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.airlock.sandbox.EffectSet;
import io.airlock.sandbox.SandboxSpec;
import io.airlock.sandbox.SandboxTools;
import io.airlock.workbench.WorkbenchServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Twins of a real MCP server (Airlock's workbench, MCP Java SDK) in real bubblewrap over real overlayfs. */
class TwinPoolTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration STARTUP = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private Path workspace;
    private TwinLauncher launcher;

    @BeforeEach
    void setUp() throws IOException {
        SandboxTools.requireSandbox();
        workspace = Files.createDirectories(dir.resolve("ws"));
        Files.writeString(workspace.resolve("a.txt"), "hello\n");
        Path home = Files.createDirectories(dir.resolve("home"));
        launcher = new TwinLauncher("workbench", WorkbenchServer.command(workspace), null, workspace,
                SandboxSpec.defaults(home), dir.resolve("scratch"), STARTUP);
    }

    @Test
    void aTwinRunsTheCallOverTheOverlayAndLeavesTheWorkspaceAlone() throws Exception {
        try (StdioTwin twin = launcher.start()) {
            JsonNode result = twin.callTool("write_file",
                    JSON.readTree("{\"path\":\"b.txt\",\"content\":\"from the twin\"}"), Duration.ofSeconds(30));
            assertThat(result.path("isError").asBoolean(false)).as(result.toString()).isFalse();
            twin.stop();
            EffectSet effects = twin.process().effects();
            assertThat(effects.added()).containsExactly(Path.of("b.txt"));
            assertThat(twin.process().upper().resolve("b.txt")).hasContent("from the twin");
            assertThat(workspace.resolve("b.txt")).doesNotExist();
        }
        assertThat(Files.list(dir.resolve("scratch")).toList()).as("the overlay is removed").isEmpty();
    }

    @Test
    void theTwinHasNoNetworkAndSeesTheWorkspaceAsItIsNow() throws Exception {
        try (StdioTwin twin = launcher.start()) {
            Files.writeString(workspace.resolve("late.txt"), "written after the twin started\n");
            JsonNode result = twin.callTool("run_command", JSON.readTree(
                    "{\"command\":\"cat late.txt; tail -n +3 /proc/net/dev | cut -d: -f1\"}"),
                    Duration.ofSeconds(30));
            String text = result.path("content").path(0).path("text").asText();
            assertThat(text).contains("written after the twin started").contains("lo").doesNotContain("eth");
        }
    }

    @Test
    void thePoolHandsOutWarmTwinsOnceEachAndReplacesThem() throws Exception {
        try (TwinPool pool = new TwinPool(launcher, 1, Duration.ofMinutes(5), Clock.systemUTC())) {
            pool.prestart();
            StdioTwin first = pool.take().get(60, TimeUnit.SECONDS);
            StdioTwin second = pool.take().get(60, TimeUnit.SECONDS);
            try {
                assertThat(second).isNotSameAs(first);
                assertThat(pool.warmTakes()).isEqualTo(2);
                assertThat(pool.coldStarts()).isZero();
                assertThat(pool.warmCount()).isEqualTo(1);
                assertThat(first.process().overlay()).isNotEqualTo(second.process().overlay());
            } finally {
                first.close();
                second.close();
            }
        }
    }

    @Test
    void aTwinOlderThanMaxAgeIsReplacedNotUsed() throws Exception {
        try (TwinPool pool = new TwinPool(launcher, 1, Duration.ZERO, Clock.systemUTC())) {
            pool.prestart();
            // Let the warm twin finish starting, then it is already too old to use.
            Thread.sleep(100);
            StdioTwin twin = pool.take().get(60, TimeUnit.SECONDS);
            twin.close();
            assertThat(pool.coldStarts() + pool.warmTakes()).isEqualTo(1);
        }
    }

    @Test
    void aServerThatCannotStartFailsWithItsStderr() {
        TwinLauncher broken = new TwinLauncher("broken", List.of("/bin/sh", "-c", "echo no such server >&2; exit 3"),
                null, workspace, launcher.spec(), dir.resolve("scratch"), STARTUP);
        assertThatThrownBy(broken::start).isInstanceOf(IOException.class).hasMessageContaining("no such server");
    }
}
