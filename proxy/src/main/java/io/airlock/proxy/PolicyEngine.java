package io.airlock.proxy;

import io.airlock.policy.ListGate;
import io.airlock.policy.PolicyGate;
import io.airlock.policy.analysis.AnalysisContext;
import io.airlock.policy.analysis.GitAnalyzer;
import io.airlock.policy.analysis.SqlAnalyzer;
import io.airlock.policy.cascade.Cascade;
import io.airlock.policy.cascade.DryRun;
import io.airlock.policy.cascade.Tiers;
import io.airlock.policy.classifier.ModelClassifier;
import io.airlock.policy.catalog.Catalog;
import io.airlock.policy.catalog.ServerKind;
import io.airlock.policy.rules.Policy;
import io.airlock.policy.rules.PolicyException;
import io.airlock.policy.rules.PolicyLoader;
import io.airlock.policy.rules.TagPattern;
import io.airlock.policy.shell.ShellAnalyzer;
import io.airlock.policy.tagging.ArgumentAnalyzers;
import io.airlock.policy.tagging.Tagger;
import io.airlock.policy.tags.Scope;
import io.airlock.policy.tags.Tag;
import io.airlock.proxy.config.AirlockConfig;
import io.airlock.proxy.config.ServerConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Assembles the policy engine from the config: policy file, catalog, analysers, server facts. */
public final class PolicyEngine {

    private static final Catalog CATALOG = Catalog.builtIn();

    private PolicyEngine() {}

    /** The live gate: tiers as configured. Without an operator tier, calls that need a person fail closed. */
    public static PolicyGate live(AirlockConfig config, Tiers.Operator operator) throws PolicyException {
        return live(config, operator, null, new Started() { });
    }

    /** Told of the slower tiers the live gate runs (for their metrics). */
    public interface Started {
        default void sandbox(io.airlock.sandbox.tier.SandboxTier tier) {}

        default void classifier(ModelClassifier classifier) {}
    }

    /**
     * @param workbenchWorkspace the workspace of each builtin workbench server (so its twins see the directory the
     *                           relay's workbench serves); null: the sandbox tier is off
     * @param started            told of the sandbox and classifier tiers that run
     */
    public static PolicyGate live(AirlockConfig config, Tiers.Operator operator,
                                  java.util.function.Function<String, Path> workbenchWorkspace, Started started)
            throws PolicyException {
        java.util.concurrent.atomic.AtomicReference<PolicyGate> gate = new java.util.concurrent.atomic.AtomicReference<>();
        ModelClassifier classifier = classifier(config);
        java.util.Optional<io.airlock.sandbox.tier.SandboxTier> sandbox = java.util.Optional.empty();
        PolicyGate built;
        try {
            // The commit policy is the current policy file's: it reloads with the rules.
            sandbox = workbenchWorkspace == null ? java.util.Optional.empty()
                    : SandboxEngine.create(config, () -> gate.get().policy().commit(), operator, workbenchWorkspace);
            sandbox.ifPresent(started::sandbox);
            built = build(config, new Cascade(sandbox.orElse(null), classifier, operator),
                    closingAll(sandbox.orElse(null), classifier), workbenchWorkspace);
        } catch (PolicyException | RuntimeException e) {
            if (classifier != null) {
                classifier.close();
            }
            sandbox.ifPresent(io.airlock.sandbox.tier.SandboxTier::close);
            throw e;
        }
        gate.set(built);
        if (classifier != null) {
            built.observe(classifier.recentCalls()); // the model sees each session's recent calls
            started.classifier(classifier);
        }
        return built;
    }

    /** Tier 2 as configured, or null when {@code classifier:} is absent or off. */
    public static ModelClassifier classifier(AirlockConfig config) throws PolicyException {
        if (!config.classifier().enabled()) {
            return null;
        }
        try {
            return ModelClassifier.create(config.classifier().config());
        } catch (java.io.IOException e) {
            throw new PolicyException("classifier: " + e.getMessage());
        }
    }

    /** A gate whose slower tiers execute nothing, for {@code airlock eval} and {@code explain}. */
    public static PolicyGate dryRun(AirlockConfig config) throws PolicyException {
        return build(config, DryRun.cascade(call -> call.kind() != null && CATALOG.findKind(call.kind())
                .map(ServerKind::sandboxable).orElse(false)));
    }

    /**
     * Tiers 0 and 2 for real (the given classifier), the operator dry: {@code airlock eval --classifier}. With
     * {@code sandbox} false there is no tier 1, so calls the policy sends to the sandbox go on to the classifier (as
     * in a gateway without a sandbox); with it, they stop at a dry tier 1.
     */
    public static PolicyGate dryRun(AirlockConfig config, Tiers.Classifier classifier, boolean sandbox)
            throws PolicyException {
        return build(config, DryRun.cascade(call -> sandbox && call.kind() != null && CATALOG.findKind(call.kind())
                .map(ServerKind::sandboxable).orElse(false), classifier));
    }

    static PolicyGate build(AirlockConfig config, Cascade cascade) throws PolicyException {
        return build(config, cascade, null, null);
    }

