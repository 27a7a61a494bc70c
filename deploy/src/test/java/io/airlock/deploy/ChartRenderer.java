package io.airlock.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Renders the Helm chart in deploy/helm for tests, without a helm binary (none comes from the registries CI may use).
 * It implements the subset of Go templates and Helm functions the chart uses, and fails on anything else, naming it:
 * the chart may only grow within what this check understands (or the check grows with it).
 *
 * <p>Supported: {@code {{ }}} with {@code -} trimming; {@code define}, {@code include}, {@code if}/{@code else}/
 * {@code end}; {@code .Values.*}, {@code .Release.Name}, {@code .Chart.*}, {@code .}; string and number literals;
 * pipelines into {@code quote, toYaml, nindent, indent, b64enc, sha256sum, required, default, not, eq}.
 */
final class ChartRenderer {

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

    /** A rendering failure, as {@code helm template} would report one. */
    static final class RenderException extends RuntimeException {
        RenderException(String message) {
            super(message);
        }
    }

    private final Path chart;
    private final Map<String, Object> root = new HashMap<>();
    private final Map<String, List<Node>> defines = new HashMap<>();

    /** @param overrides values merged over values.yaml, like {@code --set} */
    ChartRenderer(Path chart, String releaseName, JsonNode overrides) throws IOException {
        this.chart = chart;
        JsonNode values = YAML.readTree(chart.resolve("values.yaml").toFile());
        merge((ObjectNode) values, overrides);
        JsonNode meta = YAML.readTree(chart.resolve("Chart.yaml").toFile());
        root.put("Values", values);
        root.put("Release", YAML.createObjectNode().put("Name", releaseName).put("Namespace", "default"));
        root.put("Chart", YAML.createObjectNode().put("Name", meta.path("name").asText())
                .put("Version", meta.path("version").asText()).put("AppVersion", meta.path("appVersion").asText()));
    }

