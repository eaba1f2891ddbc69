package io.lamina.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Writes a recorded image as an oci-archive (a tar of an OCI image layout) or a docker-save tar.
 *
 * <p>A layer whose stored blob already has the asked compression is written as that blob, so its
 * digest and diff-id are the original ones. Any other layer is regenerated from its index and the
 * objects ({@link LayerTarWriter}) and compressed with fixed settings: its diff-id is then that of
 * lamina's tar (the same every time, not necessarily the original's), and the config's
 * {@code rootfs.diff_ids} are rewritten to match. Output is deterministic: equal store content
 * gives byte-identical archives. The archive is written to {@code FILE.tmp} and renamed to
 * {@code FILE} when complete.
 */
public final class ImageExport {

    /** The archive format. */
    public enum Format {
        /** An oci-archive: oci-layout, index.json, blobs/sha256/HEX. */
        OCI,
        /** A docker-save tar: manifest.json, HEX.json config, HEX/layer.tar. */
        DOCKER;

        /** oci or docker (any case). @throws IllegalArgumentException otherwise */
        public static Format parse(String name) {
            try {
                return valueOf(name.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown format '" + name + "' (oci, docker)");
            }
        }
    }

    /**
     * What was written.
     *
     * @param file        the archive
     * @param bytes       its size
     * @param id          "sha256:HEX" of the OCI manifest in it (docker: of the one an import would write)
     * @param diffIds     the layers' diff-ids, bottom first
     * @param regenerated how many layers were regenerated rather than copied as stored
     */
    public record Result(Path file, long bytes, String id, List<String> diffIds, int regenerated) {
    }

    private static final long ARCHIVE_MTIME = 0;

    private ImageExport() {
    }

