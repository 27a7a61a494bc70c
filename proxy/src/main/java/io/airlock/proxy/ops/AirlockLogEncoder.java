package io.airlock.proxy.ops;

import ch.qos.logback.classic.pattern.TargetLengthBasedClassNameAbbreviator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.airlock.receipts.Redactor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/**
 * Airlock's log lines, text or JSON ({@link LogFormat}), with every message, MDC value and stack trace passed through
 * the receipts' {@link Redactor} first: a token that reaches a log statement (an upstream's error text, a URL with a
 * key) is replaced by {@code [REDACTED:kind]} like in receipts.
 *
 * <p>JSON: one object per line, {@code {"ts","level","logger","thread","message"[,"mdc"][,"error"]}}.
 */
public final class AirlockLogEncoder extends EncoderBase<ILoggingEvent> {

    private static final Redactor REDACTOR = Redactor.standard();
    private static final JsonFactory JSON = new JsonFactory();
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS")
            .withZone(ZoneId.systemDefault());
    private static final byte[] NONE = new byte[0];

    private final TargetLengthBasedClassNameAbbreviator abbreviator = new TargetLengthBasedClassNameAbbreviator(24);

    @Override
    public byte[] headerBytes() {
        return NONE;
    }

    @Override
    public byte[] footerBytes() {
        return NONE;
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        try {
            return LogFormat.json() ? json(event) : text(event);
        } catch (IOException | RuntimeException e) {
            // A log line must never take the caller down; say that one was lost, without its content.
            return ("log line from " + event.getLoggerName() + " could not be encoded: " + e.getClass().getName()
                    + "\n").getBytes(StandardCharsets.UTF_8);
        }
    }

    static String redacted(String text) {
        return REDACTOR.redactText(text);
    }

    private byte[] text(ILoggingEvent event) {
        StringBuilder line = new StringBuilder(128)
                .append(TIME.format(Instant.ofEpochMilli(event.getTimeStamp()))).append(' ')
                .append(String.format("%-5s", event.getLevel())).append(" [").append(event.getThreadName())
                .append("] ").append(abbreviator.abbreviate(event.getLoggerName())).append(" - ")
                .append(redacted(event.getFormattedMessage())).append('\n');
        IThrowableProxy error = event.getThrowableProxy();
        if (error != null) {
            line.append(redacted(ThrowableProxyUtil.asString(error))).append('\n');
        }
        return line.toString().getBytes(StandardCharsets.UTF_8);
    }

    private byte[] json(ILoggingEvent event) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("ts", Instant.ofEpochMilli(event.getTimeStamp()).toString());
            g.writeStringField("level", event.getLevel().toString());
            g.writeStringField("logger", event.getLoggerName());
            g.writeStringField("thread", event.getThreadName());
            g.writeStringField("message", redacted(event.getFormattedMessage()));
            Map<String, String> mdc = event.getMDCPropertyMap();
            if (mdc != null && !mdc.isEmpty()) {
                g.writeObjectFieldStart("mdc");
                for (Map.Entry<String, String> entry : mdc.entrySet()) {
                    g.writeStringField(entry.getKey(), redacted(entry.getValue()));
                }
                g.writeEndObject();
            }
            IThrowableProxy error = event.getThrowableProxy();
            if (error != null) {
                g.writeStringField("error", redacted(ThrowableProxyUtil.asString(error)));
            }
            g.writeEndObject();
        }
        out.write('\n');
        return out.toByteArray();
    }
}
