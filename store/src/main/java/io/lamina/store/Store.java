package io.lamina.store;

import io.lamina.fs.LowerLayer;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.LongConsumer;

/**
 * The content-addressed store: the face of this module. Every multi-step write builds under
 * {@code tmp/} and renames into place, so a crash leaves the store readable; {@code gc} removes
 * the leftovers. Safe for use by several threads and several processes on one root.
 */
public final class Store implements AutoCloseable {

    private Store() {
    }

    /** Opens (creating the layout if needed) the store under {@code root}. */
    public static Store open(Path root) {
        throw new UnsupportedOperationException("not yet");
    }

    public Path root() {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * Imports one uncompressed layer tar, read once as a stream, with bounded memory. Regular-file
     * contents go to the object store (each content once); the layer's index is written beside.
     * Returns the existing record when the diff-id is already stored.
     *
     * @param progress told the number of tar bytes read so far, now and then
     * @throws StoreException naming the offending entry and the reason for hostile or broken input
     *                        (then nothing of this layer is left in the store)
     */
    public LayerRecord importLayer(InputStream uncompressedTar, LongConsumer progress) {
        throw new UnsupportedOperationException("not yet");
    }

    /** The layer stored under {@code diffId} ("sha256:HEX"), if any. */
    public Optional<LayerRecord> layer(String diffId) {
        throw new UnsupportedOperationException("not yet");
    }

    /** Every stored layer. */
    public List<LayerRecord> layers() {
        throw new UnsupportedOperationException("not yet");
    }

    /** The index of a stored layer; the caller closes it. @throws StoreException if not stored */
    public LayerIndex openIndex(String diffId) {
        throw new UnsupportedOperationException("not yet");
    }

    /** Where the object with sha256 {@code hex} lives (whether or not it exists). */
    public Path objectPath(String hex) {
        throw new UnsupportedOperationException("not yet");
    }

    /** Number and total bytes of the objects stored. */
    public ObjectStats objectStats() {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * The stack of stored layers {@code diffIdsBottomFirst} as one flattened, read-only lower layer
     * for the engine, backed by the chain index (built once, then shared by every mount of the chain
     * in this and other processes): lookup cost does not depend on the number of layers.
     */
    public LowerLayer openChain(List<String> diffIdsBottomFirst) {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * Removes the stored layer {@code diffId}: its registry entry and its index. Objects stay
     * (gc removes those no remaining index references). No-op when not stored.
     */
    public void removeLayer(String diffId) {
        throw new UnsupportedOperationException("not yet");
    }

    @Override
    public void close() {
    }
}
