package io.airlock.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.airlock.proxy.config.AirlockConfig;
import io.airlock.proxy.config.ConfigLoader;
import io.airlock.proxy.config.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the linters cannot know: the compose file, the Dockerfile and the systemd unit agree with each other and with
 * Airlock (its config loader, its ports, its state directory). Schema and lint checks: scripts/check-deploy.sh.
 */
class ComposeAndImageTest {

    private static final Path DEPLOY = DeployFiles.dir();

    @Test
    void composeRunsAirlockInFrontOfARealNpmServer() throws Exception {
        JsonNode compose = ChartRenderer.YAML.readTree(DEPLOY.resolve("compose/docker-compose.yml").toFile());
        JsonNode airlock = compose.at("/services/airlock");
        AirlockConfig config = ConfigLoader.load(DEPLOY.resolve("compose/airlock.yaml"));

        // The stdio server is the npm package the image installs; the HTTP one is a compose service.
        ServerConfig.Stdio stdio = (ServerConfig.Stdio) config.servers().get("everything").transport();
        assertThat(stdio.command()).containsExactly("mcp-server-everything", "stdio");
        assertThat(Files.readString(DEPLOY.resolve("Dockerfile"))).contains("@modelcontextprotocol/server-everything@");
        ServerConfig.Http http = (ServerConfig.Http) config.servers().get("everything-http").transport();
        JsonNode upstream = compose.at("/services").path(http.url().getHost());
        assertThat(upstream.isObject()).as("a compose service named %s", http.url().getHost()).isTrue();
        assertThat(upstream.at("/environment/PORT").asText()).isEqualTo(Integer.toString(http.url().getPort()));
        assertThat(upstream.path("entrypoint").toString()).contains("streamableHttp");

        // Published on loopback only, on the ports the config listens on.
        List<String> ports = new ArrayList<>();
        airlock.path("ports").forEach(p -> ports.add(p.asText()));
        assertThat(ports).containsExactlyInAnyOrder("127.0.0.1:" + config.port() + ":" + config.port(),
                "127.0.0.1:" + config.operator().adminPortFor(config.port()) + ":"
                        + config.operator().adminPortFor(config.port()));
        assertThat(airlock.path("volumes").toString()).contains("./airlock.yaml:/etc/airlock/airlock.yaml:ro")
                .contains(":/var/lib/airlock");
        assertThat(config.receipts().dir()).startsWithRaw(Path.of("/var/lib/airlock"));
        assertThat(config.operator().tokenFile()).startsWithRaw(Path.of("/var/lib/airlock"));
        assertThat(airlock.path("read_only").asBoolean()).isTrue();
        assertThat(airlock.path("cap_drop").toString()).contains("ALL");
        assertThat(airlock.at("/healthcheck/test").toString()).contains("/readyz");
    }

    @Test
    void theImageBuildsWithTheWrapperAndRunsAsANonRootUserWithBubblewrapAndNode() throws Exception {
        List<String> lines = logicalLines(Files.readString(DEPLOY.resolve("Dockerfile")));
        Map<String, List<String>> stages = new LinkedHashMap<>();
        List<String> current = null;
        for (String line : lines) {
            if (line.startsWith("FROM ")) {
                current = new ArrayList<>();
                stages.put(line, current);
            }
            if (current != null) {
                current.add(line);
            }
        }
        assertThat(stages.keySet()).contains("FROM eclipse-temurin:25-jdk AS build",
                "FROM eclipse-temurin:25-jre AS runtime");
        List<String> build = stages.get("FROM eclipse-temurin:25-jdk AS build");
        assertThat(build).anyMatch(l -> l.startsWith("RUN ./mvnw ") && l.contains("package"));
        List<String> runtime = stages.get("FROM eclipse-temurin:25-jre AS runtime");
        assertThat(runtime).anyMatch(l -> l.startsWith("RUN apt-get") && l.contains("bubblewrap"));
        assertThat(runtime).anyMatch(l -> l.startsWith("COPY --from=node /usr/local/bin/node "));
        String user = runtime.stream().filter(l -> l.startsWith("USER ")).reduce((a, b) -> b).orElseThrow();
        assertThat(user.substring(5).split(":")[0]).isNotIn("0", "root");
        assertThat(runtime.getLast()).startsWith("CMD [\"serve\"");
        assertThat(runtime).anyMatch(l -> l.startsWith("ENTRYPOINT ") && l.contains("--enable-native-access"));
        assertThat(runtime).anyMatch(l -> l.startsWith("HEALTHCHECK ") && l.contains("/healthz"));
        // The config baked into the image is the compose one, checked above.
        assertThat(runtime).contains("COPY deploy/compose/airlock.yaml /etc/airlock/airlock.yaml");
    }

    @Test
    void theSystemdUnitIsHardenedAndRunsTheJar() throws Exception {
        Map<String, List<String>> service = new LinkedHashMap<>();
        String section = "";
        for (String line : logicalLines(Files.readString(DEPLOY.resolve("systemd/airlock.service")))) {
            if (line.startsWith("[")) {
                section = line;
            } else if (section.equals("[Service]") && line.contains("=")) {
                service.computeIfAbsent(line.substring(0, line.indexOf('=')), k -> new ArrayList<>())
                        .add(line.substring(line.indexOf('=') + 1));
            }
        }
        assertThat(service.get("User")).containsExactly("airlock");
        assertThat(service.get("ExecStart").getFirst()).contains("-jar /opt/airlock/airlock.jar serve");
        for (String key : List.of("NoNewPrivileges", "ProtectHome", "PrivateTmp", "PrivateDevices",
                "ProtectKernelTunables", "ProtectKernelModules", "ProtectControlGroups", "RestrictSUIDSGID",
                "LockPersonality")) {
            assertThat(service.get(key)).as(key).containsExactly("yes");
        }
        assertThat(service.get("ProtectSystem")).containsExactly("strict");
        assertThat(service.get("CapabilityBoundingSet")).containsExactly("");
        assertThat(service.get("StateDirectory")).containsExactly("airlock");
        assertThat(service.get("Environment")).contains("AIRLOCK_STATE_DIR=/var/lib/airlock");
        // The JIT needs writable+executable memory: this must never be switched on.
        assertThat(service.get("MemoryDenyWriteExecute")).containsExactly("no");
    }

    /** Lines without comments, with backslash continuations joined. */
    private static List<String> logicalLines(String text) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (cur.isEmpty() && (line.startsWith("#") || line.isEmpty())) {
                continue;
            }
            if (line.endsWith("\\")) {
                cur.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            cur.append(line);
            out.add(cur.toString().replaceAll("\\s+", " ").strip());
            cur.setLength(0);
        }
        return out;
    }
}
