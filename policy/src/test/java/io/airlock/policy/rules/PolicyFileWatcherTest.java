package io.airlock.policy.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyFileWatcherTest {

    private static final String V1 = """
            revision: r1
            rules:
              - {id: allow-reads, match: {tags: [read_file]}, action: allow}
            """;
    private static final String V2 = """
            revision: r2
            rules:
              - {id: ask-reads, match: {tags: [read_file]}, action: ask}
            """;

    @TempDir
    Path dir;

    private final BlockingQueue<PolicyFileWatcher.Outcome> outcomes = new LinkedBlockingQueue<>();
    private final List<Policy> reloaded = new java.util.concurrent.CopyOnWriteArrayList<>();

    private PolicyFileWatcher watch(Path file) throws Exception {
        return new PolicyFileWatcher(file, Files.readString(file), reloaded::add, outcomes::add,
                Duration.ofMillis(50), Duration.ofMillis(500));
    }

    private PolicyFileWatcher.Outcome next() throws InterruptedException {
        PolicyFileWatcher.Outcome outcome = outcomes.poll(10, TimeUnit.SECONDS);
        assertThat(outcome).as("an outcome within 10 s").isNotNull();
        return outcome;
    }

    @Test
    void anEditInPlaceIsReloaded() throws Exception {
        Path file = Files.writeString(dir.resolve("policy.yaml"), V1);
        try (PolicyFileWatcher ignored = watch(file)) {
            Files.writeString(file, V2);
            assertThat(next()).isInstanceOfSatisfying(PolicyFileWatcher.Outcome.Reloaded.class,
                    r -> assertThat(r.policy().revision()).isEqualTo("r2"));
            assertThat(reloaded).extracting(Policy::revision).containsExactly("r2");
        }
    }

    @Test
    void aFileRenamedOverTheOldOneIsReloaded() throws Exception {
        Path file = Files.writeString(dir.resolve("policy.yaml"), V1);
        try (PolicyFileWatcher ignored = watch(file)) {
            Path staged = Files.writeString(dir.resolve(".policy.yaml.tmp"), V2);
            Files.move(staged, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            assertThat(next()).isInstanceOf(PolicyFileWatcher.Outcome.Reloaded.class);
            assertThat(reloaded).extracting(Policy::revision).containsExactly("r2");
        }
    }

    @Test
    void anInvalidEditIsRejectedAndTheRunningPolicyStays() throws Exception {
        Path file = Files.writeString(dir.resolve("policy.yaml"), V1);
        try (PolicyFileWatcher ignored = watch(file)) {
            Files.writeString(file, "rules:\n  - {id: bad, match: {tags: [no_such_capability]}, action: allow}\n");
            assertThat(next()).isInstanceOfSatisfying(PolicyFileWatcher.Outcome.Rejected.class,
                    r -> assertThat(r.error()).contains("no_such_capability"));
            assertThat(reloaded).isEmpty();
            // Fixing the file afterwards is picked up.
            Files.writeString(file, V2);
            assertThat(next()).isInstanceOf(PolicyFileWatcher.Outcome.Reloaded.class);
            assertThat(reloaded).extracting(Policy::revision).containsExactly("r2");
        }
    }

    @Test
    void touchingOrDeletingTheFileIsNotANewRevision() throws Exception {
        Path file = Files.writeString(dir.resolve("policy.yaml"), V1);
        try (PolicyFileWatcher watcher = watch(file)) {
            Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis()));
            Files.writeString(dir.resolve("other.yaml"), V2);
            Files.delete(file);
            watcher.check();
            assertThat(outcomes.poll(1, TimeUnit.SECONDS)).isNull();
            assertThat(reloaded).isEmpty();
        }
    }
}
