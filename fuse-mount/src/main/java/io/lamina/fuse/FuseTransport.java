package io.lamina.fuse;

import io.lamina.fs.InodeFs;

import java.nio.file.Path;

/** A way to serve an {@link InodeFs} at a mount point through FUSE. */
public interface FuseTransport {
    /**
     * Mounts {@code fs} at {@code mountpoint} and returns once the mount answers requests.
     * Closing the returned {@link Mounted} unmounts and stops the transport's threads (but does not
     * close {@code fs}).
     */
    Mounted mount(InodeFs fs, Path mountpoint, MountOptions options);

    /** A live mount. */
    interface Mounted extends AutoCloseable {
        Path mountpoint();

        /** Blocks until the mount goes away (unmounted from outside, or closed). */
        void awaitUnmount() throws InterruptedException;

        @Override
        void close();
    }
}
