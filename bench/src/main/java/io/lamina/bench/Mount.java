package io.lamina.bench;

import java.nio.file.Path;

/**
 * One live mount of the stack made by a {@link Target}: its root, how long it took to answer,
 * the process serving it (fuse-overlayfs) or -1. Closing unmounts it and is idempotent; until
 * then it is registered with {@link Cleanup}.
 */
final class Mount implements AutoCloseable {
    /** What unmounting takes. */
    @FunctionalInterface
    interface Closer {
        void close() throws Exception;
    }

    private final String target;
    private final Path root;
    private final double mountSeconds;
    private final long pid;
    private final Closer closer;
    private final java.util.function.Supplier<java.util.Map<String, Long>> requests;
    private boolean closed;

    Mount(String target, Path root, double mountSeconds, long pid, Closer closer) {
        this(target, root, mountSeconds, pid, closer, java.util.Map::of);
    }

    /** {@code requests}: the FUSE requests this mount has answered so far, by opcode (lamina-native). */
    Mount(String target, Path root, double mountSeconds, long pid, Closer closer,
          java.util.function.Supplier<java.util.Map<String, Long>> requests) {
        this.requests = requests;
        this.target = target;
        this.root = root;
        this.mountSeconds = mountSeconds;
        this.pid = pid;
        this.closer = closer;
        Cleanup.register(this);
    }

    Path root() {
        return root;
    }

    /** Seconds from starting the mount until its root answered a stat; NaN where that means nothing. */
    double mountSeconds() {
        return mountSeconds;
    }

    /** The serving process, or -1 when the kernel or this JVM serves the mount. */
    long pid() {
        return pid;
    }

    /** FUSE requests answered so far by opcode; empty where the target does not count them. */
    java.util.Map<String, Long> requests() {
        return requests.get();
    }

    @Override
    public synchronized void close() throws Exception {
        if (closed) return;
        closed = true;
        Cleanup.closed(this);
        closer.close();
    }

    @Override
    public String toString() {
        return target + " at " + root;
    }
}
