package io.lamina.fs.contract;

import java.nio.file.Path;
import java.util.List;

/**
 * Something that can present a stack of layers as one merged tree to a user: kernel overlayfs,
 * lamina's engine called directly, or a lamina FUSE mount. This is the one seam a new transport
 * plugs into the union contract: implement {@link #mount} (and {@link #checkAvailable}), then
 * subclass {@link UnionContract} naming the oracle and the new target.
 */
public interface UnionTarget {

    /** A short name for test names and diffs ("kernel", "engine", "fuse"). */
    String name();

    /**
     * Whether the target reads lower layers in OCI form ({@code .wh.} files) as well as in overlay
     * form. The kernel does not, so OCI-form scenarios hand it the equivalent overlay form.
     */
    boolean readsOciForm();

    /**
     * Null when the target can run here, else the reason it cannot (not root, no overlayfs, no
     * /dev/fuse...). The contract skips on a reason, or fails when CI=true.
     */
    String checkAvailable();

    /**
     * Presents {@code lowers} (top first) with the empty directories {@code upper} and {@code work}
     * (same filesystem) as a merged tree. {@code scratch} is an empty directory the target may use
     * (e.g. for a mount point). The caller closes the result in a finally block; closing unmounts
     * and must not throw for a tree that is still in use.
     */
    Mounted mount(List<Path> lowers, Path upper, Path work, Path scratch);

    /** A merged tree in use. */
    interface Mounted extends AutoCloseable {
        UserFs fs();

        @Override
        void close();
    }
}
