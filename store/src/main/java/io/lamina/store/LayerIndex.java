package io.lamina.store;

/**
 * The immutable, memory-mapped metadata index of one stored layer: its entries sorted by path
 * (parents before children, siblings by name in byte order). Safe for concurrent reads.
 */
public interface LayerIndex extends AutoCloseable {

    /** The diff-id of the layer. */
    String diffId();

    /** Number of entries. */
    int size();

    /** The entry at position {@code i} (0 ≤ i < size()), in sorted order. */
    IndexEntry entry(int i);

    /** The entry for {@code path}, or null. */
    IndexEntry find(String path);

    @Override
    void close();
}
