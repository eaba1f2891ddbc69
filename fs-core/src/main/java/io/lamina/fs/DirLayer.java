package io.lamina.fs;

import io.lamina.sys.DirEnt;
import io.lamina.sys.Posix;
import io.lamina.sys.Stat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A lower layer that is a directory, in the kernel overlayfs form (whiteout = char device 0/0,
 * {@code trusted.overlay.opaque} / {@code trusted.overlay.redirect}) or the OCI form
 * ({@code .wh.NAME}, {@code .wh..wh..opq}), held open by an O_PATH descriptor. Every access resolves
 * beneath that descriptor one component at a time, following no symlink ({@link Beneath}); what the
 * markers mean is asked of {@link WhiteoutFormat}.
 *
 * <p>The layer does not change while it is mounted, so the O_PATH descriptors of the directories
 * that names are looked up in are kept ({@link #DIR_CACHE} of them, least recently used dropped):
 * a probe is then one fstatat, not an openat2 from the root, an fstatat and a close. For the same
 * reason the names a listing found are kept ({@link #LISTED_CACHE} directories): a probe of a name
 * the directory does not hold (the common case for layers above the one that has it) is then
 * answered without a call, whiteout markers included.
 */
final class DirLayer implements LowerLayer {
    private final Path dir;
    private final int rootFd;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Directories kept open, by path; guarded by {@code this}. */
    private final Map<String, Integer> dirs = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
            if (size() <= DIR_CACHE) return false;
            Posix.closeQuietly(eldest.getValue());
            return true;
        }
    };
    static final int DIR_CACHE = 4096;
    /** Every name (markers included) of directories listed lately, by path; guarded by {@code this}. */
    private final Map<String, Set<String>> listed = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Set<String>> eldest) {
            return size() > LISTED_CACHE;
        }
    };
    static final int LISTED_CACHE = 1024;

    private DirLayer(Path dir, int rootFd) {
        this.dir = dir;
        this.rootFd = rootFd;
    }

    /** Opens directory {@code dir}. ENOENT or ENOTDIR (naming the layer) when it is not one. */
    static DirLayer open(Path dir) {
        try {
            return new DirLayer(dir, Posix.openat(Posix.AT_FDCWD, dir.toString(), Posix.O_PATH | Posix.O_DIRECTORY, 0));
        } catch (FsException e) {
            throw new FsException(e.errno(), "lower layer " + dir);
        }
    }

    @Override
    public synchronized LowerEntry probe(String path) {
        if (path.isEmpty()) return WhiteoutFormat.lowerDir(Posix.fstat(rootFd), rootFd, "");
        String name = RelPath.name(path);
        Set<String> known = listed.get(RelPath.parent(path));
        if (known != null && (!known.contains(name) || WhiteoutFormat.isMarkerName(name))) {
            return known.contains(WhiteoutFormat.OCI_PREFIX + name) ? LowerEntry.WHITEOUT : null;
        }
        int parent = parentOrNeg(path);
        if (parent < 0) return null;
        Stat st = Posix.fstatatOrNull(parent, name, Posix.AT_SYMLINK_NOFOLLOW);
        if (st == null || WhiteoutFormat.isMarkerName(name)) {
            return WhiteoutFormat.ociWhiteoutExists(parent, name) ? LowerEntry.WHITEOUT : null;
        }
        if (WhiteoutFormat.isWhiteout(st)) return LowerEntry.WHITEOUT;
        if (!st.isDir()) return LowerEntry.of(st);
        return WhiteoutFormat.lowerDir(st, parent, name);
    }

    /** Two calls fewer than {@link #probe} for a directory: no marker is read. */
    @Override
    public synchronized Stat stat(String path) {
        if (path.isEmpty()) return Posix.fstat(rootFd);
        String name = RelPath.name(path);
        if (WhiteoutFormat.isMarkerName(name)) return null;
        Set<String> known = listed.get(RelPath.parent(path));
        if (known != null && !known.contains(name)) return null;
        int parent = parentOrNeg(path);
        if (parent < 0) return null;
        Stat st = Posix.fstatatOrNull(parent, name, Posix.AT_SYMLINK_NOFOLLOW);
        return WhiteoutFormat.isWhiteout(st) ? null : st;
    }

    /**
     * The parent directory of {@code path}, kept open beneath the root, or -1 when it is not there.
     * Borrowed: valid while the caller holds this layer's monitor.
     */
    private int parentOrNeg(String path) {
        String parent = RelPath.parent(path);
        if (parent.isEmpty()) return rootFd;
        Integer fd = dirs.get(parent);
        if (fd != null) return fd;
        try {
            int opened = Beneath.openDir(rootFd, parent);
            dirs.put(parent, opened);
            return opened;
        } catch (FsException e) {
            if (isMiss(e)) return -1;
            throw e;
        }
    }

    private static boolean isMiss(FsException e) {
        return e.errno() == Errno.ENOENT || e.errno() == Errno.ENOTDIR || e.errno() == Errno.ELOOP;
    }

    @Override
    public List<LowerDirEntry> list(String path) {
        int fd;
        try {
            fd = Beneath.openDirForReading(rootFd, path);
        } catch (FsException e) {
            if (isMiss(e)) return List.of();
            throw e;
        }
        try {
            // By name: a real entry wins over a whiteout of the same name in this layer.
            Map<String, LowerDirEntry> out = new LinkedHashMap<>();
            List<DirEnt> ents = Posix.readDir(fd);
            Set<String> names = HashSet.newHashSet(ents.size());
            for (DirEnt e : ents) {
                String name = e.name();
                names.add(name);
                if (WhiteoutFormat.isMarkerName(name)) {
                    String hidden = WhiteoutFormat.ociHiddenName(name);
                    if (hidden != null) out.putIfAbsent(hidden, new LowerDirEntry(hidden, 0, null));
                    continue;
                }
                // d_type says enough, except for a char device (maybe a whiteout) or when unknown.
                Stat st = e.type() == DirEnt.DT_CHR || e.type() == DirEnt.DT_UNKNOWN
                        ? Posix.fstatatOrNull(fd, name, Posix.AT_SYMLINK_NOFOLLOW) : null;
                if (WhiteoutFormat.isWhiteout(st)) {
                    out.putIfAbsent(name, new LowerDirEntry(name, 0, null));
                    continue;
                }
                FileType type = st != null ? FileType.ofMode(st.mode()) : FileType.ofDirType(e.type());
                out.put(name, new LowerDirEntry(name, e.ino(), type));
            }
            synchronized (this) {
                listed.put(path, names);
            }
            return new ArrayList<>(out.values());
        } finally {
            Posix.close(fd);
        }
    }

    @Override
    public String readlink(String path) {
        try (EntryRef e = EntryRef.open(rootFd, path)) {
            return Posix.readlinkat(e.parentFd(), e.name());
        }
    }

    @Override
    public List<String> xattrNames(String path) {
        List<String> out = new ArrayList<>();
        try (EntryRef e = EntryRef.open(rootFd, path)) {
            for (String x : Posix.llistxattr(e.path())) {
                if (!WhiteoutFormat.isPrivateXattr(x)) out.add(x);
            }
        }
        return out;
    }

    @Override
    public byte[] xattr(String path, String name) {
        try (EntryRef e = EntryRef.open(rootFd, path)) {
            return Posix.lgetxattr(e.path(), name);
        }
    }

    @Override
    public int openData(String path) {
        return Beneath.openForReadingQuietly(rootFd, path);
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        synchronized (this) {
            dirs.values().forEach(Posix::closeQuietly);
            dirs.clear();
        }
        Posix.closeQuietly(rootFd);
    }

    @Override
    public String toString() {
        return "directory layer " + dir;
    }
}
