package io.airlock.receipts;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A canonical JSON encoding, so that two calls with the same arguments have the same digest however the agent
 * spaced or ordered them: object members sorted by key (UTF-16 code units, as in RFC 8785), no whitespace, strings as
 * Jackson escapes them, numbers as their shortest exact decimal ({@code 1.0} and {@code 1} are the same number).
 */
public final class CanonicalJson {

    private static final JsonFactory FACTORY = new JsonFactory();

    private CanonicalJson() {
    }

    /** {@code sha256:…} of the canonical encoding. */
    public static String digest(JsonNode node) {
        return Hashes.sha256(encode(node));
    }

    public static byte[] encode(JsonNode node) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator generator = FACTORY.createGenerator(out)) {
            write(generator, node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void write(JsonGenerator generator, JsonNode node) throws IOException {
        if (node == null || node.isNull() || node.isMissingNode()) {
            generator.writeNull();
        } else if (node.isObject()) {
            List<Map.Entry<String, JsonNode>> members = new ArrayList<>(node.properties());
            members.sort(Map.Entry.comparingByKey());
            generator.writeStartObject();
            for (Map.Entry<String, JsonNode> member : members) {
                generator.writeFieldName(member.getKey());
                write(generator, member.getValue());
            }
            generator.writeEndObject();
        } else if (node.isArray()) {
            generator.writeStartArray();
            for (JsonNode element : node) {
                write(generator, element);
            }
            generator.writeEndArray();
        } else if (node.isNumber()) {
            BigDecimal value = node.decimalValue().stripTrailingZeros();
            generator.writeNumber(value.scale() <= 0 && value.precision() - value.scale() <= 30
                    ? value.toBigIntegerExact().toString() : value.toString());
        } else if (node.isBoolean()) {
            generator.writeBoolean(node.booleanValue());
        } else if (node.isBinary()) {
            generator.writeBinary(node.binaryValue());
        } else {
            generator.writeString(node.asText());
        }
    }
}
