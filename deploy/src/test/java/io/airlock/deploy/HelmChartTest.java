package io.airlock.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.airlock.proxy.config.AirlockConfig;
import io.airlock.proxy.config.ConfigLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The Helm chart, rendered (see {@link ChartRenderer}), and the objects it makes checked against each other. */
class HelmChartTest {

    private static final Path CHART = DeployFiles.dir().resolve("helm/airlock");
    private static final String TOKEN = "test-admin-token-0123456789abcdef";

    private static Map<String, JsonNode> render(String overrides) throws Exception {
        List<JsonNode> objects = new ChartRenderer(CHART, "team", ChartRenderer.YAML.readTree(overrides)).objects();
        for (JsonNode o : objects) {
            assertThat(o.path("apiVersion").asText()).as("apiVersion of %s", o).isNotEmpty();
            assertThat(o.path("metadata").path("name").asText()).as("name of %s", o).startsWith("team-airlock");
        }
        return objects.stream().collect(Collectors.toMap(o -> o.path("kind").asText(), o -> o));
    }

    private static JsonNode container(JsonNode deployment, String name) {
        for (JsonNode c : deployment.path("spec").path("template").path("spec").path("containers")) {
            if (c.path("name").asText().equals(name)) {
                return c;
            }
        }
        throw new AssertionError("no container " + name);
    }

    private static int port(JsonNode container, String name) {
        for (JsonNode p : container.path("ports")) {
            if (p.path("name").asText().equals(name)) {
                return p.path("containerPort").asInt();
            }
        }
        throw new AssertionError("no port " + name);
    }

    private static JsonNode volume(JsonNode deployment, String name) {
        for (JsonNode v : deployment.path("spec").path("template").path("spec").path("volumes")) {
            if (v.path("name").asText().equals(name)) {
                return v;
            }
        }
        throw new AssertionError("no volume " + name);
    }

    @Test
    void defaultsRenderAConsistentDeployment() throws Exception {
        Map<String, JsonNode> objects = render("{adminToken: {value: " + TOKEN + "}}");
        assertThat(objects).containsOnlyKeys("ConfigMap", "Secret", "Service", "PersistentVolumeClaim", "Deployment");
        JsonNode deployment = objects.get("Deployment");
        JsonNode airlock = container(deployment, "airlock");

        // Probes: liveness on /healthz, readiness on /readyz, both on the admin port, no token needed.
        assertThat(airlock.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/healthz");
        assertThat(airlock.at("/livenessProbe/httpGet/port").asText()).isEqualTo("admin");
        assertThat(airlock.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/readyz");
        assertThat(airlock.at("/readinessProbe/httpGet/port").asText()).isEqualTo("admin");

        // The config in the ConfigMap is a valid airlock.yaml, and its ports and files match the pod's.
        JsonNode configMap = objects.get("ConfigMap");
        AirlockConfig config = ConfigLoader.parse(configMap.at("/data/airlock.yaml").asText(), "chart",
                Path.of("/etc/airlock"));
        assertThat(config.port()).isEqualTo(port(airlock, "mcp"));
        assertThat(config.operator().adminPortFor(config.port())).isEqualTo(port(airlock, "admin"));
        assertThat(config.operator().adminHost()).isEqualTo("0.0.0.0");
        assertThat(config.operator().tokenFile()).isEqualTo(Path.of("/var/lib/airlock/admin-token"));
        assertThat(config.receipts().dir()).startsWithRaw(Path.of("/var/lib/airlock"));
        assertThat(volume(deployment, "config").at("/configMap/name").asText())
                .isEqualTo(configMap.at("/metadata/name").asText());
        assertThat(airlock.path("args").toString()).contains("/etc/airlock/airlock.yaml");

        // The admin token: a Secret, copied (0600) by the init container to where the config reads it.
        JsonNode secret = objects.get("Secret");
        assertThat(new String(Base64.getDecoder().decode(secret.at("/data/admin-token").asText()),
                StandardCharsets.UTF_8)).isEqualTo(TOKEN);
        assertThat(volume(deployment, "tokens").at("/secret/secretName").asText())
                .isEqualTo(secret.at("/metadata/name").asText());
        JsonNode init = deployment.at("/spec/template/spec/initContainers/0");
        assertThat(init.path("command").toString()).contains("install -m 600 /run/secrets/airlock/admin-token "
                + config.operator().tokenFile());

        // State on the claim; non-root, read-only root file system.
        assertThat(volume(deployment, "state").at("/persistentVolumeClaim/claimName").asText())
                .isEqualTo(objects.get("PersistentVolumeClaim").at("/metadata/name").asText());
        assertThat(deployment.at("/spec/template/spec/securityContext/runAsNonRoot").asBoolean()).isTrue();
        assertThat(deployment.at("/spec/template/spec/securityContext/runAsUser").asInt()).isEqualTo(10001);
        assertThat(airlock.at("/securityContext/readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(airlock.at("/securityContext/allowPrivilegeEscalation").asBoolean()).isFalse();

        // Service: session affinity for Streamable HTTP sessions; its selector picks the pods.
        JsonNode service = objects.get("Service");
        assertThat(service.at("/spec/sessionAffinity").asText()).isEqualTo("ClientIP");
        assertThat(service.at("/spec/sessionAffinityConfig/clientIP/timeoutSeconds").asInt()).isEqualTo(10800);
        JsonNode podLabels = deployment.at("/spec/template/metadata/labels");
        service.at("/spec/selector").fields().forEachRemaining(e ->
                assertThat(podLabels.path(e.getKey()).asText()).isEqualTo(e.getValue().asText()));
        assertThat(deployment.at("/spec/selector/matchLabels")).isEqualTo(service.at("/spec/selector"));
        assertThat(deployment.at("/spec/template/metadata/annotations/checksum~1config").asText()).hasSize(64);
    }

    @Test
    void anExistingSecretAndNoPersistence() throws Exception {
        Map<String, JsonNode> objects = render("""
                {adminToken: {existingSecret: airlock-admin}, persistence: {enabled: false},
                 service: {sessionAffinity: None}}""");
        assertThat(objects).containsOnlyKeys("ConfigMap", "Service", "Deployment");
        JsonNode deployment = objects.get("Deployment");
        assertThat(volume(deployment, "tokens").at("/secret/secretName").asText()).isEqualTo("airlock-admin");
        assertThat(volume(deployment, "state").has("emptyDir")).isTrue();
        assertThat(objects.get("Service").at("/spec/sessionAffinity").asText()).isEqualTo("None");
        assertThat(objects.get("Service").at("/spec").has("sessionAffinityConfig")).isFalse();
    }

    @Test
    void aMetricsTokenGoesIntoTheSecret() throws Exception {
        JsonNode secret = render("{adminToken: {value: " + TOKEN + "}, metricsToken: {value: metrics-0123456789}}")
                .get("Secret");
        assertThat(new String(Base64.getDecoder().decode(secret.at("/data/metrics-token").asText()),
                StandardCharsets.UTF_8)).isEqualTo("metrics-0123456789");
    }

    @Test
    void withoutATokenTheChartRefusesToRender() {
        assertThatThrownBy(() -> render("{}")).isInstanceOf(ChartRenderer.RenderException.class)
                .hasMessageContaining("set adminToken.value or adminToken.existingSecret");
    }
}
