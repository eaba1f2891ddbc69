package io.lamina.snapshotter;

import io.lamina.fuse.FuseTransport;
import io.lamina.fuse.Unmount;
import io.lamina.store.Commit;
import io.lamina.store.ImageRecord;
import io.lamina.store.Images;
import io.lamina.store.LayerRecord;
import io.lamina.store.ObjectStats;
import io.lamina.store.Store;
import io.lamina.store.StoreException;
import io.lamina.store.journal.Usage;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * containerd's snapshotter contract over lamina's content-addressed store and lamina FUSE mounts.
 *
 * <p>The snapshotter shares its root with a {@link Store} (and its {@link Images} registry). An
 * active snapshot or view has a directory {@code snapshots/ID} ({@link SnapshotDirs}); its key
 * lives only in the {@link Metadata}. A committed snapshot is a chain of stored layers (diff-ids
 * bottom first, in its record) and has no directory: Commit turns the active snapshot's upper into
 * a layer with {@link Commit} (an OCI layer tar streamed into {@link Store#importLayer}, data read
 * through the merged view, so metadata-only copies carry their data), records the chain, and
 * removes the directory. Every committed snapshot holds its chain in the registry
 * ({@link Images#hold}, holder {@code snapshot/ID}), so {@code lamina gc} never removes a layer a
 * snapshot uses.
 *
 * <p>Mounts handed to the client are one bind mount each:
 * <ul>
 * <li>a snapshot with a parent: the lamina FUSE mount (the parent's chain, served by the store as
 *     one flattened lower layer, under its own upper; read-only for a view) that this process
 *     serves at {@code snapshots/ID/mnt};</li>
 * <li>a snapshot without a parent: its upper directory itself, as containerd's overlay snapshotter
 *     does. containerd unpacks the first layer of an image straight onto the disk (no FUSE in the
 *     way); there is nothing below to hide, so a delete is a plain delete and the directory has
 *     no whiteouts, and Commit turns it into a layer through the same tar path as any upper.</li>
 * </ul>
 * A FUSE mount is made at Prepare/View, taken away at Commit and Remove, and made again on demand
 * by Mounts after a restart (the metadata survives; committed snapshots need no mount).
 *
 * <p>Fast path: a Prepare whose labels carry {@value #REF_LABEL} naming a chain-id that the store
 * already has (the layers of an imported image, or of a committed snapshot), over a parent that is
 * that chain minus its top layer, records a committed snapshot under that name with the chain and
 * answers AlreadyExists, so containerd's unpacker skips the layer.
 *
 * <p>Usage: of an active snapshot with a parent, from its change journal (apparent bytes of the
 * upper; inodes of the upper and its root); of one without, a walk of its directory; of a
 * committed one, the figures taken at commit (for the fast path: the top layer's content bytes
 * and entries).
 *
 * <p>Errors are {@link SnapshotException}s in containerd's categories: an empty key is
 * InvalidArgument; an unknown key NotFound; Prepare/View/Commit onto a used key AlreadyExists;
 * a parent that is not committed InvalidArgument; Commit of a non-active snapshot and Mounts of a
 * committed one FailedPrecondition; Remove of a snapshot with children FailedPrecondition with a
 * message containing "remove"; Update of a field other than labels InvalidArgument.
 *
 * <p>Thread safety: one lock, held for every operation (including mounting and committing), keeps
 * the metadata, the directories and the live mounts consistent. Snapshot operations are rare next
 * to file I/O, which never takes it. Commit also takes the store's write lock
 * ({@link Images#locked}) around storing the layer and recording the hold.
 */
final class Snapshots implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Snapshots.class.getName());
    /** The label containerd's unpacker puts on a Prepare: the chain-id the snapshot will be committed as. */
    static final String REF_LABEL = "containerd.io/snapshot.ref";

    private final ReentrantLock lock = new ReentrantLock();
    private final Store store;
    private final Images images;
    private final Metadata meta;
    private final SnapshotDirs dirs;
    private final LiveMounts mounts;
    private final Clock clock;
    private long nextId;
    private boolean closed;

    private Snapshots(Store store, Images images, Metadata meta, SnapshotDirs dirs, LiveMounts mounts, Clock clock,
                      long nextId) {
        this.store = store;
        this.images = images;
        this.meta = meta;
        this.dirs = dirs;
        this.mounts = mounts;
        this.clock = clock;
        this.nextId = nextId;
    }

    /** Opens (creating if needed) the snapshotter state and the store under {@code root}. */
    static Snapshots open(Path root, FuseTransport transport, Clock clock) throws IOException {
        SnapshotDirs dirs = new SnapshotDirs(root);
        Store store = Store.open(root);
        Images images = null;
        Metadata meta = null;
        try {
            images = Images.open(store);
            meta = Metadata.open(root.resolve("meta"));
        } catch (RuntimeException | IOException e) {
            if (images != null) images.close();
            store.close();
            throw e;
        }
        long next = dirs.largestId().orElse(0) + 1;
        for (SnapshotRecord r : meta.all()) next = Math.max(next, r.id() + 1);
        return new Snapshots(store, images, meta, dirs, new LiveMounts(transport, store), clock, next);
    }

    List<SnapshotMount> prepare(String key, String parent, Map<String, String> labels) {
        return create(Kind.ACTIVE, key, parent, labels);
    }

    List<SnapshotMount> view(String key, String parent, Map<String, String> labels) {
        return create(Kind.VIEW, key, parent, labels);
    }

    private List<SnapshotMount> create(Kind kind, String key, String parent, Map<String, String> labels) {
        requireKey(key);
        lock.lock();
        try {
            requireOpen();
            if (meta.get(key).isPresent()) throw SnapshotException.alreadyExists("snapshot " + key + " already exists");
            SnapshotRecord p = null;
            if (!parent.isEmpty()) {
                p = meta.get(parent).orElseThrow(
                        () -> SnapshotException.notFound("parent snapshot " + parent + " does not exist"));
                if (p.kind() != Kind.COMMITTED) {
                    throw SnapshotException.invalidArgument("parent " + parent + " is not a committed snapshot");
                }
            }
            if (kind == Kind.ACTIVE && labels.containsKey(REF_LABEL) && fastPath(labels.get(REF_LABEL), p, labels)) {
                throw SnapshotException.alreadyExists("snapshot " + labels.get(REF_LABEL)
                        + " already exists (its layers are in lamina's store)");
            }
            long id = nextId++;
            Instant now = clock.instant();
            SnapshotRecord r = new SnapshotRecord(key, id, kind, parent, labels, now, now, -1, -1);
            // Directory first, then the record: a crash in between leaves a directory that
            // Cleanup removes, never a record without its directory.
            try {
                dirs.create(id);
            } catch (IOException e) {
                throw SnapshotException.internal("cannot create the directory of snapshot " + key + ": " + e.getMessage(), e);
            }
            meta.put(r);
            try {
                return mountsOf(r);
            } catch (RuntimeException e) {
                meta.remove(key);
                removeDirQuietly(id);
                throw e;
            }
        } finally {
            lock.unlock();
        }
    }

    List<SnapshotMount> mounts(String key) {
        requireKey(key);
        lock.lock();
        try {
            requireOpen();
            SnapshotRecord r = get(key);
            if (r.kind() == Kind.COMMITTED) {
                throw SnapshotException.failedPrecondition("snapshot " + key + " is committed: only active snapshots and views have mounts");
            }
            return mountsOf(r);
        } finally {
            lock.unlock();
        }
    }

    /** The mounts of an active snapshot or view, mounting its FUSE mount if it is not live. */
    private List<SnapshotMount> mountsOf(SnapshotRecord r) {
        boolean readOnly = r.kind() == Kind.VIEW;
        if (!r.hasParent()) return List.of(SnapshotMount.bind(dirs.upper(r.id()), readOnly));
        if (!mounts.isMounted(r.id())) {
            try {
                mounts.mount(r.id(), chainOf(r.parent()), dirs.upper(r.id()), dirs.work(r.id()),
                        dirs.mountpoint(r.id()), readOnly, dirs.journal(r.id()));
            } catch (RuntimeException e) {
                throw SnapshotException.internal("cannot mount snapshot " + r.key() + ": " + e.getMessage(), e);
            }
        }
        return List.of(SnapshotMount.bind(dirs.mountpoint(r.id()), readOnly));
    }

    /** The stored layers (diff-ids bottom first) of committed snapshot {@code key}. */
    private List<String> chainOf(String key) {
        SnapshotRecord p = meta.get(key).orElseThrow(
                () -> SnapshotException.internal("parent " + key + " of a snapshot is gone", null));
        return p.chain();
    }

    /**
     * The fast path of Prepare: when the store has the layers of chain-id {@code ref} and they are
     * {@code parent}'s chain plus one layer, records the committed snapshot {@code ref} (unless it
     * exists) holding them, and says true.
     */
    private boolean fastPath(String ref, SnapshotRecord parent, Map<String, String> labels) {
        if (meta.get(ref).isPresent()) return meta.get(ref).get().kind() == Kind.COMMITTED;
        List<String> below = parent == null ? List.of() : parent.chain();
        if (parent != null && below.isEmpty()) return false;
        Optional<List<String>> chain = storedChain(ref, below.size() + 1);
        if (chain.isEmpty() || !chain.get().subList(0, below.size()).equals(below)) return false;
        List<String> layers = chain.get();
        return recordChain(ref, parent, layers, labels) != null;
    }

    /**
     * Records the committed snapshot {@code ref} over {@code parent} (null: none) as the stored
     * {@code layers} (parent's chain plus one), holding them; null (nothing recorded) when a
     * layer is not stored.
     */
    private SnapshotRecord recordChain(String ref, SnapshotRecord parent, List<String> layers, Map<String, String> labels) {
        for (String d : layers) if (store.layer(d).isEmpty()) return null;
        LayerRecord l = store.layer(layers.getLast()).orElseThrow();
        long id = nextId++;
        Instant now = clock.instant();
        SnapshotRecord r = new SnapshotRecord(ref, id, Kind.COMMITTED, parent == null ? "" : parent.key(), labels,
                now, now, l.contentBytes(), l.entries(), layers);
        // Hold first, then the record: a crash in between leaves a hold that Cleanup releases.
        images.locked(() -> {
            images.hold(r.holder(), layers);
            meta.put(r);
            return null;
        });
        return r;
    }

    /**
     * Makes sure the stored layers {@code diffIdsBottomFirst} (for example an image's, from
     * {@link #images()}) are committed snapshots, one per layer, named by their chain-ids as
     * containerd names them, and returns the top one's key: the parent for {@link #prepare} or
     * {@link #view} of a container over that image, without unpacking anything.
     *
     * @throws SnapshotException NotFound when a layer is not in the store, InvalidArgument for no layers
     */
    String commitChain(List<String> diffIdsBottomFirst) {
        if (diffIdsBottomFirst.isEmpty()) throw SnapshotException.invalidArgument("an image without layers");
        lock.lock();
        try {
            requireOpen();
            SnapshotRecord parent = null;
            for (int n = 1; n <= diffIdsBottomFirst.size(); n++) {
                List<String> layers = List.copyOf(diffIdsBottomFirst.subList(0, n));
                String ref = Store.chainId(layers);
                SnapshotRecord r = meta.get(ref).orElse(null);
                if (r == null || r.kind() != Kind.COMMITTED || !r.chain().equals(layers)) {
                    if (r != null) throw SnapshotException.alreadyExists("snapshot " + ref + " exists and is not that chain");
                    r = recordChain(ref, parent, layers, Map.of(REF_LABEL, ref));
                    if (r == null) throw SnapshotException.notFound("layer " + layers.getLast() + " is not in the store");
                }
                parent = r;
            }
            return parent.key();
        } finally {
            lock.unlock();
        }
    }

    /** The image registry of the store this snapshotter shares its root with. */
    Images images() {
        return images;
    }

    /** The diff-ids (bottom first, {@code depth} of them) whose chain-id is {@code ref}, among the store's images and committed snapshots. */
    private Optional<List<String>> storedChain(String ref, int depth) {
        List<List<String>> candidates = new ArrayList<>();
        for (ImageRecord image : images.list()) candidates.add(image.diffIds());
        for (SnapshotRecord r : meta.all()) if (r.kind() == Kind.COMMITTED) candidates.add(r.chain());
        for (List<String> c : candidates) {
            if (c.size() >= depth && Store.chainId(c.subList(0, depth)).equals(ref)) {
                return Optional.of(List.copyOf(c.subList(0, depth)));
            }
        }
        return Optional.empty();
    }

    void commit(String name, String key, Map<String, String> labels) {
        requireKey(key);
        if (name.isEmpty()) throw SnapshotException.invalidArgument("the name to commit " + key + " under is empty");
        lock.lock();
        try {
            requireOpen();
            SnapshotRecord r = get(key);
            if (r.kind() != Kind.ACTIVE) throw SnapshotException.failedPrecondition("snapshot " + key + " is not active");
            if (meta.get(name).isPresent()) throw SnapshotException.alreadyExists("snapshot " + name + " already exists");
            List<String> below = r.hasParent() ? chainOf(r.parent()) : List.of();
            Path upper = dirs.upper(r.id());
            Path merged;
            DiskUsage used;
            try {
                if (r.hasParent()) {
                    // The data of metadata-only copies is read through the mount.
                    mountsOf(r);
                    merged = dirs.mountpoint(r.id());
                    Usage u = mounts.usage(r.id()).orElseThrow();
                    used = new DiskUsage(u.diffBytes(), u.inodes() + 1);
                } else {
                    merged = upper;
                    used = DiskUsage.of(upper);
                }
            } catch (IOException | RuntimeException e) {
                if (e instanceof SnapshotException se) throw se;
                throw SnapshotException.internal("cannot measure snapshot " + key + ": " + e.getMessage(), e);
            }
            // Layer, hold and committed record under the store's lock: gc never sees the layer
            // unreferenced. The committed record first, then the active one goes: a crash in
            // between leaves two records of one id, which Metadata.open resolves for the committed.
            try {
                images.locked(() -> {
                    LayerRecord layer = Commit.commit(store, upper, merged, n -> { });
                    List<String> chain = new ArrayList<>(below);
                    chain.add(layer.diffId());
                    SnapshotRecord c = r.committed(name, labels, clock.instant(), used.size(), used.inodes(), chain);
                    images.hold(c.holder(), chain);
                    meta.put(c);
                    return null;
                });
            } catch (StoreException | java.io.UncheckedIOException e) {
                throw SnapshotException.internal("cannot commit " + key + ": " + e.getMessage(), e);
            }
            meta.remove(key);
            mounts.unmount(r.id());
            removeDirQuietly(r.id());
        } finally {
            lock.unlock();
        }
    }

    void remove(String key) {
        requireKey(key);
        lock.lock();
        try {
            requireOpen();
            SnapshotRecord r = get(key);
            for (SnapshotRecord other : meta.all()) {
                if (other.parent().equals(key)) {
                    throw SnapshotException.failedPrecondition("cannot remove snapshot " + key
                            + ": snapshot " + other.key() + " is its child (remove the children first)");
                }
            }
            mounts.unmount(r.id());
            // Record first: a crash afterwards leaves a directory or a hold that Cleanup removes.
            meta.remove(key);
            if (r.kind() == Kind.COMMITTED) images.release(r.holder());
            removeDirQuietly(r.id());
        } finally {
            lock.unlock();
        }
    }

    SnapshotRecord stat(String key) {
        requireKey(key);
        lock.lock();
        try {
            requireOpen();
            return get(key);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Updates the labels of snapshot {@code key} as {@code paths} say: none or {@code labels}
     * replaces them all with {@code labels}; {@code labels.K} sets K to its value in
     * {@code labels}, or removes K when {@code labels} has none. Any other path (name, parent,
     * kind and times are immutable) is InvalidArgument.
     */
    SnapshotRecord update(String key, Map<String, String> labels, List<String> paths) {
        requireKey(key);
        lock.lock();
        try {
            requireOpen();
            SnapshotRecord r = get(key);
            Map<String, String> updated = new TreeMap<>(r.labels());
            if (paths.isEmpty()) {
                updated = new TreeMap<>(labels);
            } else {
                for (String path : paths) {
                    if (path.equals("labels")) {
                        updated = new TreeMap<>(labels);
                    } else if (path.startsWith("labels.")) {
                        String k = path.substring("labels.".length());
                        if (labels.containsKey(k)) updated.put(k, labels.get(k));
                        else updated.remove(k);
                    } else {
                        throw SnapshotException.invalidArgument("cannot update field " + path + " of snapshot " + key
                                + " (only labels can change)");
                    }
                }
            }
            SnapshotRecord u = r.withLabels(updated, clock.instant());
            meta.put(u);
            return u;
        } finally {
            lock.unlock();
        }
    }

    List<SnapshotRecord> list(List<String> filters) {
        Predicate<SnapshotRecord> match = Filters.parseAny(filters);
        lock.lock();
        try {
            requireOpen();
            return meta.all().stream().filter(match).toList();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Committed: the figures measured at commit. Active with a parent (mounted): its change
     * journal (apparent bytes; inodes of the upper plus its root). Otherwise a walk of its upper.
     */
    DiskUsage usage(String key) {
        requireKey(key);
        lock.lock();
        try {
            requireOpen();
            SnapshotRecord r = get(key);
            if (r.kind() == Kind.COMMITTED) return new DiskUsage(Math.max(0, r.size()), Math.max(0, r.inodes()));
            if (r.kind() == Kind.ACTIVE && r.hasParent()) {
                mountsOf(r);
                Optional<Usage> u = mounts.usage(r.id());
                if (u.isPresent()) return new DiskUsage(u.get().diffBytes(), u.get().inodes() + 1);
            }
            return DiskUsage.of(dirs.upper(r.id()));
        } catch (IOException e) {
            throw SnapshotException.internal("cannot measure snapshot " + key + ": " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Removes what a crash can leave: directories under snapshots/ that no active snapshot or
     * view names (committed snapshots have none), and holds of snapshots that are gone.
     */
    void cleanup() {
        lock.lock();
        try {
            requireOpen();
            Set<Long> known = new HashSet<>();
            Set<String> holders = new HashSet<>();
            for (SnapshotRecord r : meta.all()) {
                if (r.kind() == Kind.COMMITTED) holders.add(r.holder());
                else known.add(r.id());
            }
            for (String h : images.holds().keySet()) {
                if (h.startsWith("snapshot/") && !holders.contains(h)) images.release(h);
            }
            for (Path p : dirs.garbage(known)) {
                Unmount.unmountQuietly(p.resolve("mnt")); // a mount of a crashed process
                SnapshotDirs.deleteTree(p);
            }
        } catch (IOException e) {
            throw SnapshotException.internal("cleanup failed: " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    /** Snapshots by kind, and the number of live FUSE mounts (for metrics). */
    Map<Kind, Long> countByKind() {
        lock.lock();
        try {
            Map<Kind, Long> n = new TreeMap<>();
            for (Kind k : Kind.values()) n.put(k, 0L);
            if (closed) return n;
            for (SnapshotRecord r : meta.all()) n.merge(r.kind(), 1L, Long::sum);
            return n;
        } finally {
            lock.unlock();
        }
    }

    int liveMounts() {
        return mounts.count();
    }

    /** Number and bytes of the store's objects (for metrics; walks the objects). */
    ObjectStats storeStats() {
        return store.objectStats();
    }

    /** The FUSE side of the mounts, for metrics. */
    LiveMounts liveMountFigures() {
        return mounts;
    }

    /** Unmounts every FUSE mount and closes the metadata. Idempotent. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) return;
            closed = true;
            try {
                mounts.close();
            } finally {
                try {
                    meta.close();
                } finally {
                    images.close();
                    store.close();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private SnapshotRecord get(String key) {
        return meta.get(key).orElseThrow(() -> SnapshotException.notFound("snapshot " + key + " does not exist"));
    }

    private void removeDirQuietly(long id) {
        try {
            Unmount.unmountQuietly(dirs.mountpoint(id));
            dirs.remove(id);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot remove snapshot directory " + id + " (Cleanup will): " + e.getMessage());
        }
    }

    private void requireOpen() {
        if (closed) throw SnapshotException.failedPrecondition("the snapshotter is closed");
    }

    private static void requireKey(String key) {
        if (key == null || key.isEmpty()) throw SnapshotException.invalidArgument("empty snapshot key");
    }
}
