package io.airlock.policy.catalog;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.airlock.policy.tags.Capability;
import io.airlock.policy.tags.Scope;
import io.airlock.policy.tags.Tag;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The catalog of well-known MCP server kinds ({@code catalog.yaml}): for each kind, how to recognise it from a
 * configured command line or URL, whether a sandboxed twin makes sense, and every tool with its base tags, analysed
 * arguments and value-selected variants. It is validated when loaded: an unknown capability, scope or role, a
 * malformed pointer, a duplicate kind, tool or key, or a recogniser claimed by two kinds fails the load with an
 * exception naming the entry.
 */
public final class Catalog {

    /** The built-in catalog's classpath location. */
    public static final String RESOURCE = "/io/airlock/policy/catalog.yaml";

    private static final Pattern KIND_ID = Pattern.compile("[a-z0-9][a-z0-9-]*");
    private static final Set<String> TOP_KEYS = Set.of("kinds");
    private static final Set<String> KIND_KEYS = Set.of("recognise", "sandboxable", "tools");
    private static final Set<String> TOOL_KEYS = Set.of("tags", "args", "when");
    private static final Set<String> ARG_KEYS = Set.of("role", "absent");
    private static final Set<String> WHEN_KEYS = Set.of("at", "is", "tags", "args");

    private static volatile Catalog builtIn;

    private final Map<String, ServerKind> kinds;

    private Catalog(Map<String, ServerKind> kinds) {
        this.kinds = Collections.unmodifiableMap(kinds);
    }

    /** The catalog shipped with Airlock (loaded once). */
    public static Catalog builtIn() {
        Catalog c = builtIn;
        if (c == null) {
            synchronized (Catalog.class) {
                c = builtIn;
                if (c == null) {
                    try (InputStream in = Catalog.class.getResourceAsStream(RESOURCE)) {
                        if (in == null) {
                            throw new IllegalStateException("catalog: " + RESOURCE + " is not on the classpath");
                        }
                        c = load(in, "catalog.yaml");
                    } catch (IOException e) {
                        throw new UncheckedIOException("catalog: cannot read " + RESOURCE, e);
                    }
                    builtIn = c;
                }
            }
        }
        return c;
    }

    /** Parses and validates a catalog; {@code source} names it in error messages. */
    public static Catalog load(InputStream in, String source) throws IOException {
        return fromTree(readTree(in, source), source);
    }

