package io.lamina.store;

import java.time.Instant;
import java.util.List;

/**
 * An image recorded in the store.
 *
 * @param name         the name it is known by, e.g. {@code lamina/tricky:latest}
 * @param id           "sha256:HEX" of its OCI manifest (for a docker-save import, of the OCI
 *                     manifest lamina wrote for it); the short id is the first 12 hex digits
 * @param configDigest "sha256:HEX" of its config
 * @param layers       its layers, bottom first
 * @param configJson   the config as received (its sha256 is {@code configDigest})
 * @param created      the config's {@code created} time, or the epoch when it has none
 */
public record ImageRecord(String name, String id, String configDigest, List<Layer> layers, byte[] configJson,
                          Instant created) {

    public ImageRecord {
        layers = List.copyOf(layers);
        configJson = configJson.clone();
    }

    /**
     * One layer of an image.
     *
     * @param diffId      "sha256:HEX" of the uncompressed tar
     * @param blobDigest  "sha256:HEX" of the blob as received (stored under blobs/sha256/HEX)
     * @param mediaType   the blob's media type as the manifest named it
     * @param compression how the blob is compressed, judged by its bytes: none, gzip or zstd
     * @param blobSize    size of the blob in bytes
     * @param tarSize     size of the uncompressed tar in bytes
     */
    public record Layer(String diffId, String blobDigest, String mediaType, String compression, long blobSize,
                        long tarSize) {
    }

    /** The diff-ids of its layers, bottom first. */
    public List<String> diffIds() {
        return layers.stream().map(Layer::diffId).toList();
    }

    /** The first 12 hex digits of the id, as {@code image ls} shows it. */
    public String shortId() {
        return id.substring(id.indexOf(':') + 1, id.indexOf(':') + 13);
    }

    /** Total bytes of its layer blobs as received. */
    public long blobBytes() {
        return layers.stream().mapToLong(Layer::blobSize).sum();
    }

    /** Total bytes of its uncompressed layer tars. */
    public long tarBytes() {
        return layers.stream().mapToLong(Layer::tarSize).sum();
    }

    @Override
    public byte[] configJson() {
        return configJson.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ImageRecord r && name.equals(r.name) && id.equals(r.id)
                && configDigest.equals(r.configDigest) && layers.equals(r.layers)
                && java.util.Arrays.equals(configJson, r.configJson) && created.equals(r.created);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(name, id, configDigest, layers, created);
    }

    @Override
    public String toString() {
        return "ImageRecord[" + name + " " + id + " " + layers.size() + " layers]";
    }
}
