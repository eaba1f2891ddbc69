package io.lamina.testdata;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@link OciImages} wrote: where, and the digests a consumer checks against.
 *
 * @param path           the layout directory or archive file
 * @param manifestDigest {@code sha256:<hex>} of the manifest (empty for a docker archive)
 * @param manifestSize   size of the manifest in bytes (0 for a docker archive)
 * @param configDigest   {@code sha256:<hex>} of the config
 * @param configSize     size of the config in bytes
 * @param layers         layer blobs, lowest first
 */
public record WrittenImage(Path path, String manifestDigest, long manifestSize, String configDigest,
                           long configSize, List<Layer> layers) {

    public WrittenImage {
        layers = List.copyOf(layers);
    }

    /**
     * One layer blob.
     *
     * @param digest    {@code sha256:<hex>} of the blob as stored
     * @param size      blob size in bytes
     * @param diffId    {@code sha256:<hex>} of the uncompressed tar
     * @param mediaType OCI media type of the blob
     */
    public record Layer(String digest, long size, String diffId, String mediaType) {}

    /** The diff-ids, lowest first. */
    public List<String> diffIds() {
        return layers.stream().map(Layer::diffId).toList();
    }

    /**
     * The OCI chain-ids, lowest first: the first is the first diff-id, each next one is
     * {@code sha256(previous + " " + diffId)}.
     */
    public List<String> chainIds() {
        List<String> out = new ArrayList<>();
        for (String diffId : diffIds()) {
            out.add(out.isEmpty() ? diffId : Digests.sha256(out.getLast() + " " + diffId));
        }
        return out;
    }
}