    /** Parses and validates a catalog given as YAML text. */
    public static Catalog parse(String yaml, String source) {
        try {
            return load(new java.io.ByteArrayInputStream(yaml.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                    source);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode readTree(InputStream in, String source) throws IOException {
        YAMLMapper mapper = YAMLMapper.builder().enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY).build();
        try {
            return mapper.readTree(in);
        } catch (JacksonException e) {
            String where = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
            throw new CatalogException(source + ": " + e.getOriginalMessage() + where, e);
        }
    }

    // ---- queries -------------------------------------------------------------------------------------------------

    /** All kinds by id, in catalog order. */
    public Map<String, ServerKind> kinds() {
        return kinds;
    }

    /** The kind with this id; IllegalArgumentException naming the known ids when there is none. */
    public ServerKind kind(String id) {
        ServerKind kind = kinds.get(id);
        if (kind == null) {
            throw new IllegalArgumentException("kind: '" + id + "' (expected one of: "
                    + String.join(", ", kinds.keySet()) + ")");
        }
        return kind;
    }

    /** The kind with this id, if the catalog has it. */
    public Optional<ServerKind> findKind(String id) {
        return Optional.ofNullable(kinds.get(id));
    }

    /** The spec of {@code tool} of {@code kind}; empty when either is unknown. */
    public Optional<ToolSpec> tool(String kind, String tool) {
        ServerKind k = kinds.get(kind);
        return k == null ? Optional.empty() : k.tool(tool);
    }

    /**
     * Recognises the kind of a stdio server from its command line, e.g. {@code [npx, -y,
     * @modelcontextprotocol/server-filesystem@latest, /tmp]}, {@code [uvx, mcp-server-git, --repository, .]},
     * {@code [docker, run, -i, --rm, ghcr.io/github/github-mcp-server]} or {@code [node,
     * /opt/desktop-commander/dist/index.js]}.
     *
     * <p>Each element is split into path segments ({@code /} and {@code \}), with version and tag suffixes dropped
     * ({@code pkg@1.2.3}, {@code pkg==0.6.2}, {@code image:tag}, {@code image@sha256:…}); a recogniser matches when its
     * own segments occur consecutively, case-insensitively (an image name such as {@code mcp/git} only at the end of
     * the element). The earliest matching element wins (the package comes
     * before its arguments, so {@code server-filesystem /src/mcp-server-git} is a filesystem server); within one
     * element the longest recogniser wins.
     */
    public Optional<ServerKind> recognise(List<String> commandLine) {
        if (commandLine == null) {
            return Optional.empty();
        }
        List<String> elements = new ArrayList<>();
        for (String element : commandLine) {
            if (element == null || element.isBlank()) {
                continue;
            }
            elements.add(element);
            if (element.strip().contains(" ")) {
                elements.addAll(Arrays.asList(element.strip().split("\\s+")));
            }
        }
        for (String element : elements) {
            List<String> segments = segments(element);
            ServerKind best = null;
            int bestLength = -1;
            for (ServerKind kind : kinds.values()) {
                for (String recogniser : kind.recognisers()) {
                    if (recogniser.length() > bestLength && matches(segments, recogniser)) {
                        best = kind;
                        bestLength = recogniser.length();
                    }
                }
            }
            if (best != null) {
                return Optional.of(best);
            }
        }
        return Optional.empty();
    }

    /**
     * Recognises the kind of a remote (HTTP) server from its URL: a recogniser containing a dot matches when the
     * URL's host and path start with it, e.g. {@code api.githubcopilot.com/mcp} for
     * {@code https://api.githubcopilot.com/mcp/}.
     */
    public Optional<ServerKind> recognise(String url) {
        if (url == null) {
            return Optional.empty();
        }
        String hostAndPath;
        try {
            URI uri = new URI(url.strip());
            if (uri.getHost() == null) {
                return Optional.empty();
            }
            hostAndPath = (uri.getHost() + (uri.getPath() == null ? "" : uri.getPath())).toLowerCase(Locale.ROOT);
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
        ServerKind best = null;
        int bestLength = -1;
        for (ServerKind kind : kinds.values()) {
            for (String recogniser : kind.recognisers()) {
                String r = recogniser.toLowerCase(Locale.ROOT);
                if (r.contains(".") && r.length() > bestLength && prefixMatch(hostAndPath, r)) {
                    best = kind;
                    bestLength = r.length();
                }
            }
        }
        return Optional.ofNullable(best);
    }

    private static boolean prefixMatch(String hostAndPath, String recogniser) {
        if (!hostAndPath.startsWith(recogniser)) {
            return false;
        }
        if (hostAndPath.length() == recogniser.length() || recogniser.endsWith("/")) {
            return true;
        }
        char next = hostAndPath.charAt(recogniser.length());
        return next == '/' || (next == ':' && !recogniser.contains("/"));
    }

    static List<String> segments(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT).replace('\\', '/');
        List<String> out = new ArrayList<>();
        String[] parts = t.split("/");
        for (int i = 0; i < parts.length; i++) {
            String s = parts[i];
            if (s.isEmpty()) {
                continue;
            }
            s = stripVersion(s, i == parts.length - 1);
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }

    private static String stripVersion(String segment, boolean last) {
        String s = segment;
        int at = s.indexOf('@', 1); // pkg@1.2.3, image@sha256:… (a leading @ is an npm scope)
        if (at > 0) {
            s = s.substring(0, at);
        }
        for (String op : List.of("==", ">=", "<=", "~=", "!=")) {
            int i = s.indexOf(op);
            if (i > 0) {
                s = s.substring(0, i);
            }
        }
        if (last) {
            int colon = s.indexOf(':'); // image:tag
            if (colon > 0) {
                s = s.substring(0, colon);
            }
        }
        return s;
    }

    /**
     * A recogniser of several segments that is not an npm scope ({@code mcp/git}: a container image) must end the
     * element, so that {@code /home/me/mcp/git/server.js} is not taken for the image; others may occur anywhere
     * ({@code …/node_modules/@scope/pkg/dist/index.js}).
     */
    private static boolean matches(List<String> segments, String recogniser) {
        List<String> needle = segments(recogniser);
        if (needle.size() > 1 && !recogniser.startsWith("@")) {
            return needle.size() <= segments.size()
                    && segments.subList(segments.size() - needle.size(), segments.size()).equals(needle);
        }
        return containsRun(segments, needle);
    }

    private static boolean containsRun(List<String> haystack, List<String> needle) {
        if (needle.isEmpty() || needle.size() > haystack.size()) {
            return false;
        }
        outer:
        for (int i = 0; i + needle.size() <= haystack.size(); i++) {
            for (int j = 0; j < needle.size(); j++) {
                if (!haystack.get(i + j).equals(needle.get(j))) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    // ---- loading -------------------------------------------------------------------------------------------------

    private static Catalog fromTree(JsonNode root, String source) {
        Reader r = new Reader(source);
        if (root == null || !root.isObject()) {
            throw r.error("", "expected a mapping with 'kinds'");
        }
        r.keys(root, "", TOP_KEYS);
        JsonNode kindsNode = root.get("kinds");
        if (kindsNode == null || !kindsNode.isObject() || kindsNode.isEmpty()) {
            throw r.error("kinds", "expected a non-empty mapping of kind id to kind");
        }
        Map<String, ServerKind> kinds = new LinkedHashMap<>();
        Map<String, String> recogniserOwner = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : kindsNode.properties()) {
            String id = e.getKey();
            String at = "kinds." + id;
            if (!KIND_ID.matcher(id).matches()) {
                throw r.error(at, "kind id '" + id + "' (expected: lower case letters, digits and '-')");
            }
            ServerKind kind = readKind(r, at, id, e.getValue());
            for (String recogniser : kind.recognisers()) {
                String key = recogniser.toLowerCase(Locale.ROOT);
                String owner = recogniserOwner.putIfAbsent(key, id);
                if (owner != null) {
                    throw r.error(at + ".recognise", "'" + recogniser + "' also recognises kind '" + owner + "'");
                }
            }
            kinds.put(id, kind);
        }
        return new Catalog(kinds);
    }

    private static ServerKind readKind(Reader r, String at, String id, JsonNode node) {
        if (node == null || !node.isObject()) {
            throw r.error(at, "expected a mapping with recognise, sandboxable and tools");
        }
        r.keys(node, at, KIND_KEYS);
        List<String> recognisers = new ArrayList<>();
        JsonNode rec = node.get("recognise");
        if (rec != null && !rec.isNull()) {
            if (!rec.isArray()) {
                throw r.error(at + ".recognise", "expected a list of names");
            }
            for (int i = 0; i < rec.size(); i++) {
                JsonNode n = rec.get(i);
                if (!n.isTextual() || n.asText().isBlank() || segments(n.asText()).isEmpty()) {
                    throw r.error(at + ".recognise[" + i + "]", "expected a package, binary, image or host name");
                }
                recognisers.add(n.asText().strip());
            }
        }
        JsonNode sb = node.get("sandboxable");
        if (sb == null || !sb.isBoolean()) {
            throw r.error(at + ".sandboxable", "expected true or false");
        }
        JsonNode toolsNode = node.get("tools");
        if (toolsNode == null || !toolsNode.isObject() || toolsNode.isEmpty()) {
            throw r.error(at + ".tools", "expected a non-empty mapping of tool name to spec");
        }
        Map<String, ToolSpec> tools = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : toolsNode.properties()) {
            String name = e.getKey();
            String toolAt = at + ".tools." + name;
            if (name.isBlank()) {
                throw r.error(toolAt, "empty tool name");
            }
            tools.put(name, readTool(r, toolAt, id, name, e.getValue()));
        }
        return new ServerKind(id, recognisers, sb.booleanValue(), tools);
    }

    private static ToolSpec readTool(Reader r, String at, String kind, String name, JsonNode node) {
        String evidence = "catalog: " + kind + "." + name;
        if (node == null || node.isNull()) {
            return new ToolSpec(name, List.of(), List.of(), List.of());
        }
        if (node.isArray()) { // shorthand: just the base tags
            return new ToolSpec(name, readTags(r, at, node, evidence), List.of(), List.of());
        }
        if (!node.isObject()) {
            throw r.error(at, "expected a list of tags or a mapping with tags, args and when");
        }
        r.keys(node, at, TOOL_KEYS);
        List<Tag> tags = node.has("tags") ? readTags(r, at + ".tags", node.get("tags"), evidence) : List.of();
        List<ArgSpec> args = node.has("args") ? readArgs(r, at + ".args", node.get("args")) : List.of();
        List<ArgCondition> when = new ArrayList<>();
        JsonNode w = node.get("when");
        if (w != null && !w.isNull()) {
            if (!w.isArray() || w.isEmpty()) {
                throw r.error(at + ".when", "expected a list of {at, is, tags, args}");
            }
            for (int i = 0; i < w.size(); i++) {
                when.add(readCondition(r, at + ".when[" + i + "]", evidence, w.get(i)));
            }
        }
        return new ToolSpec(name, tags, args, when);
    }

    private static ArgCondition readCondition(Reader r, String at, String evidence, JsonNode node) {
        if (node == null || !node.isObject()) {
            throw r.error(at, "expected a mapping {at, is, tags, args}");
        }
        r.keys(node, at, WHEN_KEYS);
        JsonNode pointerNode = node.get("at");
        if (pointerNode == null || !pointerNode.isTextual()) {
            throw r.error(at + ".at", "expected the pointer of the argument tested, e.g. /mode");
        }
        String pointer = pointerNode.asText();
        String problem = ArgPointer.problem(pointer);
        if (problem != null) {
            throw r.error(at + ".at", problem);
        }
        JsonNode is = node.get("is");
        List<String> values = new ArrayList<>();
        if (is == null || is.isNull()) {
            throw r.error(at + ".is", "expected the value (or list of values) that selects the variant");
        }
        for (JsonNode v : is.isArray() ? iterable(is) : List.of(is)) {
            if (!v.isValueNode() || v.isNull()) {
                throw r.error(at + ".is", "expected scalar values");
            }
            values.add(v.asText());
        }
        if (values.isEmpty()) {
            throw r.error(at + ".is", "expected at least one value");
        }
        String variant = evidence + " with " + pointer + " = " + String.join("|", values);
        List<Tag> tags = node.has("tags") ? readTags(r, at + ".tags", node.get("tags"), variant) : List.of();
        List<ArgSpec> args = node.has("args") ? readArgs(r, at + ".args", node.get("args")) : List.of();
        if (tags.isEmpty() && args.isEmpty()) {
            throw r.error(at, "a condition needs tags or args");
        }
        return new ArgCondition(pointer, values, tags, args);
    }

    private static List<JsonNode> iterable(JsonNode array) {
        List<JsonNode> out = new ArrayList<>();
        array.forEach(out::add);
        return out;
    }

    private static List<Tag> readTags(Reader r, String at, JsonNode node, String evidence) {
        if (node == null || !node.isArray()) {
            throw r.error(at, "expected a list of tags such as [read_file:inside, network_egress]");
        }
        List<Tag> tags = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode n = node.get(i);
            String tagAt = at + "[" + i + "]";
            if (!n.isTextual()) {
                throw r.error(tagAt, "expected 'capability' or 'capability:scope'");
            }
            tags.add(parseTag(r, tagAt, n.asText(), evidence));
        }
        return tags;
    }

    static Tag parseTag(Reader r, String at, String text, String evidence) {
        String[] parts = text.strip().split(":", -1);
        if (parts.length > 2) {
            throw r.error(at, "'" + text + "' (expected: 'capability' or 'capability:scope')");
        }
        Capability capability = Capability.fromId(parts[0]);
        if (capability == null) {
            throw r.error(at, "'" + parts[0] + "' is not a capability (expected one of: "
                    + Arrays.stream(Capability.values()).map(Capability::id).collect(Collectors.joining(", ")) + ")");
        }
        Scope scope = Scope.NONE;
        if (parts.length == 2) {
            scope = switch (parts[1]) {
                case "inside" -> Scope.INSIDE;
                case "outside" -> Scope.OUTSIDE;
                case "unknown" -> Scope.UNKNOWN;
                default -> throw r.error(at, "'" + parts[1] + "' is not a scope (expected: inside, outside or "
                        + "unknown; leave it out for none)");
            };
        }
        return Tag.of(capability, scope, evidence);
    }

    private static List<ArgSpec> readArgs(Reader r, String at, JsonNode node) {
        if (node == null || !node.isObject()) {
            throw r.error(at, "expected a mapping of pointer to role, e.g. {/path: path_read}");
        }
        List<ArgSpec> args = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            String pointer = e.getKey();
            String argAt = at + "." + pointer;
            String problem = ArgPointer.problem(pointer);
            if (problem != null) {
                throw r.error(argAt, problem);
            }
            JsonNode v = e.getValue();
            String roleId;
            String absent = null;
            if (v != null && v.isTextual()) {
                roleId = v.asText();
            } else if (v != null && v.isObject()) {
                r.keys(v, argAt, ARG_KEYS);
                JsonNode role = v.get("role");
                if (role == null || !role.isTextual()) {
                    throw r.error(argAt + ".role", "expected a role");
                }
                roleId = role.asText();
                JsonNode a = v.get("absent");
                if (a != null && !a.isNull()) {
                    if (!a.isValueNode()) {
                        throw r.error(argAt + ".absent", "expected the server's default value");
                    }
                    absent = a.asText();
                }
            } else {
                throw r.error(argAt, "expected a role or {role, absent}");
            }
            ArgRole role = ArgRole.fromId(roleId);
            if (role == null) {
                throw r.error(argAt, "'" + roleId + "' is not a role (expected one of: "
                        + Arrays.stream(ArgRole.values()).map(ArgRole::id).collect(Collectors.joining(", ")) + ")");
            }
            args.add(new ArgSpec(pointer, role, absent));
        }
        return args;
    }

    /** Error reporting with the source name and the entry's path. */
    static final class Reader {
        private final String source;

        Reader(String source) {
            this.source = source;
        }

        CatalogException error(String at, String message) {
            return new CatalogException(source + ": " + (at.isEmpty() ? "" : at + ": ") + message);
        }

        void keys(JsonNode node, String at, Set<String> allowed) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                if (!allowed.contains(e.getKey())) {
                    throw error(at.isEmpty() ? e.getKey() : at + "." + e.getKey(), "unknown key (expected: "
                            + allowed.stream().sorted().collect(Collectors.joining(", ")) + ")");
                }
            }
        }
    }
}
