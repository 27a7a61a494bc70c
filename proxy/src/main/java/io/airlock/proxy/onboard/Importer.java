package io.airlock.proxy.onboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.airlock.policy.catalog.Catalog;
import io.airlock.policy.catalog.ServerKind;
import io.airlock.proxy.agents.AgentTokenStore;
import io.airlock.proxy.config.ConfigException;
import io.airlock.proxy.config.ConfigLoader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code airlock import}: reads the clients' MCP servers, adds them to {@code airlock.yaml}, and (with a rewrite)
 * points the clients at Airlock. Three steps, so nothing is half-written:
 * <ol>
 *   <li>{@link #plan}: every file is read and validated and every new file content is computed in memory (new
 *       {@code airlock.yaml} checked by the real config loader; rewritten client files parsed again);</li>
 *   <li>{@link #commit}: the originals are saved in a timestamped backup set, then all files (token store,
 *       {@code airlock.yaml}, client files) change in one {@link FileTransaction}: all, or none;</li>
 *   <li>{@link #undo}: the latest backup set is restored (refused if a file changed since, unless forced) and the
 *       tokens the import created are revoked.</li>
 * </ol>
 */
public final class Importer {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .build());
    private static final Catalog CATALOG = Catalog.builtIn();
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    private static final List<String> YAML_TRANSPORT = List.of("command", "args", "cwd", "env", "url", "transport",
            "headers");
    private static final String MANIFEST = "manifest.json";

    /**
     * @param home           where the user-level client files are (normally the user's home)
     * @param project        the project whose {@code .mcp.json}, {@code .cursor/}, {@code .vscode/} are read
     * @param clients        which clients to read
     * @param config         the {@code airlock.yaml} to add servers to (created if missing)
     * @param rewrite        also point the clients at Airlock
     * @param stdio          rewrite to {@code airlock stdio --server NAME} instead of the HTTP URL with a token
     * @param airlockCommand the command the stdio form runs
     * @param tokenStore     where agent tokens are stored
     * @param backups        where backup sets go
     */
    public record Options(Path home, Path project, List<ClientKind> clients, Path config, boolean rewrite,
                          boolean stdio, String airlockCommand, Path tokenStore, Path backups) {
        public Options {
            clients = List.copyOf(clients);
        }
    }

    /** One server carried into {@code airlock.yaml}. {@code added} is false when an identical one was there. */
    public record Imported(ClientServer source, String airlockName, String kind, boolean added) {}

    /** Everything an import will do, computed without touching a file. */
    /**
     * @param tokens     new token by agent name
     * @param references how project files (often committed to git) refer to a token instead of holding it: what the
     *                   user must set, by agent (e.g. {@code environment variable AIRLOCK_TOKEN_CURSOR})
     */
    public record Plan(Options options, List<Imported> imported, List<ClientServer> alreadyAirlock,
                       List<String> warnings, List<FileTransaction.Change> changes, Map<String, String> tokens,
                       String baseUrl, Map<String, List<String>> references) {
        public Plan {
            references = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(references));
            imported = List.copyOf(imported);
            alreadyAirlock = List.copyOf(alreadyAirlock);
            warnings = List.copyOf(warnings);
            changes = List.copyOf(changes);
            tokens = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tokens));
        }

        public boolean changesAnything() {
            return changes.stream().anyMatch(FileTransaction.Change::changes);
        }

        /** The unified diff of every file it changes, tokens replaced by a placeholder (they are secrets). */
        public String diff() {
            StringBuilder out = new StringBuilder();
            for (FileTransaction.Change c : changes) {
                if (!c.changes()) {
                    continue;
                }
                out.append(UnifiedDiff.diff(c.path().toString(), redact(c.before()), redact(c.after())));
            }
            return out.toString();
        }

        private String redact(byte[] bytes) {
            if (bytes == null) {
                return null;
            }
            String text = new String(bytes, StandardCharsets.UTF_8);
            for (Map.Entry<String, String> t : tokens.entrySet()) {
                text = text.replace(t.getValue(), "<new token for " + t.getKey() + ">");
            }
            return text;
        }
    }

    private Importer() {}

    // ---- plan ----

    public static Plan plan(Options o) throws ImportException {
        List<ClientConfigs.ClientFile> files = ClientConfigs.readAll(o.clients(), o.home(), o.project());
        byte[] yamlBefore = readOrNull(o.config());
        ObjectNode yaml;
        List<String> warnings = new ArrayList<>();
        if (yamlBefore == null) {
            yaml = YAML.createObjectNode();
            yaml.put("listen", "127.0.0.1:8787");
        } else {
            try {
                ConfigLoader.parse(new String(yamlBefore, StandardCharsets.UTF_8), o.config().toString(),
                        o.config().toAbsolutePath().getParent());
                JsonNode existing = YAML.readTree(yamlBefore);
                if (!(existing instanceof ObjectNode object)) {
                    throw new ImportException(o.config() + ": expected a map at the top level");
                }
                yaml = object;
            } catch (ConfigException e) {
                throw new ImportException("the existing config is invalid, fix it first: " + e.getMessage(), e);
            } catch (IOException e) {
                throw new ImportException(o.config() + ": cannot read: " + e.getMessage(), e);
            }
            if (new String(yamlBefore, StandardCharsets.UTF_8).contains("#")) {
                warnings.add(o.config() + " is rewritten as plain YAML: its comments are not kept (the backup has "
                        + "them)");
            }
        }
        ObjectNode servers = yaml.has("servers") && yaml.get("servers").isObject() ? (ObjectNode) yaml.get("servers")
                : yaml.putObject("servers");
        String baseUrl = baseUrl(yaml.path("listen").asText("127.0.0.1:8787"));

        List<Imported> imported = new ArrayList<>();
        List<ClientServer> alreadyAirlock = new ArrayList<>();
        for (ClientConfigs.ClientFile file : files) {
            for (ClientServer server : file.servers()) {
                if (pointsAtAirlock(server.spec(), baseUrl)) {
                    alreadyAirlock.add(server);
                    continue;
                }
                ObjectNode node = yamlNode(server.spec());
                String kind = kindOf(server.spec());
                String name = placeName(servers, sanitize(server.name()), server.client(), node);
                boolean added = !servers.has(name);
                if (added) {
                    if (kind != null) {
                        node.put("kind", kind);
                    }
                    servers.set(name, node);
                }
                imported.add(new Imported(server, name, kind, added));
                server.warnings().forEach(w -> warnings.add(server.where() + ": " + w));
            }
        }
        if (imported.stream().anyMatch(i -> i.added() && i.source().spec() instanceof ClientServer.Stdio)) {
            warnings.add("stdio servers now start from Airlock with a minimal environment (PATH, HOME, USER, LANG, "
                    + "TMPDIR, TZ, TERM) plus their env: in airlock.yaml; add any other variable they need there");
        }

        List<FileTransaction.Change> changes = new ArrayList<>();
        byte[] yamlAfter = yamlBefore;
        if (imported.stream().anyMatch(Imported::added)) {
            yamlAfter = encodeYaml(yaml, yamlBefore == null, files);
            try {
                ConfigLoader.parse(new String(yamlAfter, StandardCharsets.UTF_8), o.config().toString(),
                        o.config().toAbsolutePath().getParent());
            } catch (ConfigException e) {
                throw new ImportException("the imported servers do not make a valid airlock.yaml (" + e.getMessage()
                        + "); nothing was written", e);
            }
        }
        changes.add(new FileTransaction.Change(o.config().toAbsolutePath(), yamlBefore, yamlAfter));

        Map<String, String> tokens = new LinkedHashMap<>();
        Map<String, List<String>> references = new LinkedHashMap<>();
        if (o.rewrite()) {
            Path yamlPath = o.config().toAbsolutePath().normalize();
            for (ClientConfigs.ClientFile file : files) {
                List<Imported> mine = imported.stream().filter(i -> i.source().file().equals(file.file())).toList();
                if (mine.isEmpty()) {
                    continue;
                }
                String agent = file.client().agent();
                String token = o.stdio() ? null : tokens.computeIfAbsent(agent, a -> AgentTokenStore.newToken());
                String auth = null;
                if (token != null) {
                    // A project's file is often committed: it names the token, the user's own file holds it.
                    String reference = projectScoped(file, o) ? reference(file.client()) : null;
                    auth = "Bearer " + (reference == null ? token : reference);
                    if (reference != null) {
                        List<String> refs = references.computeIfAbsent(agent, a -> new ArrayList<>());
                        String what = describe(file.client());
                        if (!refs.contains(what)) {
                            refs.add(what);
                        }
                    }
                }
                changes.add(new FileTransaction.Change(file.file(), file.original(),
                        rewrite(file, mine, baseUrl, auth, o, yamlPath)));
                if (file.format() == ClientConfigs.Format.JSON && file.json().hadComments) {
                    warnings.add(file.file() + " has comments; the rewritten file does not (the backup has them)");
                }
            }
        }
        return new Plan(o, imported, alreadyAirlock, warnings, changes, tokens, baseUrl, references);
    }

    /** Whether a file belongs to the project (shared) rather than to the user (private). */
    private static boolean projectScoped(ClientConfigs.ClientFile file, Options o) {
        Path f = file.file().toAbsolutePath().normalize();
        return !f.equals(o.home().resolve(".claude.json").toAbsolutePath().normalize())
                && !f.equals(o.home().resolve(".cursor/mcp.json").toAbsolutePath().normalize())
                && !f.equals(o.home().resolve(".codex/config.toml").toAbsolutePath().normalize());
    }

    /** The environment variable a client's project file reads the token from. */
    static String envVar(ClientKind client) {
        return "AIRLOCK_TOKEN_" + client.agent().toUpperCase(java.util.Locale.ROOT).replace('-', '_');
    }

    /** VS Code asks for an input once and keeps it in its secret storage. */
    static final String VSCODE_INPUT = "airlock-token";

    /** How each client's project file refers to a value it does not hold (each client's documented syntax). */
    private static String reference(ClientKind client) {
        return switch (client) {
            case CLAUDE -> "${" + envVar(client) + "}";
            case CURSOR -> "${env:" + envVar(client) + "}";
            case VSCODE -> "${input:" + VSCODE_INPUT + "}";
            case CODEX -> null;
        };
    }

    private static String describe(ClientKind client) {
        return client == ClientKind.VSCODE ? "VS Code input '" + VSCODE_INPUT + "' (VS Code asks for it once)"
                : "environment variable " + envVar(client) + " (for " + client.title() + ")";
    }

    private static byte[] readOrNull(Path file) throws ImportException {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new ImportException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** {@code http://host:port} for clients, from {@code listen}; a wildcard bind is reached on loopback. */
    static String baseUrl(String listen) {
        int colon = listen.lastIndexOf(':');
        String host = colon > 0 ? listen.substring(0, colon) : "127.0.0.1";
        String port = colon > 0 ? listen.substring(colon + 1) : "8787";
        if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
            host = "127.0.0.1";
        }
        if (host.contains(":") && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        return "http://" + host + ":" + port;
    }

    /** Whether a client entry already goes through Airlock (a second import leaves it alone). */
    static boolean pointsAtAirlock(ClientServer.Spec spec, String baseUrl) {
        return switch (spec) {
            // By URL, or by the token it carries (the listen address may have changed since the rewrite):
            // importing Airlock into itself would make a loop.
            case ClientServer.Http http -> http.url().startsWith(baseUrl + "/mcp/")
                    || http.url().startsWith(baseUrl + "/sse/")
                    || http.headers().values().stream().anyMatch(v -> v.startsWith("Bearer alk_")
                    || v.contains("${AIRLOCK_TOKEN_") || v.contains("${env:AIRLOCK_TOKEN_")
                    || v.contains("${input:" + VSCODE_INPUT + "}"));
            case ClientServer.Stdio stdio -> stdio.args().contains("stdio") && stdio.args().contains("--server")
                    && (stdio.command().endsWith("airlock") || stdio.args().stream().anyMatch(a ->
                    a.endsWith("airlock.jar")));
        };
    }

    private static ObjectNode yamlNode(ClientServer.Spec spec) {
        ObjectNode node = YAML.createObjectNode();
        switch (spec) {
            case ClientServer.Stdio s -> {
                node.put("command", s.command());
                if (!s.args().isEmpty()) {
                    ArrayNode args = node.putArray("args");
                    s.args().forEach(args::add);
                }
                if (s.cwd() != null) {
                    node.put("cwd", s.cwd());
                }
                if (!s.env().isEmpty()) {
                    ObjectNode env = node.putObject("env");
                    s.env().forEach(env::put);
                }
            }
            case ClientServer.Http h -> {
                node.put("url", h.url());
                if (h.sse()) {
                    node.put("transport", "sse");
                }
                if (!h.headers().isEmpty()) {
                    ObjectNode headers = node.putObject("headers");
                    h.headers().forEach(headers::put);
                }
            }
        }
        return node;
    }

    /** The catalog kind recognised from the command line or URL, or null. */
    static String kindOf(ClientServer.Spec spec) {
        Optional<ServerKind> kind = switch (spec) {
            case ClientServer.Stdio s -> {
                List<String> line = new ArrayList<>();
                line.add(s.command());
                line.addAll(s.args());
                yield CATALOG.recognise(line);
            }
            case ClientServer.Http h -> CATALOG.recognise(h.url());
        };
        return kind.map(ServerKind::id).orElse(null);
    }

    static String sanitize(String name) {
        String s = name.replaceAll("[^A-Za-z0-9_.-]", "-").replaceAll("^[^A-Za-z0-9]+", "");
        if (s.length() > 64) {
            s = s.substring(0, 64);
        }
        return s.isEmpty() ? "server" : s;
    }

    /** The name under which the server goes into airlock.yaml: its own, unless taken by a different server. */
    private static String placeName(ObjectNode servers, String name, ClientKind client, ObjectNode node) {
        List<String> candidates = new ArrayList<>(List.of(name, sanitize(name + "-" + client.id())));
        for (int n = 2; n < 100; n++) {
            candidates.add(sanitize(name + "-" + client.id() + "-" + n));
        }
        for (String candidate : candidates) {
            JsonNode existing = servers.get(candidate);
            if (existing == null || sameTransport(existing, node)) {
                return candidate;
            }
        }
        throw new IllegalStateException("100 servers named " + name);
    }

    private static boolean sameTransport(JsonNode a, JsonNode b) {
        for (String key : YAML_TRANSPORT) {
            JsonNode x = a.get(key);
            JsonNode y = b.get(key);
            if (x == null ? y != null : !x.equals(y)) {
                // Text and numbers compare by their text (YAML may have read an env value as a number).
                if (x == null || y == null || !x.toString().replace("\"", "").equals(y.toString().replace("\"", ""))) {
                    return false;
                }
            }
        }
        return true;
    }

    private static byte[] encodeYaml(ObjectNode yaml, boolean fresh, List<ClientConfigs.ClientFile> files)
            throws ImportException {
        try {
            String body = YAML.writeValueAsString(yaml);
            if (!fresh) {
                return body.getBytes(StandardCharsets.UTF_8);
            }
            StringBuilder header = new StringBuilder("# Airlock config written by `airlock import` from:\n");
            files.forEach(f -> header.append("#   ").append(f.file()).append('\n'));
            header.append("# See README.md (Running your own servers) for every setting.\n");
            return (header + body).getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ImportException("cannot encode airlock.yaml: " + e.getMessage(), e);
        }
    }

    // ---- client rewrites ----

    /** A client file's new bytes: each imported entry now reaches Airlock; every other key stays. */
    private static byte[] rewrite(ClientConfigs.ClientFile file, List<Imported> mine, String baseUrl, String auth,
                                  Options o, Path yamlPath) throws ImportException {
        ClientKind client = file.client();
        if (file.format() == ClientConfigs.Format.TOML) {
            Map<String, ObjectNode> entries = new LinkedHashMap<>();
            for (Imported i : mine) {
                JsonNode old = file.toml().root.path("mcp_servers").path(i.source().name());
                entries.put(i.source().name(), replacement(client, old, i.airlockName(), baseUrl, auth, o, yamlPath));
            }
            return file.toml().rewrite(entries);
        }
        ObjectNode root = file.json().root.deepCopy();
        for (Imported i : mine) {
            ObjectNode container = (ObjectNode) root.at(i.source().container());
            JsonNode old = container.get(i.source().name());
            container.set(i.source().name(), replacement(client, old, i.airlockName(), baseUrl, auth, o, yamlPath));
        }
        if (auth != null && auth.contains("${input:" + VSCODE_INPUT + "}")) {
            declareInput(root);
        }
        byte[] bytes = file.json().write(root);
        // The new file must read back as exactly the document intended.
        LocatedJson check = LocatedJson.parse(bytes, file.file(), false);
        if (!check.root.equals(root)) {
            throw new ImportException(file.file() + ": the rewritten JSON would not read back as intended; nothing "
                    + "was written");
        }
        return bytes;
    }

    /** The entry that reaches Airlock: the client's transport keys replaced, its other keys (in order) kept. */
    private static ObjectNode replacement(ClientKind client, JsonNode old, String airlockName, String baseUrl,
                                          String auth, Options o, Path yamlPath) {
        ObjectNode entry = JSON.createObjectNode();
        if (o.stdio()) {
            if (client == ClientKind.CLAUDE || client == ClientKind.VSCODE) {
                entry.put("type", "stdio");
            }
            entry.put("command", o.airlockCommand());
            ArrayNode args = entry.putArray("args");
            List.of("stdio", "--server", airlockName, "--config", yamlPath.toString(), "--agent", client.agent())
                    .forEach(args::add);
        } else {
            String url = baseUrl + "/mcp/" + airlockName;
            if (client == ClientKind.CLAUDE || client == ClientKind.VSCODE) {
                entry.put("type", "http");
            }
            entry.put("url", url);
            entry.putObject(client == ClientKind.CODEX ? "http_headers" : "headers")
                    .put("Authorization", auth);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = old.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!ClientConfigs.isTransportKey(client, e.getKey())) {
                entry.set(e.getKey(), e.getValue());
            }
        }
        return entry;
    }

    /** Adds VS Code's password input for the token, unless the file already declares it. */
    private static void declareInput(ObjectNode root) {
        JsonNode inputs = root.get("inputs");
        ArrayNode list = inputs instanceof ArrayNode array ? array : root.putArray("inputs");
        for (JsonNode input : list) {
            if (VSCODE_INPUT.equals(input.path("id").asText())) {
                return;
            }
        }
        list.addObject().put("type", "promptString").put("id", VSCODE_INPUT)
                .put("description", "Airlock agent token for VS Code (airlock token create --agent vscode)")
                .put("password", true);
    }

    // ---- commit and undo ----

    /**
     * Carries out a plan: backup set first, then every file in one transaction. Returns the backup set's directory
     * (null when the plan changes nothing).
     */
    public static Path commit(Plan plan, FileTransaction.Io io) throws ImportException {
        if (!plan.changesAnything()) {
            return null;
        }
        Options o = plan.options();
        // Nothing may have changed since the plan was made: it was computed from these exact bytes.
        for (FileTransaction.Change c : plan.changes()) {
            if (!Arrays.equals(readOrNull(c.path()), c.before())) {
                throw new ImportException(c.path() + " changed while the import was being prepared; nothing was "
                        + "written: run the import again");
            }
        }
        AgentTokenStore store = new AgentTokenStore(o.tokenStore());
        List<AgentTokenStore.Entry> entries;
        try {
            entries = new ArrayList<>(store.list());
        } catch (IOException e) {
            throw new ImportException("the agent token store is unusable: " + e.getMessage(), e);
        }
        byte[] storeBefore = readOrNull(store.file());
        List<AgentTokenStore.Entry> created = new ArrayList<>();
        plan.tokens().forEach((agent, token) -> created.add(AgentTokenStore.entryFor(agent, token)));
        entries.addAll(created);

        List<FileTransaction.Change> all = new ArrayList<>();
        if (!created.isEmpty()) {
            all.add(new FileTransaction.Change(store.file(), storeBefore, AgentTokenStore.encode(entries)));
        }
        all.addAll(plan.changes());
        Path backup = writeBackup(o.backups(), plan.changes(), created);
        try {
            FileTransaction.apply(all, io);
        } catch (IOException e) {
            deleteTree(backup);
            throw new ImportException(e.getMessage(), e);
        }
        return backup;
    }

    private static Path writeBackup(Path backups, List<FileTransaction.Change> changes,
                                    List<AgentTokenStore.Entry> tokens) throws ImportException {
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC)
                .format(Instant.now());
        Path dir = null;
        try {
            Files.createDirectories(backups, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(
                    "rwx------")));
            for (int n = 0; dir == null; n++) {
                Path candidate = backups.resolve(n == 0 ? stamp : stamp + "-" + n);
                if (!Files.exists(candidate) && !Files.exists(Path.of(candidate + ".undone"))) {
                    dir = Files.createDirectory(candidate, PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString("rwx------")));
                }
            }
            ObjectNode manifest = JSON.createObjectNode();
            manifest.put("created", Instant.now().toString());
            ArrayNode files = manifest.putArray("files");
            int n = 0;
            for (FileTransaction.Change c : changes) {
                if (!c.changes()) {
                    continue;
                }
                ObjectNode f = files.addObject().put("path", c.path().toString()).put("existed", c.before() != null)
                        .put("writtenSha256", sha256(c.after()));
                if (c.before() != null) {
                    String name = n++ + "-" + c.path().getFileName() + ".orig";
                    Files.write(Files.createFile(dir.resolve(name), PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString("rw-------"))), c.before());
                    f.put("backup", name);
                }
            }
            ArrayNode ids = manifest.putArray("tokens");
            tokens.forEach(t -> ids.addObject().put("id", t.id()).put("agent", t.agent()));
            AgentTokenStore.writeOwnerOnly(dir.resolve(MANIFEST), JSON.writerWithDefaultPrettyPrinter()
                    .writeValueAsBytes(manifest));
            return dir;
        } catch (IOException e) {
            deleteTree(dir);
            throw new ImportException("cannot write the backup in " + backups + ": " + e.getMessage()
                    + "; nothing was changed", e);
        }
    }

    /** What {@link #undo} restored. */
    public record Undone(Path backup, List<Path> restored, List<Path> removed, List<String> revokedTokens) {}

    /**
     * Restores the latest import's backup set: every file as it was before (files the import created are removed),
     * and the tokens it created revoked. A file changed since the import is not overwritten unless {@code force}.
     */
    public static Undone undo(Path backups, Path tokenStore, boolean force, FileTransaction.Io io)
            throws ImportException {
        Path dir = latest(backups);
        JsonNode manifest;
        try {
            manifest = JSON.readTree(Files.readAllBytes(dir.resolve(MANIFEST)));
        } catch (IOException e) {
            throw new ImportException(dir.resolve(MANIFEST) + ": cannot read: " + e.getMessage(), e);
        }
        List<FileTransaction.Change> changes = new ArrayList<>();
        List<String> changedSince = new ArrayList<>();
        List<Path> restored = new ArrayList<>();
        List<Path> removed = new ArrayList<>();
        for (JsonNode f : manifest.path("files")) {
            Path path = Path.of(f.path("path").asText());
            byte[] current = readOrNull(path);
            if (!sha256(current).equals(f.path("writtenSha256").asText())) {
                changedSince.add(path.toString());
            }
            byte[] original = null;
            if (f.path("existed").asBoolean()) {
                original = readOrNull(dir.resolve(f.path("backup").asText()));
                if (original == null) {
                    throw new ImportException(dir + ": the backup of " + path + " is missing; nothing was restored");
                }
                restored.add(path);
            } else {
                removed.add(path);
            }
            changes.add(new FileTransaction.Change(path, current, original));
        }
        if (!changedSince.isEmpty() && !force) {
            throw new ImportException("changed since the import: " + changedSince + "; nothing was restored (undo "
                    + "with --force to put the backups back anyway, losing those changes)");
        }
        List<String> revoked = new ArrayList<>();
        Set<String> ids = new java.util.HashSet<>();
        manifest.path("tokens").forEach(t -> ids.add(t.path("id").asText()));
        if (!ids.isEmpty()) {
            AgentTokenStore store = new AgentTokenStore(tokenStore);
            try {
                List<AgentTokenStore.Entry> kept = new ArrayList<>();
                for (AgentTokenStore.Entry e : store.list()) {
                    if (ids.contains(e.id())) {
                        revoked.add(e.id() + " (" + e.agent() + ")");
                    } else {
                        kept.add(e);
                    }
                }
                if (!revoked.isEmpty()) {
                    changes.add(new FileTransaction.Change(store.file(), readOrNull(store.file()),
                            AgentTokenStore.encode(kept)));
                }
            } catch (IOException e) {
                throw new ImportException("the agent token store is unusable: " + e.getMessage(), e);
            }
        }
        try {
            FileTransaction.apply(changes, io);
            Files.move(dir, Path.of(dir + ".undone"));
        } catch (IOException e) {
            throw new ImportException(e.getMessage(), e);
        }
        return new Undone(dir, restored, removed, revoked);
    }

    private static Path latest(Path backups) throws ImportException {
        try (var list = Files.list(backups)) {
            return list.filter(p -> Files.isRegularFile(p.resolve(MANIFEST)) && !p.getFileName().toString()
                            .endsWith(".undone"))
                    .max(Comparator.comparing(p -> p.getFileName().toString()))
                    .orElseThrow(() -> new ImportException("no import to undo in " + backups));
        } catch (NoSuchFileException e) {
            throw new ImportException("no import to undo in " + backups, e);
        } catch (IOException e) {
            throw new ImportException(backups + ": cannot list: " + e.getMessage(), e);
        }
    }

    private static String sha256(byte[] bytes) {
        if (bytes == null) {
            return "absent";
        }
        try {
            return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteTree(Path dir) {
        if (dir == null) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // Best effort: a stray backup of an import that did not happen is harmless (no manifest = not undoable).
        }
    }
}
