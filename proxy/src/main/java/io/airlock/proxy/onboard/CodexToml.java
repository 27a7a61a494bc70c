package io.airlock.proxy.onboard;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Codex's {@code config.toml}: parsed with jackson-dataformat-toml, rewritten by text. A rewrite replaces only the
 * lines of the {@code [mcp_servers.NAME]} tables it changes (and their sub-tables such as
 * {@code [mcp_servers.NAME.env]}); every other line, comments included, stays byte for byte. Limits: a server written
 * as an inline table or with dotted keys ({@code mcp_servers.x.command = ...}) cannot be rewritten (it is still
 * imported), and within a rewritten table comments are not kept and the keys Airlock keeps are re-emitted in a plain
 * form (inline tables, basic strings). The result is parsed again and must equal the intended document, or nothing
 * is written.
 */
final class CodexToml {

    /** The keys that say how Codex reaches a server; the rest of a table (timeouts, enabled, tools) is kept. */
    static final Set<String> TRANSPORT_KEYS = Set.of("command", "args", "env", "cwd", "env_vars", "url",
            "http_headers", "env_http_headers", "bearer_token_env_var", "bearer_token", "type", "transport");

    private static final TomlMapper TOML = new TomlMapper();
    private static final Pattern HEADER = Pattern.compile("^\\s*\\[(?!\\[)\\s*(.+?)\\s*\\]\\s*(#.*)?$");
    private static final Pattern BARE = Pattern.compile("[A-Za-z0-9_-]+");

    final ObjectNode root;
    private final Path file;
    private final List<String> lines;

    private CodexToml(ObjectNode root, Path file, String text) {
        this.root = root;
        this.file = file;
        this.lines = List.of(text.split("\n", -1));
    }

    static CodexToml parse(byte[] bytes, Path file) throws ImportException {
        String text = new String(bytes, StandardCharsets.UTF_8);
        return new CodexToml(read(text, file), file, text);
    }

    private static ObjectNode read(String text, Path file) throws ImportException {
        try {
            JsonNode node = TOML.readTree(text);
            return node instanceof ObjectNode object ? object : TOML.createObjectNode();
        } catch (JacksonException e) {
            var at = e.getLocation();
            throw new ImportException(file + (at == null ? "" : ":" + at.getLineNr() + ":" + at.getColumnNr())
                    + ": not valid TOML: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new ImportException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** A table header's line and its dotted key, parsed. */
    private record Header(int index, List<String> keys) {}

    /** Every table header outside multi-line strings. */
    private List<Header> headers() {
        List<Header> out = new ArrayList<>();
        boolean inString = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (!inString) {
                Matcher m = HEADER.matcher(line);
                if (m.matches() || line.stripLeading().startsWith("[[")) {
                    out.add(new Header(i, m.matches() ? keys(m.group(1)) : List.of()));
                }
            }
            if ((count(line, "\"\"\"") + count(line, "'''")) % 2 == 1) {
                inString = !inString;
            }
        }
        return out;
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + what.length())) {
            n++;
        }
        return n;
    }

