package io.airlock.policy.tagging;

import com.fasterxml.jackson.databind.JsonNode;
import io.airlock.policy.analysis.Access;
import io.airlock.policy.analysis.AnalysisContext;
import io.airlock.policy.analysis.PathAnalyzer;
import io.airlock.policy.analysis.UrlAnalyzer;
import io.airlock.policy.cascade.ToolCall;
import io.airlock.policy.catalog.ArgSpec;
import io.airlock.policy.catalog.ToolSpec;
import io.airlock.policy.tags.Capability;
import io.airlock.policy.tags.Scope;
import io.airlock.policy.tags.Tag;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * Gives a call its capability tags, from (in order): the operator's overrides for the tool, else the catalog's spec
 * for the server kind, else {@code unknown}; then the analysis of each argument the spec names; then the tool's
 * annotations. Deterministic: the same call, context and catalog always get the same tags.
 */
public final class Tagger {

    /** Per server: the operator's word on it. */
    public record ServerFacts(String kind, boolean trusted, Map<String, List<Tag>> overrides,
                              AnalysisContext context) {
        public ServerFacts {
            overrides = Map.copyOf(overrides);
        }
    }

    private final BiFunction<String, String, Optional<ToolSpec>> catalog;
    private final ArgumentAnalyzers analyzers;

    /**
     * @param catalog (kind, tool) → the catalog's spec
     */
    public Tagger(BiFunction<String, String, Optional<ToolSpec>> catalog, ArgumentAnalyzers analyzers) {
        this.catalog = catalog;
        this.analyzers = analyzers;
    }

    public List<Tag> tag(ToolCall call, ServerFacts server, ToolAnnotations annotations) {
        List<Tag> tags = new ArrayList<>();
        switch (call.method()) {
            case "resources/read" -> tags.addAll(resource(call.tool(), server.context()));
            case "prompts/get" -> { /* a prompt template runs nothing by itself */ }
            default -> tool(call, server, annotations, tags);
        }
        return dedupe(tags);
    }

    private void tool(ToolCall call, ServerFacts server, ToolAnnotations annotations, List<Tag> tags) {
        List<Tag> override = server.overrides().get(call.tool());
        Optional<ToolSpec> spec = server.kind() == null ? Optional.empty() : catalog.apply(server.kind(), call.tool());
        if (override != null) {
            tags.addAll(override);
        } else if (spec.isPresent()) {
            tags.addAll(spec.get().baseTags());
        } else {
            tags.add(Tag.of(Capability.UNKNOWN, "tool '" + call.tool() + "' of server '" + call.server()
                    + "' (kind " + (server.kind() == null ? "unknown" : server.kind()) + ") is not in the catalog"));
        }
        spec.ifPresent(s -> arguments(s, call.arguments(), server.context(), tags));
        annotations(annotations, server.trusted(), tags);
    }

    private void arguments(ToolSpec spec, JsonNode arguments, AnalysisContext ctx, List<Tag> tags) {
        AnalysisContext effective = ctx;
        for (ArgSpec arg : spec.args()) {
            if (arg.role() != io.airlock.policy.catalog.ArgRole.CWD) {
                continue;
            }
            for (JsonNode value : values(arguments, arg.pointer())) {
                Path cwd = value.isTextual() ? PathAnalyzer.resolve(value.textValue(), ctx) : null;
                Scope scope = value.isTextual() ? PathAnalyzer.scope(value.textValue(), ctx) : Scope.UNKNOWN;
                if (scope != Scope.INSIDE) {
                    tags.add(Tag.of(Capability.EXEC_COMMAND, scope, "runs in " + value.asText()));
                }
                if (cwd != null) {
                    effective = ctx.withWorkingDirectory(cwd);
                }
            }
        }
        boolean forced = false;
        List<String> refspecs = new ArrayList<>();
        String remote = null;
        for (ArgSpec arg : spec.args()) {
            for (JsonNode value : values(arguments, arg.pointer())) {
                String text = value.isValueNode() ? value.asText() : null;
                switch (arg.role()) {
                    case SHELL_COMMAND -> {
                        if (text != null) {
                            tags.addAll(analyzers.shell(text, effective));
                        }
                    }
                    case ARGV -> tags.addAll(analyzers.shell(argvToCommand(value), effective));
                    case PATH_READ -> pathTags(text, Access.READ, effective, tags);
                    case PATH_WRITE -> pathTags(text, Access.WRITE, effective, tags);
                    case PATH_DELETE -> pathTags(text, Access.DELETE, effective, tags);
                    case URL -> {
                        if (text != null) {
                            tags.addAll(UrlAnalyzer.analyze(text, effective));
                        }
                    }
                    case SQL -> {
                        if (text != null) {
                            tags.addAll(analyzers.sql(text));
                        }
                    }
                    case GIT_REFSPEC -> {
                        if (text != null) {
                            refspecs.add(text);
                        }
                    }
                    case FORCE_FLAG -> forced |= value.asBoolean(false);
                    case CWD -> { /* handled first */ }
                    default -> { /* roles added later are analysed when the tagger learns them */ }
                }
            }
        }
        if (!refspecs.isEmpty() || forced) {
            tags.addAll(analyzers.gitPush(remote, refspecs, forced));
        }
    }

