package io.airlock.tui.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Finds the admin token: {@code --token-file}, else {@code $AIRLOCK_ADMIN_TOKEN}, else {@code admin-token} in the
 * state directory where Airlock writes it ({@code $AIRLOCK_STATE_DIR}, else {@code ~/.airlock}).
 */
public final class AdminToken {

    public static final String ENVIRONMENT_VARIABLE = "AIRLOCK_ADMIN_TOKEN";

    /** Airlock's state directory, as the gateway reads it, so the client looks where the gateway wrote. */
    public static final String STATE_DIR_VARIABLE = "AIRLOCK_STATE_DIR";

    private AdminToken() {
    }

    /**
     * @param tokenFile the {@code --token-file} option, or null
     * @throws IOException naming the place it looked, when none holds a token
     */
    public static String resolve(Path tokenFile, Map<String, String> environment, Path home) throws IOException {
        if (tokenFile != null) {
            return read(tokenFile, "--token-file");
        }
        String fromEnvironment = environment.get(ENVIRONMENT_VARIABLE);
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return fromEnvironment.strip();
        }
        Path standard = stateDir(environment, home).resolve("admin-token");
        if (!Files.exists(standard)) {
            throw new IOException("no admin token: pass --token-file, set $" + ENVIRONMENT_VARIABLE + ", or start "
                    + "Airlock once so that it writes " + standard);
        }
        return read(standard, "the default token file");
    }

    /** Where Airlock keeps its token and admin address: {@code $AIRLOCK_STATE_DIR}, else {@code ~/.airlock}. */
    public static Path stateDir(Map<String, String> environment, Path home) {
        String stateDir = environment.get(STATE_DIR_VARIABLE);
        return stateDir != null && !stateDir.isBlank() ? Path.of(stateDir) : home.resolve(".airlock");
    }

    private static String read(Path file, String what) throws IOException {
        String token;
        try {
            token = Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new IOException("cannot read " + what + " " + file + ": " + e.getMessage(), e);
        }
        if (token.isEmpty()) {
            throw new IOException(what + " " + file + " is empty");
        }
        return token;
    }
}
