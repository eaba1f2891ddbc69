package io.lamina.fuse;

import io.lamina.fs.Entry;
import io.lamina.fs.Errno;
import io.lamina.fs.FsException;
import io.lamina.fs.InodeFs;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Turns the absolute paths of a path-based transport (libfuse2's high-level API) into the NodeIds
 * of an inode-based {@link InodeFs}, by walking {@link InodeFs#lookup} from {@link InodeFs#ROOT}
 * one component at a time.
 *
 * <p>Resolved paths are cached. Every cached path holds exactly one lookup count of its node, and
 * that count is given back with {@link InodeFs#forget} when the path leaves the cache (on
 * {@link #changing} for unlink, rmdir and rename, when the cache overflows, and on {@link #clear}),
 * so lookup counts stay balanced. A path that misses gives {@code ENOENT}; a component that is not a
 * directory gives what the engine says ({@code ENOTDIR}).
 *
 * <p>Locking, in this class only: cache hits take no lock. Filling the cache takes the read side of
 * one read-write lock, and namespace changes run with the write side, so a lookup that raced with a
 * rename can never put the old name back into the cache after the rename invalidated it.
 */
final class PathTable {
    /** Above this many cached paths the cache is emptied (forgetting each), which keeps it simple. */
    static final int MAX_CACHED = 1 << 16;

    private final InodeFs fs;
    private final int maxCached;
    private final Map<String, Long> cache = new ConcurrentHashMap<>();
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

    PathTable(InodeFs fs) {
        this(fs, MAX_CACHED);
    }

    PathTable(InodeFs fs, int maxCached) {
        this.fs = fs;
        this.maxCached = maxCached;
    }

    /** A path split into the directory that holds it and its last component. */
    record Parent(long node, String name) {
    }

    /** The NodeId of {@code path}; ENOENT if some component is missing. */
    long resolve(String path) {
        requireAbsolute(path);
        if (path.equals("/")) return InodeFs.ROOT;
        Long hit = cache.get(path);
        if (hit != null) return hit;
        trimIfFull();
        lock.readLock().lock();
        try {
            return walk(path);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The directory holding {@code path} and its last name; EINVAL for "/" (it has no parent). */
    Parent parent(String path) {
        requireAbsolute(path);
        int slash = path.lastIndexOf('/');
        String name = path.substring(slash + 1);
        if (name.isEmpty()) throw new FsException(Errno.EINVAL, path);
        long dir = resolve(slash == 0 ? "/" : path.substring(0, slash));
        return new Parent(dir, name);
    }

    /**
     * Looks {@code path} up afresh and hands the caller the lookup count that comes with the
     * answer (for an open handle, which must keep its node alive after an unlink); the caller
     * forgets it. ENOENT if missing.
     */
    Entry lookupHeld(String path) {
        Parent p = parent(path);
        Entry e = fs.lookup(p.node(), p.name());
        if (e == null) throw new FsException(Errno.ENOENT, path);
        return e;
    }

    /** Records {@code path} as naming {@code created} (from mkdir, mknod, symlink, link), taking over its lookup count. */
    void created(String path, Entry created) {
        lock.readLock().lock();
        try {
            put(path, created.nodeId());
        } finally {
            lock.readLock().unlock();
        }
    }

    /** A namespace change: the engine call that makes it. */
    @FunctionalInterface
    interface Change {
        void apply();
    }

    /**
     * Runs {@code change} (unlink, rmdir, rename) with no resolution in flight, then drops
     * {@code affected} paths and everything below them from the cache (also when the change failed,
     * since it may have happened in part).
     */
    void changing(Change change, String... affected) {
        lock.writeLock().lock();
        try {
            change.apply();
        } finally {
            for (String p : affected) invalidate(p);
            lock.writeLock().unlock();
        }
    }

    /** Forgets every cached path (at unmount). */
    void clear() {
        lock.writeLock().lock();
        try {
            drainAll();
        } finally {
            lock.writeLock().unlock();
        }
    }

    int cachedCount() {
        return cache.size();
    }

    private long walk(String path) {
        // Start from the deepest cached ancestor, then look up the rest one component at a time.
        int end = path.length();
        long node = InodeFs.ROOT;
        int from = 1;
        for (int slash = path.lastIndexOf('/', end - 1); slash > 0; slash = path.lastIndexOf('/', slash - 1)) {
            Long hit = cache.get(path.substring(0, slash));
            if (hit != null) {
                node = hit;
                from = slash + 1;
                break;
            }
        }
        while (from <= end) {
            int next = path.indexOf('/', from);
            if (next < 0) next = end;
            String name = path.substring(from, next);
            if (name.isEmpty()) throw new FsException(Errno.EINVAL, "empty component in " + path);
            Entry e = fs.lookup(node, name);
            if (e == null) throw new FsException(Errno.ENOENT, path);
            node = put(path.substring(0, next), e.nodeId());
            from = next + 1;
        }
        return node;
    }

    /** Caches path -> node holding one count; if another thread cached it first, our count goes back. */
    private long put(String path, long node) {
        Long before = cache.putIfAbsent(path, node);
        if (before == null) return node;
        fs.forget(node, 1);
        return before;
    }

    private void invalidate(String path) {
        Long node = cache.remove(path);
        if (node != null) fs.forget(node, 1);
        String prefix = path.equals("/") ? "/" : path + "/";
        for (var it = cache.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (e.getKey().startsWith(prefix)) {
                it.remove();
                fs.forget(e.getValue(), 1);
            }
        }
    }

    private void trimIfFull() {
        if (cache.size() < maxCached) return;
        lock.writeLock().lock();
        try {
            if (cache.size() >= maxCached) drainAll();
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Empties the cache, giving back each path's count; the caller holds the write lock. */
    private void drainAll() {
        for (var it = cache.entrySet().iterator(); it.hasNext(); ) {
            long node = it.next().getValue();
            it.remove();
            fs.forget(node, 1);
        }
    }

    private static void requireAbsolute(String path) {
        if (path == null) throw new FsException(Errno.ENOENT, "no path (unlinked)");
        if (!path.startsWith("/")) throw new FsException(Errno.EINVAL, "relative path " + path);
    }
}
