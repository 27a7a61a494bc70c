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

    @Option(names = "--admin", paramLabel = "URL", defaultValue = "http://127.0.0.1:8788",
            description = "Admin API address (default: ${DEFAULT-VALUE}).")
    String admin;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "File holding the admin token (default: $AIRLOCK_ADMIN_TOKEN, else admin-token in "
                    + "$AIRLOCK_STATE_DIR or ~/.airlock).")
    Path tokenFile;

    /** Reads the token and builds a client; fails with a message naming where it looked. */
    AdminClient connect(Map<String, String> environment, Path home) throws IOException {
        return new AdminClient(address(), AdminToken.resolve(tokenFile, environment, home));
    }

    AdminClient connect() throws IOException {
        return connect(System.getenv(), Path.of(System.getProperty("user.home")));
    }

    /** {@code --admin}, accepting a bare host:port as the admin listen setting is written. */
    URI address() {
        String text = admin.strip();
        return URI.create(text.contains("://") ? text : "http://" + text);
    }
}
