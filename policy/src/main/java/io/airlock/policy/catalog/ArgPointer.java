package io.airlock.policy.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Resolves the catalog's argument pointers: JSON pointers (RFC 6901, {@code ~1} for {@code /}, {@code ~0} for
 * {@code ~}) in which a {@code *} segment stands for every element of an array or every value of an object.
 */
public final class ArgPointer {

    /** A value found at a pointer, with the concrete pointer it was found at. */
    public record Match(String pointer, JsonNode value) {}

    private ArgPointer() {}

    /** Checks the pointer's syntax; returns an explanation of the problem, or null when it is well formed. */
    public static String problem(String pointer) {
        if (pointer == null || !pointer.startsWith("/")) {
            return "'" + pointer + "' (expected: a JSON pointer such as /path)";
        }
        if (pointer.length() == 1) {
            return "'/' (expected: a pointer to an argument, such as /path; '/' names the empty key)";
        }
        for (String segment : pointer.substring(1).split("/", -1)) {
            if (segment.isEmpty()) {
                return "'" + pointer + "' has an empty segment";
            }
            if (segment.replace("~0", "").replace("~1", "").contains("~")) {
                return "'" + pointer + "' has a '~' not followed by 0 or 1";
            }
        }
        return null;
    }

    /** Every non-null value at {@code pointer} in {@code root}, in document order; empty when there is none. */
    public static List<Match> resolve(JsonNode root, String pointer) {
        List<Match> out = new ArrayList<>();
        if (root == null || problem(pointer) != null) {
            return out;
        }
        String[] segments = pointer.substring(1).split("/", -1);
        walk(root, segments, 0, "", out);
        return out;
    }

    private static void walk(JsonNode node, String[] segments, int index, String at, List<Match> out) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return;
        }
        if (index == segments.length) {
            out.add(new Match(at, node));
            return;
        }
        String segment = segments[index];
        if (segment.equals("*")) {
            if (node.isArray()) {
                for (int i = 0; i < node.size(); i++) {
                    walk(node.get(i), segments, index + 1, at + "/" + i, out);
                }
            } else if (node.isObject()) {
                for (Map.Entry<String, JsonNode> e : node.properties()) {
                    walk(e.getValue(), segments, index + 1, at + "/" + escape(e.getKey()), out);
                }
            }
            return;
        }
        String key = segment.replace("~1", "/").replace("~0", "~");
        if (node.isObject()) {
            walk(node.get(key), segments, index + 1, at + "/" + segment, out);
        } else if (node.isArray() && key.matches("0|[1-9][0-9]{0,8}")) {
            walk(node.get(Integer.parseInt(key)), segments, index + 1, at + "/" + segment, out);
        }
    }

    private static String escape(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }
}
