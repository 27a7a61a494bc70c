package io.airlock.workbench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkspaceTest {

    @TempDir
    Path tmp;

    @Test
    void resolvesRelativePathsInsideTheWorkspace() throws Exception {
        Workspace ws = Workspace.open(tmp.resolve("ws"));
        assertThat(ws.root()).isDirectory();
        assertThat(ws.resolve(".")).isEqualTo(ws.root());
        assertThat(ws.resolve("a/b.txt")).isEqualTo(ws.root().resolve("a/b.txt"));
        assertThat(ws.resolve("a/../b.txt")).isEqualTo(ws.root().resolve("b.txt"));
        assertThat(ws.resolve(ws.root().resolve("c").toString())).isEqualTo(ws.root().resolve("c"));
        assertThat(ws.display(ws.resolve("a/b.txt"))).isEqualTo(Path.of("a", "b.txt").toString());
        assertThat(ws.display(ws.root())).isEqualTo(".");
    }

    @Test
    void rejectsEscapes() throws Exception {
        Workspace ws = Workspace.open(tmp.resolve("ws"));
        for (String bad : List.of("..", "../x", "a/../../x", "/etc/passwd", tmp.toString(), "")) {
            assertThatThrownBy(() -> ws.resolve(bad)).as(bad).isInstanceOf(ToolException.class);
        }
        assertThatThrownBy(() -> ws.resolve("a\0b")).isInstanceOf(ToolException.class);
    }

    @Test
    void followsSymlinksAndRejectsThoseLeadingOutside() throws Exception {
        Workspace ws = Workspace.open(tmp.resolve("ws"));
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.createDirectories(ws.root().resolve("real"));
        Files.createSymbolicLink(ws.root().resolve("inside-link"), ws.root().resolve("real"));
        Files.createSymbolicLink(ws.root().resolve("outside-link"), outside);
        Files.createSymbolicLink(ws.root().resolve("dangling"), tmp.resolve("nowhere"));

        assertThat(ws.resolve("inside-link/f.txt")).isEqualTo(ws.root().resolve("real/f.txt"));
        assertThatThrownBy(() -> ws.resolve("outside-link")).isInstanceOf(ToolException.class)
                .hasMessageContaining("outside the workspace");
        assertThatThrownBy(() -> ws.resolve("outside-link/new/f.txt")).isInstanceOf(ToolException.class);
        assertThatThrownBy(() -> ws.resolve("dangling")).isInstanceOf(ToolException.class);
    }

    @Test
    void workspaceReachedThroughASymlinkIsUsable() throws Exception {
        Path real = Files.createDirectories(tmp.resolve("real-ws"));
        Path link = Files.createSymbolicLink(tmp.resolve("ws-link"), real);
        Workspace ws = Workspace.open(link);
        assertThat(ws.root()).isEqualTo(real.toRealPath());
        assertThat(ws.resolve(link.resolve("f.txt").toString())).isEqualTo(real.toRealPath().resolve("f.txt"));
    }
}
