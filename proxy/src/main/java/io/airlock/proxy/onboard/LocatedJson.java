package io.airlock.proxy.onboard;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A client's JSON config, parsed with the line of every value (for messages that name the line), and written back
 * the way the clients write it themselves ({@code JSON.stringify(value, null, 2)}: {@code "key": value}, one item per
 * line, {@code []}/{@code {}} when empty), with the original file's indentation unit and final newline. Key order and
 * every key Airlock does not touch are kept; comments (which VS Code allows) are not.
 */
final class LocatedJson {

    private static final JsonFactory STRICT = JsonFactory.builder().build();
    private static final JsonFactory LENIENT = JsonFactory.builder()
            .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS).enable(JsonReadFeature.ALLOW_TRAILING_COMMA).build();
    /** Numbers stay as written: 1.0 is not turned into 1 (the file round-trips). */
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .configure(com.fasterxml.jackson.databind.cfg.JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false)
            .build();

    final JsonNode root;
    final boolean hadComments;
    private final Map<String, Integer> lines;
    private final String indent;
    private final boolean finalNewline;

    private LocatedJson(JsonNode root, boolean hadComments, Map<String, Integer> lines, String indent,
                        boolean finalNewline) {
        this.root = root;
        this.hadComments = hadComments;
        this.lines = lines;
        this.indent = indent;
        this.finalNewline = finalNewline;
    }

    /**
     * Parses {@code bytes}; {@code allowComments} for VS Code's JSONC. A syntax error is an {@link ImportException}
     * naming the file, line and column.
     */
    static LocatedJson parse(byte[] bytes, Path file, boolean allowComments) throws ImportException {
        boolean comments = false;
        JsonNode root;
        try {
            root = read(STRICT, bytes);
        } catch (JsonProcessingException strict) {
            if (!allowComments) {
                throw syntax(file, strict);
            }
            try {
                root = read(LENIENT, bytes);
                comments = true;
            } catch (JsonProcessingException lenient) {
                throw syntax(file, lenient);
            } catch (IOException e) {
                throw new ImportException(file + ": cannot read: " + e.getMessage(), e);
            }
        } catch (IOException e) {
            throw new ImportException(file + ": cannot read: " + e.getMessage(), e);
        }
        if (root == null || root.isMissingNode()) {
            throw new ImportException(file + ":1: empty file (expected a JSON object)");
        }
        Map<String, Integer> lines = new HashMap<>();
        try (JsonParser p = (comments ? LENIENT : STRICT).createParser(bytes)) {
            JsonToken token;
            while ((token = p.nextToken()) != null) {
                if (token != JsonToken.FIELD_NAME && token != JsonToken.END_OBJECT && token != JsonToken.END_ARRAY) {
                    lines.putIfAbsent(p.getParsingContext().pathAsPointer().toString(),
                            p.currentTokenLocation().getLineNr());
                }
            }
        } catch (IOException e) {
            throw new ImportException(file + ": cannot read: " + e.getMessage(), e);
        }
        String text = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        return new LocatedJson(root, comments, lines, indentOf(text), text.endsWith("\n"));
    }

    private static JsonNode read(JsonFactory factory, byte[] bytes) throws IOException {
        try (JsonParser p = factory.createParser(bytes)) {
            JsonNode node = MAPPER.readTree(p);
            if (p.nextToken() != null) {
                throw new com.fasterxml.jackson.core.JsonParseException(p, "unexpected data after the JSON value");
            }
            return node;
        }
    }

    private static ImportException syntax(Path file, JsonProcessingException e) {
        var at = e.getLocation();
        String where = at == null ? "" : ":" + at.getLineNr() + ":" + at.getColumnNr();
        return new ImportException(file + where + ": not valid JSON: " + e.getOriginalMessage(), e);
    }

    /** The line a JSON pointer's value starts on, or 0. */
    int line(String pointer) {
        return lines.getOrDefault(pointer, 0);
    }

    /** The first indented line's leading whitespace: the file's indentation unit (two spaces if none). */
    private static String indentOf(String text) {
        for (String line : text.split("\n", 200)) {
            int i = 0;
            while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
                i++;
            }
            if (i > 0 && i < line.length()) {
                return line.substring(0, i);
            }
        }
        return "  ";
    }

    /** Writes {@code node} as the clients do, with this file's indentation and final newline. */
    byte[] write(JsonNode node) throws ImportException {
        return write(node, indent, finalNewline);
    }

    static byte[] write(JsonNode node, String indent, boolean finalNewline) throws ImportException {
        DefaultIndenter indenter = new DefaultIndenter(indent, "\n");
        DefaultPrettyPrinter printer = new StringifyPrinter(indenter);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
            g.setPrettyPrinter(printer);
            MAPPER.writeTree(g, node);
        } catch (IOException e) {
            throw new ImportException("cannot encode JSON: " + e.getMessage(), e);
        }
        if (finalNewline) {
            out.write('\n');
        }
        return out.toByteArray();
    }

    /** {@code JSON.stringify(v, null, n)}: no space before ':', empty containers as {@code []} and {@code {}}. */
    private static final class StringifyPrinter extends DefaultPrettyPrinter {
        StringifyPrinter(DefaultIndenter indenter) {
            super(DefaultPrettyPrinter.DEFAULT_SEPARATORS.withObjectFieldValueSpacing(Separators.Spacing.AFTER));
            indentObjectsWith(indenter);
            indentArraysWith(indenter);
        }

        StringifyPrinter(StringifyPrinter base) {
            super(base);
        }

        @Override
        public DefaultPrettyPrinter createInstance() {
            return new StringifyPrinter(this);
        }

        @Override
        public void writeEndObject(JsonGenerator g, int nrOfEntries) throws IOException {
            if (nrOfEntries == 0) {
                _nesting--;
                g.writeRaw('}');
                return;
            }
            super.writeEndObject(g, nrOfEntries);
        }

        @Override
        public void writeEndArray(JsonGenerator g, int nrOfValues) throws IOException {
            if (nrOfValues == 0) {
                _nesting--;
                g.writeRaw(']');
                return;
            }
            super.writeEndArray(g, nrOfValues);
        }
    }
}
