package io.lamina.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Imports an image into a store: an OCI image layout directory, an oci-archive, or a docker-save
 * tar, with layers plain, gzip or zstd (judged by their bytes).
 *
 * <p>What the image says is checked before the store is touched: index, manifest and config
 * (sha256 and size of each, at most 8 MiB of JSON each), that every layer blob exists, and that the
 * config lists one diff-id per layer. Archives are first extracted into {@code tmp/import-*}, each
 * member digested on the way. Then each layer blob is read once, to its end: its sha256 and size,
 * its compression (by its bytes), and its diff-id (a truncated gzip or zstd stream fails here) are
 * checked while a layer the store lacks streams into {@link Store#importLayer}; a layout
 * directory's blob is copied into {@code tmp/} on the way. Finally the blobs move into
 * {@code blobs/sha256/} and the image is recorded. Memory stays bounded: blobs are streamed.
 *
 * <p>Every failure is a {@link StoreException} with one line naming the thing and the reason; the
 * staging directory is removed, and layers (and their objects) this import added are removed
 * again, so the store is as before.
 */
public final class ImageImport {
    static final ObjectMapper JSON = new ObjectMapper();
    static final long MAX_JSON = 8L << 20;
    private static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    private static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";

    /** Told how far an import is; the CLI draws a bar from it on a terminal. */
    public interface Progress {
        /** A new phase ("verify", "import") over {@code totalBytes}. */
        void phase(String label, long totalBytes);

        /** Bytes done in the current phase so far. */
        void advance(long doneBytes);

        /** The import ended (success or failure). */
        void finish();

        /** Reports nothing. */
        Progress NONE = new Progress() {
            @Override
            public void phase(String label, long totalBytes) {
            }

            @Override
            public void advance(long doneBytes) {
            }

            @Override
            public void finish() {
            }
        };
    }

    private ImageImport() {
    }

    /** What the manifest says of one layer, then what checking its blob found. */
    private static final class LayerPlan {
        final String member;
        String digest;       // expected (OCI, or named by its path) then actual
        long size;           // expected, -1 when unknown
        String mediaType;
        String diffId;       // from the config
        LayerCompression compression;
        long tarSize;
        Path staged;         // the verified blob

        LayerPlan(String member, String digest, long size, String mediaType) {
            this.member = member;
            this.digest = digest;
            this.size = size;
            this.mediaType = mediaType;
        }
    }

    /** What the index/manifest/config say, before any layer is read. */
    private record Plan(String name, byte[] manifest, String manifestDigest, byte[] config, String configDigest,
                        List<LayerPlan> layers, Instant created) {
    }

    /**
     * Imports the image at {@code source} and records it under {@code name}, or under the name the
     * image carries (io.containerd.image.name or a full org.opencontainers.image.ref.name
     * annotation; docker RepoTags) when {@code name} is null. An image already recorded under that
     * name is replaced.
     *
     * @throws StoreException one line naming the offending path, blob or layer and the reason
     */
    public static ImageRecord run(Images images, Path source, String name, Progress progress) {
        if (name != null) {
            Images.requireName(name);
        }
        Store store = images.store();
        Path staging = store.root().resolve("tmp").resolve("import-" + UUID.randomUUID());
        try {
            return images.locked(() -> {
                List<String> added = new ArrayList<>();
                try {
                    createDirectories(staging);
                    ImageSource src = ImageSource.open(source, staging.resolve("members"), progress);
                    Plan plan = src.has("index.json") ? oci(src, name) : docker(src, name);
                    layers(store, src, plan, staging, added, progress);
                    ImageRecord record = finish(store, plan);
                    images.record(record);
                    return record;
                } catch (RuntimeException e) {
                    forget(store, added);
                    throw e;
                }
            });
        } finally {
            progress.finish();
            Fs.deleteTree(staging);
        }
    }

    // ---- read what the image says, check every blob ----

    private static Plan oci(ImageSource src, String name) {
        String where = src.path().toString();
        JsonNode index = parse(where + ": index.json", readMember(src, "index.json"));
        JsonNode desc = pick(index.path("manifests"), name, where);
        String ref = refName(desc.path("annotations"));
        String mt = desc.path("mediaType").asText("");
        if (mt.equals(OCI_INDEX) || mt.equals(DOCKER_LIST)) {
            // A multi-platform image: take linux/amd64, else the first.
            JsonNode nested = parse("index " + desc.path("digest").asText(), blob(src, "index", desc));
            JsonNode pick = null;
            for (JsonNode m : nested.path("manifests")) {
                JsonNode p = m.path("platform");
                if (pick == null || ("linux".equals(p.path("os").asText()) && "amd64".equals(p.path("architecture").asText()))) {
                    pick = m;
                }
            }
            desc = pick != null ? pick : first(nested.path("manifests"), "index " + desc.path("digest").asText() + " lists no manifest");
        }
        String finalName = name != null ? name : ref;
        if (finalName == null) {
            throw new StoreException(where + ": the image carries no name (no io.containerd.image.name or full "
                    + "org.opencontainers.image.ref.name annotation); give one with --name");
        }
        Images.requireName(finalName);
        byte[] manifest = blob(src, "manifest", desc);
        String manifestDigest = desc.path("digest").asText();
        JsonNode m = parse("manifest " + manifestDigest, manifest);
        JsonNode configDesc = m.path("config");
        if (!configDesc.isObject()) {
            throw new StoreException("manifest " + manifestDigest + ": has no config (not an image manifest)");
        }
        byte[] config = blob(src, "config", configDesc);
        List<LayerPlan> layers = new ArrayList<>();
        for (JsonNode l : m.path("layers")) {
            String d = l.path("digest").asText("");
            if (!Sha256.valid(d)) {
                throw new StoreException("manifest " + manifestDigest + ": layer digest '" + d + "' is not sha256:HEX");
            }
            layers.add(new LayerPlan("blobs/sha256/" + Sha256.hex(d), d, l.path("size").asLong(-1),
                    l.path("mediaType").asText(LayerCompression.NONE.mediaType())));
        }
        return withConfig(finalName, manifest, manifestDigest, config, configDesc.path("digest").asText(), layers);
    }

    /**
     * The image of a layout's index: the only one; else the one whose name (annotation) is
     * {@code name}; else a one-line error listing the names to choose from with --name.
     */
    private static JsonNode pick(JsonNode manifests, String name, String where) {
        first(manifests, where + ": index.json lists no manifest");
        if (manifests.size() == 1) {
            return manifests.get(0);
        }
        List<String> names = new ArrayList<>();
        for (JsonNode m : manifests) {
            JsonNode ann = m.path("annotations");
            String own = refName(ann);
            String tag = ann.path("org.opencontainers.image.ref.name").asText(null);
            if (name != null && (name.equals(own) || name.equals(tag))) {
                return m;
            }
            names.add(own != null ? own : tag != null ? tag : m.path("digest").asText());
        }
        throw new StoreException(where + ": index.json holds " + manifests.size() + " images (" + String.join(", ", names)
                + "); choose one with --name");
    }

    private static Plan docker(ImageSource src, String name) {
        String where = src.path().toString();
        if (!src.has("manifest.json")) {
            throw new StoreException(where + ": not an image (neither index.json nor manifest.json in it)");
        }
        JsonNode list = parse(where + ": manifest.json", readMember(src, "manifest.json"));
        JsonNode m = first(list, where + ": manifest.json lists no image");
        String configPath = m.path("Config").asText("");
        if (!src.has(configPath)) {
            throw new StoreException("config " + configPath + ": blob missing from " + where);
        }
        byte[] config = readMember(src, configPath);
        String configDigest = Sha256.of(config);
        String named = digestNamedBy(configPath);
        if (named != null && !named.equals(configDigest)) {
            throw new StoreException("config " + named + ": blob content has digest " + configDigest + " (corrupt or altered)");
        }
        JsonNode tags = m.path("RepoTags");
        String finalName = name != null ? name : tags.isArray() && !tags.isEmpty() ? tags.get(0).asText() : null;
        if (finalName == null) {
            throw new StoreException(where + ": the image carries no name (no RepoTags); give one with --name");
        }
        Images.requireName(finalName);
        List<LayerPlan> layers = new ArrayList<>();
        for (JsonNode l : m.path("Layers")) {
            String p = l.asText();
            layers.add(new LayerPlan(p, digestNamedBy(p), -1, null));
        }
        return withConfig(finalName, null, null, config, configDigest, layers);
    }

    private static Plan withConfig(String name, byte[] manifest, String manifestDigest, byte[] config,
                                   String configDigest, List<LayerPlan> layers) {
        JsonNode c = parse("config " + configDigest, config);
        JsonNode diffIds = c.path("rootfs").path("diff_ids");
        if (!diffIds.isArray()) {
            throw new StoreException("config " + configDigest + ": has no rootfs.diff_ids (not an image config)");
        }
        if (diffIds.size() != layers.size()) {
            throw new StoreException("config " + configDigest + ": rootfs.diff_ids lists " + diffIds.size()
                    + " layers, the manifest " + layers.size());
        }
        if (layers.isEmpty()) {
            throw new StoreException("config " + configDigest + ": the image has no layers");
        }
        for (int i = 0; i < layers.size(); i++) {
            String d = diffIds.get(i).asText("");
            if (!Sha256.valid(d)) {
                throw new StoreException("config " + configDigest + ": rootfs.diff_ids[" + i + "] '" + d + "' is not sha256:HEX");
            }
            layers.get(i).diffId = d;
        }
        Instant created = Instant.EPOCH;
        try {
            if (c.hasNonNull("created")) {
                created = Instant.parse(c.get("created").asText());
            }
        } catch (DateTimeParseException e) {
            // An odd timestamp is not worth refusing an image for.
        }
        return new Plan(name, manifest, manifestDigest, config, configDigest, layers, created);
    }

    /** Reads every layer blob to its end: digest, size, compression, diff-id. */
    /**
     * Reads every layer blob once, to its end: digest, size, compression and diff-id are checked
     * while a layer the store lacks streams into {@link Store#importLayer}. A check that fails after
     * the store took the layer throws, and {@link #forget} removes what this import added.
     */
    private static void layers(Store store, ImageSource src, Plan plan, Path staging, List<String> added,
                               Progress progress) {
        String where = src.path().toString();
        List<ImageSource.Member> members = new ArrayList<>();
        long total = 0;
        for (int i = 0; i < plan.layers().size(); i++) {
            LayerPlan l = plan.layers().get(i);
            ImageSource.Member mem = src.member(l.member).orElseThrow(() ->
                    new StoreException(layerName(l) + ": blob missing from " + where));
            members.add(mem);
            total += size(mem);
        }
        java.util.Set<String> before = new java.util.HashSet<>();
        store.layers().forEach(r -> before.add(r.diffId()));
        progress.phase("import", total);
        long done = 0;
        for (int i = 0; i < plan.layers().size(); i++) {
            LayerPlan l = plan.layers().get(i);
            ImageSource.Member mem = members.get(i);
            boolean copy = mem.digest() == null;    // read in place: keep a copy to store
            Path target = copy ? staging.resolve("layer-" + i) : mem.file();
            boolean needed = store.layer(l.diffId).isEmpty();
            LayerRecord imported = null;
            String digest;
            long size;
            String diffId;
            long tarSize;
            try (InputStream file = Files.newInputStream(mem.file());
                 OutputStream copyOut = copy ? Files.newOutputStream(target) : OutputStream.nullOutputStream()) {
                long base = done;
                Sha256.In blob = new Sha256.In(new Tee(file, copyOut, n -> progress.advance(base + n)));
                BufferedInputStream buffered = new BufferedInputStream(blob, 1 << 16);
                l.compression = LayerCompression.detect(buffered);
                boolean plain = l.compression == LayerCompression.NONE;
                if (plain && !copy && !needed) {
                    // Stored already, and digested on the way out of the archive: nothing to read.
                    digest = mem.digest();
                    size = mem.size();
                    diffId = digest;
                    tarSize = size;
                } else {
                    Sha256.In tar = plain ? null : new Sha256.In(l.compression.decompress(buffered));
                    Guard guard = new Guard(plain ? buffered : tar);
                    if (needed) {
                        try {
                            imported = store.importLayer(guard, n -> { });
                        } catch (StoreException e) {
                            throw guard.failure != null ? unreadable(l, guard.failure) : new StoreException(layerName(l) + ": " + e.getMessage(), e);
                        }
                        if (!before.contains(imported.diffId())) {
                            added.add(imported.diffId());
                        }
                    }
                    try {
                        guard.transferTo(OutputStream.nullOutputStream());   // what the tar reader left
                    } catch (IOException e) {
                        throw unreadable(l, e);
                    }
                    blob.drain();   // bytes after a compressed stream are still part of the blob
                    digest = blob.digest();
                    size = blob.count();
                    diffId = plain ? digest : tar.digest();
                    tarSize = plain ? size : tar.count();
                }
            } catch (IOException e) {
                throw new StoreException(layerName(l) + ": cannot read " + l.member + " (" + e.getMessage() + ")", e);
            }
            done += size;
            if (l.digest != null && !l.digest.equals(digest)) {
                throw new StoreException(layerName(l) + ": blob content has digest " + digest + " (corrupt or altered)");
            }
            if (l.size >= 0 && l.size != size) {
                throw new StoreException(layerName(l) + ": blob is " + size + " bytes, the manifest says " + l.size);
            }
            if (!diffId.equals(l.diffId)) {
                throw new StoreException(layerName(l) + ": uncompressed content has diff-id " + diffId
                        + ", the config's rootfs.diff_ids says " + l.diffId);
            }
            if (imported != null && !imported.diffId().equals(diffId)) {
                throw new StoreException(layerName(l) + ": the store computed diff-id " + imported.diffId() + ", expected " + diffId);
            }
            l.digest = digest;
            l.size = size;
            l.tarSize = tarSize;
            l.staged = target;
            if (l.mediaType == null) {
                l.mediaType = l.compression.mediaType();
            }
        }
    }

    private static StoreException unreadable(LayerPlan l, IOException e) {
        if (e instanceof EOFException) {
            return new StoreException(layerName(l) + ": truncated " + l.compression.label() + " stream", e);
        }
        return new StoreException(layerName(l) + ": corrupt or truncated " + l.compression.label() + " stream ("
                + e.getMessage() + ")", e);
    }

    /** Remembers the first read failure of the stream below, so it is reported rather than the tar reader's view of it. */
    private static final class Guard extends java.io.FilterInputStream {
        IOException failure;

        Guard(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            try {
                return in.read();
            } catch (IOException e) {
                throw remember(e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return in.read(b, off, len);
            } catch (IOException e) {
                throw remember(e);
            }
        }

        @Override
        public long skip(long n) throws IOException {
            try {
                return in.skip(n);
            } catch (IOException e) {
                throw remember(e);
            }
        }

        private IOException remember(IOException e) {
            if (failure == null) {
                failure = e;
            }
            return e;
        }
    }

    // ---- into place ----

    /** Moves the verified blobs into blobs/sha256 and builds the record. */
    private static ImageRecord finish(Store store, Plan plan) {
        Blobs blobs = new Blobs(store.root());
        byte[] manifest = plan.manifest() != null ? plan.manifest() : dockerManifest(plan);
        String manifestDigest = plan.manifest() != null ? plan.manifestDigest() : Sha256.of(manifest);
        List<ImageRecord.Layer> layers = new ArrayList<>();
        for (LayerPlan l : plan.layers()) {
            blobs.putFile(l.digest, l.staged);
            layers.add(new ImageRecord.Layer(l.diffId, l.digest, l.mediaType, l.compression.label(), l.size, l.tarSize));
        }
        blobs.putBytes(plan.configDigest(), plan.config());
        blobs.putBytes(manifestDigest, manifest);
        return new ImageRecord(plan.name(), manifestDigest, plan.configDigest(), layers, plan.config(), plan.created());
    }

    /** The OCI manifest lamina writes for a docker-save image, which has none: it becomes the id. */
    private static byte[] dockerManifest(Plan plan) {
        ObjectNode m = JSON.createObjectNode();
        m.put("schemaVersion", 2);
        m.put("mediaType", OCI_MANIFEST);
        m.putObject("config").put("mediaType", OCI_CONFIG).put("digest", plan.configDigest()).put("size", plan.config().length);
        ArrayNode ls = m.putArray("layers");
        for (LayerPlan l : plan.layers()) {
            ls.addObject().put("mediaType", l.compression.mediaType()).put("digest", l.digest).put("size", l.size);
        }
        try {
            return JSON.writeValueAsBytes(m);
        } catch (IOException e) {
            throw new StoreException("cannot write a manifest (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Removes the layers this import added before it failed, and the objects only they used, so the
     * store is as before. Best effort: the import's own error is the one to report, and gc removes
     * whatever is left.
     */
    private static void forget(Store store, List<String> added) {
        if (added.isEmpty()) {
            return;
        }
        try {
            java.util.Set<String> candidates = new java.util.HashSet<>();
            for (String d : added) {
                candidates.addAll(objectsOf(store, d));
            }
            for (String d : added) {
                store.deleteLayer(d);
            }
            for (LayerRecord l : store.layers()) {
                candidates.removeAll(objectsOf(store, l.diffId()));
            }
            for (String hex : candidates) {
                Path object = store.objectPath(hex);
                Files.deleteIfExists(object);
                Fs.deleteIfEmpty(object.getParent());
            }
        } catch (IOException | RuntimeException e) {
            // see above
        }
    }

    private static java.util.Set<String> objectsOf(Store store, String diffId) {
        java.util.Set<String> out = new java.util.HashSet<>();
        try (LayerIndex index = store.openIndex(diffId)) {
            for (int i = 0; i < index.size(); i++) {
                String d = index.entry(i).digest();
                if (d != null) {
                    out.add(d);
                }
            }
        }
        return out;
    }

    // ---- helpers ----

    private static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new StoreException(dir + ": cannot create (" + e.getMessage() + ")", e);
        }
    }

    private static String layerName(LayerPlan l) {
        return "layer " + (l.digest != null ? l.digest : l.member);
    }

    private static long size(ImageSource.Member m) {
        try {
            return m.size() >= 0 ? m.size() : Files.size(m.file());
        } catch (IOException e) {
            return 0;
        }
    }

    /** The blob a descriptor names, checked against its digest and size. */
    private static byte[] blob(ImageSource src, String what, JsonNode desc) {
        String digest = desc.path("digest").asText("");
        if (!Sha256.valid(digest)) {
            throw new StoreException(what + " digest '" + digest + "': not sha256:HEX");
        }
        String label = what + " " + digest;
        ImageSource.Member m = src.member("blobs/sha256/" + Sha256.hex(digest)).orElseThrow(() ->
                new StoreException(label + ": blob missing from " + src.path()));
        byte[] bytes = read(label, m);
        String actual = Sha256.of(bytes);
        if (!actual.equals(digest)) {
            throw new StoreException(label + ": blob content has digest " + actual + " (corrupt or altered)");
        }
        long size = desc.path("size").asLong(-1);
        if (size >= 0 && size != bytes.length) {
            throw new StoreException(label + ": blob is " + bytes.length + " bytes, the descriptor says " + size);
        }
        return bytes;
    }

    private static byte[] readMember(ImageSource src, String path) {
        ImageSource.Member m = src.member(path).orElseThrow(() ->
                new StoreException(src.path() + ": " + path + " is missing"));
        return read(src.path() + ": " + path, m);
    }

    private static byte[] read(String label, ImageSource.Member m) {
        try (InputStream in = Files.newInputStream(m.file())) {
            byte[] bytes = in.readNBytes((int) MAX_JSON + 1);
            if (bytes.length > MAX_JSON) {
                throw new StoreException(label + ": over " + (MAX_JSON >> 20) + " MiB (not image metadata)");
            }
            return bytes;
        } catch (IOException e) {
            throw new StoreException(label + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    static JsonNode parse(String label, byte[] json) {
        try {
            JsonNode n = JSON.readTree(json);
            if (n == null || n.isMissingNode()) {
                throw new StoreException(label + ": empty, not JSON");
            }
            return n;
        } catch (IOException e) {
            throw new StoreException(label + ": not valid JSON (" + e.getMessage().lines().findFirst().orElse("") + ")", e);
        }
    }

    private static JsonNode first(JsonNode array, String ifEmpty) {
        if (!array.isArray() || array.isEmpty()) {
            throw new StoreException(ifEmpty);
        }
        return array.get(0);
    }

    /** The image's own name from a descriptor's annotations, or null when it carries none. */
    static String refName(JsonNode annotations) {
        String containerd = annotations.path("io.containerd.image.name").asText(null);
        if (containerd != null && !containerd.isEmpty()) {
            return shortName(containerd);
        }
        String ref = annotations.path("org.opencontainers.image.ref.name").asText(null);
        if (ref != null && (ref.contains("/") || ref.contains(":"))) {
            return shortName(ref);
        }
        return null;
    }

    /** docker.io/library/x:t is x:t, docker.io/a/b:t is a/b:t, as docker shows them. */
    static String shortName(String ref) {
        if (ref.startsWith("docker.io/library/")) {
            return ref.substring("docker.io/library/".length());
        }
        if (ref.startsWith("docker.io/")) {
            return ref.substring("docker.io/".length());
        }
        return ref;
    }

    /** "sha256:HEX" when {@code path} is blobs/sha256/HEX or HEX.json or HEX/layer.tar-like, else null. */
    private static String digestNamedBy(String path) {
        String clean = ImageSource.Archive.clean(path);
        if (clean == null) {
            return null;
        }
        String[] parts = clean.split("/");
        if (parts.length == 3 && parts[0].equals("blobs") && parts[1].equals("sha256")) {
            return Sha256.valid("sha256:" + parts[2]) ? "sha256:" + parts[2] : null;
        }
        if (parts.length == 1 && parts[0].endsWith(".json")) {
            String d = "sha256:" + parts[0].substring(0, parts[0].length() - 5);
            return Sha256.valid(d) ? d : null;
        }
        return null;
    }

    /** Copies what is read through it to {@code copy} and reports the count. */
    private static final class Tee extends java.io.FilterInputStream {
        private final OutputStream copy;
        private final java.util.function.LongConsumer progress;
        private long count;
        private long reported;

        Tee(InputStream in, OutputStream copy, java.util.function.LongConsumer progress) {
            super(in);
            this.copy = copy;
            this.progress = progress;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                copy.write(b, off, n);
                count += n;
                if (count - reported >= (1 << 20)) {
                    reported = count;
                    progress.accept(count);
                }
            }
            return n;
        }

        @Override
        public boolean markSupported() {
            return false;
        }
    }
}
