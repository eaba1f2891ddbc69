package io.lamina.testdata;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Writes an {@link ImageSpec} as an OCI image layout directory, an oci-archive (a tar of that
 * layout) or a docker-archive ({@code docker save} format). Equal specs give byte-identical
 * output: JSON fields in a fixed order, fixed times, sorted archive members.
 *
 * <p>Each writer builds its output under a temporary sibling name and renames it into place when
 * complete, so a failure leaves no half-written image at the target path.
 */
public final class OciImages {

    static final String MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json";
    static final String INDEX_TYPE = "application/vnd.oci.image.index.v1+json";
    static final String CONFIG_TYPE = "application/vnd.oci.image.config.v1+json";

    private static final ObjectMapper JSON = new ObjectMapper();

    private OciImages() {}

    /**
     * Writes an OCI image layout ({@code oci-layout}, {@code index.json}, {@code blobs/sha256/*})
     * into {@code dir}, which must not exist yet.
     *
     * @throws java.nio.file.FileAlreadyExistsException if {@code dir} exists
     */
    public static WrittenImage writeLayout(ImageSpec image, Path dir, Compression compression) throws IOException {
        requireAbsent(dir);
        Path partial = partial(dir);
        deleteTree(partial);
        WrittenImage written = layout(image, partial, compression);
        Files.move(partial, dir, StandardCopyOption.ATOMIC_MOVE);
        return withPath(written, dir);
    }

    /**
     * Writes an oci-archive: a tar of the OCI image layout, members sorted, fixed metadata.
     *
     * @throws java.nio.file.FileAlreadyExistsException if {@code file} exists
     */
    public static WrittenImage writeOciArchive(ImageSpec image, Path file, Compression compression)
            throws IOException {
        requireAbsent(file);
        Path work = partial(file.resolveSibling(file.getFileName() + ".d"));
        deleteTree(work);
        try {
            WrittenImage written = layout(image, work, compression);
            tarTree(work, file);
            return withPath(written, file);
        } finally {
            deleteTree(work);
        }
    }

    /**
     * Writes a docker-archive as {@code docker save} does: {@code manifest.json},
     * {@code <config-hex>.json}, {@code <diff-id-hex>/layer.tar} (uncompressed) and
     * {@code repositories}. The returned manifest digest is empty: a docker archive has no
     * OCI manifest.
     *
     * @throws java.nio.file.FileAlreadyExistsException if {@code file} exists
     */
    public static WrittenImage writeDockerArchive(ImageSpec image, Path file) throws IOException {
        requireAbsent(file);
        Path work = partial(file.resolveSibling(file.getFileName() + ".d"));
        deleteTree(work);
        try {
            Files.createDirectories(work);
            List<WrittenImage.Layer> layers = new ArrayList<>();
            ArrayNode layerPaths = JSON.createArrayNode();
            for (LayerSpec layer : image.layers()) {
                Path tmp = work.resolve("layer.tmp");
                WrittenImage.Layer l = writeLayerBlob(layer, tmp, Compression.NONE);
                String id = Digests.hex(l.diffId());
                Files.createDirectories(work.resolve(id));
                Files.move(tmp, work.resolve(id).resolve("layer.tar"), StandardCopyOption.REPLACE_EXISTING);
                Files.writeString(work.resolve(id).resolve("VERSION"), "1.0");
                layers.add(l);
                layerPaths.add(id + "/layer.tar");
            }
            byte[] config = configJson(image, layers);
            String configDigest = Digests.sha256(config);
            String configName = Digests.hex(configDigest) + ".json";
            Files.write(work.resolve(configName), config);

            ObjectNode m = JSON.createObjectNode();
            m.put("Config", configName);
            m.putArray("RepoTags").add(image.reference());
            m.set("Layers", layerPaths);
            Files.write(work.resolve("manifest.json"), JSON.writeValueAsBytes(JSON.createArrayNode().add(m)));

            ObjectNode repos = JSON.createObjectNode();
            repos.putObject(image.repository()).put(image.tag(), Digests.hex(layers.getLast().diffId()));
            Files.write(work.resolve("repositories"), JSON.writeValueAsBytes(repos));

            tarTree(work, file);
            return new WrittenImage(file, "", 0, configDigest, config.length, layers);
        } finally {
            deleteTree(work);
        }
    }

