package io.airlock.receipts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SigningTest {

    @TempDir
    Path dir;

    @Test
    void theKeyIsCreatedOnFirstUseOwnerOnlyAndReloadedUnchanged() throws IOException {
        Signing.Key created = Signing.loadOrCreate(dir);
        Signing.Key reloaded = Signing.loadOrCreate(dir);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(Signing.PRIVATE_KEY_FILE))))
                .isEqualTo("rw-------");
        assertThat(reloaded.publicKey()).isEqualTo(created.publicKey());
        assertThat(reloaded.keyId()).isEqualTo(created.keyId()).matches("ed25519:[0-9a-f]{16}");
        assertThat(Signing.readPublicKey(dir.resolve(Signing.PUBLIC_KEY_FILE))).isEqualTo(created.publicKey());
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder(Signing.PRIVATE_KEY_FILE, Signing.PUBLIC_KEY_FILE);
        }
    }

    @Test
    void aMissingPublicKeyFileIsDerivedFromThePrivateKey() throws IOException {
        Signing.Key created = Signing.loadOrCreate(dir);
        Files.delete(dir.resolve(Signing.PUBLIC_KEY_FILE));

        Signing.loadOrCreate(dir);

        assertThat(Signing.readPublicKey(dir.resolve(Signing.PUBLIC_KEY_FILE))).isEqualTo(created.publicKey());
    }

    @Test
    void gatewaysStartingAtOnceEndUpWithOneKey() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<Signing.Key>> starts = java.util.Collections.nCopies(8, () -> Signing.loadOrCreate(dir));
            List<String> ids = pool.invokeAll(starts).stream().map(f -> {
                try {
                    return f.get().keyId();
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }).distinct().toList();

            assertThat(ids).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aPrivateKeyOthersCanReadIsRefused() throws IOException {
        Signing.loadOrCreate(dir);
        Files.setPosixFilePermissions(dir.resolve(Signing.PRIVATE_KEY_FILE),
                PosixFilePermissions.fromString("rw-r--r--"));

        assertThatThrownBy(() -> Signing.loadOrCreate(dir)).isInstanceOf(IOException.class)
                .hasMessageContaining("accessible to others").hasMessageContaining("chmod 600");
    }

    @Test
    void aSignatureVerifiesOnlyForItsMessageAndKey() {
        Signing.Key key = Signing.generate();
        byte[] message = Signing.checkpointMessage(5, Hashes.ZERO);
        String signature = Signing.sign(key.privateKey(), message);

        assertThat(Signing.verify(key.publicKey(), message, signature)).isTrue();
        assertThat(Signing.verify(key.publicKey(), Signing.checkpointMessage(6, Hashes.ZERO), signature)).isFalse();
        assertThat(Signing.verify(Signing.generate().publicKey(), message, signature)).isFalse();
        assertThat(Signing.verify(key.publicKey(), message, "not base64!")).isFalse();
    }
}
