package io.lamina.bench;

import java.nio.file.Path;

/**
 * One measured operation on a mount. {@link #run} does the work once and says how long it took
 * and how many units it did; throughput is units per second, so a larger figure is always
 * better. A cold workload runs right after the harness dropped the kernel's caches.
 */
interface Workload {
    String name();

    /** What {@link Result#units} counts ("MiB", "files", "lookups"…). */
    String unit();

    /** True when the harness must drop the kernel's caches right before {@link #run}. */
    default boolean cold() {
        return false;
    }

    /** True for one-off operations whose time, not rate, is the figure people quote (rename, mount). */
    default boolean timed() {
        return false;
    }

    Result run(Path root, Stack stack) throws Exception;

    /** The measured figures of one run. */
    record Result(double seconds, double units) {
    }
}
