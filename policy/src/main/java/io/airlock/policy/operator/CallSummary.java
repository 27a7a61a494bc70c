package io.airlock.policy.operator;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/**
 * One line that says what a call does, for the operator's list: {@code path=/work/a.txt content="hello…" (52
 * chars)}. Arguments only, in the agent's order; long values are cut, line breaks shown as {@code ⏎}.
 */
public final class CallSummary {

    private static final int VALUE_MAX = 60;
    private static final int LINE_MAX = 200;

    private CallSummary() {}

    public static String of(JsonNode arguments) {
        if (arguments == null || arguments.isNull() || arguments.isMissingNode() || arguments.isEmpty()) {
            return "(no arguments)";
        }
        if (!arguments.isObject()) {
            return cut(arguments.toString(), LINE_MAX);
        }
        StringBuilder line = new StringBuilder();
        for (Iterator<Map.Entry<String, JsonNode>> it = arguments.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (!line.isEmpty()) {
                line.append(' ');
            }
            JsonNode value = field.getValue();
            String text = value.isTextual() ? value.textValue() : value.toString();
            line.append(field.getKey()).append('=');
            boolean quoted = value.isTextual() && (text.isEmpty() || text.chars().anyMatch(Character::isWhitespace));
            String shown = cut(text.replace("\r\n", "⏎").replace('\n', '⏎'), VALUE_MAX);
            line.append(quoted ? '"' + shown + '"' : shown);
            if (text.length() > VALUE_MAX) {
                line.append(" (").append(text.length()).append(" chars)");
            }
            if (line.length() >= LINE_MAX) {
                break;
            }
        }
        return cut(line.toString(), LINE_MAX);
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
