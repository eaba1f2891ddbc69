package io.lamina.store.journal;

import java.nio.file.Path;
import java.util.List;

/**
 * What the journal needs to know of the read-only layers under an upper: whether a path exists
 * in them (to tell an added path from a changed one) and their size.
 */
public interface LowerImage {

    /** Whether the merged lower layers have {@code path} (relative, no leading '/'). */
    boolean contains(String path);

    /** Sum of the sizes of the regular files of the layers (computed once; may walk them). */
    long bytes();

    /**
     * A string that changes when the layers change, so that a saved journal state is only reused
     * over the same layers.
     */
    String identity();

    /** Directory layers, top first, in the kernel overlayfs format (char 0/0 whiteouts). */
    static LowerImage ofDirs(List<Path> topFirst) {
        return new DirLowerImage(topFirst);
    }
}
