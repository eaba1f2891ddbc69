package io.lamina.snapshotter;

import io.lamina.fuse.FuseTransport;
import io.lamina.fuse.Unmount;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * containerd's snapshotter contract over directory layers and lamina FUSE mounts.
 *
 * <p>A snapshot's files live in {@code snapshots/ID/fs} ({@link SnapshotDirs}); its key lives only
 * in the {@link Metadata}. Commit is a metadata update: the active snapshot's upper, in the overlay
 * format, becomes the lower layer of the committed snapshot's children.
 *
 * <p>Mounts handed to the client are one bind mount each:
 * <ul>
 * <li>a snapshot with a parent: the lamina FUSE mount (parent chain under its own upper, read-only
 *     for a view) that this process serves at {@code snapshots/ID/mnt};</li>
 * <li>a snapshot without a parent: its upper directory itself, as containerd's overlay snapshotter
 *     does. There is nothing below to hide, so no whiteout is ever needed, and containerd unpacks
 *     the first layer of an image straight onto the disk.</li>
 * </ul>
 * A FUSE mount is made at Prepare/View, taken away at Commit and Remove, and made again on demand
 * by Mounts after a restart (the metadata survives; committed snapshots need no mount).
 *
 * <p>Errors are {@link SnapshotException}s in containerd's categories: an empty key is
 * InvalidArgument; an unknown key NotFound; Prepare/View/Commit onto a used key AlreadyExists;
 * a parent that is not committed InvalidArgument; Commit of a non-active snapshot and Mounts of a
 * committed one FailedPrecondition; Remove of a snapshot with children FailedPrecondition with a
 * message containing "remove"; Update of a field other than labels InvalidArgument.
 *
 * <p>Thread safety: one lock, held for every operation (including mounting), keeps the metadata,
 * the directories and the live mounts consistent. Snapshot operations are rare next to file I/O,
 * which never takes it.
 */
final class Snapshots implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Snapshots.class.getName());

    private final ReentrantLock lock = new ReentrantLock();
    private final Metadata meta;
    private final SnapshotDirs dirs;
    private final LiveMounts mounts;
    private final Clock clock;
    private long nextId;
    private boolean closed;

    private Snapshots(Metadata meta, SnapshotDirs dirs, LiveMounts mounts, Clock clock, long nextId) {
        this.meta = meta;
        this.dirs = dirs;
        this.mounts = mounts;
        this.clock = clock;
        this.nextId = nextId;
    }

    /** Opens (creating if needed) the snapshotter state under {@code root}. */
    static Snapshots open(Path root, FuseTransport transport, Clock clock) throws IOException {
        SnapshotDirs dirs = new SnapshotDirs(root);
        Metadata meta = Metadata.open(root.resolve("meta"));
        long next = dirs.largestId().orElse(0) + 1;
        for (SnapshotRecord r : meta.all()) next = Math.max(next, r.id() + 1);
        return new Snapshots(meta, dirs, new LiveMounts(transport), clock, next);
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
            if (!parent.isEmpty()) {
                SnapshotRecord p = meta.get(parent).orElseThrow(
                        () -> SnapshotException.notFound("parent snapshot " + parent + " does not exist"));
                if (p.kind() != Kind.COMMITTED) {
                    throw SnapshotException.invalidArgument("parent " + parent + " is not a committed snapshot");
                }
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
                mounts.mount(r.id(), chain(r.parent()), dirs.upper(r.id()), dirs.work(r.id()),
                        dirs.mountpoint(r.id()), readOnly);
            } catch (RuntimeException e) {
                throw SnapshotException.internal("cannot mount snapshot " + r.key() + ": " + e.getMessage(), e);
            }
        }
        return List.of(SnapshotMount.bind(dirs.mountpoint(r.id()), readOnly));
    }

    /** The upper directories of {@code key} and its ancestors, top first: the lowers of a child. */
    private List<Path> chain(String key) {
        List<Path> lowers = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String k = key; !k.isEmpty(); ) {
            if (!seen.add(k)) throw SnapshotException.internal("parent chain of " + key + " loops at " + k, null);
            SnapshotRecord p = meta.get(k).orElseThrow(
                    () -> SnapshotException.internal("parent chain of " + key + " is broken", null));
            lowers.add(dirs.upper(p.id()));
            k = p.parent();
        }
        return lowers;
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
            if (r.hasParent()) fillMetacopies(r);
            mounts.unmount(r.id());
            DiskUsage used;
            try {
                used = DiskUsage.of(dirs.upper(r.id()));
            } catch (IOException e) {
                throw SnapshotException.internal("cannot measure snapshot " + key + ": " + e.getMessage(), e);
            }
            // The committed record first, then the active one goes: a crash in between leaves two
            // records of one directory, which Metadata.open resolves in favour of the committed.
            meta.put(r.committed(name, labels, clock.instant(), used.size(), used.inodes()));
            meta.remove(key);
            try {
                dirs.dropWork(r.id());
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot remove the work directory of " + name + ": " + e.getMessage());
            }
        } finally {
            lock.unlock();
        }
    }

    /** Makes the upper of {@code r} self-contained (see {@link Metacopies}), mounting it if needed. */
    private void fillMetacopies(SnapshotRecord r) {
        try {
            List<Path> files = Metacopies.find(dirs.upper(r.id()));
            if (files.isEmpty()) return;
            mountsOf(r);
            Metacopies.fill(dirs.mountpoint(r.id()), files);
        } catch (IOException e) {
            throw SnapshotException.internal("cannot commit " + r.key() + ": copying up data of metadata-only copies: "
                    + e.getMessage(), e);
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
            // Record first: a crash afterwards leaves a directory that Cleanup removes.
            meta.remove(key);
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

    /** Committed: the figures measured at commit. Active or view: a walk of its upper now. */
    DiskUsage usage(String key) {
        requireKey(key);
        lock.lock();
        try {
            requireOpen();
            SnapshotRecord r = get(key);
            if (r.kind() == Kind.COMMITTED && r.size() >= 0) return new DiskUsage(r.size(), r.inodes());
            return DiskUsage.of(dirs.upper(r.id()));
        } catch (IOException e) {
            throw SnapshotException.internal("cannot measure snapshot " + key + ": " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    /** Removes every directory under snapshots/ that no record names (left by a crash). */
    void cleanup() {
        lock.lock();
        try {
            requireOpen();
            Set<Long> known = new HashSet<>();
            for (SnapshotRecord r : meta.all()) known.add(r.id());
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
                meta.close();
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