    /** Splits a dotted key, honouring quotes. */
    private static List<String> keys(String dotted) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        char quote = 0;
        for (int i = 0; i < dotted.length(); i++) {
            char c = dotted.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else if (c == '\\' && quote == '"' && i + 1 < dotted.length()) {
                    current.append(dotted.charAt(++i));
                } else {
                    current.append(c);
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == '.') {
                out.add(current.toString().strip());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        out.add(current.toString().strip());
        return out;
    }

    int lineOfServer(String name) {
        for (Header h : headers()) {
            if (h.keys().size() == 2 && h.keys().get(0).equals("mcp_servers") && h.keys().get(1).equals(name)) {
                return h.index() + 1;
            }
        }
        return lineOfKey("mcp_servers");
    }

    int lineOfKey(String key) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(key)) {
                return i + 1;
            }
        }
        return 0;
    }

    /**
     * The file with each named server's table replaced by the given entry (its whole new content). Checked: the
     * result parses to exactly the original document with those entries replaced.
     */
    byte[] rewrite(Map<String, ObjectNode> entries) throws ImportException {
        List<Header> headers = headers();
        String[] out = lines.toArray(String[]::new);
        boolean[] drop = new boolean[out.length];
        ObjectNode expected = root.deepCopy();
        for (Map.Entry<String, ObjectNode> entry : entries.entrySet()) {
            String name = entry.getKey();
            boolean found = false;
            for (int h = 0; h < headers.size(); h++) {
                Header header = headers.get(h);
                List<String> k = header.keys();
                if (k.size() < 2 || !k.get(0).equals("mcp_servers") || !k.get(1).equals(name)) {
                    continue;
                }
                int end = h + 1 < headers.size() ? headers.get(h + 1).index() : out.length;
                // Trailing blank and comment lines belong to what follows, not to this table.
                while (end - 1 > header.index() && (out[end - 1].isBlank() || out[end - 1].stripLeading()
                        .startsWith("#"))) {
                    end--;
                }
                for (int i = header.index(); i < end; i++) {
                    drop[i] = true;
                }
                if (k.size() == 2) {
                    found = true;
                    out[header.index()] = "[mcp_servers." + key(name) + "]\n" + body(entry.getValue());
                    drop[header.index()] = false;
                }
            }
            if (!found) {
                throw new ImportException(file + ":" + lineOfKey("mcp_servers") + ": mcp_servers." + name
                        + " is not written as its own [mcp_servers." + key(name) + "] table (inline tables and dotted "
                        + "keys are not rewritten): edit it by hand, e.g. with: airlock connect codex --server " + name);
            }
            ((ObjectNode) expected.get("mcp_servers")).set(name, entry.getValue());
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < out.length; i++) {
            if (drop[i]) {
                continue;
            }
            text.append(out[i]);
            if (i < out.length - 1) {
                text.append('\n');
            }
        }
        String result = text.toString();
        ObjectNode reparsed = read(result, file);
        if (!reparsed.equals(expected)) {
            throw new ImportException(file + ": the rewritten file would not mean what was intended (its layout is "
                    + "not one Airlock can edit safely); nothing was written. Edit it by hand: airlock connect codex");
        }
        return result.getBytes(StandardCharsets.UTF_8);
    }

    /** {@code key = value} lines of a table, nested tables inline. */
    private static String body(ObjectNode entry) {
        StringBuilder b = new StringBuilder();
        for (Iterator<Map.Entry<String, JsonNode>> it = entry.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            b.append(key(e.getKey())).append(" = ");
            value(b, e.getValue());
            if (it.hasNext()) {
                b.append('\n');
            }
        }
        return b.toString();
    }

    static String key(String key) {
        return BARE.matcher(key).matches() ? key : string(key);
    }

    static void value(StringBuilder b, JsonNode v) {
        if (v.isTextual()) {
            b.append(string(v.textValue()));
        } else if (v.isBoolean() || v.isIntegralNumber()) {
            b.append(v.asText());
        } else if (v.isNumber()) {
            double d = v.doubleValue();
            b.append(Double.isNaN(d) ? "nan" : Double.isInfinite(d) ? (d > 0 ? "inf" : "-inf") : v.asText());
        } else if (v.isArray()) {
            b.append('[');
            for (int i = 0; i < v.size(); i++) {
                b.append(i == 0 ? "" : ", ");
                value(b, v.get(i));
            }
            b.append(']');
        } else if (v.isObject()) {
            b.append('{');
            boolean first = true;
            for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                b.append(first ? " " : ", ").append(key(e.getKey())).append(" = ");
                value(b, e.getValue());
                first = false;
            }
            b.append(first ? "}" : " }");
        } else {
            b.append(string(v.asText()));
        }
    }

    static String string(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                case '\r' -> b.append("\\r");
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        b.append(String.format("\\u%04X", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
