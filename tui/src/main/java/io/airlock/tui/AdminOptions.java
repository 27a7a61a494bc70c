package io.airlock.tui;

import io.airlock.tui.client.AdminClient;
import io.airlock.tui.client.AdminToken;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/** Where the admin API is and how to authenticate; shared by {@code airlock tui} and {@code airlock approvals}. */
public final class AdminOptions {

    @Option(names = "--admin", paramLabel = "URL",
            description = "Admin API address (default: the admin-address file Airlock writes next to its token, "
                    + "else http://127.0.0.1:8788).")
    String admin;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "File holding the admin token (default: $AIRLOCK_ADMIN_TOKEN, else admin-token in "
                    + "$AIRLOCK_STATE_DIR or ~/.airlock).")
    Path tokenFile;

    /** Reads the token and builds a client; fails with a message naming where it looked. */
    AdminClient connect(Map<String, String> environment, Path home) throws IOException {
        resolved = address(environment, home);
        return new AdminClient(resolved, AdminToken.resolve(tokenFile, environment, home));
    }

    private URI resolved;

    /** {@code --admin}, else the address the running Airlock published in its state dir, else the default. */
    URI address(Map<String, String> environment, Path home) {
        if (admin != null) {
            return address();
        }
        Path published = AdminToken.stateDir(environment, home).resolve("admin-address");
        try {
            if (java.nio.file.Files.isRegularFile(published)) {
                String text = java.nio.file.Files.readString(published).strip();
                if (!text.isEmpty()) {
                    return URI.create(text);
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            // Unreadable or malformed: fall back to the default address.
        }
        return AdminClient.DEFAULT_ADDRESS;
    }

    AdminClient connect() throws IOException {
        return connect(System.getenv(), Path.of(System.getProperty("user.home")));
    }

    /** {@code --admin}, accepting a bare host:port as the admin listen setting is written. */
    URI address() {
        if (admin == null) {
            return resolved != null ? resolved : AdminClient.DEFAULT_ADDRESS;
        }
        String text = admin.strip();
        return URI.create(text.contains("://") ? text : "http://" + text);
    }
}
