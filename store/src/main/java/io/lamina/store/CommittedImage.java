package io.lamina.store;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * The image record of a commit: the base image's layers (if any) plus the committed ones, its
 * config with the new diff-ids and one history entry per new layer, and an OCI manifest (its
 * digest is the id). New layers are recorded as uncompressed blobs (blob digest = diff-id);
 * their tar is not kept, export writes it again from the layer's index.
 */
final class CommittedImage {
    static final String LAYER_TAR = "application/vnd.oci.image.layer.v1.tar";

    private CommittedImage() {
    }

    static ImageRecord record(Images images, String name, ImageRecord base, List<LayerRecord> added, List<String> createdBy) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        List<ImageRecord.Layer> layers = new ArrayList<>(base == null ? List.of() : base.layers());
        for (LayerRecord l : added) {
            layers.add(new ImageRecord.Layer(l.diffId(), l.diffId(), LAYER_TAR, "none", l.tarBytes(), l.tarBytes()));
        }
        try {
            ObjectNode config = base == null ? newConfig() : (ObjectNode) ImageImport.parse("config of " + base.name(), base.configJson());
            config.put("created", now.toString());
            ObjectNode rootfs = config.has("rootfs") ? (ObjectNode) config.get("rootfs") : config.putObject("rootfs");
            rootfs.put("type", "layers");
            ArrayNode ids = rootfs.putArray("diff_ids");
            layers.forEach(l -> ids.add(l.diffId()));
            ArrayNode history = config.has("history") && config.get("history").isArray()
                    ? (ArrayNode) config.get("history") : config.putArray("history");
            for (String by : createdBy) history.addObject().put("created", now.toString()).put("created_by", by);
            byte[] configJson = ImageImport.JSON.writeValueAsBytes(config);
            String configDigest = Sha256.of(configJson);

            ObjectNode m = ImageImport.JSON.createObjectNode();
            m.put("schemaVersion", 2);
            m.put("mediaType", ImageImport.OCI_MANIFEST);
            m.putObject("config").put("mediaType", ImageImport.OCI_CONFIG).put("digest", configDigest).put("size", configJson.length);
            ArrayNode ls = m.putArray("layers");
            for (ImageRecord.Layer l : layers) ls.addObject().put("mediaType", l.mediaType()).put("digest", l.blobDigest()).put("size", l.blobSize());
            byte[] manifest = ImageImport.JSON.writeValueAsBytes(m);
            String manifestDigest = Sha256.of(manifest);

            Blobs blobs = new Blobs(images.store().root());
            blobs.putBytes(configDigest, configJson);
            blobs.putBytes(manifestDigest, manifest);
            ImageRecord image = new ImageRecord(name, manifestDigest, configDigest, layers, configJson, now);
            images.record(image);
            return image;
        } catch (IOException e) {
            throw new StoreException("image '" + name + "': cannot write its config or manifest (" + e.getMessage() + ")", e);
        }
    }

    private static ObjectNode newConfig() {
        ObjectNode c = ImageImport.JSON.createObjectNode();
        String arch = System.getProperty("os.arch");
        c.put("architecture", arch.equals("aarch64") ? "arm64" : arch.equals("x86_64") ? "amd64" : arch);
        c.put("os", "linux");
        c.putObject("config");
        return c;
    }
}
