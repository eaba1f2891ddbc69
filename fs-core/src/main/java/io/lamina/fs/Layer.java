package io.lamina.fs;

/**
 * One read-only lower layer in the engine's stack: a {@link LowerLayer} and where it stands.
 * The engine reads lower layers only through {@code source}.
 *
 * @param depth      0 for the top lower layer, counting down the stack
 * @param dev        st_dev of the layer's root (see {@link InodeNumbers})
 * @param opaqueRoot the root directory hides the layers below it
 */
record Layer(int depth, LowerLayer source, long dev, boolean opaqueRoot) {

    /** Places {@code source} at {@code depth}. ENOTDIR when its root is not a directory. */
    static Layer of(int depth, LowerLayer source) {
        LowerEntry root = source.probe("");
        if (root == null || root.whiteout() || !root.stat().isDir()) {
            throw new FsException(Errno.ENOTDIR, "lower layer " + source + " has no root directory");
        }
        return new Layer(depth, source, root.stat().dev(), root.opaque());
    }

    void close() {
        closeQuietly(source);
    }

    /** Closes a lower layer; a failure to do so cannot be reported anywhere useful. */
    static void closeQuietly(LowerLayer source) {
        try {
            source.close();
        } catch (RuntimeException ignored) {
            // Closing is best effort: the other layers are closed all the same.
        }
    }
}
