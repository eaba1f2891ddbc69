package io.lamina.store;

/**
 * A stored layer.
 *
 * @param diffId       "sha256:HEX" of the uncompressed tar
 * @param entries      index entries (whiteouts included)
 * @param tarBytes     size of the uncompressed tar
 * @param contentBytes total size of its regular files' contents (before dedup)
 */
public record LayerRecord(String diffId, long entries, long tarBytes, long contentBytes) {
}