    private static void merge(ObjectNode into, JsonNode over) {
        if (over == null) {
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = over.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().isObject() && into.get(e.getKey()) instanceof ObjectNode child) {
                merge(child, e.getValue());
            } else {
                into.set(e.getKey(), e.getValue());
            }
        }
    }

    /** Every template's output by file name (helpers and NOTES excluded), rendered. */
    Map<String, String> render() throws IOException {
        Map<String, String> out = new TreeMap<>();
        Path templates = chart.resolve("templates");
        List<Path> files;
        try (Stream<Path> list = Files.list(templates)) {
            files = list.sorted().toList();
        }
        for (Path file : files) {
            String name = file.getFileName().toString();
            if (name.startsWith("_")) {
                parse(Files.readString(file), name); // collects its defines
            }
        }
        for (Path file : files) {
            String name = file.getFileName().toString();
            if (!name.startsWith("_") && name.endsWith(".yaml")) {
                StringBuilder sb = new StringBuilder();
                run(parse(Files.readString(file), name), root, sb);
                out.put(name, sb.toString());
            }
        }
        return out;
    }

    /** All Kubernetes objects rendered, parsed. */
    List<JsonNode> objects() throws IOException {
        List<JsonNode> objects = new ArrayList<>();
        for (Map.Entry<String, String> e : render().entrySet()) {
            for (String doc : e.getValue().split("(?m)^---\\s*$")) {
                if (doc.isBlank()) {
                    continue;
                }
                JsonNode node;
                try {
                    node = YAML.readTree(doc);
                } catch (IOException bad) {
                    throw new RenderException(e.getKey() + " does not render to valid YAML: " + bad.getMessage()
                            + "\n" + doc);
                }
                if (node != null && !node.isNull() && !node.isMissingNode()) {
                    objects.add(node);
                }
            }
        }
        return objects;
    }

    // ---- parsing -----------------------------------------------------------------------------------------------

    private sealed interface Node {}

    private record Text(String text) implements Node {}

    private record Action(String expr) implements Node {}

    private record If(String expr, List<Node> then, List<Node> otherwise) implements Node {}

    private List<Node> parse(String source, String file) {
        // Tokens with Go's trim markers applied: "{{-" eats whitespace before, "-}}" after.
        List<Object> tokens = new ArrayList<>();
        int at = 0;
        while (true) {
            int open = source.indexOf("{{", at);
            if (open < 0) {
                tokens.add(source.substring(at));
                break;
            }
            int close = source.indexOf("}}", open);
            if (close < 0) {
                throw new RenderException(file + ": unclosed {{");
            }
            String inner = source.substring(open + 2, close);
            String text = source.substring(at, open);
            if (inner.startsWith("-")) {
                text = text.stripTrailing();
                inner = inner.substring(1);
            }
            tokens.add(text);
            boolean trimAfter = inner.endsWith("-");
            if (trimAfter) {
                inner = inner.substring(0, inner.length() - 1);
            }
            tokens.add(new String[] {inner.strip()});
            at = close + 2;
            if (trimAfter) {
                while (at < source.length() && Character.isWhitespace(source.charAt(at))) {
                    at++;
                }
            }
        }
        Iterator<Object> it = tokens.iterator();
        List<Node> nodes = new ArrayList<>();
        String end = block(it, nodes, file);
        if (end != null) {
            throw new RenderException(file + ": unexpected {{ " + end + " }}");
        }
        return nodes;
    }

    /** Reads nodes until {@code end} or {@code else} (returned) or the input's end (null). */
    private String block(Iterator<Object> it, List<Node> into, String file) {
        while (it.hasNext()) {
            Object token = it.next();
            if (token instanceof String text) {
                if (!text.isEmpty()) {
                    into.add(new Text(text));
                }
                continue;
            }
            String action = ((String[]) token)[0];
            if (action.equals("end") || action.equals("else")) {
                return action;
            }
            if (action.startsWith("/*")) {
                continue;
            }
            if (action.startsWith("define ")) {
                String name = unquote(action.substring(7).strip(), file);
                List<Node> body = new ArrayList<>();
                if (!"end".equals(block(it, body, file))) {
                    throw new RenderException(file + ": define " + name + " without end");
                }
                defines.put(name, body);
            } else if (action.startsWith("if ")) {
                List<Node> then = new ArrayList<>();
                List<Node> otherwise = new ArrayList<>();
                String stop = block(it, then, file);
                if ("else".equals(stop)) {
                    stop = block(it, otherwise, file);
                }
                if (!"end".equals(stop)) {
                    throw new RenderException(file + ": if without end");
                }
                into.add(new If(action.substring(3).strip(), then, otherwise));
            } else if (action.matches("(range|with|template|block|else if)\\b.*")) {
                throw new RenderException(file + ": {{ " + action + " }} is not supported by this check");
            } else {
                into.add(new Action(action));
            }
        }
        return null;
    }

    private static String unquote(String s, String where) {
        if (s.length() < 2 || !s.startsWith("\"") || !s.endsWith("\"")) {
            throw new RenderException(where + ": expected a quoted string, got " + s);
        }
        return s.substring(1, s.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
    }

    // ---- evaluation --------------------------------------------------------------------------------------------

    private void run(List<Node> nodes, Object dot, StringBuilder out) {
        for (Node node : nodes) {
            switch (node) {
                case Text t -> out.append(t.text());
                case Action a -> out.append(text(pipeline(a.expr(), dot)));
                case If i -> run(truthy(pipeline(i.expr(), dot)) ? i.then() : i.otherwise(), dot, out);
            }
        }
    }

    private Object pipeline(String expr, Object dot) {
        Object value = null;
        boolean first = true;
        for (String stage : splitPipes(expr)) {
            List<String> words = words(stage.strip());
            List<Object> args = new ArrayList<>();
            for (String w : words.subList(1, words.size())) {
                args.add(term(w, dot));
            }
            if (!first) {
                args.add(value);
            }
            value = words.size() == 1 && first && !isFunction(words.getFirst()) ? term(words.getFirst(), dot)
                    : call(words.getFirst(), args, expr);
            first = false;
        }
        return value;
    }

    private static boolean isFunction(String word) {
        return word.matches("[a-zA-Z][a-zA-Z0-9]*");
    }

    private static List<String> splitPipes(String expr) {
        List<String> parts = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (char c : expr.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == '|' && !quoted) {
                parts.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        parts.add(cur.toString());
        return parts;
    }

    private static List<String> words(String stage) {
        List<String> words = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (char c : stage.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            }
            if (Character.isWhitespace(c) && !quoted) {
                if (!cur.isEmpty()) {
                    words.add(cur.toString());
                    cur.setLength(0);
                }
            } else {
                cur.append(c);
            }
        }
        if (!cur.isEmpty()) {
            words.add(cur.toString());
        }
        if (words.isEmpty()) {
            throw new RenderException("empty pipeline stage in: " + stage);
        }
        return words;
    }

    @SuppressWarnings("unchecked")
    private Object term(String word, Object dot) {
        if (word.startsWith("\"")) {
            return unquote(word, "literal");
        }
        if (word.matches("-?[0-9]+")) {
            return Integer.parseInt(word);
        }
        if (word.equals(".")) {
            return dot;
        }
        if (word.startsWith(".")) {
            String[] path = word.substring(1).split("\\.");
            Object cur = ((Map<String, Object>) dot).get(path[0]);
            if (cur == null) {
                throw new RenderException("unknown top-level object ." + path[0]);
            }
            for (int i = 1; i < path.length; i++) {
                JsonNode node = (JsonNode) cur;
                cur = node.get(path[i]); // missing: null, as Helm's nil
                if (cur == null) {
                    return null;
                }
            }
            return cur;
        }
        throw new RenderException("unsupported term: " + word);
    }

    private Object call(String fn, List<Object> args, String expr) {
        return switch (fn) {
            case "include" -> {
                String name = (String) args.get(0);
                List<Node> body = defines.get(name);
                if (body == null) {
                    throw new RenderException("include of undefined template " + name);
                }
                StringBuilder sb = new StringBuilder();
                run(body, args.get(1), sb);
                yield sb.toString();
            }
            case "quote" -> "\"" + text(args.getFirst()).replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
            case "toYaml" -> toYaml(args.getFirst());
            case "nindent" -> "\n" + indent((Integer) args.get(0), text(args.get(1)));
            case "indent" -> indent((Integer) args.get(0), text(args.get(1)));
            case "b64enc" -> Base64.getEncoder().encodeToString(text(args.getFirst()).getBytes(StandardCharsets.UTF_8));
            case "sha256sum" -> sha256(text(args.getFirst()));
            case "required" -> {
                if (!truthy(args.get(1))) {
                    throw new RenderException("execution error: " + args.get(0));
                }
                yield args.get(1);
            }
            case "default" -> truthy(args.get(1)) ? args.get(1) : args.get(0);
            case "not" -> !truthy(args.getFirst());
            case "eq" -> text(args.get(0)).equals(text(args.get(1)));
            default -> throw new RenderException("function " + fn + " is not supported by this check (in: " + expr
                    + ")");
        };
    }

    static boolean truthy(Object v) {
        return switch (v) {
            case null -> false;
            case Boolean b -> b;
            case String s -> !s.isEmpty();
            case Integer i -> i != 0;
            case JsonNode n -> !(n.isNull() || n.isMissingNode() || n.isBoolean() && !n.booleanValue()
                    || n.isTextual() && n.textValue().isEmpty() || n.isNumber() && n.asDouble() == 0
                    || n.isContainerNode() && n.isEmpty());
            default -> true;
        };
    }

    private static String text(Object v) {
        return switch (v) {
            case null -> "";
            case JsonNode n when n.isValueNode() -> n.asText();
            case JsonNode n -> toYaml(n);
            default -> v.toString();
        };
    }

    private static String toYaml(Object v) {
        try {
            String yaml = YAML.writeValueAsString(v instanceof JsonNode n ? n : v);
            return yaml.endsWith("\n") ? yaml.substring(0, yaml.length() - 1) : yaml;
        } catch (IOException e) {
            throw new RenderException("toYaml: " + e.getMessage());
        }
    }

    private static String indent(int n, String s) {
        String pad = " ".repeat(n);
        return pad + s.replace("\n", "\n" + pad);
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
