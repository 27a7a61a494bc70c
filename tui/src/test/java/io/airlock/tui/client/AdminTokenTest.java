package io.airlock.tui.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminTokenTest {

    @TempDir
    Path home;

    private Path defaultFile(String token) throws IOException {
        Path file = home.resolve(".airlock/admin-token");
        Files.createDirectories(file.getParent());
        return Files.writeString(file, token);
    }

    @Test
    void theTokenFileOptionComesFirst() throws Exception {
        defaultFile("from-default");
        Path option = Files.writeString(home.resolve("mine"), "from-option\n");

        assertThat(AdminToken.resolve(option, Map.of("AIRLOCK_ADMIN_TOKEN", "from-env"), home))
                .isEqualTo("from-option");
    }

    @Test
    void theEnvironmentComesBeforeTheDefaultFile() throws Exception {
        defaultFile("from-default");

        assertThat(AdminToken.resolve(null, Map.of("AIRLOCK_ADMIN_TOKEN", " from-env "), home)).isEqualTo("from-env");
    }

    @Test
    void theDefaultFileIsReadWithoutItsLineBreak() throws Exception {
        defaultFile("abc123\n");

        assertThat(AdminToken.resolve(null, Map.of(), home)).isEqualTo("abc123");
    }

    @Test
    void theStateDirectoryMovesTheDefaultFileAsItDoesForTheGateway() throws Exception {
        defaultFile("in-home");
        Path state = Files.createDirectories(home.resolve("state"));
        Files.writeString(state.resolve("admin-token"), "in-state-dir\n");

        assertThat(AdminToken.resolve(null, Map.of("AIRLOCK_STATE_DIR", state.toString()), home))
                .isEqualTo("in-state-dir");
    }

    @Test
    void noTokenAnywhereNamesEveryPlaceToPutOne() {
        assertThatThrownBy(() -> AdminToken.resolve(null, Map.of(), home))
                .hasMessageContaining("--token-file").hasMessageContaining("AIRLOCK_ADMIN_TOKEN")
                .hasMessageContaining(home.resolve(".airlock/admin-token").toString());
    }

    @Test
    void anEmptyTokenFileIsRefused() throws Exception {
        Path empty = Files.writeString(home.resolve("empty"), "  \n");

        assertThatThrownBy(() -> AdminToken.resolve(empty, Map.of(), home)).hasMessageContaining("is empty");
    }
}
