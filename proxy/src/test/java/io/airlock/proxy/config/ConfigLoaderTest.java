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
        "admin listen no port   | 'admin: {listen: x}\nservers: {a: {command: x}}'        | admin.listen: 'x'",
        "admin unknown field    | 'admin: {tokn: x}\nservers: {a: {command: x}}'          | admin.tokn: unknown field",
        "hold timeout zero      | 'operator: {holdTimeoutSeconds: 0}\nservers: {a: {command: x}}' | operator.holdTimeoutSeconds: 0",
        "max held not a number  | 'operator: {maxHeld: many}\nservers: {a: {command: x}}' | operator.maxHeld",
    })
    void invalidConfigsNameTheFieldAndTheProblem(String name, String yaml, String expected) {
        assertThatThrownBy(() -> ConfigLoader.parse(yaml.replace("\\n", "\n"), "airlock.yaml", BASE))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("airlock.yaml: ")
                .hasMessageContaining(expected);
    }

    @Test
    void theOperatorTierHasSafeDefaultsAndCanBeConfiguredOrTurnedOff() throws Exception {
        AirlockConfig defaults = ConfigLoader.parse("listen: 127.0.0.1:9000\nservers: {a: {command: x}}", "t", BASE);
        assertThat(defaults.operator().adminHost()).isEqualTo("127.0.0.1");
        assertThat(defaults.operator().adminPortFor(9000)).isEqualTo(9001);
        assertThat(defaults.operator().adminPortFor(0)).isZero();
        assertThat(defaults.operator().holdTimeoutSeconds()).isEqualTo(600);
        assertThat(defaults.operator().maxHeld()).isEqualTo(256);

        AirlockConfig configured = ConfigLoader.parse("""
                admin: {listen: "127.0.0.1:7000", tokenFile: state/token}
                operator: {holdTimeoutSeconds: 30, maxHeld: 5, rememberFile: state/remembered.yaml}
                servers: {a: {command: x}}
                """, "t", BASE);
        assertThat(configured.operator().adminPortFor(9000)).isEqualTo(7000);
        assertThat(configured.operator().tokenFile()).isEqualTo(BASE.resolve("state/token"));
        assertThat(configured.operator().holdTimeoutSeconds()).isEqualTo(30);
        assertThat(configured.operator().rememberFile()).isEqualTo(BASE.resolve("state/remembered.yaml"));

        AirlockConfig off = ConfigLoader.parse("admin: {listen: off}\nservers: {a: {command: x}}", "t", BASE);
        assertThat(off.operator().adminEnabled()).isFalse();
    }

    @Test
    void aMissingFileIsNamed() {
        assertThatThrownBy(() -> ConfigLoader.load(Path.of("/nonexistent/airlock.yaml")))
                .hasMessage("/nonexistent/airlock.yaml: no such file");
    }
}