    /**
     * Writes the image {@code nameOrId} of {@code images} to {@code file}.
     *
     * @throws StoreException no such image, a missing blob or object, or the file cannot be written
     */
    public static Result write(Images images, String nameOrId, Path file, Format format, LayerCompression compression) {
        ImageRecord image = images.require(nameOrId);
        Store store = images.store();
        Blobs blobs = new Blobs(store.root());
        Path work = store.root().resolve("tmp").resolve("export-" + UUID.randomUUID());
        Path partial = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.createDirectories(work);
            List<Blob> layers = new ArrayList<>();
            int regenerated = 0;
            for (int i = 0; i < image.layers().size(); i++) {
                ImageRecord.Layer l = image.layers().get(i);
                Path stored = blobs.path(l.blobDigest());
                if (l.compression().equals(compression.label()) && Files.isRegularFile(stored)) {
                    layers.add(new Blob(stored, l.blobDigest(), Files.size(stored), l.diffId(), compression.mediaType()));
                } else {
                    layers.add(regenerate(store, l.diffId(), work.resolve("layer-" + i), compression));
                    regenerated++;
                }
            }
            List<String> diffIds = layers.stream().map(Blob::diffId).toList();
            byte[] config = diffIds.equals(image.diffIds()) ? image.configJson() : withDiffIds(image, diffIds);
            String configDigest = Sha256.of(config);
            byte[] manifest = manifest(configDigest, config.length, layers);
            String manifestDigest = Sha256.of(manifest);

            TreeMap<String, Source> members = new TreeMap<>();
            if (format == Format.OCI) {
                members.put("oci-layout", new Source(null, "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8)));
                members.put("index.json", new Source(null, index(image.name(), manifestDigest, manifest.length)));
                members.put("blobs/sha256/" + Sha256.hex(manifestDigest), new Source(null, manifest));
                members.put("blobs/sha256/" + Sha256.hex(configDigest), new Source(null, config));
                for (Blob b : layers) {
                    members.put("blobs/sha256/" + Sha256.hex(b.digest()), new Source(b.file(), null));
                }
            } else {
                members.put(Sha256.hex(configDigest) + ".json", new Source(null, config));
                ArrayNode paths = ImageImport.JSON.createArrayNode();
                for (Blob b : layers) {
                    String p = Sha256.hex(b.digest()) + "/layer.tar";
                    members.put(p, new Source(b.file(), null));
                    paths.add(p);
                }
                ObjectNode m = ImageImport.JSON.createObjectNode();
                m.put("Config", Sha256.hex(configDigest) + ".json");
                m.putArray("RepoTags").add(image.name());
                m.set("Layers", paths);
                members.put("manifest.json", new Source(null, ImageImport.JSON.writeValueAsBytes(ImageImport.JSON.createArrayNode().add(m))));
            }
            writeTar(members, partial);
            Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return new Result(file, Files.size(file), manifestDigest, diffIds, regenerated);
        } catch (IOException e) {
            throw new StoreException(file + ": cannot write (" + e.getMessage() + ")", e);
        } finally {
            Fs.deleteTree(work);
            try {
                Files.deleteIfExists(partial);
            } catch (IOException ignored) {
                // the error that got us here is the one to report
            }
        }
    }

    private record Blob(Path file, String digest, long size, String diffId, String mediaType) {
    }

    /** An archive member: a file, or bytes. */
    private record Source(Path file, byte[] bytes) {
    }

    private static Blob regenerate(Store store, String diffId, Path file, LayerCompression compression) throws IOException {
        Sha256.Out blob;
        Sha256.Out tar;
        try (OutputStream fo = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            blob = new Sha256.Out(fo);
            try (OutputStream compressed = compression.compress(blob)) {
                tar = new Sha256.Out(compressed);
                LayerTarWriter.write(store, diffId, tar);
                tar.flush();
            }
            blob.flush();
        }
        return new Blob(file, blob.digest(), blob.count(), tar.digest(), compression.mediaType());
    }

    private static byte[] withDiffIds(ImageRecord image, List<String> diffIds) throws IOException {
        JsonNode c = ImageImport.parse("config " + image.configDigest(), image.configJson());
        ArrayNode ids = ((ObjectNode) c.path("rootfs")).putArray("diff_ids");
        diffIds.forEach(ids::add);
        return ImageImport.JSON.writeValueAsBytes(c);
    }

    private static byte[] manifest(String configDigest, long configSize, List<Blob> layers) throws IOException {
        ObjectNode m = ImageImport.JSON.createObjectNode();
        m.put("schemaVersion", 2);
        m.put("mediaType", ImageImport.OCI_MANIFEST);
        m.putObject("config").put("mediaType", ImageImport.OCI_CONFIG).put("digest", configDigest).put("size", configSize);
        ArrayNode ls = m.putArray("layers");
        for (Blob b : layers) {
            ls.addObject().put("mediaType", b.mediaType()).put("digest", b.digest()).put("size", b.size());
        }
        return ImageImport.JSON.writeValueAsBytes(m);
    }

    private static byte[] index(String name, String manifestDigest, long size) throws IOException {
        ObjectNode index = ImageImport.JSON.createObjectNode();
        index.put("schemaVersion", 2);
        index.put("mediaType", "application/vnd.oci.image.index.v1+json");
        ObjectNode d = index.putArray("manifests").addObject();
        d.put("mediaType", ImageImport.OCI_MANIFEST).put("digest", manifestDigest).put("size", size);
        ObjectNode ann = d.putObject("annotations");
        ann.put("io.containerd.image.name", qualified(name));
        String tag = name.lastIndexOf(':') > name.lastIndexOf('/') ? name.substring(name.lastIndexOf(':') + 1) : "latest";
        ann.put("org.opencontainers.image.ref.name", tag);
        return ImageImport.JSON.writeValueAsBytes(index);
    }

    /** docker.io/ in front of a name without a registry, as containerd spells image names. */
    static String qualified(String name) {
        int slash = name.indexOf('/');
        String first = slash < 0 ? "" : name.substring(0, slash);
        if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
            return name;
        }
        return "docker.io/" + (slash < 0 ? "library/" : "") + name;
    }

    /** A tar of {@code members} in name order, each directory before its first member, fixed metadata. */
    private static void writeTar(TreeMap<String, Source> members, Path file) throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            TarOut tar = new TarOut(out);
            java.util.Set<String> dirs = new java.util.HashSet<>();
            byte[] buf = new byte[1 << 16];
            for (var m : members.entrySet()) {
                String name = m.getKey();
                for (int slash = name.indexOf('/'); slash > 0; slash = name.indexOf('/', slash + 1)) {
                    String dir = name.substring(0, slash + 1);
                    if (dirs.add(dir)) {
                        tar.begin(TarOut.Header.of(dir, TarOut.DIRECTORY, 0755, 0, ARCHIVE_MTIME));
                        tar.endEntry(0);
                    }
                }
                Source s = m.getValue();
                long size = s.bytes() != null ? s.bytes().length : Files.size(s.file());
                tar.begin(TarOut.Header.of(name, TarOut.REGULAR, 0644, size, ARCHIVE_MTIME));
                if (s.bytes() != null) {
                    tar.write(s.bytes(), 0, s.bytes().length);
                } else {
                    try (java.io.InputStream in = Files.newInputStream(s.file())) {
                        int n;
                        while ((n = in.read(buf)) > 0) {
                            tar.write(buf, 0, n);
                        }
                    }
                }
                tar.endEntry(size);
            }
            tar.finish();
        }
    }
}
