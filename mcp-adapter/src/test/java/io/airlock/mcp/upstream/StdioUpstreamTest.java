package io.airlock.mcp.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.airlock.mcp.jsonrpc.JsonRpcId;
import io.airlock.mcp.jsonrpc.JsonRpcMessage;
import io.airlock.mcp.jsonrpc.JsonRpcParser;
import io.airlock.mcp.jsonrpc.ParseLimits;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StdioUpstreamTest {

    private static final JsonRpcParser PARSER = new JsonRpcParser(ParseLimits.DEFAULT);
    private static final String ECHO = "while IFS= read -r l; do printf '%s\\n' \"$l\"; done";

    private final List<StdioUpstream> started = new ArrayList<>();

    @TempDir
    Path tmp;

    @AfterEach
    void closeAll() {
        started.forEach(StdioUpstream::close);
    }

    private StdioUpstream start(RecordingListener listener, Map<String, String> env, Path cwd, String... command)
            throws UpstreamException {
        StdioUpstream upstream = new StdioUpstream("test", new UpstreamSpec.Stdio(List.of(command), cwd, env), PARSER);
        started.add(upstream);
        upstream.start(listener);
        return upstream;
    }

    private StdioUpstream sh(RecordingListener listener, String script) throws UpstreamException {
        return start(listener, Map.of(), null, "sh", "-c", script);
    }

    private static JsonRpcMessage message(String json) throws Exception {
        return PARSER.parseMessage(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String text(JsonRpcMessage m) {
        return new String(m.raw(), StandardCharsets.UTF_8);
    }

    // (a) ------------------------------------------------------------------------------------------------------

    @Test
    void echoedMessagesArriveByteIdentical() throws Exception {
        RecordingListener listener = new RecordingListener();
        StdioUpstream upstream = sh(listener, ECHO);
        List<String> sent = List.of(
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"x\":1.0e3,\"big\":123456789012345678901234567890}}",
                "{ \"jsonrpc\" : \"2.0\" , \"method\" : \"notifications/initialized\", \"u\":\"\\u00e9é😀\" }",
                "{\"jsonrpc\":\"2.0\",\"id\":\"s\",\"result\":{\"unknown\":[true,null,-0.0]}}");
        for (String json : sent) {
            upstream.send(message(json));
        }
        for (String json : sent) {
            RecordingListener.Delivery d = listener.next();
            assertThat(text(d.message())).isEqualTo(json);
            assertThat(d.message().raw()).isEqualTo(json.getBytes(StandardCharsets.UTF_8));
            assertThat(d.relatedTo()).isNull();
        }
        assertThat(upstream.describe()).contains("pid " + upstream.process().pid());
    }

    @Test
    void manyMessagesInABurstArriveInOrder() throws Exception {
        RecordingListener listener = new RecordingListener();
        StdioUpstream upstream = sh(listener, ECHO);
        for (int i = 0; i < 300; i++) {
            upstream.send(message("{\"jsonrpc\":\"2.0\",\"id\":" + i + ",\"method\":\"ping\"}"));
        }
        for (int i = 0; i < 300; i++) {
            JsonRpcMessage m = listener.next().message();
            assertThat(((JsonRpcMessage.Request) m).id()).isEqualTo(JsonRpcId.of(i));
        }
    }

    @Test
    void prettyPrintedMessagesAreFoldedOntoOneLine() throws Exception {
        RecordingListener listener = new RecordingListener();
        StdioUpstream upstream = sh(listener, ECHO);
        String pretty = "{\n  \"jsonrpc\": \"2.0\",\r\n  \"id\": 5,\n  \"method\": \"tools/call\",\n"
                + "  \"params\": {\"text\": \"line1\\nline2\"}\n}";
        upstream.send(message(pretty));
        // a following message proves the pretty one did not swallow or split lines
        upstream.send(message("{\"jsonrpc\":\"2.0\",\"method\":\"after\"}"));
        JsonRpcMessage echoed = listener.next().message();
        assertThat(text(echoed)).isEqualTo(pretty.replace('\r', ' ').replace('\n', ' '));
        assertThat(text(echoed)).doesNotContain("\n").contains("line1\\nline2");
        assertThat(((JsonRpcMessage.Request) echoed).id()).isEqualTo(JsonRpcId.of(5));
        assertThat(((JsonRpcMessage.Notification) listener.next().message()).method()).isEqualTo("after");
        assertThat(listener.deliveries).isEmpty();
    }

    // (b) ------------------------------------------------------------------------------------------------------

    @Test
    void strayStdoutLinesAreSkipped() throws Exception {
        RecordingListener listener = new RecordingListener();
        sh(listener, "echo 'Server starting on stdio...'; echo '{\"jsonrpc\":\"2.0\",\"method\":\"one\"}';"
                + " echo '   '; echo '{not json'; echo '[1,2]'; echo '{\"jsonrpc\":\"2.0\",\"method\":\"two\"}';"
                + " sleep 30");
        assertThat(((JsonRpcMessage.Notification) listener.next().message()).method()).isEqualTo("one");
        assertThat(((JsonRpcMessage.Notification) listener.next().message()).method()).isEqualTo("two");
        assertThat(listener.closed).isEmpty();
    }

    // (c) ------------------------------------------------------------------------------------------------------

    @Test
    void childExitIsReportedOnceWithCodeAndStderr() throws Exception {
        for (int round = 0; round < 5; round++) { // the stderr tail must not race the exit report
            RecordingListener listener = new RecordingListener();
            StdioUpstream upstream = sh(listener, "echo 'first problem' >&2; echo 'fatal: no API key' >&2; exit 3");
            await().atMost(Duration.ofSeconds(5)).until(() -> !listener.closed.isEmpty());
            Thread.sleep(100);
            assertThat(listener.closed).hasSize(1);
            assertThat(listener.closed.getFirst()).contains("code 3").contains("fatal: no API key");
            upstream.close();
            assertThatThrownBy(() -> upstream.send(message("{\"jsonrpc\":\"2.0\",\"method\":\"x\"}")))
                    .isInstanceOf(UpstreamException.class).hasMessageContaining("closed");
            assertThat(listener.closed).hasSize(1);
        }
    }

    @Test
    void closeReportsClosedAtMostOnce() throws Exception {
        RecordingListener listener = new RecordingListener();
        StdioUpstream upstream = sh(listener, ECHO);
        upstream.close();
        upstream.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> !upstream.process().isAlive());
        Thread.sleep(200);
        assertThat(listener.closed).hasSizeLessThanOrEqualTo(1);
    }

    // (d) ------------------------------------------------------------------------------------------------------

    @Test
    void closeKillsTheWholeProcessTree() throws Exception {
        RecordingListener listener = new RecordingListener();
        StdioUpstream upstream = sh(listener, "sleep 300 & sleep 300 & wait");
        Process process = upstream.process();
        await().atMost(Duration.ofSeconds(5)).until(() -> process.descendants().count() >= 2);
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        tree.add(process.toHandle());
        upstream.close();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(tree).noneMatch(ProcessHandle::isAlive));
    }

    @Test
    void closeKillsOrphanedGrandchildrenInTheProcessGroup() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setsid")) || Files.isExecutable(Path.of("/bin/setsid")),
                "process groups need setsid");
        // The grandchild is re-parented away from the server (double fork), so only the process group finds it.
        Path script = tmp.resolve("server.sh");
        Files.writeString(script, """
                sh -c 'sleep 300 >/dev/null 2>&1 </dev/null & echo $!' > "$1"
                printf '{"jsonrpc":"2.0","method":"ready"}\\n'
                sleep 300
                """);
        Path pidFile = tmp.resolve("orphan.pid");
        RecordingListener listener = new RecordingListener();
        StdioUpstream upstream = start(listener, Map.of(), null, "sh", script.toString(), pidFile.toString());
        assertThat(((JsonRpcMessage.Notification) listener.next().message()).method()).isEqualTo("ready");
        long orphanPid = Long.parseLong(Files.readString(pidFile).strip());
        ProcessHandle orphan = ProcessHandle.of(orphanPid).orElseThrow();
        assertThat(orphan.isAlive()).isTrue();
        assertThat(upstream.process().descendants().map(ProcessHandle::pid).toList())
                .as("the orphan is no longer a descendant").doesNotContain(orphanPid);
        upstream.close();
        await().atMost(Duration.ofSeconds(6)).until(() -> !orphan.isAlive());
    }

    // (e) ------------------------------------------------------------------------------------------------------

    @Test
    void childEnvironmentIsMinimalPlusConfigured() {
        Map<String, String> gateway = new HashMap<>();
        gateway.put("PATH", "/opt/bin:/usr/bin");
        gateway.put("HOME", "/home/gw");
        gateway.put("LANG", "C.UTF-8");
        gateway.put("AIRLOCK_ADMIN_TOKEN", "secret");
        gateway.put("AWS_SECRET_ACCESS_KEY", "also-secret");
        Map<String, String> env = StdioUpstream.childEnvironment(gateway, Map.of("FOO", "bar", "HOME", "/srv"));
        assertThat(env).containsEntry("PATH", "/opt/bin:/usr/bin").containsEntry("LANG", "C.UTF-8")
                .containsEntry("FOO", "bar").containsEntry("HOME", "/srv")
                .doesNotContainKeys("AIRLOCK_ADMIN_TOKEN", "AWS_SECRET_ACCESS_KEY");
        assertThat(StdioUpstream.BASE_ENVIRONMENT).containsAll(env.keySet().stream()
                .filter(k -> !k.equals("FOO")).toList());
    }

    @Test
    void childEnvironmentHasADefaultPath() {
        assertThat(StdioUpstream.childEnvironment(Map.of(), Map.of())).containsOnlyKeys("PATH");
        assertThat(StdioUpstream.childEnvironment(Map.of(), Map.of("PATH", "/x"))).containsEntry("PATH", "/x");
    }

    @Test
    void childSeesConfiguredButNotGatewayOnlyVariables() throws Exception {
        // e.g. JAVA_HOME or MAVEN_*: set for the test JVM (the "gateway"), not meant for upstreams
        List<String> gatewayOnly = System.getenv().keySet().stream()
                .filter(k -> k.matches("[A-Za-z_][A-Za-z0-9_]*"))
                .filter(k -> !StdioUpstream.BASE_ENVIRONMENT.contains(k))
                .filter(k -> !Set.of("FOO", "PWD", "SHLVL", "OLDPWD", "_").contains(k))
                .toList();
        RecordingListener listener = new RecordingListener();
        start(listener, Map.of("FOO", "bar baz"), null, "sh", "-c",
                "for k in $(env | sed -n 's/^\\([A-Za-z_][A-Za-z0-9_]*\\)=.*/\\1/p'); do"
                        + " printf '{\"jsonrpc\":\"2.0\",\"method\":\"var\",\"params\":{\"name\":\"%s\"}}\\n' \"$k\"; done;"
                        + " printf '{\"jsonrpc\":\"2.0\",\"method\":\"foo\",\"params\":{\"value\":\"%s\"}}\\n' \"$FOO\"");
        List<String> names = new ArrayList<>();
        String foo;
        while (true) {
            JsonRpcMessage.Notification n = (JsonRpcMessage.Notification) listener.next().message();
            if (n.method().equals("foo")) {
                foo = n.params().get("value").textValue();
                break;
            }
            names.add(n.params().get("name").textValue());
        }
        assertThat(foo).isEqualTo("bar baz");
        assertThat(names).contains("FOO", "PATH").doesNotContainAnyElementsOf(gatewayOnly);
        Set<String> unexpected = names.stream()
                .filter(k -> !StdioUpstream.BASE_ENVIRONMENT.contains(k))
                .filter(k -> !Set.of("FOO", "PWD", "SHLVL", "OLDPWD", "_").contains(k))
                .collect(Collectors.toSet());
        assertThat(unexpected).as("only base, configured and shell-set variables").isEmpty();
    }

    @Test
    void childRunsInTheConfiguredDirectory() throws Exception {
        RecordingListener listener = new RecordingListener();
        start(listener, Map.of(), tmp, "sh", "-c",
                "printf '{\"jsonrpc\":\"2.0\",\"method\":\"cwd\",\"params\":{\"dir\":\"%s\"}}\\n' \"$(pwd -P)\"");
        JsonRpcMessage.Notification n = (JsonRpcMessage.Notification) listener.next().message();
        assertThat(Path.of(n.params().get("dir").textValue())).isEqualTo(tmp.toRealPath());
    }

    // (f) ------------------------------------------------------------------------------------------------------

    @Test
    void missingProgramIsReportedUpFront() {
        RecordingListener listener = new RecordingListener();
        assertThatThrownBy(() -> start(listener, Map.of(), null, "airlock-no-such-program-xyz", "--stdio"))
                .isInstanceOf(UpstreamException.class)
                .hasMessageContaining("not found on PATH")
                .hasMessageContaining("airlock-no-such-program-xyz");
        assertThatThrownBy(() -> start(listener, Map.of("PATH", tmp.toString()), null, "sh", "-c", "true"))
                .isInstanceOf(UpstreamException.class).hasMessageContaining("not found on PATH");
        assertThatThrownBy(() -> start(listener, Map.of(), null, "/no/such/dir/server"))
                .isInstanceOf(UpstreamException.class).hasMessageContaining("/no/such/dir/server");
        assertThat(listener.closed).isEmpty();
    }

    @Test
    void nonExistentCwdIsReported() {
        RecordingListener listener = new RecordingListener();
        Path missing = tmp.resolve("does-not-exist");
        assertThatThrownBy(() -> start(listener, Map.of(), missing, "sh", "-c", "true"))
                .isInstanceOf(UpstreamException.class).hasMessageContaining(missing.toString());
        assertThatThrownBy(() -> start(listener, Map.of(), missing, "./server.sh"))
                .isInstanceOf(UpstreamException.class);
    }

    @Test
    void relativeProgramResolvesAgainstCwd() throws Exception {
        Path script = tmp.resolve("server.sh");
        Files.writeString(script, "#!/bin/sh\nprintf '{\"jsonrpc\":\"2.0\",\"method\":\"hi\"}\\n'\nsleep 30\n");
        assertThat(script.toFile().setExecutable(true)).isTrue();
        RecordingListener listener = new RecordingListener();
        start(listener, Map.of(), tmp, "./server.sh");
        assertThat(((JsonRpcMessage.Notification) listener.next().message()).method()).isEqualTo("hi");
        assertThat(listener.deliveries.poll(100, TimeUnit.MILLISECONDS)).isNull();
    }
}