    /**
     * @param tierResources      closed with the gate (the sandbox's warm twins, the classifier's HTTP client), or
     *                           null
     * @param workbenchWorkspace a builtin workbench's workspace, where its relative paths resolve; or null
     */
    static PolicyGate build(AirlockConfig config, Cascade cascade, AutoCloseable tierResources,
                            java.util.function.Function<String, Path> workbenchWorkspace) throws PolicyException {
        Policy policy = config.policy().file() == null ? PolicyLoader.builtinDefault()
                : PolicyLoader.load(config.policy().file());
        AnalysisContext context = new AnalysisContext(config.policy().workspace(), config.policy().home(),
                Set.copyOf(config.policy().allowedHosts()));
        ShellAnalyzer shell = new ShellAnalyzer();
        shell.parser().prestart(); // the first command an agent runs should not wait for shfmt to start
        ArgumentAnalyzers analyzers = new ArgumentAnalyzers() {
            @Override
            public List<Tag> shell(String command, AnalysisContext ctx) {
                return shell.analyze(command, ctx).tags();
            }

            @Override
            public List<Tag> sql(String sql) {
                return SqlAnalyzer.analyze(sql);
            }

            @Override
            public List<Tag> gitPush(String remote, List<String> refspecs, boolean force) {
                return GitAnalyzer.analyzePush(remote, refspecs, force);
            }
        };
        Tagger tagger = new Tagger((kind, tool) -> CATALOG.tool(kind, tool), analyzers);
        Map<String, Tagger.ServerFacts> facts = new LinkedHashMap<>();
        Map<String, ListGate.ServerLists> lists = new LinkedHashMap<>();
        for (ServerConfig server : config.servers().values()) {
            AnalysisContext serverContext = context;
            if (workbenchWorkspace != null && server.transport() instanceof ServerConfig.Workbench w
                    && w.workspace() == null) {
                // A workbench without a configured workspace serves a temporary directory of its own (the demo):
                // its paths resolve there, and that is inside. A configured one is left to policy.workspace, which
                // the operator may have narrowed on purpose.
                List<Path> roots = new ArrayList<>();
                roots.add(workbenchWorkspace.apply(server.name()));
                roots.addAll(config.policy().workspace());
                serverContext = new AnalysisContext(roots, context.home(), context.allowedHosts());
            }
            facts.put(server.name(), new Tagger.ServerFacts(kindOf(server), server.trusted(),
                    overrides(server), serverContext));
            lists.put(server.name(), server.lists());
        }
        // A server the config does not name (eval corpora) is taken to be of the catalog kind of that name.
        return new PolicyGate(new ListGate(lists), policy, tagger, cascade, name -> facts.getOrDefault(name,
                new Tagger.ServerFacts(CATALOG.findKind(name).isPresent() ? name : null, false, Map.of(), context)),
                closingAll(shell, tierResources));
    }

    /** One resource that closes each non-null one in order (all of them, even when one fails); null if none. */
    private static AutoCloseable closingAll(AutoCloseable... resources) {
        List<AutoCloseable> present = java.util.Arrays.stream(resources).filter(java.util.Objects::nonNull).toList();
        if (present.size() <= 1) {
            return present.isEmpty() ? null : present.getFirst();
        }
        return () -> {
            Exception first = null;
            for (AutoCloseable resource : present) {
                try {
                    resource.close();
                } catch (Exception e) {
                    if (first == null) {
                        first = e;
                    } else {
                        first.addSuppressed(e);
                    }
                }
            }
            if (first != null) {
                throw first;
            }
        };
    }

    /** The configured kind, else the one recognised from the command line or URL, else none. */
    static String kindOf(ServerConfig server) {
        if (server.kind() != null) {
            return server.kind();
        }
        return switch (server.transport()) {
            case ServerConfig.Workbench ignored -> "workbench";
            case ServerConfig.Stdio stdio -> CATALOG.recognise(stdio.command()).map(ServerKind::id).orElse(null);
            case ServerConfig.Http http -> CATALOG.recognise(http.url().toString()).map(ServerKind::id).orElse(null);
        };
    }

    private static Map<String, List<Tag>> overrides(ServerConfig server) {
        Map<String, List<Tag>> out = new LinkedHashMap<>();
        server.tagOverrides().forEach((tool, labels) -> {
            List<Tag> tags = new ArrayList<>();
            for (String label : labels) {
                TagPattern pattern = TagPattern.parse(label);
                tags.add(Tag.of(pattern.capability(), pattern.scope() == null ? Scope.NONE : pattern.scope(),
                        "operator override in the config"));
            }
            out.put(tool, tags);
        });
        return out;
    }

    /** The config with the eval/explain command line's workspace and home, when given. */
    public static AirlockConfig withContext(AirlockConfig config, Path workspace, Path home) {
        AirlockConfig.PolicySettings p = config.policy();
        AirlockConfig.PolicySettings settings = new AirlockConfig.PolicySettings(p.file(),
                workspace == null ? p.workspace() : List.of(workspace.toAbsolutePath().normalize()),
                p.allowedHosts(), home == null ? p.home() : home.toAbsolutePath().normalize());
        return config.withPolicy(settings);
    }
}
