package io.airlock.policy.operator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.airlock.policy.CanonicalJson;
import io.airlock.policy.cascade.ToolCall;
import io.airlock.policy.rules.Action;
import io.airlock.policy.rules.CallFacts;
import io.airlock.policy.rules.Policy;
import io.airlock.policy.rules.PolicyException;
import io.airlock.policy.rules.PolicyLoader;
import io.airlock.policy.rules.Remembered;
import io.airlock.policy.rules.Rule;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What "approve and remember" adds. Two scopes: {@link Scope#SESSION} (kept in memory, for the rest of the agent's
 * session) and {@link Scope#TOOL} (written to the remember file: this server, this tool, these exact arguments, for
 * every session from now on). Both are ordinary policy rules with {@code action: allow}, so an operator can read,
 * edit, broaden (an argument regex instead of exact text) or delete them; the file is validated like a policy and may
 * hold nothing but non-hard allow rules.
 *
 * <p>The file is rewritten atomically (a temporary file, fsync, rename) with mode 0600.
 */
public final class RememberedApprovals implements Remembered {

    /** Where a remembered approval applies. */
    public enum Scope {
        SESSION("session"), TOOL("tool");

        private final String id;

        Scope(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        public static Scope of(String id) {
            for (Scope scope : values()) {
                if (scope.id.equals(id)) {
                    return scope;
                }
            }
            throw new IllegalArgumentException("scope '" + id + "' (expected session or tool)");
        }
    }

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));
    private static final String HEADER = """
            # Approvals an operator chose to remember (approve-and-remember in airlock tui / the admin API).
            # Each rule allows calls that would otherwise be held; hard boundaries are never remembered.
            # Airlock rewrites this file when an approval is remembered; edits by hand are picked up on save.
            """;
    private static final int MAX_SESSIONS = 4096;
    private static final int MAX_PER_SESSION = 256;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss")
            .withZone(ZoneOffset.UTC);

    private final Path file;
    private final AtomicReference<Policy> persistent;
    private final Map<String, List<Rule>> bySession = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, List<Rule>> eldest) {
            return size() > MAX_SESSIONS;
        }
    };

    private RememberedApprovals(Path file, Policy loaded) {
        this.file = file;
        this.persistent = new AtomicReference<>(loaded);
    }

    /** Opens (or, on the first remember, creates) the remember file; null keeps tool-scoped approvals in memory. */
    public static RememberedApprovals open(Path file) throws PolicyException {
        if (file == null || !Files.exists(file)) {
            return new RememberedApprovals(file, empty());
        }
        return new RememberedApprovals(file, validated(PolicyLoader.load(file)));
    }

    private static Policy empty() {
        return new Policy("remembered:empty", List.of(), Action.CLASSIFY, "remembered approvals");
    }

    /** Only non-hard allow rules: the remember file can spare prompts, never add or remove a boundary. */
    public static Policy validated(Policy policy) throws PolicyException {
        for (Rule rule : policy.rules()) {
            if (rule.action() != Action.ALLOW || rule.hard()) {
                throw new PolicyException(policy.source() + ": rule '" + rule.id() + "': the remember file may only"
                        + " hold allow rules (found " + rule.action().id() + (rule.hard() ? ", hard" : "") + ")");
            }
        }
        return policy;
    }

    public Path file() {
        return file;
    }

    /** Replaces the tool-scoped rules (the file was edited by hand). */
    public void reload(Policy policy) throws PolicyException {
        persistent.set(validated(policy));
    }

    @Override
    public Rule approves(CallFacts facts, String sessionId) {
        Rule rule = first(persistent.get().rules(), facts);
        if (rule != null) {
            return rule;
        }
        List<Rule> session;
        synchronized (bySession) {
            session = bySession.get(sessionId);
            session = session == null ? List.of() : List.copyOf(session);
        }
        return first(session, facts);
    }

    private static Rule first(List<Rule> rules, CallFacts facts) {
        for (Rule rule : rules) {
            if (rule.match().test(facts)) {
                return rule;
            }
        }
        return null;
    }

    /** The rule that remembering this call would add, as YAML, for the operator to confirm. */
    public String proposal(ToolCall call, Scope scope, String operator, Instant at) {
        return yaml(JsonNodeFactory.instance.arrayNode().add(ruleNode(call, scope, operator, at, "remembered-<id>")));
    }

    /** Adds the approval; returns the rule's id. A failure to write the file adds nothing. */
    public synchronized Rule remember(ToolCall call, Scope scope, String operator, Instant at)
            throws IOException, PolicyException {
        String id = "remembered-" + STAMP.format(at) + "-" + HexFormat.of().formatHex(randomBytes());
        ObjectNode node = ruleNode(call, scope, operator, at, id);
        if (scope == Scope.SESSION) {
            Rule rule = single(node);
            synchronized (bySession) {
                List<Rule> rules = bySession.computeIfAbsent(call.sessionId(), s -> new ArrayList<>());
                if (rules.size() >= MAX_PER_SESSION) {
                    rules.removeFirst();
                }
                rules.add(rule);
            }
            return rule;
        }
        ArrayNode rules = JsonNodeFactory.instance.arrayNode();
        if (file != null && Files.exists(file)) {
            JsonNode existing = YAML.readTree(file.toFile());
            if (existing != null && existing.path("rules").isArray()) {
                rules.addAll((ArrayNode) existing.get("rules"));
            }
        }
        rules.add(node);
        String text = HEADER + yaml(rules);
        Policy next = validated(PolicyLoader.parse(text, file == null ? "remembered approvals" : file.toString()));
        if (file != null) {
            writeAtomically(file, text);
        }
        persistent.set(next);
        return next.rules().getLast();
    }

    private static ObjectNode ruleNode(ToolCall call, Scope scope, String operator, Instant at, String id) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode rule = f.objectNode();
        rule.put("id", id);
        rule.put("description", "approved and remembered by " + operator + " at " + at + " ("
                + (scope == Scope.SESSION ? "session " + call.sessionId() : "any session") + ")");
        ObjectNode match = rule.putObject("match");
        match.putArray("servers").add(call.server());
        match.putArray("tools").add(call.tool());
        // The whole argument object, canonical: an extra or changed argument is a different call.
        match.putArray("args").addObject().put("path", "").put("equals", CanonicalJson.of(call.arguments()));
        rule.put("action", "allow");
        return rule;
    }

    private static Rule single(ObjectNode node) throws PolicyException {
        ArrayNode one = JsonNodeFactory.instance.arrayNode().add(node);
        return validated(PolicyLoader.parse(yaml(one), "remembered approvals (session)")).rules().getFirst();
    }

    private static String yaml(ArrayNode rules) {
        try {
            ObjectNode root = JsonNodeFactory.instance.objectNode();
            root.set("rules", rules);
            return YAML.writeValueAsString(root);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[4];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    static void writeAtomically(Path file, String text) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                channel.write(java.nio.ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
                channel.force(true);
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
