package io.airlock.tui.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Lenient readers for the admin API's JSON. The client reads fields by name rather than binding whole classes, so a
 * server that adds a field (or a newer client on an older server) keeps working; a missing field reads as empty.
 */
final class Json {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isValueNode() && !value.isNull() ? value.asText() : "";
    }

    /** A text field that may be absent; null then. */
    static String optionalText(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isValueNode() && !value.isNull() ? value.asText() : null;
    }

    static Instant instant(JsonNode node, String field) {
        String value = optionalText(node, field);
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            return null; // a timestamp the client cannot read is shown as unknown, not a reason to drop the call
        }
    }

    static List<String> texts(JsonNode node, String field) {
        return list(node, field, JsonNode::asText);
    }

    static <T> List<T> list(JsonNode node, String field, Function<JsonNode, T> element) {
        JsonNode array = node.path(field);
        if (!array.isArray()) {
            return List.of();
        }
        List<T> out = new ArrayList<>(array.size());
        array.forEach(item -> out.add(element.apply(item)));
        return List.copyOf(out);
    }
}
