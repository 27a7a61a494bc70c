package io.airlock.sandbox.commit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** How a commit ended. Only {@link Committed} changed the workspace. */
public sealed interface CommitResult {

    /**
     * Every change is in place.
     *
     * @param files files and symlinks written
     * @param bytes bytes written
     */
    record Committed(int files, long bytes, Timings timings) implements CommitResult {}

    /**
     * The real workspace changed since the run started (or a target's parent is a symlink, or a path leaves the
     * workspace): nothing was written. The operator decides.
     */
    record Conflict(List<Path> paths, String why) implements CommitResult {
        public Conflict {
            paths = List.copyOf(paths);
        }
    }

    /** The change set holds what a commit cannot reproduce (hard links, special files): nothing was written. */
    record Uncommittable(List<Path> paths, String why) implements CommitResult {
        public Uncommittable {
            paths = List.copyOf(paths);
        }
    }

    /** Staging or applying failed; the workspace is as it was before the commit began (or {@code why} says not). */
    record Failed(String why) implements CommitResult {}

    /** Where a successful commit spent its time. */
    record Timings(Duration conflictCheck, Duration staging, Duration apply) {}
}
