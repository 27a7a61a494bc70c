package io.airlock.policy.tags;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/CAPABILITIES.md is the reference users read: it must list every capability with its current definition. */
class CapabilityDocTest {

    @Test
    void theDocumentedTaxonomyMatchesTheCode() throws Exception {
        String doc = Files.readString(Path.of("../docs/CAPABILITIES.md"));
        for (Capability capability : Capability.values()) {
            assertThat(doc).as(capability.id()).contains("| `" + capability.id() + "` | " + capability.definition()
                    + " |");
        }
        assertThat(doc.lines().filter(l -> l.startsWith("| `")).count()).isEqualTo(Capability.values().length);
    }
}
