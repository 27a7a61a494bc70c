package io.airlock.policy.catalog;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One argument value a call actually has for an {@link ArgSpec}: the concrete pointer it was found at (wildcards
 * expanded) and the value. For {@link ArgSpec#absent() defaults} the pointer is the spec's and the value the default.
 */
public record ArgValue(ArgSpec spec, String pointer, JsonNode value) {

    public ArgRole role() {
        return spec.role();
    }

    /** The value as text: strings as they are, numbers and booleans in their JSON form, containers as JSON. */
    public String text() {
        return value.isValueNode() ? value.asText() : value.toString();
    }

    /** Whether the value is a JSON true or the string {@code "true"} (for {@link ArgRole#FORCE_FLAG}). */
    public boolean isTrue() {
        return value.isBoolean() ? value.booleanValue() : value.isTextual() && value.asText().equalsIgnoreCase("true");
    }
}
