package io.airlock.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a hostile command in the sandbox tries, and that the host is untouched afterwards. Real bubblewrap and
 * overlayfs; run as root in CI, where dropping every capability is what stops a remount or a kill.
 */
class SandboxEscapeTest {

    @TempDir
    Path dir;

    private Path workspace;
    private Path home;
    private Path outside;

    @BeforeEach
    void setUp() throws Exception {
        SandboxTools.requireSandbox();
        workspace = Files.createDirectories(dir.resolve("ws"));
        Files.writeString(workspace.resolve("a.txt"), "hello\n");
        home = Files.createDirectories(dir.resolve("home"));
        outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("precious.txt"), "keep me\n");
    }

    private SandboxRun run(String script, SandboxSpec spec) throws Exception {
        return OverlaySandbox.run(workspace, List.of("/bin/bash", "-c", script), spec, dir.resolve("scratch"));
    }

    private SandboxRun run(String script) throws Exception {
        return run(script, SandboxSpec.defaults(home));
    }

    @Test
    void writesOutsideTheWorkspaceFailEvenThroughSymlinks() throws Exception {
        Files.createSymbolicLink(workspace.resolve("out"), outside);
        SandboxRun run = run("echo pwned > " + outside + "/precious.txt; echo pwned > out/precious.txt;"
                + " echo new > out/new.txt; ln -s " + outside + "/precious.txt link && echo pwned > link;"
                + " rm -rf " + outside + "; echo done");
        assertThat(run.stdout()).contains("done");
        assertThat(outside.resolve("precious.txt")).hasContent("keep me");
        assertThat(outside.resolve("new.txt")).doesNotExist();
        // The symlink made in the sandbox is only in its overlay; committing it never follows it.
        assertThat(run.effects().added()).containsExactly(Path.of("link"));
        assertThat(workspace.resolve("link")).doesNotExist();
    }

    @Test
    void aPlantedSshKeyCannotBeRead() throws Exception {
        Files.createDirectories(home.resolve(".ssh"));
        Files.writeString(home.resolve(".ssh/id_rsa"), "-----BEGIN OPENSSH PRIVATE KEY----- decoy");
        Files.writeString(home.resolve(".aws"), "not a dir but still hidden");
        SandboxRun run = run("cat ~/.ssh/id_rsa; ls -a ~/.ssh; cat ~/.aws; find / -name id_rsa -path '*decoy*' "
                + "2>/dev/null; grep -rs 'decoy' " + home + "; echo done");
        assertThat(run.stdout()).contains("done").doesNotContain("PRIVATE KEY", "decoy", "still hidden");
        assertThat(home.resolve(".ssh/id_rsa")).content().contains("decoy");
    }

    @Test
    void aListenerOnTheHostsLoopbackIsUnreachable() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            listener.setSoTimeout(1000);
            int port = listener.getLocalPort();
            SandboxRun run = run("timeout 5 bash -c 'echo hi > /dev/tcp/127.0.0.1/" + port + "' 2>&1 && echo connected;"
                    + " timeout 5 bash -c 'echo hi > /dev/tcp/1.1.1.1/443' 2>&1 && echo egress; echo done");
            assertThat(run.stdout()).contains("done").doesNotContain("connected", "egress");
            try (Socket accepted = listener.accept()) {
                throw new AssertionError("the sandbox reached the host's listener from " + accepted);
            } catch (SocketTimeoutException expected) {
                // Nothing connected.
            }
        }
    }

    @Test
    void hostServicesListeningOnUnixSocketsAreOutOfReach() throws Exception {
        // A socket the sandbox can see, like the Docker socket or an ssh-agent's: the network namespace does not
        // cover file-system sockets, and a read-only mount does not stop connect(). The seccomp filter does. (Named
        // on the command line, so the sandbox binds it in even from under /tmp.)
        Path path = dir.resolve("service.sock");
        try (java.nio.channels.ServerSocketChannel service = java.nio.channels.ServerSocketChannel.open(
                java.net.StandardProtocolFamily.UNIX)) {
            service.bind(java.net.UnixDomainSocketAddress.of(path));
            service.configureBlocking(false);
            SandboxRun run = OverlaySandbox.run(workspace, List.of("/bin/bash", "-c", "ls -l \"$1\"; python3 -c "
                    + "\"import socket, sys; s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); "
                    + "print('connected')\" \"$1\" 2>&1; echo done", "bash", path.toString()),
                    SandboxSpec.defaults(home), dir.resolve("scratch"));
            assertThat(run.stdout()).contains("service.sock", "done").doesNotContain("connected")
                    .contains("Operation not permitted");
            assertThat(service.accept()).as("nothing reached the host's service").isNull();
            // Runtimes still get their unnamed socket pairs.
            SandboxRun pair = run("python3 -c \"import socket; a, b = socket.socketpair(); a.send(b'ok'); "
                    + "print(b.recv(2).decode())\"");
            assertThat(pair.stdout()).contains("ok");
        } finally {
            Files.deleteIfExists(path);
        }
    }

    @Test
    void theGatewaysProcessesAndTheirEnvironmentAreOutOfReach() throws Exception {
        Process host = new ProcessBuilder("sleep", "120").start();
        try {
            long gateway = ProcessHandle.current().pid();
            SandboxRun run = run("kill -9 " + host.pid() + " 2>&1; kill -9 " + gateway + " 2>&1;"
                    + " cat /proc/" + gateway + "/environ 2>&1; cat /proc/1/environ | tr '\\0' '\\n';"
                    + " ls /proc | grep -c '^[0-9]'; echo done");
            assertThat(run.stdout()).contains("done");
            assertThat(host.isAlive()).as("a host process survives kill -9 from the sandbox").isTrue();
            // Only the sandbox's own processes are visible: bwrap, bash, and the few it forked.
            String count = run.stdout().lines().filter(l -> l.matches("\\d+")).reduce((a, b) -> b).orElse("0");
            assertThat(Integer.parseInt(count)).isLessThan(10);
            for (String name : System.getenv().keySet()) {
                if (!List.of("PATH", "HOME", "LANG", "TERM", "PWD", "SHLVL", "_").contains(name)) {
                    assertThat(run.stdout()).doesNotContain(name + "=");
                }
            }
        } finally {
            host.destroyForcibly();
        }
    }

    @Test
    void noFileDescriptorOfTheGatewayLeaksIn() throws Exception {
        Path secret = Files.writeString(outside.resolve("secret.key"), "held open by the gateway");
        try (InputStream open = Files.newInputStream(secret)) {
            SandboxRun run = run("ls -l /proc/self/fd/ 2>&1; for pid in /proc/[0-9]*; do ls -l $pid/fd/ 2>&1; done;"
                    + " echo done");
            assertThat(run.stdout()).contains("done").doesNotContain("secret.key", "held open by the gateway");
            assertThat(open.read()).isPositive();
        }
    }

    @Test
    void readOnlyBindsStayReadOnlyAndKernelKnobsAreOutOfReach() throws Exception {
        SandboxRun run = run("mount -o remount,rw / 2>&1; mount -o remount,rw " + outside + " 2>&1;"
                + " echo pwned > " + outside + "/precious.txt 2>&1; echo 1 > /proc/sys/kernel/sysrq 2>&1;"
                + " hostname evil 2>&1; echo 3 > /proc/sys/vm/drop_caches 2>&1; echo done");
        assertThat(run.stdout()).contains("done");
        assertThat(outside.resolve("precious.txt")).hasContent("keep me");
        assertThat(InetAddress.getLocalHost().getHostName()).isNotEqualTo("evil");
    }

    @Test
    void aForkBombIsHeldByTheProcessLimitAndCleanedUp() throws Exception {
        SandboxSpec spec = SandboxSpec.defaults(home).withLimits(30, 1L << 30, Duration.ofSeconds(8), 64);
        List<Path> before = leftoverCgroups();
        long start = System.nanoTime();
        SandboxRun run = run("bomb() { bomb | bomb & }; bomb; sleep 5; echo survived", spec);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
        // The host still starts processes, and nothing of the bomb is left behind.
        Process probe = new ProcessBuilder("true").start();
        assertThat(probe.waitFor(10, TimeUnit.SECONDS)).isTrue();
        if (isRoot()) {
            assertThat(leftoverCgroups()).as("per-run cgroups are removed").isSubsetOf(before);
        }
        assertThat(run.effects().isEmpty()).isTrue();
    }

    @Test
    void aMemoryBombIsStoppedAtTheLimit() throws Exception {
        SandboxSpec spec = SandboxSpec.defaults(home).withLimits(30, 128L << 20, Duration.ofSeconds(30), 64);
        SandboxRun run = run("python3 -c 'b = bytearray(1 << 30); print(\"allocated\", len(b))'; echo exit=$?", spec);
        assertThat(run.stdout()).doesNotContain("allocated").containsPattern("exit=(1|137)");
    }

    private static boolean isRoot() throws Exception {
        return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
    }

    private static List<Path> leftoverCgroups() throws Exception {
        Path pids = Path.of("/sys/fs/cgroup/pids");
        if (!Files.isDirectory(pids)) {
            return List.of();
        }
        try (Stream<Path> groups = Files.walk(pids, 3)) {
            return groups.filter(p -> p.getFileName().toString().startsWith("airlock-sandbox-")).toList();
        }
    }

}
