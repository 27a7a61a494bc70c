package io.airlock.policy.tagging;

import com.fasterxml.jackson.databind.JsonNode;
import io.airlock.policy.analysis.Access;
import io.airlock.policy.analysis.AnalysisContext;
import io.airlock.policy.analysis.PathAnalyzer;
import io.airlock.policy.analysis.UrlAnalyzer;
import io.airlock.policy.cascade.ToolCall;
import io.airlock.policy.catalog.ArgRole;
import io.airlock.policy.catalog.ArgValue;
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
 * Gives a call its capability tags: the operator's override for the tool, when the config has one, is the whole
 * answer; otherwise the catalog's spec for the server kind (else {@code unknown}), the analysis of each argument the
 * spec names, and the tool's annotations. Deterministic: the same call, context and catalog always get the same tags.
 */
public final class Tagger {

    /** Per server: the operator's word on it. */
    public record ServerFacts(String kind, boolean trusted, Map<String, List<Tag>> overrides,
                              AnalysisContext context) {
        public ServerFacts {
            overrides = Map.copyOf(overrides);
        }

        /** The operator's tags for the tool: an exact entry, else the first glob entry that matches; or null. */
        public List<Tag> override(String tool) {
            List<Tag> exact = overrides.get(tool);
            if (exact != null) {
                return exact;
            }
            for (Map.Entry<String, List<Tag>> entry : overrides.entrySet()) {
                if ((entry.getKey().contains("*") || entry.getKey().contains("?"))
                        && io.airlock.policy.Glob.of(entry.getKey()).matches(tool)) {
                    return entry.getValue();
                }
            }
            return null;
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
        // The operator's override names a tool, a resource URI or a prompt (globs allowed): it is the whole answer.
        List<Tag> override = server.override(call.tool());
        if (override != null) {
            return dedupe(override);
        }
        List<Tag> tags = new ArrayList<>();
        switch (call.method()) {
            case "resources/read" -> tags.addAll(resource(call.tool(), server.context()));
            case "prompts/get" -> { /* a prompt template runs nothing by itself */ }
            default -> tool(call, server, annotations, tags);
        }
        return dedupe(tags);
    }

    private void tool(ToolCall call, ServerFacts server, ToolAnnotations annotations, List<Tag> tags) {
        Optional<ToolSpec> spec = server.kind() == null ? Optional.empty() : catalog.apply(server.kind(), call.tool());
        if (spec.isPresent()) {
            tags.addAll(spec.get().baseTags());
            tags.addAll(spec.get().conditionalTags(call.arguments()));
        } else {
            tags.add(Tag.of(Capability.UNKNOWN, "tool '" + call.tool() + "' of server '" + call.server()
                    + "' (kind " + (server.kind() == null ? "unknown" : server.kind()) + ") is not in the catalog"));
        }
        spec.ifPresent(s -> arguments(s.argValues(call.arguments()), server.context(), tags));
        annotations(annotations, server.trusted(), tags);
    }

    private void arguments(List<ArgValue> values, AnalysisContext ctx, List<Tag> tags) {
        AnalysisContext effective = ctx;
        for (ArgValue arg : values) {
            if (arg.role() != ArgRole.CWD) {
                continue;
            }
            String text = arg.value().isTextual() ? arg.value().textValue() : null;
            Path cwd = text == null ? null : PathAnalyzer.resolve(text, ctx);
            Scope scope = text == null ? Scope.UNKNOWN : PathAnalyzer.scope(text, ctx);
            if (scope != Scope.INSIDE) {
                tags.add(Tag.of(Capability.EXEC_COMMAND, scope, "runs in " + arg.text()));
            }
            if (cwd != null) {
                effective = ctx.withWorkingDirectory(cwd);
            }
        }
        boolean forced = false;
        List<String> refspecs = new ArrayList<>();
        String command = null;
        String stdin = null;
        for (ArgValue arg : values) {
            String text = arg.value().isValueNode() ? arg.value().asText() : null;
            switch (arg.role()) {
                case SHELL_COMMAND -> {
                    if (text != null) {
                        command = text;
                        tags.addAll(analyzers.shell(text, effective));
                    } else {
                        tags.add(Tag.of(Capability.OBFUSCATED, "a command that is not a string"));
                    }
                }
                case ARGV -> {
                    command = argvToCommand(arg.value());
                    tags.addAll(analyzers.shell(command, effective));
                }
                case PATH_READ -> pathTags(text, Access.READ, effective, tags);
                case PATH_WRITE -> pathTags(text, Access.WRITE, effective, tags);
                case PATH_DELETE -> pathTags(text, Access.DELETE, effective, tags);
                case PATH_OR_URL -> {
                    if (text != null && text.matches("(?i)[a-z][a-z0-9+.-]*://.*") && !text.startsWith("file:")) {
                        tags.addAll(UrlAnalyzer.analyze(text, effective));
                    } else {
                        pathTags(text, Access.READ, effective, tags);
                    }
                }
                case URL -> tags.addAll(text == null
                        ? List.of(Tag.of(Capability.NETWORK_EGRESS, Scope.UNKNOWN, "a URL that is not a string"))
                        : UrlAnalyzer.analyze(text, effective));
                case SQL -> tags.addAll(text == null
                        ? List.of(Tag.of(Capability.UNKNOWN, "SQL that is not a string"))
                        : analyzers.sql(text));
                case GIT_REFSPEC -> {
                    if (text != null) {
                        refspecs.add(text);
                    }
                }
                case FORCE_FLAG -> forced |= arg.isTrue();
                case STDIN -> stdin = text;
                case CWD -> { /* handled first */ }
            }
        }
        if (stdin != null && command != null) {
            tags.addAll(stdinTags(command, stdin, effective));
        }
        if (!refspecs.isEmpty() || forced) {
            tags.addAll(analyzers.gitPush(null, refspecs, forced));
        }
    }

    /** Text on a command's stdin is code when the command is an interpreter reading its program from there. */
    private List<Tag> stdinTags(String command, String stdin, AnalysisContext ctx) {
        String program = command.strip().split("\\s+")[0];
        program = program.substring(program.lastIndexOf('/') + 1).replace("'", "");
        if (program.matches("(ba|da|z|k)?sh")) {
            return analyzers.shell(stdin, ctx);
        }
        if (program.matches("python[0-9.]*|node|perl|ruby|php|lua|osascript|pwsh|powershell")) {
            return List.of(Tag.of(Capability.OBFUSCATED, "a program for " + program + " on stdin, which the "
                    + "analyser cannot assess"));
        }
        return List.of();
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
