package io.airlock.policy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Canonical JSON text: object keys sorted by UTF-16 code unit, no insignificant whitespace, strings escaped one way.
 * Two trees that mean the same compare equal as text whatever order the agent sent the keys in; used for approval
 * binding and argument predicates on whole objects.
 */
public final class CanonicalJson {

    private CanonicalJson() {}

    /** Canonical JSON text of a tree: keys sorted by code point, numbers as parsed, compact. */
    public static String of(JsonNode node) {
        return appendTo(new StringBuilder(), node).toString();
    }

    public static StringBuilder appendTo(StringBuilder out, JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return out.append("null");
        }
        if (node.isObject()) {
            List<Map.Entry<String, JsonNode>> fields = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                fields.add(it.next());
            }
            fields.sort(Map.Entry.comparingByKey());
            out.append('{');
            for (int i = 0; i < fields.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                appendString(out, fields.get(i).getKey()).append(':');
                appendTo(out, fields.get(i).getValue());
            }
            return out.append('}');
        }
        if (node.isArray()) {
            out.append('[');
            for (int i = 0; i < node.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                appendTo(out, node.get(i));
            }
            return out.append(']');
        }
        if (node.isTextual()) {
            return appendString(out, node.textValue());
        }
        return out.append(node.toString()); // numbers, booleans, null: Jackson's text is already canonical enough
    }

    public static StringBuilder appendString(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"');
    }
}
