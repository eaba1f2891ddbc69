package io.lamina.bench;

import java.util.List;

/**
 * A target from the mount issue: lamina against kernel overlayfs in the same run, as a
 * throughput ratio (at least {@code min}), or as an absolute time (at most {@code maxMillis}).
 * The issue states some at larger scales than the harness measures; {@code scale} says which.
 */
record Goal(String text, String workload, double min, double maxMillis, String scale) {

    static final List<Goal> MOUNT_ISSUE = List.of(
            new Goal("warm sequential read of a large lower file ≥ 0.9×", "seq-read-warm", 0.9, 0, ""),
            new Goal("cold sequential read of a large lower file ≥ 0.9×", "seq-read-cold", 0.9, 0, ""),
            new Goal("stat of every file, cold ≥ 0.8×", "stat-all-cold", 0.8, 0, "issue: 60k-entry tree"),
            new Goal("stat of every file, warm ≥ 0.9×", "stat-all-warm", 0.9, 0, "issue: 60k-entry tree"),
            new Goal("negative lookups, cold ≥ 0.8×", "negative-lookup-cold", 0.8, 0, ""),
            new Goal("readdir of a 10k-entry directory, warm ≥ 7×", "readdir-10k-warm", 7, 0, ""),
            new Goal("untar of small files into the upper ≥ 0.6× (fuse-overlayfs: 0.11×)", "untar-small-files", 0.6, 0, "issue: 20k files"),
            new Goal("deleting lower files ≥ 0.5× (fuse-overlayfs: 0.05×)", "delete-lower-files", 0.5, 0, "issue: 10k files"),
            new Goal("chmod of lower files ≥ 10×", "copy-up-chmod", 10, 0, "issue: 10k files"),
            new Goal("renaming a lower directory of 2,000 files ≤ 5 ms", "rename-lower-dir", 0, 5, ""));

    boolean absolute() {
        return maxMillis > 0;
    }
}
