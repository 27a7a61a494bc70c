package io.airlock.receipts;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Objects;
import java.util.Set;

/**
 * The Ed25519 key that signs checkpoints (the JDK's own implementation). The key pair lives in a key directory as two
 * PEM files: {@value #PRIVATE_KEY_FILE} (PKCS#8, mode 0600) and {@value #PUBLIC_KEY_FILE} (X.509), the latter being
 * all {@code airlock audit verify} needs.
 */
public final class Signing {

    public static final String PRIVATE_KEY_FILE = "receipts-ed25519.key";
    public static final String PUBLIC_KEY_FILE = "receipts-ed25519.pub";

    private static final String ALGORITHM = "Ed25519";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private Signing() {
    }

    /**
     * A signing key and its id.
     *
     * @param keyId {@code ed25519:<16 hex>}, see {@link #keyId(PublicKey)}
     */
    public record Key(PrivateKey privateKey, PublicKey publicKey, String keyId) {
        public Key {
            Objects.requireNonNull(privateKey, "privateKey");
            Objects.requireNonNull(publicKey, "publicKey");
            Objects.requireNonNull(keyId, "keyId");
        }

        public static Key of(KeyPair pair) {
            return new Key(pair.getPrivate(), pair.getPublic(), Signing.keyId(pair.getPublic()));
        }
    }

    /** A fresh key pair, in memory only (tests, benchmarks). */
    public static Key generate() {
        try {
            return Key.of(KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 is missing from this JDK", e);
        }
    }

    /**
     * The key pair in {@code keyDir}, generated on first use. The private key is written to a temporary file created
     * with mode 0600 and then hard-linked into place, which fails if another process got there first (then its key is
     * used): the key file never exists with looser permissions or half-written, and two gateways starting at once
     * cannot end up with different keys. A private key readable by group or others is refused, like ssh does.
     */
    public static Key loadOrCreate(Path keyDir) throws IOException {
        Files.createDirectories(keyDir);
        Path privateFile = keyDir.resolve(PRIVATE_KEY_FILE);
        Path publicFile = keyDir.resolve(PUBLIC_KEY_FILE);
        if (!Files.exists(privateFile)) {
            Key fresh = generate();
            Path temp = Files.createTempFile(keyDir, ".receipts-key-", ".tmp",
                    PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            try {
                Files.writeString(temp, pem("PRIVATE KEY", fresh.privateKey().getEncoded()), StandardCharsets.US_ASCII);
                try (var channel = java.nio.channels.FileChannel.open(temp, java.nio.file.StandardOpenOption.WRITE)) {
                    channel.force(true);
                }
                Files.createLink(privateFile, temp);
            } catch (FileAlreadyExistsException lostTheRace) {
                // Another process created the key between our check and our link: use theirs.
            } finally {
                Files.deleteIfExists(temp);
            }
        }
        Key key = readPrivate(privateFile);
        if (!Files.exists(publicFile) || !readPublicKey(publicFile).equals(key.publicKey())) {
            Path temp = Files.createTempFile(keyDir, ".receipts-pub-", ".tmp");
            Files.writeString(temp, pem("PUBLIC KEY", key.publicKey().getEncoded()), StandardCharsets.US_ASCII);
            Files.move(temp, publicFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        return key;
    }

    private static Key readPrivate(Path privateFile) throws IOException {
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(privateFile);
        if (!OWNER_ONLY.containsAll(permissions)) {
            throw new IOException(privateFile + ": the receipts signing key is accessible to others ("
                    + PosixFilePermissions.toString(permissions) + "); run chmod 600 on it");
        }
        try {
            KeyFactory factory = KeyFactory.getInstance(ALGORITHM);
            PrivateKey privateKey = factory.generatePrivate(new PKCS8EncodedKeySpec(
                    unpem(Files.readString(privateFile, StandardCharsets.US_ASCII), "PRIVATE KEY", privateFile)));
            // PKCS#8 v1 does not carry the public key, and the JDK has no call to derive it: see derivePublic.
            PublicKey publicKey = derivePublic(privateKey);
            return new Key(privateKey, publicKey, keyId(publicKey));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException(privateFile + ": not an Ed25519 private key (" + e.getMessage() + ")", e);
        }
    }

    /** The public key of an Ed25519 private key (RFC 8032 §5.1.5), via the JDK's generator seeded with its bytes. */
    private static PublicKey derivePublic(PrivateKey privateKey) throws GeneralSecurityException {
        byte[] seed = ((java.security.interfaces.EdECPrivateKey) privateKey).getBytes()
                .orElseThrow(() -> new GeneralSecurityException("the private key has no seed bytes"));
        KeyPairGenerator generator = KeyPairGenerator.getInstance(ALGORITHM);
        generator.initialize(java.security.spec.NamedParameterSpec.ED25519, new FixedSeed(seed));
        return generator.generateKeyPair().getPublic();
    }

    /** Hands the key generator exactly the seed it asks for, so it re-derives the same key pair. */
    private static final class FixedSeed extends java.security.SecureRandom {
        private final byte[] seed;

        FixedSeed(byte[] seed) {
            this.seed = seed.clone();
        }

        @Override
        public void nextBytes(byte[] bytes) {
            if (bytes.length != seed.length) {
                throw new IllegalStateException("asked for " + bytes.length + " seed bytes (expected: "
                        + seed.length + ")");
            }
            System.arraycopy(seed, 0, bytes, 0, seed.length);
        }
    }

    /** Reads a public key file written by {@link #loadOrCreate}. */
    public static PublicKey readPublicKey(Path file) throws IOException {
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(
                    unpem(Files.readString(file, StandardCharsets.US_ASCII), "PUBLIC KEY", file)));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException(file + ": not an Ed25519 public key (" + e.getMessage() + ")", e);
        }
    }

    /** {@code ed25519:} and the first 16 hex digits of SHA-256 over the X.509 encoding of the public key. */
    public static String keyId(PublicKey publicKey) {
        return "ed25519:" + Hashes.sha256(publicKey.getEncoded()).substring(Hashes.PREFIX.length(),
                Hashes.PREFIX.length() + 16);
    }

    /**
     * The bytes a checkpoint signs: a domain-separation label, the checkpoint's seq and its prev hash. Signing the
     * label means a checkpoint signature can never be replayed as a signature over anything else.
     */
    public static byte[] checkpointMessage(long seq, String prev) {
        return ("airlock-receipts/v1 checkpoint " + seq + " " + prev).getBytes(StandardCharsets.US_ASCII);
    }

    public static String sign(PrivateKey key, byte[] message) {
        try {
            Signature signature = Signature.getInstance(ALGORITHM);
            signature.initSign(key);
            signature.update(message);
            return Base64.getEncoder().encodeToString(signature.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed", e);
        }
    }

    /** Whether {@code signatureBase64} is a valid signature of {@code message}; false for malformed input. */
    public static boolean verify(PublicKey key, byte[] message, String signatureBase64) {
        try {
            Signature signature = Signature.getInstance(ALGORITHM);
            signature.initVerify(key);
            signature.update(message);
            return signature.verify(Base64.getDecoder().decode(signatureBase64));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    private static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }

    private static byte[] unpem(String text, String label, Path file) {
        String begin = "-----BEGIN " + label + "-----";
        String end = "-----END " + label + "-----";
        int from = text.indexOf(begin);
        int to = text.indexOf(end);
        if (from < 0 || to < from) {
            throw new IllegalArgumentException(file + " has no '" + begin + "' block");
        }
        return Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to));
    }
}
