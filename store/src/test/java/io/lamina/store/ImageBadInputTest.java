package io.lamina.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lamina.testdata.Compression;
import io.lamina.testdata.Examples;
import io.lamina.testdata.OciImages;
import io.lamina.testdata.WrittenImage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Each kind of bad image is refused with one line naming the thing and the reason, and the store
 * root is exactly as before (every path, type and size).
 */
class ImageBadInputTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private Path dir;
    private Store store;
    private Images images;

    @BeforeEach
    void storeWithOneImage() throws IOException {
        dir = Fixture.tempDir("bad-");
        store = Store.open(dir.resolve("root"));
        images = Images.open(store);
        WrittenImage base = OciImages.writeLayout(Examples.demoStack(), dir.resolve("good"), Compression.GZIP);
        ImageImport.run(images, base.path(), null, ImageImport.Progress.NONE);
    }

    @AfterEach
    void close() {
        images.close();
        store.close();
        Fixture.deleteAll();
    }

    /** Imports {@code path}, expects a one-line refusal containing {@code parts}, and an unchanged root. */
    private String refused(Path path, String... parts) throws IOException {
        Map<String, String> before = Fixture.listing(store.root());
        StoreException e = catchThrowableOfType(StoreException.class,
                () -> ImageImport.run(images, path, "bad:latest", ImageImport.Progress.NONE));
        assertThat(e).as("import of a bad image must fail").isNotNull();
        assertThat(e.getMessage()).doesNotContain("\n").contains(parts);
        assertThat(Fixture.listing(store.root())).isEqualTo(before);
        assertThat(images.get("bad:latest")).isEmpty();
        return e.getMessage();
    }

    private WrittenImage tricky(Compression c) throws IOException {
        return OciImages.writeLayout(Examples.tricky(), dir.resolve("tricky-" + c), c);
    }

    private static Path blob(WrittenImage w, String digest) {
        return w.path().resolve("blobs/sha256").resolve(digest.substring(7));
    }

    private static void truncate(Path file, long keep) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(keep);
        }
    }

    @Test
    void truncatedGzipLayer() throws IOException {
        WrittenImage w = tricky(Compression.GZIP);
        WrittenImage.Layer l = w.layers().getFirst();
        truncate(blob(w, l.digest()), l.size() / 2);
        refused(w.path(), "layer " + l.digest(), "truncated", "gzip");
    }

    @Test
    void truncatedZstdLayer() throws IOException {
        WrittenImage w = tricky(Compression.ZSTD);
        WrittenImage.Layer l = w.layers().getFirst();
        truncate(blob(w, l.digest()), l.size() / 2);
        refused(w.path(), "layer " + l.digest(), "truncated", "zstd");
    }

    @Test
    void manifestNotMatchingItsDigest() throws IOException {
        WrittenImage w = tricky(Compression.NONE);
        Files.writeString(blob(w, w.manifestDigest()), " ", StandardOpenOption.APPEND);
        refused(w.path(), "manifest " + w.manifestDigest(), "digest");
    }

    @Test
    void configNotMatchingItsDigest() throws IOException {
        WrittenImage w = tricky(Compression.NONE);
        Files.writeString(blob(w, w.configDigest()), " ", StandardOpenOption.APPEND);
        refused(w.path(), "config " + w.configDigest(), "digest");
    }

    @Test
    void layerNotMatchingItsDigest() throws IOException {
        WrittenImage w = tricky(Compression.GZIP);
        WrittenImage.Layer l = w.layers().get(1);
        // Another complete gzip stream under this layer's name: decompresses fine, wrong digest.
        Files.copy(blob(w, w.layers().get(2).digest()), blob(w, l.digest()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        refused(w.path(), "layer " + l.digest(), "digest");
    }

    @Test
    void manifestNamingAMissingBlob() throws IOException {
        WrittenImage w = tricky(Compression.ZSTD);
        WrittenImage.Layer l = w.layers().get(2);
        Files.delete(blob(w, l.digest()));
        refused(w.path(), "layer " + l.digest(), "missing");
    }

    @Test
    void manifestNamingAMissingConfig() throws IOException {
        WrittenImage w = tricky(Compression.NONE);
        Files.delete(blob(w, w.configDigest()));
        refused(w.path(), "config " + w.configDigest(), "missing");
    }

    @Test
    void diffIdsNotMatchingTheLayers() throws IOException {
        WrittenImage w = tricky(Compression.GZIP);
        // A consistent image (all digests right) whose config claims another diff-id for layer 2.
        ObjectNode config = (ObjectNode) JSON.readTree(blob(w, w.configDigest()).toFile());
        String claimed = w.layers().get(2).diffId();
        config.withArray("/rootfs/diff_ids").set(1, JSON.getNodeFactory().textNode(claimed));
        String configDigest = putBlob(w, JSON.writeValueAsBytes(config));
        ObjectNode manifest = (ObjectNode) JSON.readTree(blob(w, w.manifestDigest()).toFile());
        manifest.with("config").put("digest", configDigest).put("size", Files.size(blob(w, configDigest)));
        String manifestDigest = putBlob(w, JSON.writeValueAsBytes(manifest));
        ObjectNode index = (ObjectNode) JSON.readTree(w.path().resolve("index.json").toFile());
        ((ObjectNode) index.withArray("manifests").get(0)).put("digest", manifestDigest)
                .put("size", Files.size(blob(w, manifestDigest)));
        Files.write(w.path().resolve("index.json"), JSON.writeValueAsBytes(index));
        refused(w.path(), "layer " + w.layers().get(1).digest(), "diff-id " + w.layers().get(1).diffId(), claimed);
    }

    @Test
    void notAnImageAtAll() throws IOException {
        Path text = Files.writeString(dir.resolve("notes.txt"), "just some text\n");
        refused(text, text.toString(), "not an image");
    }

    @Test
    void directoryWithoutIndex() throws IOException {
        Path d = Files.createDirectories(dir.resolve("empty-dir"));
        refused(d, d.toString(), "not an image");
    }

    @Test
    void tarThatIsNoImage() throws IOException {
        // A layer tar: a tar, but neither index.json nor manifest.json inside.
        Path tar = dir.resolve("layer.tar");
        try (var out = Files.newOutputStream(tar)) {
            io.lamina.testdata.LayerTar.write(Examples.demoStack().layers().getFirst(), out, Compression.NONE);
        }
        refused(tar, tar.toString(), "not an image");
    }

    @Test
    void missingPath() throws IOException {
        Path nowhere = dir.resolve("no-such-image");
        refused(nowhere, nowhere.toString(), "no such file");
    }

    @Test
    void truncatedOciArchive() throws IOException {
        WrittenImage w = OciImages.writeOciArchive(Examples.tricky(), dir.resolve("t.tar"), Compression.GZIP);
        truncate(w.path(), Files.size(w.path()) / 2);
        refused(w.path(), w.path().toString());
    }

    @Test
    void dockerArchiveWithDiffIdMismatch() throws Exception {
        // A docker archive whose layer tar was swapped for another: no digest names it, the diff-id check catches it.
        Path d = dir.resolve("dock");
        WrittenImage w = OciImages.writeDockerArchive(Examples.tricky(), dir.resolve("d.tar"));
        Files.createDirectories(d);
        assertThat(new ProcessBuilder("tar", "-xf", w.path().toString(), "-C", d.toString()).inheritIO().start().waitFor()).isZero();
        String a = w.layers().get(0).diffId().substring(7), b = w.layers().get(1).diffId().substring(7);
        Files.copy(d.resolve(b).resolve("layer.tar"), d.resolve(a).resolve("layer.tar"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Path tar = dir.resolve("d2.tar");
        assertThat(new ProcessBuilder("tar", "-cf", tar.toString(), "-C", d.toString(), ".").inheritIO().start().waitFor()).isZero();
        refused(tar, "diff-id", w.layers().get(0).diffId());
    }

    @Test
    void hostileLaterLayerLeavesNoEarlierLayerBehind() throws IOException {
        // Layer 1 is new to the store and fine; layer 2 has a '../' entry that the store refuses.
        byte[] good = io.lamina.testdata.LayerTar.bytes(io.lamina.testdata.LayerSpec.builder()
                .text("fresh/one.txt", "content no other layer has\n").build(), Compression.NONE);
        java.io.ByteArrayOutputStream evil = new java.io.ByteArrayOutputStream();
        try (var tar = new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(evil)) {
            var e = new org.apache.commons.compress.archivers.tar.TarArchiveEntry("../evil", true);
            e.setSize(3);
            tar.putArchiveEntry(e);
            tar.write("bad".getBytes());
            tar.closeArchiveEntry();
        }
        Path layout = rawLayout(dir.resolve("hostile"), List.of(good, evil.toByteArray()));
        refused(layout, "layer " + Sha256.of(evil.toByteArray()), "../evil");
    }

    @Test
    void layoutWithTwoImagesNeedsAName() throws IOException {
        WrittenImage w = tricky(Compression.NONE);
        ObjectNode index = (ObjectNode) JSON.readTree(w.path().resolve("index.json").toFile());
        ObjectNode second = index.withArray("manifests").get(0).deepCopy();
        ((ObjectNode) second.get("annotations")).put("io.containerd.image.name", "docker.io/lamina/other:2");
        index.withArray("manifests").add(second);
        Files.write(w.path().resolve("index.json"), JSON.writeValueAsBytes(index));
        refused(w.path(), "2 images", "lamina/tricky:latest", "lamina/other:2", "--name");
        // naming one of them picks it
        assertThat(ImageImport.run(images, w.path(), "lamina/other:2", ImageImport.Progress.NONE).name())
                .isEqualTo("lamina/other:2");
    }

    /** An OCI layout of uncompressed layer tars, with consistent digests, diff-ids and sizes. */
    static Path rawLayout(Path dir, List<byte[]> tars) throws IOException {
        return rawLayout(dir, tars, tars.stream().map(Sha256::of).toList());
    }

    @Test
    void wrongDiffIdOverALayerTheStoreHasLeavesThatLayer() throws IOException {
        // The blob is the demo's base layer (stored by the setup); the config claims another diff-id.
        byte[] base = io.lamina.testdata.LayerTar.bytes(Examples.demoStack().layers().getFirst(), Compression.NONE);
        String claimed = "sha256:" + "5".repeat(64);
        Path layout = rawLayout(dir.resolve("liar"), List.of(base), List.of(claimed));
        refused(layout, "diff-id " + Sha256.of(base), claimed);
        assertThat(store.layer(Sha256.of(base))).isPresent();
        assertThat(images.require("lamina/demo:latest").diffIds()).contains(Sha256.of(base));
    }

    static Path rawLayout(Path dir, List<byte[]> tars, List<String> claimedDiffIds) throws IOException {
        Path blobs = Files.createDirectories(dir.resolve("blobs/sha256"));
        ObjectNode config = JSON.createObjectNode();
        config.put("architecture", "amd64").put("os", "linux");
        var diffIds = config.putObject("rootfs").put("type", "layers").putArray("diff_ids");
        ObjectNode manifest = JSON.createObjectNode();
        manifest.put("schemaVersion", 2).put("mediaType", ImageImport.OCI_MANIFEST);
        var layers = JSON.createArrayNode();
        for (int i = 0; i < tars.size(); i++) {
            byte[] t = tars.get(i);
            String d = Sha256.of(t);
            Files.write(blobs.resolve(d.substring(7)), t);
            diffIds.add(claimedDiffIds.get(i));
            layers.addObject().put("mediaType", "application/vnd.oci.image.layer.v1.tar").put("digest", d).put("size", t.length);
        }
        byte[] c = JSON.writeValueAsBytes(config);
        Files.write(blobs.resolve(Sha256.of(c).substring(7)), c);
        manifest.putObject("config").put("mediaType", ImageImport.OCI_CONFIG).put("digest", Sha256.of(c)).put("size", c.length);
        manifest.set("layers", layers);
        byte[] m = JSON.writeValueAsBytes(manifest);
        Files.write(blobs.resolve(Sha256.of(m).substring(7)), m);
        ObjectNode index = JSON.createObjectNode();
        index.put("schemaVersion", 2);
        index.putArray("manifests").addObject().put("mediaType", ImageImport.OCI_MANIFEST).put("digest", Sha256.of(m)).put("size", m.length);
        Files.write(dir.resolve("index.json"), JSON.writeValueAsBytes(index));
        Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        return dir;
    }

    private static String putBlob(WrittenImage w, byte[] bytes) throws IOException {
        String d = Sha256.of(bytes);
        Files.write(blob(w, d), bytes);
        return d;
    }
}
