package io.airlock.proxy.onboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Codex's TOML is edited by text: only the rewritten tables change, and the result must mean what was intended. */
class CodexTomlTest {

    private static final String TEXT = """
            # keep me
            model = "o4-mini"

            [mcp_servers."my.docs"]   # a quoted name with a dot
            command = "npx"
            args = [
              "-y",
              "docs-server",   # a comment in a multi-line array
            ]
            tool_timeout_sec = 30.5

            [mcp_servers."my.docs".env]
            KEY = "v"

            [mcp_servers.other]
            command = "other"

            [[profiles_list]]
            name = "x"
            """;

    @Test
    void onlyTheRewrittenTableChangesAndTheResultIsChecked() throws Exception {
        CodexToml toml = CodexToml.parse(TEXT.getBytes(StandardCharsets.UTF_8), Path.of("config.toml"));
        ObjectNode entry = JsonNodeFactory.instance.objectNode().put("url", "http://127.0.0.1:8787/mcp/my.docs");
        entry.putObject("http_headers").put("Authorization", "Bearer alk_x");
        entry.put("tool_timeout_sec", new java.math.BigDecimal("30.5")); // as the TOML parser reads it
        String out = new String(toml.rewrite(Map.of("my.docs", entry)), StandardCharsets.UTF_8);

        assertThat(out).startsWith("# keep me\nmodel = \"o4-mini\"\n\n[mcp_servers.\"my.docs\"]\nurl = ")
                .contains("\n\n[mcp_servers.other]\ncommand = \"other\"\n\n[[profiles_list]]\nname = \"x\"\n")
                .doesNotContain("docs-server").doesNotContain("KEY = ");
        JsonNode parsed = new TomlMapper().readTree(out);
        assertThat(parsed.path("mcp_servers").path("my.docs").path("http_headers").path("Authorization").asText())
                .isEqualTo("Bearer alk_x");
        assertThat(parsed.path("mcp_servers").path("my.docs").path("tool_timeout_sec").asDouble()).isEqualTo(30.5);
        assertThat(parsed.path("mcp_servers").path("other").path("command").asText()).isEqualTo("other");
        assertThat(parsed.path("profiles_list").get(0).path("name").asText()).isEqualTo("x");
    }

    @Test
    void stringsAreEscapedSoTheyReadBackAsWritten() throws Exception {
        CodexToml toml = CodexToml.parse("[mcp_servers.a]\ncommand = \"x\"\n".getBytes(StandardCharsets.UTF_8),
                Path.of("config.toml"));
        ObjectNode entry = JsonNodeFactory.instance.objectNode().put("url", "http://h/mcp/a");
        entry.putObject("http_headers").put("X-Odd \"key\"", "tab\there \\ \"quoted\" \u0001");
        String out = new String(toml.rewrite(Map.of("a", entry)), StandardCharsets.UTF_8);
        assertThat(new TomlMapper().readTree(out).path("mcp_servers").path("a").path("http_headers")
                .path("X-Odd \"key\"").asText()).isEqualTo("tab\there \\ \"quoted\" \u0001");
    }
}
