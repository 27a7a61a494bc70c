package io.airlock.proxy.admin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;

/**
 * The admin API's bearer token. Generated on first start (32 random bytes, base64url) into a file only its owner can
 * read; an existing file is used as it is, but refused when others can read it (a token anyone can read protects
 * nothing). Comparison is constant-time.
 */
public final class AdminToken {

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final byte[] token;
    private final Path file;

    private AdminToken(String token, Path file) {
        this.token = token.getBytes(StandardCharsets.UTF_8);
        this.file = file;
    }

    /** Reads the token file, creating it (and its directory, 0700) when missing. */
    public static AdminToken loadOrCreate(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(
                    "rwx------")));
        }
        if (!Files.exists(file)) {
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            String fresh = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            try {
                // CREATE_NEW with owner-only permissions from the start: there is no moment the token is readable.
                Files.write(Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY)),
                        (fresh + "\n").getBytes(StandardCharsets.UTF_8), StandardOpenOption.WRITE);
            } catch (FileAlreadyExistsException raced) {
                // Another Airlock created it first; use theirs.
            }
        }
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
        if (permissions.stream().anyMatch(p -> !OWNER_ONLY.contains(p) && p != PosixFilePermission.OWNER_EXECUTE)) {
            throw new IOException(file + " is readable or writable by others (" + PosixFilePermissions.toString(
                    permissions) + "); run: chmod 600 " + file);
        }
        String text = Files.readString(file).strip();
        if (text.length() < 16) {
            throw new IOException(file + " holds no usable token (at least 16 characters expected)");
        }
        return new AdminToken(text, file);
    }

    public Path file() {
        return file;
    }

    /** Whether an {@code Authorization} header carries this token. */
    public boolean accepts(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        byte[] offered = authorization.substring(7).strip().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(offered, token);
    }
}
