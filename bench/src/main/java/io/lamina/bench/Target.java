package io.lamina.bench;

import java.io.IOException;
import java.nio.file.Path;

/** One way to present the merged stack at a path: a plain copy, kernel overlayfs, fuse-overlayfs or lamina. */
interface Target {
    /** The short name used in tables, charts and JSON ("overlayfs", "lamina-native"…). */
    String name();

    /**
     * Mounts {@code stack} with a fresh, empty upper under {@code dir} (an empty scratch directory
     * this target may fill: {@code upper/}, {@code work/}, {@code mnt/}).
     */
    Mount mount(Stack stack, Path dir) throws IOException;

    /** Why this target cannot run here, or null when it can (tools and devices present). */
    default String missing() {
        return null;
    }
}
