package io.lamina.store;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Garbage collection of a store: removes what no recorded image and no holder ({@link Images#hold}) references. In order: layers with
 * no image (registry entry and index), chain indexes that are no prefix chain of an image, blobs
 * no image names (manifest, config, layer blobs), objects no remaining layer index names, and
 * {@code tmp/} entries older than {@link #TMP_AGE} (leftovers of crashed imports; younger ones may
 * belong to a running import or commit). Runs under the store's write lock, so never against an
 * import of this or another process; reference counts are rebuilt from the image records first.
 */
public final class Gc {
    /** tmp/ entries younger than this are left alone. */
    public static final Duration TMP_AGE = Duration.ofMinutes(10);

    /**
     * What gc removed (or, in a dry run, would remove).
     *
     * @param layers      layers removed
     * @param layerBytes  bytes of their indexes
     * @param chains      chain index files removed
     * @param chainBytes  their bytes
     * @param blobs       blobs removed
     * @param blobBytes   their bytes
     * @param objects     objects removed
     * @param objectBytes their bytes
     * @param tmp         tmp/ entries removed
     * @param tmpBytes    their bytes
     */
    public record Report(boolean dryRun, int layers, long layerBytes, int chains, long chainBytes, int blobs,
                         long blobBytes, int objects, long objectBytes, int tmp, long tmpBytes) {
        public long totalBytes() {
            return layerBytes + chainBytes + blobBytes + objectBytes + tmpBytes;
        }
    }

    private Gc() {
    }

    /** Collects garbage in the store of {@code images}; with {@code dryRun}, only reports. */
    public static Report run(Images images, boolean dryRun) {
        return images.locked(() -> collect(images, dryRun));
    }

    private static Report collect(Images images, boolean dryRun) {
        Store store = images.store();
        Path root = store.root();
        if (!dryRun) {
            images.recount();
        }
        List<ImageRecord> all = images.list();
        Set<String> usedLayers = new HashSet<>();
        Set<String> usedBlobs = new HashSet<>();
        Set<String> usedChains = new HashSet<>();
        for (ImageRecord r : all) {
            usedLayers.addAll(r.diffIds());
            usedBlobs.add(Sha256.hex(r.id()));
            usedBlobs.add(Sha256.hex(r.configDigest()));
            r.layers().forEach(l -> usedBlobs.add(Sha256.hex(l.blobDigest())));
            String chain = null;
            for (String d : r.diffIds()) {
                chain = chain == null ? d : Sha256.of(chain + " " + d);
                usedChains.add(Sha256.hex(chain));
            }
        }
        // Layers a holder (a committed snapshot) holds, and the chain indexes its mounts use.
        for (List<String> held : images.holds().values()) {
            usedLayers.addAll(held);
            String chain = null;
            for (String d : held) {
                chain = chain == null ? d : Sha256.of(chain + " " + d);
                usedChains.add(Sha256.hex(chain));
            }
        }

        int layers = 0;
        long layerBytes = 0;
        List<String> kept = new ArrayList<>();
        for (LayerRecord l : store.layers()) {
            if (usedLayers.contains(l.diffId())) {
                kept.add(l.diffId());
                continue;
            }
            layers++;
            layerBytes += Fs.treeBytes(store.layerDir(l.diffId()));
            if (!dryRun) {
                store.deleteLayer(l.diffId());
            }
        }

        long[] chains = sweep(root.resolve("chains"), name -> usedChains.contains(hexPrefix(name)), dryRun);
        long[] blobs = sweep(root.resolve("blobs").resolve("sha256"), usedBlobs::contains, dryRun);

        Set<String> usedObjects = new HashSet<>();
        for (String d : kept) {
            try (LayerIndex index = store.openIndex(d)) {
                for (int i = 0; i < index.size(); i++) {
                    String digest = index.entry(i).digest();
                    if (digest != null) {
                        usedObjects.add(digest);
                    }
                }
            }
        }
        Path objects = store.objectPath("0".repeat(64)).getParent().getParent();
        long objectCount = 0, objectBytes = 0;
        if (Files.isDirectory(objects)) {
            try (DirectoryStream<Path> fanout = Files.newDirectoryStream(objects)) {
                for (Path sub : fanout) {
                    if (Files.isDirectory(sub, LinkOption.NOFOLLOW_LINKS)) {
                        long[] r = sweep(sub, usedObjects::contains, dryRun);
                        objectCount += r[0];
                        objectBytes += r[1];
                        if (!dryRun && r[0] > 0) {
                            Fs.deleteIfEmpty(sub);
                        }
                    }
                }
            } catch (IOException e) {
                throw new StoreException(objects + ": cannot list (" + e.getMessage() + ")", e);
            }
        }

        Instant cutoff = Instant.now().minus(TMP_AGE);
        long tmpCount = 0, tmpBytes = 0;
        Path tmp = root.resolve("tmp");
        if (Files.isDirectory(tmp)) {
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(tmp)) {
                for (Path e : entries) {
                    BasicFileAttributes a = Files.readAttributes(e, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                    if (a.lastModifiedTime().toInstant().isBefore(cutoff)) {
                        tmpCount++;
                        tmpBytes += a.isDirectory() ? Fs.treeBytes(e) : a.size();
                        if (!dryRun) {
                            Fs.deleteTree(e);
                        }
                    }
                }
            } catch (IOException e) {
                throw new StoreException(tmp + ": cannot list (" + e.getMessage() + ")", e);
            }
        }
        return new Report(dryRun, layers, layerBytes, (int) chains[0], chains[1], (int) blobs[0], blobs[1],
                (int) objectCount, objectBytes, (int) tmpCount, tmpBytes);
    }

    /** Removes the regular files of {@code dir} whose name {@code keep} rejects: {count, bytes}. */
    private static long[] sweep(Path dir, java.util.function.Predicate<String> keep, boolean dryRun) {
        long count = 0, bytes = 0;
        if (!Files.isDirectory(dir)) {
            return new long[]{0, 0};
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                if (keep.test(name)) {
                    continue;
                }
                count++;
                bytes += a.isDirectory() ? Fs.treeBytes(f) : a.size();
                if (!dryRun) {
                    Fs.deleteTree(f);
                }
            }
        } catch (IOException e) {
            throw new StoreException(dir + ": cannot list (" + e.getMessage() + ")", e);
        }
        return new long[]{count, bytes};
    }

    /** The leading hex digits of a file name such as HEX.cm or HEX.cm.lock. */
    private static String hexPrefix(String name) {
        int end = 0;
        while (end < name.length() && Character.digit(name.charAt(end), 16) >= 0) {
            end++;
        }
        return name.substring(0, end);
    }
}
