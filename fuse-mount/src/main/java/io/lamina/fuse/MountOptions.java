package io.lamina.fuse;

/**
 * Options of one FUSE mount. {@code fsName} shows in /proc/mounts as the source;
 * {@code readOnly} mounts with MS_RDONLY; {@code workers} is the number of request threads.
 */
public record MountOptions(String fsName, boolean readOnly, int workers, boolean passthrough) {
    public static MountOptions defaults() {
        return new MountOptions("lamina", false, Math.max(2, Runtime.getRuntime().availableProcessors()), true);
    }
}
