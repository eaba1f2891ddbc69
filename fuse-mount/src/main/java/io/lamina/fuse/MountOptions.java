package io.lamina.fuse;

/**
 * Options of one FUSE mount. {@code fsName} shows in /proc/mounts as the source;
 * {@code readOnly} mounts with MS_RDONLY; {@code workers} is the number of request threads;
 * {@code passthrough} lets files with a backing file bypass the JVM (kernel 6.9+, root);
 * {@code writebackCache} asks for the kernel's writeback cache, which the native transport only
 * grants where it is safe (not together with passthrough, not on a read-only mount).
 */
public record MountOptions(String fsName, boolean readOnly, int workers, boolean passthrough,
                           boolean writebackCache) {

    public MountOptions {
        if (workers < 1) throw new IllegalArgumentException("workers must be at least 1");
    }

    public MountOptions(String fsName, boolean readOnly, int workers, boolean passthrough) {
        this(fsName, readOnly, workers, passthrough, false);
    }

    public static MountOptions defaults() {
        return new MountOptions("lamina", false, Math.max(2, Runtime.getRuntime().availableProcessors()), true);
    }

    public MountOptions withPassthrough(boolean on) {
        return new MountOptions(fsName, readOnly, workers, on, writebackCache);
    }

    public MountOptions withWorkers(int n) {
        return new MountOptions(fsName, readOnly, n, passthrough, writebackCache);
    }

    public MountOptions withWritebackCache(boolean on) {
        return new MountOptions(fsName, readOnly, workers, passthrough, on);
    }

    public MountOptions withReadOnly(boolean on) {
        return new MountOptions(fsName, on, workers, passthrough, writebackCache);
    }
}
