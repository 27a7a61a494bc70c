package io.airlock.receipts;

import static io.airlock.receipts.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RedactorTest {

    private final Redactor redactor = Redactor.standard();

    /** Real-format (fake) secrets in the contexts agents send them: each must vanish, leaving a marker of its kind. */
    static Stream<Arguments> secrets() {
        return Stream.of(
                Arguments.of("aws configure set aws_access_key_id AKIAIOSFODNN7EXAMPLE", "AKIAIOSFODNN7EXAMPLE",
                        "aws-access-key-id"),
                Arguments.of("export AWS_ACCESS_KEY_ID=ASIAY34FZKBOKMUTVV7A", "ASIAY34FZKBOKMUTVV7A",
                        "aws-access-key-id"),
                Arguments.of("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "aws-secret-key"),
                Arguments.of("export AWS_SECRET_ACCESS_KEY=\"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\"",
                        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "aws-secret-key"),
                Arguments.of("git clone https://ghp_R7v2kQ9mXz4LpT8sW3nB6yH1cJ5dF0aGeU2i@github.com/o/r",
                        "ghp_R7v2kQ9mXz4LpT8sW3nB6yH1cJ5dF0aGeU2i", "github-token"),
                Arguments.of("GH_TOKEN=gho_16C7e42F292c6912E7710c838347Ae178B4a gh pr list",
                        "gho_16C7e42F292c6912E7710c838347Ae178B4a", "github-token"),
                Arguments.of("token ghs_abcdefghijklmnopqrstuvwxyz0123456789", "ghs_abcdefghijklmnopqrstuvwxyz0123456789",
                        "github-token"),
                Arguments.of("ghu_ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 and ghr_0123456789abcdefghijklmnopqrstuvwxyz",
                        "ghr_0123456789abcdefghijklmnopqrstuvwxyz", "github-token"),
                Arguments.of("github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUV",
                        "github_pat_11ABCDEFG0123456789_abcdefghijklmnop", "github-token"),
                Arguments.of("curl --header \"PRIVATE-TOKEN: glpat-xY9zK2mN4pQ7rS1tU3vW\" https://gitlab.com/api",
                        "glpat-xY9zK2mN4pQ7rS1tU3vW", "gitlab-token"),
                Arguments.of("SLACK_BOT_TOKEN=xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUvWx",
                        "xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUvWx", "slack-token"),
                Arguments.of("xoxp-2210535565-2210535585-2232417553-1f0b7a6c8e2d4f9a0b3c5d7e9f1a2b3c",
                        "1f0b7a6c8e2d4f9a0b3c5d7e9f1a2b3c", "slack-token"),
                Arguments.of("curl -X POST https://hooks.slack.com/services/T0AB1CD2E/B0FG3HI4J/aBcDeFgHiJkLmNoPqRsTuVwX",
                        "aBcDeFgHiJkLmNoPqRsTuVwX", "slack-webhook"),
                Arguments.of("Cookie: session=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6"
                        + "IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
                        "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c", "jwt"),
                Arguments.of("cat > id_rsa <<EOF\n-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo"
                        + "\n4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u\n-----END RSA PRIVATE "
                        + "KEY-----\nEOF", "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo", "private-key"),
                Arguments.of("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ",
                        "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ", "private-key"),
                Arguments.of("psql postgres://app:s3cr3t-P4ss@db.internal:5432/prod", "s3cr3t-P4ss", "password"),
                Arguments.of("REDIS_URL=redis://:hunter2hunter2@cache:6379/0", "hunter2hunter2", "password"),
                Arguments.of("curl -H 'Authorization: Bearer abc123def456ghi789jkl' https://api.example.com",
                        "abc123def456ghi789jkl", "authorization"),
                Arguments.of("Authorization: Basic YWxhZGRpbjpvcGVuc2VzYW1l", "YWxhZGRpbjpvcGVuc2VzYW1l",
                        "authorization"),
                Arguments.of("stripe.api_key = 'sk_live_4eC39HqLyjWDarjtT1zdp7dc'", "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
                        "stripe-key"),
                Arguments.of("?key=AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY&q=x", "AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY",
                        "google-api-key"),
                Arguments.of("OPENAI_API_KEY=sk-proj-abcDEF123ghiJKL456mnoPQR789stuVWX", "abcDEF123ghiJKL456mnoPQR789stuVWX",
                        "openai-key"),
                Arguments.of("client = OpenAI(api_key='sk-T3BlbkFJa1B2c3D4e5F6g7H8i9J0kLmNoPqRsTuVwXyZ12345')",
                        "T3BlbkFJa1B2c3D4e5F6g7H8i9J0kLmNoPqRsTuVwXyZ12345", "openai-key"),
                Arguments.of("x-api-key: sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123456789ABCD",
                        "abcdefghijklmnopqrstuvwxyz0123456789ABCD", "anthropic-key"),
                Arguments.of("//registry.npmjs.org/:_authToken=npm_abcdefghijklmnopqrstuvwxyz0123456789",
                        "npm_abcdefghijklmnopqrstuvwxyz0123456789", "npm-token"),
                Arguments.of("mysql -u root --password hunter2xyz -e 'select 1'", "hunter2xyz", "secret-value"),
                Arguments.of("PGPASSWORD=correcthorse psql -h db", "correcthorse", "secret-value"),
                Arguments.of("{\"client_secret\": \"q8Wd-Xf2_zR\"}", "q8Wd-Xf2_zR", "secret-value"),
                Arguments.of("deploy --with 9fKq2LmZ8vXr4TnW7yPc1HbJ6sDg3Qe0Ua", "9fKq2LmZ8vXr4TnW7yPc1HbJ6sDg3Qe0Ua",
                        "high-entropy"),
                Arguments.of("curl https://api.example.com/v1?sig=Zk3Nq8Rt2Wv6Yb1Cm5Hp9Lj4Xd7Gs0Fa",
                        "Zk3Nq8Rt2Wv6Yb1Cm5Hp9Lj4Xd7Gs0Fa", "high-entropy"));
    }

    @ParameterizedTest
    @MethodSource("secrets")
    void aSecretNeverAppearsInTheRedactedText(String text, String secret, String kind) {
        String redacted = redactor.redactText(text);

        assertThat(redacted).doesNotContain(secret).contains("[REDACTED:" + kind + "]");
    }

    @ParameterizedTest
    @MethodSource("secrets")
    void aSecretNeverAppearsInARedactedReceipt(String text, String secret, String kind) throws Exception {
        Receipt receipt = new Receipt("d", Fixtures.T0, "a", "s", "shell", "shell", "tools/call", "run_command",
                "sha256:" + "0".repeat(64), Fixtures.JSON.createObjectNode().put("command", text), "raw",
                List.of(new Receipt.CapabilityTag("exec", "", text)), Receipt.Outcome.DENY, 2, false, "because " + text,
                List.of(new Receipt.Step(2, Receipt.Verdict.RETRY, new Receipt.Decider.Classifier("m", "saw " + text),
                        1, text)), "r", Receipt.Upstream.notForwarded()).redactedWith(redactor);

        String line = new String(ReceiptCodec.encodeBody(receipt), StandardCharsets.UTF_8);

        assertThat(line).doesNotContain(secret).doesNotContain(Fixtures.JSON.writeValueAsString(secret)
                .replace("\"", "")).contains("[REDACTED:" + kind + "]").contains("\"redaction\":\"standard\"");
    }

    /** What a reviewer needs to read must survive: hashes, ids, paths, identifiers, encoded text, plain numbers. */
    static Stream<String> nonSecrets() {
        return Stream.of(
                "git show 3f786850e387550fdab836ed7e6dc881de23001b",
                "git checkout -b fix/receipts-torn-tail 3f78685",
                "request 123e4567-e89b-12d3-a456-426614174000 failed",
                "sha256sum: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                "docker pull ghcr.io/acme/api@sha256:9b2a6f0e3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f",
                "echo " + base64("Hello, this is an ordinary sentence about the weather today.") + " | base64 -d",
                "data:text/plain;base64," + base64("{\"name\":\"airlock\",\"version\":\"0.1.0\",\"ok\":true}"),
                "cat /home/user/projects/airlock/src/main/java/io/airlock/receipts/Redactor.java",
                "ls src/test/resources/fixtures/2024-01-15_backup_v2/data.json",
                "dir C:\\Users\\dev\\AppData\\Local\\Temp\\build_20240115_123456",
                "/var/lib/docker/overlay2/l/ABCDEFGHIJKLMNOPQRSTUVWXYZ/diff",
                "class AbstractSingletonProxyFactoryBean2 extends Base",
                "getUserProfileByIdAndTenantId(42)",
                "https://github.com/anthropics/claude-code/pull/1234#discussion_r1234567",
                "npx -y @modelcontextprotocol/server-filesystem /tmp/ws",
                "max_tokens: 4096",
                "The password policy requires 12 characters.",
                "token count is 17 and the session expired",
                "2026-03-01T10:00:00.123456Z INFO started in 123ms",
                "alice@example.com wrote SELECT * FROM users WHERE id = 7",
                "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin",
                "npm install left-pad@1.3.0 --save-dev",
                "terraform_state_bucket_production_eu_west_1");
    }

    @ParameterizedTest
    @MethodSource("nonSecrets")
    void ordinaryTextStaysReadable(String text) {
        assertThat(redactor.redactText(text)).isEqualTo(text);
    }

    @Test
    void randomTokensOfSecretLengthAreCaught() {
        // Seeded: 200 random base62 tokens of 24..64 characters, the shape of most generated API keys.
        Random random = new Random(42);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        int caught = 0;
        for (int n = 0; n < 200; n++) {
            StringBuilder token = new StringBuilder();
            int length = 24 + random.nextInt(41);
            for (int i = 0; i < length; i++) {
                token.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            if (!redactor.redactText("key " + token).contains(token)) {
                caught++;
            }
        }
        // A token without a digit is left alone by design (identifiers); that is rare at these lengths.
        assertThat(caught).isGreaterThanOrEqualTo(195);
    }

    @Test
    void secretNamedMembersAreMaskedWhateverTheirValueLooksLike() {
        JsonNode redacted = redactor.redact(json("""
                {"user":"alice","password":"hunter2","apiKey":"abc","refresh_token":"r","DB_PASSWORD":"x",
                 "credentials":{"user":"svc","key":"k1","pin":1234},"max_tokens":100,"secretName":"prod-db",
                 "password_file":"/run/secrets/db","token_count":3,"enabled":true,"cookie":""}
                """));

        assertThat(redacted.toString()).isEqualTo("{\"user\":\"alice\",\"password\":\"[REDACTED:secret-field]\","
                + "\"apiKey\":\"[REDACTED:secret-field]\",\"refresh_token\":\"[REDACTED:secret-field]\","
                + "\"DB_PASSWORD\":\"[REDACTED:secret-field]\",\"credentials\":{\"user\":\"[REDACTED:secret-field]\","
                + "\"key\":\"[REDACTED:secret-field]\",\"pin\":\"[REDACTED:secret-field]\"},\"max_tokens\":100,"
                + "\"secretName\":\"prod-db\",\"password_file\":\"/run/secrets/db\",\"token_count\":3,"
                + "\"enabled\":true,\"cookie\":\"\"}");
    }

    @Test
    void stringsInsideTheTreeAreRedactedAndTheInputIsNotChanged() {
        JsonNode input = json("{\"command\":\"psql postgres://app:pw123456@db/prod\",\"env\":[\"X=1\","
                + "\"GITHUB_TOKEN=ghp_R7v2kQ9mXz4LpT8sW3nB6yH1cJ5dF0aGeU2i\"]}");
        String before = input.toString();

        JsonNode redacted = redactor.redact(input);

        assertThat(redacted.toString()).isEqualTo("{\"command\":\"psql postgres://app:[REDACTED:password]@db/prod\","
                + "\"env\":[\"X=1\",\"GITHUB_TOKEN=[REDACTED:github-token]\"]}");
        assertThat(input.toString()).isEqualTo(before);
    }

    @Test
    void configuredPointerMasksRemoveWholeValues() {
        Redactor masking = Redactor.standard(List.of("/env/*", "/headers/X-Internal", "/items/1", "/a~1b"));

        JsonNode redacted = masking.redact(json("{\"env\":{\"HOME\":\"/root\",\"N\":3},\"headers\":{\"X-Internal\":"
                + "{\"v\":1},\"Accept\":\"*/*\"},\"items\":[\"keep\",\"drop\"],\"a/b\":\"x\",\"other\":\"y\"}"));

        assertThat(redacted.toString()).isEqualTo("{\"env\":{\"HOME\":\"[REDACTED:masked]\",\"N\":\"[REDACTED:masked]\"},"
                + "\"headers\":{\"X-Internal\":\"[REDACTED:masked]\",\"Accept\":\"*/*\"},\"items\":[\"keep\","
                + "\"[REDACTED:masked]\"],\"a/b\":\"[REDACTED:masked]\",\"other\":\"y\"}");
    }

    @Test
    void aMalformedPointerMaskIsRejectedWithAnExample() {
        assertThatThrownBy(() -> Redactor.standard(List.of("env/*")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("/env/*");
    }

    @Test
    void connectionStringsKeepWhereTheyPoint() {
        assertThat(redactor.redactText("mongodb+srv://reader:Xy7pQ2zR@cluster0.example.net/app?retryWrites=true"))
                .isEqualTo("mongodb+srv://reader:[REDACTED:password]@cluster0.example.net/app?retryWrites=true");
    }

    @Test
    void rawLoggingIsAnExplicitChoiceThatRemovesNothing() {
        JsonNode input = json("{\"password\":\"hunter2\"}");

        assertThat(Redactor.raw().redact(input)).isEqualTo(input);
        assertThat(Redactor.raw().name()).isEqualTo("raw");
        assertThat(Redactor.standard().name()).isEqualTo("standard");
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
