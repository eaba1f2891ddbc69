package io.lamina.store;

import net.openhft.chronicle.map.ChronicleMap;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The image registry of one store: name to {@link ImageRecord} in meta/images.cm, and for each
 * layer the number of images that use it in meta/refs.cm (what gc reads). An image is found by
 * its name or by a unique prefix of its id.
 *
 * <p>Writes ({@link #record}, {@link #remove}, and import and gc, which call {@link #locked}) run
 * one at a time per store root, across processes. Reference counts are raised before a record
 * is written and lowered after one is removed, so a crash in between leaves a count too high
 * (gc keeps a layer too long), never too low; {@link #recount} rebuilds them from the records.
 *
 * <p>Besides images, a <em>holder</em> (a committed snapshot of the snapshotter, named by itself)
 * can hold a chain of layers ({@link #hold}, meta/holds.cm): each holder counts once in the
 * reference counts of its layers, and gc keeps those layers and their chain indexes.
 */
public final class Images implements AutoCloseable {
    private static final int MAX_IMAGES = 50_000;
    private static final int MAX_LAYERS = 200_000;

    private final Store store;
    private final ChronicleMap<String, byte[]> images;
    private final ChronicleMap<String, Long> refs;
    private final ChronicleMap<String, byte[]> holds;
    private final WriteLock lock;

    private Images(Store store, ChronicleMap<String, byte[]> images, ChronicleMap<String, Long> refs,
                   ChronicleMap<String, byte[]> holds, WriteLock lock) {
        this.store = store;
        this.images = images;
        this.refs = refs;
        this.holds = holds;
        this.lock = lock;
    }

    /** Opens (creating if needed) the registry of {@code store}. The store must stay open while this is. */
    public static Images open(Store store) {
        Path meta = store.root().resolve("meta");
        try {
            Files.createDirectories(meta);
            // Created now, so that a failed first import leaves the root exactly as it found it.
            Files.createDirectories(store.root().resolve("tmp"));
            try {
                Files.createFile(meta.resolve("images.lock"));
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // opened before
            }
            ChronicleMap<String, byte[]> images = ChronicleMap.of(String.class, byte[].class)
                    .name("lamina-images").averageKey("registry.example/lamina/some-image:latest")
                    .averageValueSize(4096).entries(MAX_IMAGES).maxBloatFactor(4)
                    .createPersistedTo(meta.resolve("images.cm").toFile());
            ChronicleMap<String, Long> refs;
            try {
                refs = ChronicleMap.of(String.class, Long.class)
                        .name("lamina-refs").averageKey("sha256:" + "0".repeat(64))
                        .entries(MAX_LAYERS).createPersistedTo(meta.resolve("refs.cm").toFile());
            } catch (IOException | RuntimeException e) {
                images.close();
                throw e;
            }
            ChronicleMap<String, byte[]> holds;
            try {
                holds = ChronicleMap.of(String.class, byte[].class)
                        .name("lamina-holds").averageKey("snapshot/123456")
                        .averageValueSize(8 * 72).entries(MAX_LAYERS).maxBloatFactor(4)
                        .createPersistedTo(meta.resolve("holds.cm").toFile());
            } catch (IOException | RuntimeException e) {
                images.close();
                refs.close();
                throw e;
            }
            return new Images(store, images, refs, holds, new WriteLock(meta.resolve("images.lock")));
        } catch (IOException e) {
            throw new StoreException(meta + ": cannot open the image registry (" + e.getMessage() + ")", e);
        }
    }

    /** The store this registry belongs to. */
    public Store store() {
        return store;
    }

    /**
     * The image called {@code nameOrId}, else the one whose id (with or without "sha256:") starts
     * with it.
     *
     * @throws StoreException if the id prefix matches several images
     */
    public Optional<ImageRecord> get(String nameOrId) {
        byte[] v = images.get(nameOrId);
        if (v != null) {
            return Optional.of(ImageRecordCodec.decode(v));
        }
        String hex = nameOrId.startsWith("sha256:") ? nameOrId.substring(7) : nameOrId;
        if (hex.isEmpty() || !hex.matches("[0-9a-f]+")) {
            return Optional.empty();
        }
        List<ImageRecord> matches = list().stream().filter(r -> r.id().substring(7).startsWith(hex)).toList();
        if (matches.size() > 1 && matches.stream().map(ImageRecord::id).distinct().count() > 1) {
            throw new StoreException("image '" + nameOrId + "': id prefix matches " + matches.size() + " images");
        }
        return matches.stream().findFirst();
    }

    /** {@link #get}, or a StoreException "image 'NAME': no such image". */
    public ImageRecord require(String nameOrId) {
        return get(nameOrId).orElseThrow(() -> new StoreException("image '" + nameOrId + "': no such image"));
    }

    /** Every image, by name. */
    public List<ImageRecord> list() {
        List<ImageRecord> out = new ArrayList<>();
        images.forEach((k, v) -> out.add(ImageRecordCodec.decode(v)));
        out.sort(Comparator.comparing(ImageRecord::name));
        return out;
    }

    /**
     * Records {@code image} under its name, replacing any image of that name, and adjusts the
     * layer reference counts.
     *
     * @return the image it replaced
     */
    public Optional<ImageRecord> record(ImageRecord image) {
        requireName(image.name());
        return locked(() -> {
            Optional<ImageRecord> old = Optional.ofNullable(images.get(image.name())).map(ImageRecordCodec::decode);
            adjust(image.diffIds(), +1);
            images.put(image.name(), ImageRecordCodec.encode(image));
            old.ifPresent(o -> adjust(o.diffIds(), -1));
            return old;
        });
    }

    /** Removes the image called {@code name} (not an id prefix) and lowers its layers' counts. */
    public Optional<ImageRecord> remove(String name) {
        return locked(() -> {
            byte[] v = images.remove(name);
            if (v == null) {
                return Optional.<ImageRecord>empty();
            }
            ImageRecord old = ImageRecordCodec.decode(v);
            adjust(old.diffIds(), -1);
            return Optional.of(old);
        });
    }

    /**
     * Lets {@code holder} hold the layers {@code diffIdsBottomFirst} (replacing what it held), so
     * that gc keeps them and the chain indexes of their prefixes.
     */
    public void hold(String holder, List<String> diffIdsBottomFirst) {
        if (holder.isEmpty()) throw new IllegalArgumentException("empty holder");
        locked(() -> {
            List<String> old = held(holder);
            adjust(diffIdsBottomFirst, +1);
            holds.put(holder, String.join("\n", diffIdsBottomFirst).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            adjust(old, -1);
            return null;
        });
    }

    /** Lets go of what {@code holder} held (nothing when it held nothing). */
    public void release(String holder) {
        locked(() -> {
            List<String> old = held(holder);
            holds.remove(holder);
            adjust(old, -1);
            return null;
        });
    }

    /** Every holder and the layers it holds, bottom first. */
    public Map<String, List<String>> holds() {
        Map<String, List<String>> out = new TreeMap<>();
        holds.forEach((k, v) -> out.put(k, decodeHeld(v)));
        return out;
    }

    private List<String> held(String holder) {
        byte[] v = holds.get(holder);
        return v == null ? List.of() : decodeHeld(v);
    }

    private static List<String> decodeHeld(byte[] v) {
        String s = new String(v, java.nio.charset.StandardCharsets.UTF_8);
        return s.isEmpty() ? List.of() : List.of(s.split("\n"));
    }

    /** How many recorded images (and holders) use the layer {@code diffId}. */
    public long refCount(String diffId) {
        Long n = refs.get(diffId);
        return n == null ? 0 : n;
    }

    /** Every layer with a positive reference count. */
    public Map<String, Long> refCounts() {
        Map<String, Long> out = new TreeMap<>();
        refs.forEach((k, v) -> {
            if (v > 0) {
                out.put(k, v);
            }
        });
        return out;
    }

    /** Rebuilds the reference counts from the image records and the holds (gc does this first). */
    public void recount() {
        locked(() -> {
            Map<String, Long> counts = new TreeMap<>();
            for (ImageRecord r : list()) {
                for (String d : new LinkedHashSet<>(r.diffIds())) {
                    counts.merge(d, 1L, Long::sum);
                }
            }
            for (List<String> held : holds().values()) {
                for (String d : new LinkedHashSet<>(held)) {
                    counts.merge(d, 1L, Long::sum);
                }
            }
            for (String k : new ArrayList<>(refs.keySet())) {
                if (!counts.containsKey(k)) {
                    refs.remove(k);
                }
            }
            refs.putAll(counts);
            return null;
        });
    }

    /** Runs {@code action} holding the store's write lock (see the class comment); reentrant. */
    public <T> T locked(Supplier<T> action) {
        if (lock.heldByCurrentThread()) {
            return action.get();
        }
        return lock.locked(action);
    }

    /** Refuses names that are empty, have blanks or control characters, or are over 255 bytes. */
    static void requireName(String name) {
        if (name.isEmpty() || name.length() > 255 || name.codePoints().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
            throw new StoreException("image name '" + name + "': must be 1 to 255 characters without blanks");
        }
    }

    /** Each distinct diff-id once per image: an image using one layer twice counts once. */
    private void adjust(List<String> diffIds, long delta) {
        for (String d : new LinkedHashSet<>(diffIds)) {
            long n = refCount(d) + delta;
            if (n > 0) {
                refs.put(d, n);
            } else {
                refs.remove(d);
            }
        }
    }

    @Override
    public void close() {
        images.close();
        refs.close();
        holds.close();
    }
}
