package io.airlock.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/** Test support: the sandbox's tools must be present in CI (a missing bubblewrap fails there, never skips). */
public final class SandboxTools {

    private SandboxTools() {}

    public static void requireSandbox() {
        String missing = OverlaySandbox.unavailable();
        if (System.getenv("CI") != null) {
            assertThat(missing).as("bubblewrap and util-linux are installed in CI (scripts/setup-test-deps.sh)")
                    .isNull();
        } else {
            assumeThat(missing).as("sandbox tools").isNull();
        }
    }
}
