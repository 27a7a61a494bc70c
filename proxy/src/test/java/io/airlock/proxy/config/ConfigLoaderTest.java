package io.airlock.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigLoaderTest {

    private static final Path BASE = Path.of("/etc/airlock");

    @Test
    void readsEveryKindOfServer() throws Exception {
        AirlockConfig config = ConfigLoader.parse("""
                listen: 127.0.0.1:9000
                allowedOrigins: [https://app.example]
                limits: {maxFrameBytes: 65536, maxInFlightPerSession: 8}
                servers:
                  shell:
                    command: npx
                    args: [-y, some-server]
                    cwd: work
                    env: {TOKEN_FILE: /run/token}
                    tools: {deny: [rm_*], allow: [run_*, read]}
                  remote:
                    url: https://mcp.example/mcp
                    headers: {X-Team: core}
                  old:
                    url: http://127.0.0.1:3000/sse
                    transport: sse
                  demo:
                    builtin: workbench
                """, "test", BASE);

        assertThat(config.host()).isEqualTo("127.0.0.1");
        assertThat(config.port()).isEqualTo(9000);
        assertThat(config.allowedOrigins()).containsExactly("https://app.example");
        assertThat(config.limits().maxFrameBytes()).isEqualTo(65536);
        assertThat(config.limits().maxInFlightPerSession()).isEqualTo(8);
        assertThat(config.limits().maxSessions()).isEqualTo(AirlockConfig.Limits.DEFAULT.maxSessions());
        assertThat(config.servers()).containsOnlyKeys("shell", "remote", "old", "demo");

        ServerConfig.Stdio shell = (ServerConfig.Stdio) config.servers().get("shell").transport();
        assertThat(shell.command()).containsExactly("npx", "-y", "some-server");
        assertThat(shell.cwd()).isEqualTo(BASE.resolve("work"));
        assertThat(shell.env()).containsEntry("TOKEN_FILE", "/run/token");
        assertThat(config.servers().get("shell").lists().tools().deny()).hasSize(1);

        ServerConfig.Http remote = (ServerConfig.Http) config.servers().get("remote").transport();
        assertThat(remote.legacySse()).isFalse();
        assertThat(remote.headers()).containsEntry("X-Team", "core");
        assertThat(((ServerConfig.Http) config.servers().get("old").transport()).legacySse()).isTrue();
        assertThat(config.servers().get("demo").transport()).isInstanceOf(ServerConfig.Workbench.class);
    }

    @Test
    void theEmbeddedDefaultIsValidAndBindsLoopback() {
        AirlockConfig config = ConfigLoader.embeddedDefault();
        assertThat(config.host()).isEqualTo("127.0.0.1");
        assertThat(config.servers()).containsKey("workbench");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "unknown top field      | servrs: {}                                              | servrs: unknown field",
        "no servers             | listen: 127.0.0.1:1                                     | servers: missing",
        "empty servers          | 'servers: {}'                                           | servers: empty",
        "two transports         | 'servers: {a: {command: x, url: http://h/}}'            | servers.a: give exactly one of",
        "no transport           | 'servers: {a: {args: [x]}}'                             | servers.a: give exactly one of",
        "unknown server field   | 'servers: {a: {command: x, comand: y}}'                 | servers.a.comand: unknown field",
        "args with url          | 'servers: {a: {url: http://h/, args: [x]}}'             | servers.a.args: does not go with 'url'",
        "bad url scheme         | 'servers: {a: {url: ftp://h/}}'                         | servers.a.url: 'ftp://h/'",
        "bad transport          | 'servers: {a: {url: http://h/, transport: ws}}'         | servers.a.transport: 'ws'",
        "args not a list        | 'servers: {a: {command: x, args: y}}'                   | servers.a.args: must be a list",
        "env value a map        | 'servers: {a: {command: x, env: {K: {v: 1}}}}'          | servers.a.env.K: must be a string",
        "bad server name        | 'servers: {\"a/b\": {command: x}}'                        | servers.a/b: invalid server name",
        "listen without port    | 'listen: localhost\nservers: {a: {command: x}}'         | listen: 'localhost' has no port",
        "port out of range      | 'listen: h:70000\nservers: {a: {command: x}}'           | listen: port 70000",
        "limit out of range     | 'limits: {maxSessions: 0}\nservers: {a: {command: x}}'  | limits.maxSessions: 0 (expected: 1 to",
        "tools list not a list  | 'servers: {a: {command: x, tools: {deny: rm}}}'         | servers.a.tools.deny: must be a list",
        "unknown builtin        | 'servers: {a: {builtin: shell}}'                        | servers.a.builtin: 'shell'",
        "not yaml               | 'servers: [unclosed'                                    | not valid YAML",
    })
    void invalidConfigsNameTheFieldAndTheProblem(String name, String yaml, String expected) {
        assertThatThrownBy(() -> ConfigLoader.parse(yaml.replace("\\n", "\n"), "airlock.yaml", BASE))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("airlock.yaml: ")
                .hasMessageContaining(expected);
    }

    @Test
    void aMissingFileIsNamed() {
        assertThatThrownBy(() -> ConfigLoader.load(Path.of("/nonexistent/airlock.yaml")))
                .hasMessage("/nonexistent/airlock.yaml: no such file");
    }
}
