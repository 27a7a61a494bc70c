package io.airlock.proxy.ops;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/** Log lines go through the receipts' redactor, in both formats, through a real logback appender. */
class AirlockLogEncoderTest {

    private static final String GITHUB_TOKEN = "ghp_" + "Zq8rT2mXvB7nK4pL9sW3yD6fH1jC5gA0eR8u";
    private static final String AWS_KEY_ID = "AKIA" + "Q3EXAMPLE7TESTKEY";
    private static final String DB_PASSWORD = "hunter2-Vault-9x";

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final boolean before = LogFormat.json();

    @AfterEach
    void restore() {
        LogFormat.set(before);
        MDC.clear();
    }

    private Logger logger() {
        // The application's own logback context: MDC and all, as Airlock runs.
        LoggerContext context = (LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory();
        AirlockLogEncoder encoder = new AirlockLogEncoder();
        encoder.setContext(context);
        encoder.start();
        OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
        appender.setContext(context);
        appender.setEncoder(encoder);
        appender.setOutputStream(out);
        appender.start();
        Logger logger = context.getLogger("io.airlock.test.LogRedaction");
        logger.setAdditive(false); // only into this test's appender, not onto the build's stderr
        logger.detachAndStopAllAppenders();
        logger.addAppender(appender);
        return logger;
    }

    private void logSecrets(Logger logger) {
        MDC.put("upstream", "postgres://airlock:" + DB_PASSWORD + "@db.internal:5432/app");
        logger.warn("upstream 'gh' refused the call: token {} was rejected", GITHUB_TOKEN);
        logger.error("could not start 'aws'", new IllegalStateException("AWS_ACCESS_KEY_ID=" + AWS_KEY_ID
                + " is not allowed"));
    }

    @Test
    void jsonLinesCarryNoSecret() throws Exception {
        LogFormat.set(true);
        logSecrets(logger());
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text).doesNotContain(GITHUB_TOKEN).doesNotContain(AWS_KEY_ID).doesNotContain(DB_PASSWORD);

        String[] lines = text.split("\n");
        assertThat(lines).hasSize(2);
        ObjectMapper json = new ObjectMapper();
        JsonNode warn = json.readTree(lines[0]);
        assertThat(warn.path("level").asText()).isEqualTo("WARN");
        assertThat(warn.path("logger").asText()).isEqualTo("io.airlock.test.LogRedaction");
        assertThat(warn.path("message").asText()).startsWith("upstream 'gh' refused the call: token [REDACTED:")
                .endsWith(" was rejected");
        assertThat(warn.path("mdc").path("upstream").asText()).contains("db.internal").contains("[REDACTED:");
        JsonNode error = json.readTree(lines[1]);
        assertThat(error.path("error").asText()).contains("IllegalStateException").contains("[REDACTED:");
    }

    @Test
    void textLinesCarryNoSecretEither() {
        LogFormat.set(false);
        logSecrets(logger());
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text).doesNotContain(GITHUB_TOKEN).doesNotContain(AWS_KEY_ID)
                .contains("WARN  [").contains("upstream 'gh' refused the call: token [REDACTED:")
                .contains("java.lang.IllegalStateException: AWS_ACCESS_KEY_ID=[REDACTED:");
    }
}
