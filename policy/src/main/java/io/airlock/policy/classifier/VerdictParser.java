package io.airlock.policy.classifier;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.Iterator;

/**
 * Reads the model's answer, strictly: the whole text (surrounding whitespace aside) must be one JSON object with
 * exactly {@code verdict} (one of {@code allow}, {@code retry}, {@code ask}) and a non-empty string {@code reason}.
 * Nothing is searched for inside prose, no fence is stripped, duplicate keys are rejected: whatever a tool argument
 * made the model write, the answer is either exactly that shape or it is not an answer (and the call goes to a
 * person).
 */
final class VerdictParser {

    /** A reason longer than this is cut: it ends up in a tool error, the operator's list and a receipt. */
    static final int REASON_MAX = 400;

    private static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(JsonParser.Feature.ALLOW_COMMENTS)
            .build();

    enum Kind { ALLOW, RETRY, ASK }

    sealed interface Parsed {
        record Answer(Kind kind, String reason) implements Parsed {}

        record Invalid(String why) implements Parsed {}
    }

    private VerdictParser() {}

    static Parsed parse(String text) {
        if (text == null || text.isBlank()) {
            return new Parsed.Invalid("an empty answer");
        }
        JsonNode node;
        try {
            node = STRICT.readTree(text.strip());
        } catch (IOException e) {
            return new Parsed.Invalid("not a single JSON object");
        }
        if (node == null || !node.isObject()) {
            return new Parsed.Invalid("not a JSON object");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!name.equals("verdict") && !name.equals("reason")) {
                return new Parsed.Invalid("an unexpected field '" + cut(name, 40) + "'");
            }
        }
        JsonNode verdict = node.get("verdict");
        JsonNode reason = node.get("reason");
        if (verdict == null || !verdict.isTextual()) {
            return new Parsed.Invalid("no string 'verdict'");
        }
        if (reason == null || !reason.isTextual() || reason.textValue().isBlank()) {
            return new Parsed.Invalid("no reason");
        }
        Kind kind = switch (verdict.textValue()) {
            case "allow" -> Kind.ALLOW;
            case "retry" -> Kind.RETRY;
            case "ask" -> Kind.ASK;
            default -> null;
        };
        if (kind == null) {
            return new Parsed.Invalid("verdict '" + cut(verdict.textValue(), 40) + "' (expected: allow, retry or ask)");
        }
        return new Parsed.Answer(kind, clean(reason.textValue()));
    }

    /** One line, no control characters, bounded. */
    static String clean(String reason) {
        StringBuilder out = new StringBuilder(Math.min(reason.length(), REASON_MAX));
        for (int i = 0; i < reason.length() && out.length() < REASON_MAX; i++) {
            char c = reason.charAt(i);
            out.append(Character.isISOControl(c) ? ' ' : c);
        }
        String s = out.toString().strip();
        return reason.length() > REASON_MAX ? s + "…" : s;
    }

    private static String cut(String s, int max) {
        return clean(s.length() > max ? s.substring(0, max) : s);
    }
}
