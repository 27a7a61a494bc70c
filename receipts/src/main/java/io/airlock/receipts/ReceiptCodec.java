package io.airlock.receipts;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * The on-disk format (version {@value #VERSION}): one JSON object per line, fields in a fixed order, no whitespace,
 * {@code \n} after each line. A line is {@code {"v":1,"seq":N,"prev":"sha256:…",} followed by the entry's body, which
 * starts with {@code "type":}. The body is encoded apart from the envelope so that callers can serialise on their
 * own threads and the single writer only prepends the envelope and hashes.
 * <p>
 * The hash of a line is SHA-256 over exactly the bytes written (without the newline); the verifier hashes the bytes it
 * reads, so the encoding need not be canonical, only never re-encoded. See {@code docs/RECEIPTS.md}.
 */
public final class ReceiptCodec {

    public static final int VERSION = 1;

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    private static final ObjectMapper MAPPER = JsonMapper.builder(FACTORY)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
    private static final byte[] ENVELOPE_START = ("{\"v\":" + VERSION + ",\"seq\":").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PREV = ",\"prev\":\"".getBytes(StandardCharsets.US_ASCII);

    private ReceiptCodec() {
    }

    /** The entry's body: {@code "type":"…",…}} (the object's members and closing brace, without the opening one). */
    public static byte[] encodeBody(Entry entry) {
        ByteArrayBuilder out = new ByteArrayBuilder(512);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("type", entry.type());
            switch (entry) {
                case Genesis genesis -> {
                    time(g, genesis.time());
                    g.writeStringField("key", genesis.keyId());
                }
                case Checkpoint checkpoint -> {
                    time(g, checkpoint.time());
                    g.writeStringField("key", checkpoint.keyId());
                    g.writeStringField("sig", checkpoint.signature());
                }
                case Recovery recovery -> {
                    time(g, recovery.time());
                    g.writeStringField("file", recovery.file());
                    g.writeNumberField("cutBytes", recovery.cutBytes());
                    g.writeStringField("cutDigest", recovery.cutDigest());
                    g.writeStringField("reason", recovery.reason());
                }
                case Traffic traffic -> {
                    time(g, traffic.time());
                    g.writeStringField("session", traffic.session());
                    g.writeStringField("server", traffic.server());
                    g.writeStringField("direction", traffic.direction().id());
                    g.writeStringField("redaction", traffic.redaction());
                    g.writeFieldName("message");
                    MAPPER.writeTree(g, traffic.message());
                }
                case Receipt receipt -> writeReceipt(g, receipt);
                case CallResult result -> {
                    time(g, result.time());
                    g.writeStringField("id", result.decisionId());
                    g.writeObjectFieldStart("upstream");
                    g.writeStringField("outcome", result.upstream().outcome().id());
                    g.writeNumberField("bytes", result.upstream().resultBytes());
                    g.writeNumberField("micros", result.upstream().latencyMicros());
                    g.writeEndObject();
                }
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] object = out.toByteArray();
        return java.util.Arrays.copyOfRange(object, 1, object.length);
    }

    private static void writeReceipt(JsonGenerator g, Receipt r) throws IOException {
        g.writeStringField("id", r.decisionId());
        time(g, r.time());
        g.writeStringField("agent", r.agent());
        g.writeStringField("session", r.session());
        g.writeStringField("server", r.server());
        g.writeStringField("serverKind", r.serverKind());
        g.writeStringField("method", r.method());
        g.writeStringField("target", r.target());
        g.writeStringField("argsDigest", r.argumentsDigest());
        g.writeStringField("redaction", r.redaction());
        g.writeFieldName("args");
        MAPPER.writeTree(g, r.arguments());
        g.writeArrayFieldStart("tags");
        for (Receipt.CapabilityTag tag : r.tags()) {
            g.writeStartObject();
            g.writeStringField("capability", tag.capability());
            g.writeStringField("scope", tag.scope());
            g.writeStringField("evidence", tag.evidence());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeStringField("decision", r.decision().id());
        g.writeNumberField("tier", r.tier());
        g.writeBooleanField("hard", r.hard());
        g.writeStringField("reason", r.reason());
        g.writeArrayFieldStart("path");
        for (Receipt.Step step : r.path()) {
            g.writeStartObject();
            g.writeNumberField("tier", step.tier());
            g.writeStringField("verdict", step.verdict().id());
            g.writeObjectFieldStart("decider");
            g.writeStringField("kind", step.decider().kind());
            g.writeStringField("name", step.decider().name());
            if (step.decider() instanceof Receipt.Decider.Classifier classifier) {
                g.writeStringField("answer", classifier.answer());
            }
            g.writeEndObject();
            g.writeNumberField("micros", step.latencyMicros());
            g.writeStringField("detail", step.detail());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeStringField("policy", r.policyRevision());
        g.writeObjectFieldStart("upstream");
        g.writeStringField("outcome", r.upstream().outcome().id());
        g.writeNumberField("bytes", r.upstream().resultBytes());
        g.writeNumberField("micros", r.upstream().latencyMicros());
        g.writeEndObject();
    }

    private static void time(JsonGenerator g, Instant time) throws IOException {
        g.writeStringField("time", time.toString());
    }

    /** The complete line (without the newline): the envelope, then {@code body}. */
    public static byte[] line(long seq, String prev, byte[] body) {
        byte[] seqBytes = Long.toString(seq).getBytes(StandardCharsets.US_ASCII);
        byte[] prevBytes = prev.getBytes(StandardCharsets.US_ASCII);
        byte[] line = new byte[ENVELOPE_START.length + seqBytes.length + PREV.length + prevBytes.length + 2
                + body.length];
        int at = 0;
        at = put(line, at, ENVELOPE_START);
        at = put(line, at, seqBytes);
        at = put(line, at, PREV);
        at = put(line, at, prevBytes);
        line[at++] = '"';
        line[at++] = ',';
        put(line, at, body);
        return line;
    }

    private static int put(byte[] into, int at, byte[] bytes) {
        System.arraycopy(bytes, 0, into, at, bytes.length);
        return at + bytes.length;
    }

    public static Line decode(byte[] bytes) throws ReceiptFormatException {
        return decode(bytes, 0, bytes.length);
    }

    /** Decodes one line (without its newline). */
    public static Line decode(byte[] bytes, int offset, int length) throws ReceiptFormatException {
        JsonNode node;
        try (JsonParser parser = FACTORY.createParser(bytes, offset, length)) {
            node = MAPPER.readTree(parser);
        } catch (IOException e) {
            throw new ReceiptFormatException("not valid JSON: " + firstLine(e.getMessage()), e);
        }
        if (node == null || !node.isObject()) {
            throw new ReceiptFormatException("not a JSON object");
        }
        try {
            int version = integer(node, "v");
            if (version != VERSION) {
                throw new ReceiptFormatException("format version " + version + " (this Airlock reads version "
                        + VERSION + ")");
            }
            long seq = node.path("seq").canConvertToLong() && node.path("seq").isIntegralNumber()
                    ? node.get("seq").longValue() : -1;
            if (seq < 0) {
                throw new ReceiptFormatException("field 'seq' is missing or not a non-negative integer");
            }
            String prev = text(node, "prev");
            if (!Hashes.isWellFormed(prev)) {
                throw new ReceiptFormatException("field 'prev' is not sha256:<64 hex digits>: '" + prev + "'");
            }
            return new Line(seq, prev, entry(node, text(node, "type")));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new ReceiptFormatException(e.getMessage(), e);
        }
    }

    private static Entry entry(JsonNode n, String type) throws ReceiptFormatException {
        return switch (type) {
            case Genesis.TYPE -> new Genesis(time(n), text(n, "key"));
            case Checkpoint.TYPE -> new Checkpoint(time(n), text(n, "key"), text(n, "sig"));
            case Recovery.TYPE -> new Recovery(time(n), text(n, "file"), longValue(n, "cutBytes"),
                    text(n, "cutDigest"), text(n, "reason"));
            case Traffic.TYPE -> new Traffic(time(n), text(n, "session"), text(n, "server"),
                    Traffic.Direction.of(text(n, "direction")), required(n, "message"), text(n, "redaction"));
            case Receipt.TYPE -> receipt(n);
            case CallResult.TYPE -> {
                JsonNode upstream = required(n, "upstream");
                yield new CallResult(time(n), text(n, "id"), new Receipt.Upstream(
                        Receipt.UpstreamOutcome.of(text(upstream, "outcome")), longValue(upstream, "bytes"),
                        longValue(upstream, "micros")));
            }
            default -> throw new ReceiptFormatException("unknown line type '" + type + "'");
        };
    }

    private static Receipt receipt(JsonNode n) throws ReceiptFormatException {
        List<Receipt.CapabilityTag> tags = new ArrayList<>();
        for (JsonNode tag : array(n, "tags")) {
            tags.add(new Receipt.CapabilityTag(text(tag, "capability"), text(tag, "scope"), text(tag, "evidence")));
        }
        List<Receipt.Step> path = new ArrayList<>();
        for (JsonNode step : array(n, "path")) {
            path.add(new Receipt.Step(integer(step, "tier"), Receipt.Verdict.of(text(step, "verdict")),
                    decider(required(step, "decider")), longValue(step, "micros"), text(step, "detail")));
        }
        JsonNode upstream = required(n, "upstream");
        return new Receipt(text(n, "id"), time(n), text(n, "agent"), text(n, "session"), text(n, "server"),
                text(n, "serverKind"), text(n, "method"), text(n, "target"), text(n, "argsDigest"),
                required(n, "args"), text(n, "redaction"), tags, Receipt.Outcome.of(text(n, "decision")),
                integer(n, "tier"), bool(n, "hard"), text(n, "reason"), path, text(n, "policy"),
                new Receipt.Upstream(Receipt.UpstreamOutcome.of(text(upstream, "outcome")),
                        longValue(upstream, "bytes"), longValue(upstream, "micros")));
    }

    private static Receipt.Decider decider(JsonNode n) throws ReceiptFormatException {
        String name = text(n, "name");
        return switch (text(n, "kind")) {
            case "rule" -> new Receipt.Decider.Rule(name);
            case "sandbox" -> new Receipt.Decider.Sandbox(name);
            case "classifier" -> new Receipt.Decider.Classifier(name, text(n, "answer"));
            case "operator" -> new Receipt.Decider.Operator(name);
            case "gateway" -> new Receipt.Decider.Gateway(name);
            default -> throw new ReceiptFormatException("unknown decider kind '" + n.get("kind").asText() + "'");
        };
    }

    private static JsonNode required(JsonNode n, String field) throws ReceiptFormatException {
        JsonNode value = n.get(field);
        if (value == null) {
            throw new ReceiptFormatException("field '" + field + "' is missing");
        }
        return value;
    }

    private static String text(JsonNode n, String field) throws ReceiptFormatException {
        JsonNode value = required(n, field);
        if (!value.isTextual()) {
            throw new ReceiptFormatException("field '" + field + "' is not a string");
        }
        return value.textValue();
    }

    private static int integer(JsonNode n, String field) throws ReceiptFormatException {
        JsonNode value = required(n, field);
        if (!value.isInt()) {
            throw new ReceiptFormatException("field '" + field + "' is not an integer");
        }
        return value.intValue();
    }

    private static long longValue(JsonNode n, String field) throws ReceiptFormatException {
        JsonNode value = required(n, field);
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw new ReceiptFormatException("field '" + field + "' is not an integer");
        }
        return value.longValue();
    }

    private static boolean bool(JsonNode n, String field) throws ReceiptFormatException {
        JsonNode value = required(n, field);
        if (!value.isBoolean()) {
            throw new ReceiptFormatException("field '" + field + "' is not true or false");
        }
        return value.booleanValue();
    }

    private static JsonNode array(JsonNode n, String field) throws ReceiptFormatException {
        JsonNode value = required(n, field);
        if (!value.isArray()) {
            throw new ReceiptFormatException("field '" + field + "' is not an array");
        }
        return value;
    }

    private static Instant time(JsonNode n) throws ReceiptFormatException {
        String text = text(n, "time");
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new ReceiptFormatException("field 'time' is not an ISO-8601 instant: '" + text + "'");
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
