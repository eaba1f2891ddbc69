package io.lamina.fuse;

import io.lamina.fs.Errno;
import io.lamina.fs.FsException;

/**
 * The one place where the jnr-fuse transport turns exceptions into {@code -errno}. Nothing thrown
 * by the engine may unwind into libfuse's native frames, so every callback runs through
 * {@link #call}.
 */
final class FuseErrors {
    private static final System.Logger LOG = System.getLogger("io.lamina.fuse");

    private FuseErrors() {
    }

    /** One FUSE operation: returns 0 or a non-negative count, or throws. */
    @FunctionalInterface
    interface Op {
        int run();
    }

    /**
     * Runs {@code op}: its result as is; {@code -errno} for an {@link FsException}; {@code -EIO}
     * (logged, since it is a bug) for anything else.
     */
    static int call(String what, Op op) {
        try {
            return op.run();
        } catch (FsException e) {
            return -e.code();
        } catch (Throwable e) {
            LOG.log(System.Logger.Level.ERROR, "unexpected failure in " + what, e);
            return -Errno.EIO.code;
        }
    }
}
