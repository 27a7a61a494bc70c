package io.airlock.deploy;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where deploy/ is, whichever directory the tests run from (Maven runs them in the module's own). */
final class DeployFiles {

    private DeployFiles() {}

    static Path dir() {
        Path here = Path.of("").toAbsolutePath();
        for (Path p = here; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("Dockerfile")) && Files.isDirectory(p.resolve("helm"))) {
                return p;
            }
            if (Files.isRegularFile(p.resolve("deploy/Dockerfile"))) {
                return p.resolve("deploy");
            }
        }
        throw new IllegalStateException("deploy/ not found above " + here);
    }
}
