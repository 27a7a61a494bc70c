package io.airlock.workbench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.modelcontextprotocol.json.McpJsonDefaults;
import org.junit.jupiter.api.Test;

class StdinGuardTest {

    @Test
    void passesValidMessagesAndAnswersOrSkipsTheRest() throws Exception {
        String input = String.join("\n",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}",
                "",
                "   ",
                "not json",
                "{\"jsonrpc\":\"2.0\",\"id\":7}",
                "[1,2]",
                "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\r",
                "{\"jsonrpc\":\"2.0\",\r\"id\":2,\"method\":\"ping\"}",
                "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"x\",\"params\":{\"p\":\"" + "a".repeat(200) + "\"}}",
                "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"ping\"}"); // no trailing newline
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AtomicInteger eofs = new AtomicInteger();
        StdinGuard guard = new StdinGuard(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), out,
                McpJsonDefaults.getMapper(), 150, new Traffic(), Duration.ofMillis(100), eofs::incrementAndGet);

        List<String> passed = new BufferedReader(new InputStreamReader(guard, StandardCharsets.UTF_8)).lines().toList();

        assertThat(passed).containsExactly(
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}",
                "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}",
                "{\"jsonrpc\":\"2.0\", \"id\":2,\"method\":\"ping\"}",
                "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"ping\"}");
        assertThat(eofs).hasValue(1);

        List<String> replies = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(replies).hasSize(4);
        assertThat(replies.get(0)).contains("\"id\":null").contains("-32700");
        assertThat(replies.get(1)).contains("\"id\":7").contains("-32600");
        assertThat(replies.get(2)).contains("\"id\":null").contains("-32700");
        assertThat(replies.get(3)).contains("\"id\":null").contains("-32600").contains("too large");
    }

    @Test
    void trafficIsIdleOnlyWhenEveryRequestIsAnsweredAndWritten() throws Exception {
        Traffic t = new Traffic();
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        var out = t.countLines(sink);
        assertThat(t.idle()).isTrue();

        t.requestIn();
        assertThat(t.idle()).isFalse();
        assertThat(t.awaitIdle(Duration.ofMillis(20))).isFalse();

        t.queued(false); // a notification does not answer the request
        out.write("{\"method\":\"n\"}\n".getBytes(StandardCharsets.UTF_8));
        assertThat(t.idle()).isFalse();

        t.queued(true);
        assertThat(t.idle()).as("answered but not yet written").isFalse();
        Thread writer = Thread.ofPlatform().start(() -> {
            try {
                Thread.sleep(50);
                out.write("{\"id\":1,\"result\":{}}".getBytes(StandardCharsets.UTF_8));
                out.write('\n');
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        assertThat(t.awaitIdle(Duration.ofSeconds(5))).isTrue();
        writer.join();
    }
}
