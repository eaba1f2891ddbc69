package io.lamina.store.journal;

import io.lamina.fs.LowerEntry;
import io.lamina.fs.LowerLayer;

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

    /**
     * Layers as the engine reads them (a store chain is one), top first, whose regular files
     * are known to sum to {@code bytes} (for a stored image: its layers' content bytes), named
     * by {@code identity} (for a stored image: its chain-id). The layers stay the caller's.
     */
    static LowerImage ofLayers(List<LowerLayer> topFirst, long bytes, String identity) {
        List<LowerLayer> layers = List.copyOf(topFirst);
        return new LowerImage() {
            @Override
            public boolean contains(String path) {
                for (LowerLayer l : layers) {
                    LowerEntry e = l.probe(path);
                    if (e != null) return !e.whiteout();
                }
                return false;
            }

            @Override
            public long bytes() {
                return bytes;
            }

            @Override
            public String identity() {
                return identity;
            }
        };
    }
}
