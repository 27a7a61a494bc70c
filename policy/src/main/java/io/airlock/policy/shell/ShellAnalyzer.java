package io.airlock.policy.shell;

import io.airlock.policy.analysis.AnalysisContext;
import io.airlock.policy.tags.Capability;
import io.airlock.policy.tags.Scope;
import io.airlock.policy.tags.Tag;
import java.util.List;
import java.util.Objects;

/**
 * Tags shell command lines (the {@code command} argument of a shell tool) with capabilities: it parses with
 * {@link ShellParser} (shfmt), walks every simple command wherever it appears (pipelines, lists, subshells, functions,
 * loops, conditions, substitutions, heredocs fed to interpreters), unwraps wrappers (sudo, env, xargs, find -exec,
 * sh -c, eval ...), follows data into interpreters (curl | sh is remote code) and looks each program up in
 * {@link CommandTable}.
 *
 * <p>Fails closed: a command that does not parse, a parser that is missing or times out, and constructs that are not
 * modelled all produce {@code unknown} or {@code obfuscated} tags, never an empty or harmless-looking result.
 *
 * <p>Thread-safe. Results are cached (bounded LRU) by command line and context: a repeated command costs a map
 * lookup; a new one costs one shfmt run plus one per nested command string (see {@link ShellParser} for the
 * pre-started processes that keep that short). {@link #close()} closes the parser.
 */
public final class ShellAnalyzer implements AutoCloseable {

    private final ShellParser parser;
    private final ShellAnalysisCache cache;

    /** The default parser ({@link ShellParser#defaultShfmt()}, pre-started processes) and a 4096-entry cache. */
    public ShellAnalyzer() {
        this(new ShellParser(), new ShellAnalysisCache());
    }

    public ShellAnalyzer(ShellParser parser, ShellAnalysisCache cache) {
        this.parser = Objects.requireNonNull(parser, "parser");
        this.cache = Objects.requireNonNull(cache, "cache");
    }

    public ShellParser parser() {
        return parser;
    }

    public ShellAnalysisCache cache() {
        return cache;
    }

    /** Closes the parser (kills its pre-started processes); commands not in the cache then fail closed. */
    @Override
    public void close() {
        parser.close();
    }

    public ShellAnalysis analyze(String command, AnalysisContext ctx) {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(ctx, "ctx");
        ShellAnalysis cached = cache.get(command, ctx);
        if (cached != null) {
            return cached;
        }
        ShellAnalysis analysis = analyzeUncached(command, ctx);
        cache.put(command, ctx, analysis);
        return analysis;
    }

    private ShellAnalysis analyzeUncached(String command, AnalysisContext ctx) {
        if (command.isBlank()) {
            return new ShellAnalysis(command, true, List.of(), List.of(), null);
        }
        ShellParser.Result result = parser.parse(command);
        return switch (result) {
            case ShellParser.Parsed parsed -> {
                Walker walker = new Walker(ctx, parser);
                try {
                    walker.walkScript(parsed.script());
                } catch (StackOverflowError | RuntimeException | LinkageError e) {
                    walker.tag(Capability.UNKNOWN, Scope.UNKNOWN, "analysis failed: " + e);
                }
                List<Tag> tags = walker.tags();
                yield new ShellAnalysis(command, true, tags, walker.commands, null);
            }
            case ShellParser.SyntaxError error -> new ShellAnalysis(command, false, List.of(
                    Tag.of(Capability.UNKNOWN, Scope.UNKNOWN, "command does not parse as shell: " + error.message())),
                    List.of(), error.message());
            case ShellParser.Unavailable unavailable -> new ShellAnalysis(command, false, List.of(
                    Tag.of(Capability.UNKNOWN, Scope.UNKNOWN, "shell analysis unavailable: " + unavailable.reason())),
                    List.of(), unavailable.reason());
        };
    }
}
