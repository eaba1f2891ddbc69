package io.lamina.store;

import io.lamina.fs.LowerLayer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.LongConsumer;
import java.util.stream.Stream;

/**
 * The content-addressed store: the face of this module. Every multi-step write builds under
 * {@code tmp/} and renames into place, so a crash leaves the store readable; {@code gc} removes
 * the leftovers. Safe for use by several threads and several processes on one root.
 */
public final class Store implements AutoCloseable {

    private final Path root;
    private final Path objects;
    private final Path layers;
    private final Path chains;
    private final Path tmp;
    private final LayerRegistry registry;
    private final Chains chainCache;

    private Store(Path root) throws IOException {
        this.root = root;
        for (String d : List.of("blobs/sha256", "objects", "layers", "chains", "meta", "tmp")) {
            Files.createDirectories(root.resolve(d));
        }
        this.objects = root.resolve("objects");
        this.layers = root.resolve("layers");
        this.chains = root.resolve("chains");
        this.tmp = root.resolve("tmp");
        this.registry = new LayerRegistry(root.resolve("meta/layers.cm"));
        this.chainCache = new Chains(this);
    }

    /** Opens (creating the layout if needed) the store under {@code root}. */
    public static Store open(Path root) {
        try {
            return new Store(root.toAbsolutePath());
        } catch (IOException e) {
            throw new StoreException("cannot open the store at " + root + ": " + e.getMessage(), e);
        }
    }

    /** The root directory of the store. */
    public Path root() {
        return root;
    }

    /** The work area: multi-step writes build under a fresh directory here and rename into place. */
    public Path tmpDir() {
        return tmp;
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
        return importLayer(uncompressedTar, null, progress);
    }

    /**
     * {@link #importLayer(InputStream, LongConsumer)}, refusing the layer (nothing of it kept) when
     * its diff-id is not {@code expectedDiffId} (as an image config's rootfs.diff_ids names it).
     *
     * @param expectedDiffId "sha256:HEX", or null to accept any
     */
    public LayerRecord importLayer(InputStream uncompressedTar, String expectedDiffId, LongConsumer progress) {
        if (expectedDiffId != null) {
            Digests.hexOf(expectedDiffId);
        }
        Path work;
        try {
            work = Files.createTempDirectory(tmp, "import-");
        } catch (IOException e) {
            throw new StoreException("cannot create a work directory under " + tmp + ": " + e.getMessage(), e);
        }
        try {
            LayerImport.Result r = new LayerImport(objects, work).run(uncompressedTar, progress);
            String diffId = Digests.PREFIX + r.diffHex();
            if (expectedDiffId != null && !expectedDiffId.equals(diffId)) {
                throw new StoreException("layer tar: its diff-id is " + diffId + ", not the expected " + expectedDiffId);
            }
            Optional<LayerRecord> existing = registry.get(diffId);
            if (existing.isPresent()) {
                return existing.get();
            }
            publishObjects(r.objectsDir());
            Path dest = layers.resolve(r.diffHex());
            try {
                Files.move(r.layerDir(), dest, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
                // Left by a crash before registering, or a concurrent import of the same tar: the
                // index is a pure function of the tar, so the one there is the same.
            }
            LayerRecord rec = new LayerRecord(diffId, r.entries(), r.tarBytes(), r.contentBytes());
            registry.put(rec);
            return rec;
        } catch (IOException e) {
            throw new StoreException("layer import failed: " + e, e);
        } finally {
            deleteTree(work);
        }
    }

    /** Moves the objects an import created into objects/; one already there (a concurrent import) stays. */
    private void publishObjects(Path dir) throws IOException {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path f : ds) {
                String hex = f.getFileName().toString();
                Path target = objectPath(hex);
                if (Files.exists(target)) {
                    continue;
                }
                Files.createDirectories(target.getParent());
                try {
                    Files.move(f, target, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    throw new IOException("objects and tmp must be on one filesystem", e);
                }
            }
        }
    }

    /** The layer stored under {@code diffId} ("sha256:HEX"), if any. */
    public Optional<LayerRecord> layer(String diffId) {
        Digests.hexOf(diffId);
        return registry.get(diffId);
    }

    /** Every stored layer, by diff-id. */
    public List<LayerRecord> layers() {
        return registry.all();
    }

    /** The directory of a stored layer ({@code layers/HEX}), whether or not it exists. */
    public Path layerDir(String diffId) {
        return layers.resolve(Digests.hexOf(diffId));
    }

    /**
     * Unregisters a layer and deletes its directory (for gc: the caller knows nothing references
     * it). Objects are left to the caller. @return whether it was registered
     */
    public boolean deleteLayer(String diffId) {
        boolean was = registry.remove(diffId);
        deleteTree(layerDir(diffId));
        return was;
    }

    /** The index of a stored layer; the caller closes it. @throws StoreException if not stored */
    public LayerIndex openIndex(String diffId) {
        return openIndexFile(diffId);
    }

    IndexFile openIndexFile(String diffId) {
        if (registry.get(diffId).isEmpty()) {
            throw new StoreException("layer " + diffId + " is not in the store");
        }
        return IndexFile.open(diffId, layerDir(diffId).resolve("index"));
    }

    /** Where the object with sha256 {@code hex} lives (whether or not it exists). */
    public Path objectPath(String hex) {
        if (hex.length() != 64) {
            throw new StoreException("'" + hex + "' is not a sha256 in hex");
        }
        return objects.resolve(hex.substring(0, 2)).resolve(hex);
    }

    /** Number and total bytes of the objects stored. */
    public ObjectStats objectStats() {
        long[] acc = new long[2];
        try (Stream<Path> dirs = Files.list(objects)) {
            for (Path d : (Iterable<Path>) dirs::iterator) {
                try (DirectoryStream<Path> ds = Files.newDirectoryStream(d)) {
                    for (Path f : ds) {
                        BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class,
                                LinkOption.NOFOLLOW_LINKS);
                        acc[0]++;
                        acc[1] += a.size();
                    }
                }
            }
        } catch (IOException e) {
            throw new StoreException("cannot list the objects under " + objects + ": " + e.getMessage(), e);
        }
        return new ObjectStats(acc[0], acc[1]);
    }

    /** The OCI chain-id of layers given bottom first ("sha256:HEX"). */
    public static String chainId(List<String> diffIdsBottomFirst) {
        return Digests.chainId(diffIdsBottomFirst);
    }

    /** Where the chain index of {@code chainId} lives ({@code chains/HEX.cm}), whether or not it exists. */
    public Path chainIndexPath(String chainId) {
        return chains.resolve(Digests.hexOf(chainId) + ".cm");
    }

    /**
     * The stack of stored layers {@code diffIdsBottomFirst} as one flattened, read-only lower layer
     * for the engine, backed by the chain index (built once, then shared by every mount of the chain
     * in this and other processes): lookup cost does not depend on the number of layers.
     *
     * @throws StoreException if a layer is not stored
     */
    public LowerLayer openChain(List<String> diffIdsBottomFirst) {
        return chainCache.open(diffIdsBottomFirst);
    }

    /** Closes the layer registry and every chain opened here (their LowerLayers stop working). */
    @Override
    public void close() {
        chainCache.close();
        registry.close();
    }

    static void deleteTree(Path p) {
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                try {
                    Files.deleteIfExists(x);
                } catch (NoSuchFileException e) {
                    // gone already
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + p, e);
        }
    }
}
