package io.airlock.policy.rules;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.airlock.policy.Glob;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads a policy file. Every field is validated at load time with a message naming the rule and field; a policy that
 * loads can be evaluated without surprises. The revision is the file's {@code revision:} or a hash of its text.
 *
 * <pre>
 * revision: 2026-11-22.1        # optional
 * default: classify             # optional; never allow
 * rules:
 *   - id: secrets
 *     description: Reading credentials
 *     match:
 *       servers: [shell*]       # globs over configured server names
 *       kinds: [shell]          # catalog kinds
 *       tools: [run_command]    # globs
 *       agents: [ci-*]
 *       tags: [secret_resolve]          # any of
 *       allTags: [network_egress]       # all of
 *       noTags: [write_file:outside]    # none of
 *       onlyTags: [read_file:inside]    # nothing else
 *       args: [{path: /command, matches: "\\bkubectl\\b"}]
 *     action: ask               # allow | sandbox | classify | ask | deny
 *     hard: true                # only with ask or deny
 *     reason: ...               # told to the agent / operator
 *     hint: ...                 # a safer path (denials)
 * </pre>
 */
public final class PolicyLoader {

    /** The built-in default policy (the spine). */
    public static final String DEFAULT_RESOURCE = "/io/airlock/policy/default-policy.yaml";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<String> TOP = Set.of("revision", "default", "rules", "commit");
    private static final Set<String> COMMIT = Set.of("discard", "protected", "lockfiles", "maxFiles", "maxBytes",
            "maxFileBytes");
    private static final Set<String> RULE = Set.of("id", "description", "match", "action", "hard", "reason", "hint");
    private static final Set<String> MATCH = Set.of("servers", "kinds", "tools", "agents", "tags", "allTags",
            "noTags", "onlyTags", "args");
    private static final Set<String> ARG = Set.of("path", "matches", "equals", "exists");
    private static final Pattern RULE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:/-]{0,127}");

    private PolicyLoader() {}

    public static Policy load(Path file) throws PolicyException {
        try {
            return parse(Files.readString(file), file.toString());
        } catch (IOException e) {
            throw new PolicyException(file + ": cannot read: " + e.getMessage());
        }
    }

    public static Policy builtinDefault() {
        try (InputStream in = PolicyLoader.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(DEFAULT_RESOURCE + " is missing from the classpath");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "built-in default policy");
        } catch (IOException | PolicyException e) {
            throw new IllegalStateException("the built-in default policy is invalid: " + e.getMessage(), e);
        }
    }

    public static Policy parse(String yaml, String source) throws PolicyException {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (JacksonException e) {
            throw new PolicyException(source + ": not valid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"));
        }
        if (root == null || !root.isObject()) {
            throw new PolicyException(source + ": expected a map with 'rules:'");
        }
        onlyKnown(root, TOP, source, "");
        String revision = root.hasNonNull("revision") ? root.get("revision").asText() : hash(yaml);
        Action defaultAction = Action.CLASSIFY;
        if (root.has("default")) {
            defaultAction = action(root.get("default"), source, "default");
            if (defaultAction == Action.ALLOW) {
                throw new PolicyException(source + ": default: allow is not permitted: an unmatched call must "
                        + "not be forwarded unexamined (use classify, ask or deny)");
            }
        }
        JsonNode rulesNode = root.get("rules");
        if (rulesNode == null || !rulesNode.isArray()) {
            throw new PolicyException(source + ": rules: missing or not a list");
        }
        List<Rule> rules = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < rulesNode.size(); i++) {
            Rule rule = rule(rulesNode.get(i), source, "rules[" + i + "]");
            if (!ids.add(rule.id())) {
                throw new PolicyException(source + ": rules[" + i + "]: duplicate id '" + rule.id() + "'");
            }
            rules.add(rule);
        }
        CommitPolicy commit = root.has("commit") ? commit(root.get("commit"), source) : CommitPolicy.defaults();
        return new Policy(revision, rules, defaultAction, source, commit);
    }

    /** The {@code commit:} section: what becomes of a sandboxed run's effects (see {@link CommitPolicy}). */
    private static CommitPolicy commit(JsonNode node, String source) throws PolicyException {
        if (!node.isObject()) {
            throw new PolicyException(source + ": commit: must be a map");
        }
        onlyKnown(node, COMMIT, source, "commit");
        CommitPolicy defaults = CommitPolicy.defaults();
        List<String> discard = patterns(node, "discard", defaults.discard(), source);
        List<String> protectedPaths = patterns(node, "protected", defaults.protectedPaths(), source);
        boolean lockfiles = false;
        if (node.has("lockfiles")) {
            String value = node.get("lockfiles").asText("");
            if (!value.equals("protected") && !value.equals("commit")) {
                throw new PolicyException(source + ": commit.lockfiles: '" + value
                        + "' (expected protected or commit)");
            }
            lockfiles = value.equals("protected");
        }
        return new CommitPolicy(discard, protectedPaths, lockfiles,
                (int) limit(node, "maxFiles", defaults.maxFiles(), source),
                limit(node, "maxBytes", defaults.maxBytes(), source),
                limit(node, "maxFileBytes", defaults.maxFileBytes(), source));
    }

    private static List<String> patterns(JsonNode node, String field, List<String> fallback, String source)
            throws PolicyException {
        JsonNode value = node.get(field);
        if (value == null) {
            return fallback;
        }
        if (!value.isArray()) {
            throw new PolicyException(source + ": commit." + field + ": must be a list of patterns");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            String pattern = value.get(i).asText("");
            try {
                CommitPolicy.validatePattern(pattern);
            } catch (IllegalArgumentException e) {
                throw new PolicyException(source + ": commit." + field + "[" + i + "]: " + e.getMessage());
            }
            out.add(pattern);
        }
        return out;
    }

    private static long limit(JsonNode node, String field, long fallback, String source) throws PolicyException {
        JsonNode value = node.get(field);
        if (value == null) {
            return fallback;
        }
        if (!value.canConvertToLong() || !value.isIntegralNumber() || value.asLong() < 0
                || (field.equals("maxFiles") && value.asLong() > Integer.MAX_VALUE)) {
            throw new PolicyException(source + ": commit." + field + ": must be a whole number >= 0");
        }
        return value.asLong();
    }

    private static Rule rule(JsonNode node, String source, String at) throws PolicyException {
        if (!node.isObject()) {
            throw new PolicyException(source + ": " + at + ": must be a map");
        }
        onlyKnown(node, RULE, source, at);
        String id = text(node, "id", source, at, true);
        if (!RULE_ID.matcher(id).matches()) {
            throw new PolicyException(source + ": " + at + ".id: '" + id
                    + "' (expected letters, digits and _.:/-, at most 128)");
        }
        String where = at + " (" + id + ")";
        if (!node.has("action")) {
            throw new PolicyException(source + ": " + where + ": action is missing");
        }
        Action action = action(node.get("action"), source, where + ".action");
        boolean hard = false;
        if (node.has("hard")) {
            if (!node.get("hard").isBoolean()) {
                throw new PolicyException(source + ": " + where + ".hard: must be true or false");
            }
            hard = node.get("hard").booleanValue();
        }
        if (hard && action != Action.ASK && action != Action.DENY) {
            throw new PolicyException(source + ": " + where + ": hard: true needs action ask or deny, not "
                    + action.id());
        }
        JsonNode matchNode = node.get("match");
        if (matchNode == null || !matchNode.isObject()) {
            throw new PolicyException(source + ": " + where + ".match: missing or not a map");
        }
        Match match = match(matchNode, source, where + ".match");
        return new Rule(id, text(node, "description", source, where, false), match, action, hard,
                text(node, "reason", source, where, false), text(node, "hint", source, where, false));
    }

    private static Match match(JsonNode node, String source, String at) throws PolicyException {
        onlyKnown(node, MATCH, source, at);
        List<ArgPredicate> args = new ArrayList<>();
        JsonNode argsNode = node.get("args");
        if (argsNode != null) {
            if (!argsNode.isArray()) {
                throw new PolicyException(source + ": " + at + ".args: must be a list");
            }
            for (int i = 0; i < argsNode.size(); i++) {
                args.add(arg(argsNode.get(i), source, at + ".args[" + i + "]"));
            }
        }
        return new Match(list(node, "servers", source, at, Glob::of), list(node, "kinds", source, at, s -> s),
                list(node, "tools", source, at, Glob::of), list(node, "agents", source, at, Glob::of),
                list(node, "tags", source, at, TagPattern::parse), list(node, "allTags", source, at,
                TagPattern::parse), list(node, "noTags", source, at, TagPattern::parse),
                list(node, "onlyTags", source, at, TagPattern::parse), args);
    }

    private static ArgPredicate arg(JsonNode node, String source, String at) throws PolicyException {
        if (!node.isObject()) {
            throw new PolicyException(source + ": " + at + ": must be a map with 'path'");
        }
        onlyKnown(node, ARG, source, at);
        String path = text(node, "path", source, at, true);
        if (!path.isEmpty() && !path.startsWith("/")) {
            throw new PolicyException(source + ": " + at + ".path: '" + path
                    + "' (expected a JSON pointer such as /command, or \"\" for the whole arguments object)");
        }
        Pattern matches = null;
        if (node.has("matches")) {
            String regex = text(node, "matches", source, at, true);
            try {
                matches = Pattern.compile(regex);
            } catch (PatternSyntaxException e) {
                throw new PolicyException(source + ": " + at + ".matches: invalid regular expression: "
                        + e.getDescription());
            }
        }
        Boolean exists = null;
        if (node.has("exists")) {
            if (!node.get("exists").isBoolean()) {
                throw new PolicyException(source + ": " + at + ".exists: must be true or false");
            }
            exists = node.get("exists").booleanValue();
        }
        return new ArgPredicate(path, matches, node.has("equals") ? node.get("equals").asText() : null, exists);
    }

    private static <T> List<T> list(JsonNode parent, String field, String source, String at,
                                    Function<String, T> parse) throws PolicyException {
        JsonNode node = parent.get(field);
        if (node == null) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new PolicyException(source + ": " + at + "." + field + ": must be a list");
        }
        List<T> out = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode item = node.get(i);
            if (!item.isTextual()) {
                throw new PolicyException(source + ": " + at + "." + field + "[" + i + "]: must be a string");
            }
            try {
                out.add(parse.apply(item.textValue()));
            } catch (IllegalArgumentException e) {
                throw new PolicyException(source + ": " + at + "." + field + "[" + i + "]: " + e.getMessage());
            }
        }
        return out;
    }

    private static Action action(JsonNode node, String source, String at) throws PolicyException {
        Action action = node.isTextual() ? Action.fromId(node.textValue()) : null;
        if (action == null) {
            throw new PolicyException(source + ": " + at + ": '" + node.asText()
                    + "' (expected allow, sandbox, classify, ask or deny)");
        }
        return action;
    }

    private static String text(JsonNode node, String field, String source, String at, boolean required)
            throws PolicyException {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw new PolicyException(source + ": " + at + "." + field + ": missing");
            }
            return null;
        }
        if (!value.isTextual()) {
            throw new PolicyException(source + ": " + at + "." + field + ": must be a string");
        }
        return value.textValue();
    }

    private static void onlyKnown(JsonNode node, Set<String> known, String source, String at)
            throws PolicyException {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            String name = it.next().getKey();
            if (!known.contains(name)) {
                throw new PolicyException(source + ": " + (at.isEmpty() ? name : at + "." + name)
                        + ": unknown field (expected one of " + known.stream().sorted().toList() + ")");
            }
        }
    }

    private static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
