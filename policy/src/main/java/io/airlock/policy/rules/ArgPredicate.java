package io.airlock.policy.rules;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.regex.Pattern;

/**
 * A test on one argument, addressed by JSON pointer: {@code matches} (a regular expression searched in the value's
 * text), {@code equals} (exact text), {@code exists}. All given parts must hold.
 */
public record ArgPredicate(String pointer, Pattern matches, String equalsText, Boolean exists) {

    public boolean test(JsonNode arguments) {
        JsonNode value = arguments == null ? null : arguments.at(pointer);
        boolean present = value != null && !value.isMissingNode() && !value.isNull();
        if (exists != null && exists != present) {
            return false;
        }
        if (matches == null && equalsText == null) {
            return true;
        }
        if (!present) {
            return false;
        }
        // Objects and arrays compare in canonical form, so key order does not matter.
        String text = value.isValueNode() ? value.asText() : io.airlock.policy.CanonicalJson.of(value);
        return (equalsText == null || equalsText.equals(text)) && (matches == null || matches.matcher(text).find());
    }

    @Override
    public String toString() {
        return pointer + (matches != null ? " matches /" + matches.pattern() + "/" : "")
                + (equalsText != null ? " equals '" + equalsText + "'" : "")
                + (exists != null ? (exists ? " exists" : " is absent") : "");
    }
}