    /** Writes the layout into {@code dir} (created). */
    private static WrittenImage layout(ImageSpec image, Path dir, Compression compression) throws IOException {
        Path blobs = dir.resolve("blobs").resolve("sha256");
        Files.createDirectories(blobs);
        List<WrittenImage.Layer> layers = new ArrayList<>();
        for (LayerSpec layer : image.layers()) {
            Path tmp = blobs.resolve(".partial");
            WrittenImage.Layer l = writeLayerBlob(layer, tmp, compression);
            Files.move(tmp, blobs.resolve(Digests.hex(l.digest())), StandardCopyOption.REPLACE_EXISTING);
            layers.add(l);
        }
        byte[] config = configJson(image, layers);
        String configDigest = Digests.sha256(config);
        Files.write(blobs.resolve(Digests.hex(configDigest)), config);

        ObjectNode manifest = JSON.createObjectNode();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", MANIFEST_TYPE);
        ObjectNode cfg = manifest.putObject("config");
        cfg.put("mediaType", CONFIG_TYPE);
        cfg.put("digest", configDigest);
        cfg.put("size", config.length);
        ArrayNode ls = manifest.putArray("layers");
        for (WrittenImage.Layer l : layers) {
            ls.addObject().put("mediaType", l.mediaType()).put("digest", l.digest()).put("size", l.size());
        }
        byte[] manifestBytes = JSON.writeValueAsBytes(manifest);
        String manifestDigest = Digests.sha256(manifestBytes);
        Files.write(blobs.resolve(Digests.hex(manifestDigest)), manifestBytes);

        ObjectNode index = JSON.createObjectNode();
        index.put("schemaVersion", 2);
        index.put("mediaType", INDEX_TYPE);
        ObjectNode desc = index.putArray("manifests").addObject();
        desc.put("mediaType", MANIFEST_TYPE);
        desc.put("digest", manifestDigest);
        desc.put("size", manifestBytes.length);
        ObjectNode ann = desc.putObject("annotations");
        ann.put("io.containerd.image.name", qualified(image.reference()));
        ann.put("org.opencontainers.image.ref.name", image.tag());
        Files.write(dir.resolve("index.json"), JSON.writeValueAsBytes(index));
        Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        return new WrittenImage(dir, manifestDigest, manifestBytes.length, configDigest, config.length, layers);
    }

    /** Writes one layer blob to {@code file}, digesting both the blob and the uncompressed tar. */
    static WrittenImage.Layer writeLayerBlob(LayerSpec layer, Path file, Compression compression) throws IOException {
        try (OutputStream fileOut = Files.newOutputStream(file);
             Digests.Tee blob = new Digests.Tee(new java.io.BufferedOutputStream(fileOut, 1 << 16))) {
            Digests.Tee diff;
            try (OutputStream compressed = compression.wrap(blob)) {
                diff = new Digests.Tee(compressed);
                LayerTar.write(layer, diff, Compression.NONE);
                diff.flush();
            }
            blob.flush();
            return new WrittenImage.Layer(blob.digest(), blob.count(), diff.digest(), compression.mediaType());
        }
    }

    static byte[] configJson(ImageSpec image, List<WrittenImage.Layer> layers) {
        ImageConfig c = image.config();
        ObjectNode root = JSON.createObjectNode();
        root.put("created", time(c.created()));
        root.put("architecture", c.arch());
        root.put("os", c.os());
        ObjectNode config = root.putObject("config");
        if (!c.user().isEmpty()) {
            config.put("User", c.user());
        }
        c.env().forEach(config.putArray("Env")::add);
        if (!c.entrypoint().isEmpty()) {
            c.entrypoint().forEach(config.putArray("Entrypoint")::add);
        }
        if (!c.cmd().isEmpty()) {
            c.cmd().forEach(config.putArray("Cmd")::add);
        }
        if (!c.workingDir().isEmpty()) {
            config.put("WorkingDir", c.workingDir());
        }
        ObjectNode rootfs = root.putObject("rootfs");
        rootfs.put("type", "layers");
        ArrayNode diffIds = rootfs.putArray("diff_ids");
        layers.forEach(l -> diffIds.add(l.diffId()));
        ArrayNode history = root.putArray("history");
        for (LayerSpec l : image.layers()) {
            history.addObject().put("created", time(c.created())).put("created_by", l.createdBy());
        }
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Tars the tree under {@code dir} into {@code file} (via a temporary sibling). */
    private static void tarTree(Path dir, Path file) throws IOException {
        List<String> paths;
        try (Stream<Path> walk = Files.walk(dir)) {
            paths = walk.filter(p -> !p.equals(dir)).map(p -> dir.relativize(p).toString())
                    .sorted(LayerSpec.PATH_ORDER).toList();
        }
        Path tmp = partial(file);
        Instant mtime = LayerSpec.DEFAULT_MTIME;
        try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16);
             TarWriter tar = new TarWriter(out)) {
            for (String rel : paths) {
                Path p = dir.resolve(rel);
                if (Files.isDirectory(p)) {
                    tar.add(TarWriter.Header.of(rel + "/", TarWriter.DIRECTORY, 0755, 0, mtime), o -> {});
                } else {
                    tar.add(TarWriter.Header.of(rel, TarWriter.REGULAR, 0644, Files.size(p), mtime),
                            o -> Files.copy(p, o));
                }
            }
            tar.finish();
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    }

    /** docker.io/ in front of a reference without a registry, as containerd names images. */
    private static String qualified(String reference) {
        String first = reference.substring(0, Math.max(0, reference.indexOf('/')));
        boolean hasRegistry = first.contains(".") || first.contains(":") || first.equals("localhost");
        if (hasRegistry) {
            return reference;
        }
        return "docker.io/" + (reference.contains("/") ? reference : "library/" + reference);
    }

    private static String time(Instant t) {
        return t.toString();
    }

    private static Path partial(Path target) {
        return target.resolveSibling("." + target.getFileName() + ".partial");
    }

    private static void requireAbsent(Path target) throws IOException {
        if (Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new java.nio.file.FileAlreadyExistsException(target.toString(), null, "will not overwrite");
        }
        Path parent = target.toAbsolutePath().getParent();
        Files.createDirectories(parent);
    }

    private static WrittenImage withPath(WrittenImage w, Path path) {
        return new WrittenImage(path, w.manifestDigest(), w.manifestSize(), w.configDigest(), w.configSize(),
                w.layers());
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
