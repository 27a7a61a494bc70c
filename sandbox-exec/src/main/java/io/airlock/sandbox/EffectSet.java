package io.airlock.sandbox;

import java.nio.file.Path;
import java.util.List;

/**
 * What a sandboxed run changed in the workspace, read from the overlay's upper directory. Paths are relative to the
 * workspace, sorted.
 *
 * @param added    files and directories that did not exist before
 * @param modified files that existed and were rewritten (content or metadata)
 * @param deleted  files and directories removed (overlay whiteouts)
 * @param replaced directories removed and created again (opaque: nothing of the old content shows through)
 */
public record EffectSet(List<Path> added, List<Path> modified, List<Path> deleted, List<Path> replaced) {

    public EffectSet {
        added = List.copyOf(added);
        modified = List.copyOf(modified);
        deleted = List.copyOf(deleted);
        replaced = List.copyOf(replaced);
    }

    public boolean isEmpty() {
        return added.isEmpty() && modified.isEmpty() && deleted.isEmpty() && replaced.isEmpty();
    }
}
