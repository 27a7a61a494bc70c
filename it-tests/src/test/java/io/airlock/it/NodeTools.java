package io.airlock.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Node 22 and the npm packages installed by {@code scripts/setup-test-deps.sh}. Missing tools fail the test with the
 * command to run: end-to-end tests never skip silently.
 */
final class NodeTools {

    static final Path PROJECT = findProject();
    private static final Map<String, String> ENV = readEnv();

    private NodeTools() {}

    static String node() {
        return ENV.get("AIRLOCK_NODE");
    }

    static Path modules() {
        return Path.of(ENV.get("AIRLOCK_NODE_MODULES"));
    }

    static Path module(String relative) {
        Path path = modules().resolve(relative);
        if (!Files.exists(path)) {
            throw new IllegalStateException(path + " is missing: run scripts/setup-test-deps.sh");
        }
        return path;
    }

    static Path clientScript() {
        return PROJECT.resolve("it-tests/node/client.mjs");
    }

    private static Map<String, String> readEnv() {
        Path file = PROJECT.resolve("it-tests/node/.runtime/env");
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("Node 22 and the npm test packages are not installed (" + file
                    + " is missing): run scripts/setup-test-deps.sh");
        }
        Map<String, String> env = new HashMap<>();
        try {
            for (String line : Files.readAllLines(file)) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    env.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file, e);
        }
        if (!Files.isExecutable(Path.of(env.getOrDefault("AIRLOCK_NODE", "")))) {
            throw new IllegalStateException("AIRLOCK_NODE in " + file + " is not executable: run "
                    + "scripts/setup-test-deps.sh --force");
        }
        return env;
    }

    private static Path findProject() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("it-tests/node/package.json"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("cannot find the project root from " + Path.of("").toAbsolutePath());
        }
        return dir;
    }
}