    private static void pathTags(String text, Access access, AnalysisContext ctx, List<Tag> tags) {
        if (text == null) {
            tags.add(Tag.of(access == Access.READ ? Capability.READ_FILE : access == Access.WRITE
                    ? Capability.WRITE_FILE : Capability.DELETE, Scope.UNKNOWN, "a path that is not a string"));
            return;
        }
        tags.addAll(PathAnalyzer.analyze(text, access, ctx));
    }

    private static List<Tag> resource(String uri, AnalysisContext ctx) {
        String lower = uri.toLowerCase(java.util.Locale.ROOT);
        if (lower.startsWith("file:")) {
            return PathAnalyzer.analyze(uri, Access.READ, ctx);
        }
        if (lower.startsWith("http:") || lower.startsWith("https:")) {
            return UrlAnalyzer.analyze(uri, ctx);
        }
        return List.of(); // server-defined schemes name the server's own data
    }

    private static void annotations(ToolAnnotations a, boolean trusted, List<Tag> tags) {
        if (Boolean.TRUE.equals(a.destructive())) {
            tags.add(Tag.of(Capability.DELETE, Scope.UNKNOWN, "the tool declares destructiveHint"));
        }
        if (Boolean.TRUE.equals(a.openWorld())) {
            tags.add(Tag.of(Capability.NETWORK_EGRESS, Scope.OUTSIDE, "the tool declares openWorldHint"));
        }
        if (trusted && Boolean.TRUE.equals(a.readOnly()) && !Boolean.TRUE.equals(a.destructive())
                && tags.removeIf(t -> t.capability() == Capability.UNKNOWN)) {
            tags.add(Tag.of(Capability.READ_FILE, Scope.INSIDE, "trusted server declares readOnlyHint"));
        }
    }

    /** The values at a pointer whose segments may be {@code *} (every array element or object value). */
    static List<JsonNode> values(JsonNode root, String pointer) {
        List<JsonNode> current = new ArrayList<>();
        if (root == null) {
            return current;
        }
        current.add(root);
        for (String segment : pointer.substring(1).split("/", -1)) {
            List<JsonNode> next = new ArrayList<>();
            for (JsonNode node : current) {
                if (segment.equals("*")) {
                    node.elements().forEachRemaining(next::add);
                } else {
                    String key = segment.replace("~1", "/").replace("~0", "~");
                    JsonNode child = node.isArray() && key.matches("\\d+") ? node.get(Integer.parseInt(key))
                            : node.get(key);
                    if (child != null && !child.isNull()) {
                        next.add(child);
                    }
                }
            }
            current = next;
        }
        return current;
    }

    /** An argv array as a shell command line, each element single-quoted, so the shell analyser sees it exactly. */
    static String argvToCommand(JsonNode argv) {
        if (argv.isTextual()) {
            return argv.textValue();
        }
        StringBuilder command = new StringBuilder();
        for (JsonNode part : argv) {
            if (!command.isEmpty()) {
                command.append(' ');
            }
            command.append('\'').append(part.asText().replace("'", "'\\''")).append('\'');
        }
        return command.toString();
    }

    private static List<Tag> dedupe(List<Tag> tags) {
        Map<String, Tag> unique = new LinkedHashMap<>();
        for (Tag tag : tags) {
            unique.putIfAbsent(tag.label() + "\u0000" + tag.evidence(), tag);
        }
        return List.copyOf(unique.values());
    }
}
