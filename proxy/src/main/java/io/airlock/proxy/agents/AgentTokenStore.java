package io.airlock.proxy.agents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The per-agent bearer tokens, as a JSON file that holds only their SHA-256 hashes (a token is 256 random bits, so a
 * plain hash is enough: there is nothing to brute-force). The file is written with owner-only permissions through a
 * temporary file and an atomic rename, so a reader never sees half a file. The token itself is shown once, by
 * {@link #create}, and never stored.
 */
public final class AgentTokenStore {

    /** Agent names: what policies match with {@code agents:} and receipts record. */
    public static final Pattern AGENT_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}");
    static final String PREFIX = "alk_";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    /** One stored token: never the token, only its hash. */
    public record Entry(String id, String agent, String sha256, Instant created) {
        public Entry {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(agent, "agent");
            Objects.requireNonNull(sha256, "sha256");
            Objects.requireNonNull(created, "created");
        }
    }

    /** A token just created: {@code token} is the only copy there will ever be. */
    public record Created(Entry entry, String token) {}

    private final Path file;

    public AgentTokenStore(Path file) {
        this.file = Objects.requireNonNull(file, "file").toAbsolutePath();
    }

    public Path file() {
        return file;
    }

    /** The stored entries; none when the file does not exist. A file that cannot be parsed is an error, not "none". */
    public List<Entry> list() throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return List.of();
        }
        return parse(bytes, file.toString());
    }

    static List<Entry> parse(byte[] bytes, String source) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (IOException e) {
            throw new IOException(source + ": not valid JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.path("tokens").isArray()) {
            throw new IOException(source + ": expected {\"tokens\": [...]}");
        }
        List<Entry> out = new ArrayList<>();
        for (JsonNode node : root.get("tokens")) {
            String id = node.path("id").asText("");
            String agent = node.path("agent").asText("");
            String hash = node.path("sha256").asText("");
            if (id.isEmpty() || !AGENT_NAME.matcher(agent).matches() || !hash.matches("[0-9a-f]{64}")) {
                throw new IOException(source + ": a token entry lacks a valid id, agent or sha256: " + node);
            }
            Instant created;
            try {
                created = Instant.parse(node.path("created").asText(""));
            } catch (java.time.format.DateTimeParseException e) {
                throw new IOException(source + ": token " + id + ": 'created' is not an ISO-8601 instant", e);
            }
            out.add(new Entry(id, agent, hash, created));
        }
        return List.copyOf(out);
    }

    /** Creates and stores a token for {@code agent}; returns it (shown once). */
    public synchronized Created create(String agent) throws IOException {
        String token = newToken();
        Entry entry = entryFor(agent, token);
        List<Entry> all = new ArrayList<>(list());
        all.add(entry);
        write(all);
        return new Created(entry, token);
    }

    /** A fresh token: {@code alk_} and 256 random bits, base64url. */
    public static String newToken() {
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    /** The entry that stores {@code token} for {@code agent} (a new random id, its hash, now). */
    public static Entry entryFor(String agent, String token) {
        requireAgentName(agent);
        byte[] idBytes = new byte[4];
        RANDOM.nextBytes(idBytes);
        return new Entry(HexFormat.of().formatHex(idBytes), agent, sha256Hex(token),
                Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    }

    /**
     * Revokes tokens: those of {@code agent} (all of them when {@code id} is null), or the one with {@code id}.
     * Returns the revoked entries.
     */
    public synchronized List<Entry> revoke(String agent, String id) throws IOException {
        List<Entry> kept = new ArrayList<>();
        List<Entry> revoked = new ArrayList<>();
        for (Entry e : list()) {
            boolean match = (agent == null || e.agent().equals(agent)) && (id == null || e.id().equals(id));
            (match ? revoked : kept).add(e);
        }
        if (!revoked.isEmpty()) {
            write(kept);
        }
        return revoked;
    }

    private void write(List<Entry> entries) throws IOException {
        writeOwnerOnly(file, encode(entries));
    }

    /** The file's bytes for these entries (for callers that write it as part of a larger all-or-nothing change). */
    public static byte[] encode(List<Entry> entries) {
        ObjectNode root = JSON.createObjectNode();
        root.put("comment", "Airlock agent tokens: SHA-256 hashes only. Manage with: airlock token create|list|revoke");
        ArrayNode tokens = root.putArray("tokens");
        for (Entry e : entries) {
            tokens.addObject().put("id", e.id()).put("agent", e.agent()).put("sha256", e.sha256())
                    .put("created", e.created().toString());
        }
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("encoding plain strings cannot fail", e);
        }
    }

    /** Writes {@code bytes} through a 0600 temporary file in the same directory and an atomic rename. */
    public static void writeOwnerOnly(Path file, byte[] bytes) throws IOException {
        Path dir = file.getParent();
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(
                    "rwx------")));
        }
        Path temp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.write(temp, bytes);
            try (var channel = java.nio.channels.FileChannel.open(temp, java.nio.file.StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    public static void requireAgentName(String agent) {
        if (agent == null || !AGENT_NAME.matcher(agent).matches()) {
            throw new IllegalArgumentException("agent name '" + agent + "' (expected: letters, digits, '_', '.', "
                    + "'@', '-'; at most 64; starting with a letter or digit)");
        }
    }

    static String sha256Hex(String token) {
        return HexFormat.of().formatHex(sha256(token.getBytes(StandardCharsets.UTF_8)));
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
