package io.lamina.fs;

import io.lamina.sys.Posix;
import io.lamina.sys.Stat;
import io.lamina.sys.StatFsInfo;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * lamina's engine: the merged view of a stack of lower layers and one upper, inode-based.
 *
 * <p>Locking, first step: one lock ({@link #lock}) serializes every call that reads or changes the
 * tree of nodes or the layout of the upper. Reads and writes of file data through an open handle
 * take it only when the handle must move to a copied-up file, so data transfer runs in parallel.
 */
final class Union implements InodeFs {
    private final ReentrantLock lock = new ReentrantLock();
    private final List<Layer> layers;
    private final Upper upper;
    private final Resolver resolver;
    private final CopyUp copyUp;
    private final InodeNumbers inos;
    private final DirListing listing;
    private final Handles handles = new Handles();
    private final NodeTable nodes;
    private final NodeAttributes attrs;
    private final FileData data;
    private final Rename renames;
    private final Changes changes;

    Union(List<Layer> layers, Upper upper, CopyUp.Faults faults, Changes changes) {
        this.changes = changes;
        this.layers = layers;
        this.upper = upper;
        this.resolver = new Resolver(layers);
        this.copyUp = new CopyUp(upper, faults);
        this.inos = new InodeNumbers(upper.dev, layers);
        this.listing = new DirListing(upper, inos);
        Stat rootStat = Posix.fstat(upper.rootFd);
        Node root = new Node(ROOT, FileType.DIRECTORY, inos.of(rootStat.dev(), rootStat.ino()), null, "");
        root.inUpper = true;
        root.lowerDirs = rootLowers();
        root.lookups = 1;
        this.nodes = new NodeTable(root, resolver, inos, upper);
        this.attrs = new NodeAttributes(upper, copyUp, handles);
        this.data = new FileData(lock, upper, copyUp, attrs);
        this.renames = new Rename(nodes, copyUp, resolver, listing, upper);
    }

    /** The root directories of the lower layers that merge under the root, down to an opaque one. */
    private List<LowerRef> rootLowers() {
        List<LowerRef> out = new ArrayList<>();
        for (Layer l : layers) {
            out.add(new LowerRef(l, ""));
            if (l.opaqueRoot()) break;
        }
        return List.copyOf(out);
    }

    /** Runs {@code op} holding the engine lock. */
    private <T> T locked(Supplier<T> op) {
        lock.lock();
        try {
            return op.get();
        } finally {
            lock.unlock();
        }
    }

    private void locked(Runnable op) {
        lock.lock();
        try {
            op.run();
        } finally {
            lock.unlock();
        }
    }

    // ---- lookup and attributes ----------------------------------------------------------------

    @Override
    public Entry lookup(long parent, String name) {
        return locked(() -> {
            Node p = nodes.dir(parent);
            RelPath.checkName(name);
            Node child = p.unlinked ? null : p.children.get(name);
            Stat fresh = null;
            if (child == null) {
                Resolution r = nodes.resolve(p, name);
                if (r == null) return null;
                child = nodes.adopt(p, name, r);
                fresh = NodeTable.freshStat(child, r);
            }
            child.lookups++;
            return new Entry(child.nodeId, attrs.of(child, fresh));
        });
    }

    @Override
    public void forget(long nodeId, long count) {
        locked(() -> {
            Node n = nodes.find(nodeId);
            if (n == null || n == nodes.root) return;
            n.lookups -= count;
            nodes.release(n);
        });
    }

    @Override
    public Attr getattr(long nodeId) {
        return locked(() -> attrs.of(nodes.node(nodeId)));
    }

    // ---- helpers -------------------------------------------------------------------------------

    /**
     * Creates a new upper entry {@code name} in {@code p} with {@code make} (which creates it under
     * the name it is given inside the directory fd it is given), atomically replacing a whiteout if
     * one is there. A directory replacing a whiteout is made opaque: what the layers below held
     * under that name stays hidden.
     */
    private Entry createEntry(Node p, String name, FileType type, int mode, Caller caller, Maker make) {
        RelPath.checkName(name);
        if (nodes.child(p, name) != null) throw new FsException(Errno.EEXIST, RelPath.join(p.displayPath(), name));
        return createAbsent(p, name, type, mode, caller, make);
    }

    /** {@link #createEntry} once the caller has checked that the merged view has no {@code name} in {@code p}. */
    private Entry createAbsent(Node p, String name, FileType type, int mode, Caller caller, Maker make) {
        copyUp.ensureUpper(p, false);
        int dirFd = upper.dirFd(p);
        Stat st;
        // Made in place first, with the asked permission bits; only when the name is taken (by a
        // whiteout: the merged view has no such name) is it made aside and renamed over it.
        if (makeUnlessTaken(make, dirFd, name, mode & 0777)) {
            st = Posix.fstatat(dirFd, name, Posix.AT_SYMLINK_NOFOLLOW);
            if (!hasOwnerAndMode(st, type, mode, caller)) {
                Stat parentStat = Posix.fstat(dirFd);
                if ((parentStat.mode() & S_ISGID) != 0) {
                    // A setgid directory gives new entries its group, and new directories its bit.
                    caller = new Caller(caller.uid(), parentStat.gid());
                    if (type == FileType.DIRECTORY) mode |= S_ISGID;
                }
                if (!hasOwnerAndMode(st, type, mode, caller)) {
                    setOwnerAndMode(dirFd, name, type, mode, caller);
                    st = null;
                }
            }
            // As the kernel does: a new directory in a merged one never looks below.
            if (type == FileType.DIRECTORY && !p.lowerDirs.isEmpty()) {
                markOpaque(dirFd, name);
                st = null;
            }
        } else {
            Stat parentStat = Posix.fstat(dirFd);
            if ((parentStat.mode() & S_ISGID) != 0) {
                caller = new Caller(caller.uid(), parentStat.gid());
                if (type == FileType.DIRECTORY) mode |= S_ISGID;
            }
            String tmp = upper.tempName();
            try {
                make.make(upper.tempFd, tmp, type == FileType.DIRECTORY ? 0700 : 0600);
                setOwnerAndMode(upper.tempFd, tmp, type, mode, caller);
                if (type == FileType.DIRECTORY) {
                    markOpaque(upper.tempFd, tmp);
                    Posix.renameat2(upper.tempFd, tmp, dirFd, name, Posix.RENAME_EXCHANGE);
                } else {
                    Posix.renameat2(upper.tempFd, tmp, dirFd, name, 0);
                }
            } finally {
                upper.discardTemp(tmp);
            }
            st = null;
        }
        if (st == null) st = Posix.fstatat(dirFd, name, Posix.AT_SYMLINK_NOFOLLOW);
        Node c = nodes.newChild(p, name, type, st);
        changes.created(c);
        return new Entry(c.nodeId, attrs.of(c, st));
    }

    /**
     * Makes {@code name} in {@code dirFd}; false when the name is taken by a whiteout. EEXIST when
     * it is taken by anything else (the upper changed behind the union's back).
     */
    private static boolean makeUnlessTaken(Maker make, int dirFd, String name, int perm) {
        try {
            make.make(dirFd, name, perm);
            return true;
        } catch (FsException e) {
            if (e.errno() == Errno.EEXIST && WhiteoutFormat.isWhiteoutAt(dirFd, name)) return false;
            throw e;
        }
    }

    /** Whether a just-made entry already has the caller's owner and {@code mode} (a symlink: any mode). */
    private static boolean hasOwnerAndMode(Stat st, FileType type, int mode, Caller caller) {
        return st.uid() == caller.uid() && st.gid() == caller.gid()
                && (type == FileType.SYMLINK || (st.mode() & 07777) == (mode & 07777));
    }

    private static void markOpaque(int parentFd, String name) {
        int d = Beneath.openDirForReading(parentFd, name);
        try {
            WhiteoutFormat.markOpaque(d);
        } finally {
            Posix.close(d);
        }
    }

    @FunctionalInterface
    private interface Maker {
        /** Creates {@code name} in {@code dirFd} with permission bits {@code perm} (the umask applies). */
        void make(int dirFd, String name, int perm);
    }

    private static final int S_ISGID = 02000;

    private static void setOwnerAndMode(int dirFd, String name, FileType type, int mode, Caller caller) {
        Posix.fchownat(dirFd, name, caller.uid(), caller.gid(), Posix.AT_SYMLINK_NOFOLLOW);
        // Set the mode explicitly: the daemon's umask must not change what the caller asked for.
        if (type != FileType.SYMLINK) Posix.fchmodat(dirFd, name, mode & 07777, Posix.AT_SYMLINK_NOFOLLOW);
    }

    // ---- creating ------------------------------------------------------------------------------

    @Override
    public Entry mknod(long parent, String name, int mode, long rdev, Caller caller) {
        return locked(() -> {
            FileType type = FileType.ofMode(mode);
            if (type == FileType.DIRECTORY || type == FileType.SYMLINK) throw new FsException(Errno.EINVAL, name);
            return createEntry(nodes.dir(parent), name, type, mode, caller,
                    (fd, n, perm) -> Posix.mknodat(fd, n, (mode & FileType.S_IFMT) | perm, rdev));
        });
    }

    @Override
    public Entry mkdir(long parent, String name, int mode, Caller caller) {
        return locked(() -> createEntry(nodes.dir(parent), name, FileType.DIRECTORY, mode, caller, (fd, n, perm) -> Posix.mkdirat(fd, n, perm)));
    }

    @Override
    public Entry symlink(long parent, String name, String target, Caller caller) {
        return locked(() -> createEntry(nodes.dir(parent), name, FileType.SYMLINK, 0777, caller, (fd, n, perm) -> Posix.symlinkat(target, fd, n)));
    }

    @Override
    public Created create(long parent, String name, int mode, int flags, Caller caller) {
        return locked(() -> {
            Node p = nodes.dir(parent);
            RelPath.checkName(name);
            Node existing = nodes.child(p, name);
            if (existing != null) {
                if ((flags & Posix.O_EXCL) != 0) throw new FsException(Errno.EEXIST, RelPath.join(p.displayPath(), name));
                existing.lookups++;
                return new Created(new Entry(existing.nodeId, attrs.of(existing)), openLocked(existing, flags));
            }
            // The descriptor that made the file becomes the handle's: no second open.
            int[] made = {-1};
            int access = flags & (Posix.O_ACCMODE | Posix.O_APPEND);
            try {
                Entry e = createAbsent(p, name, FileType.REGULAR, mode, caller, (fd, n, perm) ->
                        made[0] = Posix.openat(fd, n, Posix.O_CREAT | Posix.O_EXCL | Posix.O_NOFOLLOW | access, perm));
                Node c = nodes.node(e.nodeId());
                Handles.File h = new Handles.File(c, flags & ~Posix.O_TRUNC, made[0], FileData.onUpper(c));
                made[0] = -1;
                c.opens++;
                // As openLocked reports a handle opened for writing.
                if ((flags & Posix.O_ACCMODE) != Posix.O_RDONLY) changes.data(c);
                return new Created(e, handles.add(h));
            } finally {
                Posix.closeQuietly(made[0]);
            }
        });
    }

    @Override
    public Entry link(long nodeId, long newParent, String newName) {
        return locked(() -> {
            Node src = nodes.node(nodeId);
            if (src.isDir()) throw new FsException(Errno.EPERM, "hard link to directory " + src.displayPath());
            if (src.unlinked) throw new FsException(Errno.ENOENT, src.displayPath());
            Node np = nodes.dir(newParent);
            RelPath.checkName(newName);
            if (nodes.child(np, newName) != null) throw new FsException(Errno.EEXIST, RelPath.join(np.displayPath(), newName));
            copyUp.ensureUpper(src, false);
            copyUp.ensureUpper(np, false);
            // The inode records where its lower data is, since its names no longer tell.
            int srcDir = upper.dirFd(src.parent);
            int dstDir = upper.dirFd(np);
            if (src.type == FileType.REGULAR && src.lower != null) {
                Posix.lsetxattr(Beneath.procPath(srcDir, src.name), WhiteoutFormat.REDIRECT_XATTR,
                        WhiteoutFormat.absoluteRedirect(src.lower.path()), 0);
            }
            if (WhiteoutFormat.isWhiteoutAt(dstDir, newName)) {
                String tmp = upper.tempName();
                Posix.linkat(srcDir, src.name, upper.tempFd, tmp, 0);
                Posix.renameat2(upper.tempFd, tmp, dstDir, newName, 0);
            } else {
                Posix.linkat(srcDir, src.name, dstDir, newName, 0);
            }
            Node c = nodes.linkChild(src, np, newName);
            changes.created(c);
            changes.metadata(src);
            return new Entry(c.nodeId, attrs.of(c));
        });
    }

    // ---- removing ------------------------------------------------------------------------------

    @Override
    public void unlink(long parent, String name) {
        locked(() -> {
            Node p = nodes.dir(parent);
            Node c = nodes.existing(p, name);
            if (c.isDir()) throw new FsException(Errno.EISDIR, c.displayPath());
            copyUp.dropLowerName(c);
            remove(p, c);
        });
    }

    @Override
    public void rmdir(long parent, String name) {
        locked(() -> {
            Node p = nodes.dir(parent);
            Node c = nodes.existing(p, name);
            if (!c.isDir()) throw new FsException(Errno.ENOTDIR, c.displayPath());
            if (!listing.list(c).isEmpty()) throw new FsException(Errno.ENOTEMPTY, c.displayPath());
            remove(p, c);
        });
    }

    /**
     * Removes {@code c} from {@code p}: its upper entry goes (moved to the work directory and
     * deleted there, so a directory full of whiteouts goes too), and a whiteout takes its place when
     * a lower layer has the name.
     */
    private void remove(Node p, Node c) {
        boolean below = resolver.existsBelow(p.lowerDirs, c.name);
        copyUp.ensureUpper(p, false);
        int dirFd = upper.dirFd(p);
        if (c.inUpper) {
            String tmp = upper.tempName();
            Posix.renameat2(dirFd, c.name, upper.tempFd, tmp, below ? Posix.RENAME_WHITEOUT : 0);
            upper.discardTemp(tmp);
        } else if (below) {
            WhiteoutFormat.makeWhiteout(dirFd, c.name);
        }
        nodes.detach(c);
        changes.deleted(p, c.name, c.type);
    }

    // ---- rename --------------------------------------------------------------------------------

    @Override
    public void rename(long parent, String name, long newParent, String newName, int flags) {
        locked(() -> {
            Node p = nodes.dir(parent);
            Node np = nodes.dir(newParent);
            if (!changes.enabled()) {
                renames.rename(p, name, np, newName, flags);
                return;
            }
            Node src = nodes.existing(p, name);
            Node dst = (flags & RENAME_EXCHANGE) != 0 ? nodes.child(np, newName) : null;
            renames.rename(p, name, np, newName, flags);
            if (src.parent == p && src.name.equals(name)) return;
            changes.deleted(p, name, src.type);
            changes.created(src);
            if (dst != null) {
                changes.deleted(np, newName, dst.type);
                changes.created(dst);
            }
        });
    }

    // ---- attributes ----------------------------------------------------------------------------

    @Override
    public Attr setattr(long nodeId, SetAttr ch, long fh, Caller caller) {
        return locked(() -> {
            Node n = nodes.node(nodeId);
            Handles.File h = handles.fileOrNull(fh);
            if (n.unlinked) {
                if (h == null) h = handles.anyOpen(n);
                if (h == null) throw new FsException(Errno.ENOENT, n.displayPath());
                applyToFd(h.fd, ch);
                return attrs.of(n);
            }
            if (ch.size() != null) {
                if (n.isDir()) throw new FsException(Errno.EISDIR, n.displayPath());
                if (n.type != FileType.REGULAR) throw new FsException(Errno.EINVAL, n.displayPath());
                copyUp.ensureUpper(n, true);
                int fd = Posix.openat(upper.parentFd(n), n.name, Posix.O_WRONLY | Posix.O_NOFOLLOW, 0);
                try {
                    Posix.ftruncate(fd, ch.size());
                } finally {
                    Posix.close(fd);
                }
            }
            if (ch.mode() != null || ch.uid() != null || ch.gid() != null || ch.atimeNs() != null || ch.mtimeNs() != null) {
                copyUp.ensureUpper(n, false);
                int dirFd = upper.parentFd(n);
                String name = Upper.nameIn(n);
                if (ch.uid() != null || ch.gid() != null) {
                    Posix.fchownat(dirFd, name, ch.uid() == null ? -1 : ch.uid(), ch.gid() == null ? -1 : ch.gid(),
                            Posix.AT_SYMLINK_NOFOLLOW);
                }
                if (ch.mode() != null && n.type != FileType.SYMLINK) {
                    Posix.fchmodat(dirFd, name, ch.mode() & 07777, Posix.AT_SYMLINK_NOFOLLOW);
                }
                if (ch.atimeNs() != null || ch.mtimeNs() != null) {
                    long[] a = timespec(ch.atimeNs());
                    long[] m = timespec(ch.mtimeNs());
                    Posix.utimensat(dirFd, name, a[0], a[1], m[0], m[1], Posix.AT_SYMLINK_NOFOLLOW);
                }
                if (ch.size() == null) changes.metadata(n);
            }
            if (ch.size() != null) changes.data(n);
            return attrs.of(n);
        });
    }

    private static void applyToFd(int fd, SetAttr ch) {
        if (ch.size() != null) Posix.ftruncate(fd, ch.size());
        if (ch.uid() != null || ch.gid() != null) Posix.fchown(fd, ch.uid() == null ? -1 : ch.uid(), ch.gid() == null ? -1 : ch.gid());
        if (ch.mode() != null) Posix.fchmod(fd, ch.mode() & 07777);
        if (ch.atimeNs() != null || ch.mtimeNs() != null) {
            long[] a = timespec(ch.atimeNs());
            long[] m = timespec(ch.mtimeNs());
            Posix.futimens(fd, a[0], a[1], m[0], m[1]);
        }
    }

    private static long[] timespec(Long ns) {
        if (ns == null) return new long[] {0, Posix.UTIME_OMIT};
        if (ns == SetAttr.NOW) return new long[] {0, Posix.UTIME_NOW};
        return new long[] {Math.floorDiv(ns, 1_000_000_000L), Math.floorMod(ns, 1_000_000_000L)};
    }

    @Override
    public String readlink(long nodeId) {
        return locked(() -> {
            Node n = nodes.node(nodeId);
            if (n.type != FileType.SYMLINK) throw new FsException(Errno.EINVAL, n.displayPath() + " is not a symlink");
            if (!n.inUpper) return n.lower.readlink();
            return Posix.readlinkat(upper.parentFd(n), n.name);
        });
    }

    // ---- open files ----------------------------------------------------------------------------

    @Override
    public long open(long nodeId, int flags) {
        return locked(() -> openLocked(nodes.node(nodeId), flags));
    }

    private long openLocked(Node n, int flags) {
        if (n.isDir()) throw new FsException(Errno.EISDIR, n.displayPath());
        if (n.type == FileType.SYMLINK) throw new FsException(Errno.ELOOP, n.displayPath());
        if (n.type != FileType.REGULAR) throw new FsException(Errno.ENXIO, n.displayPath() + " is not a regular file");
        boolean write = (flags & Posix.O_ACCMODE) != Posix.O_RDONLY || (flags & Posix.O_TRUNC) != 0;
        if (write) copyUp.ensureUpper(n, true);
        int realFlags = flags & (Posix.O_ACCMODE | Posix.O_APPEND | Posix.O_TRUNC);
        Handles.File h = new Handles.File(n, flags, data.open(n, realFlags), FileData.onUpper(n));
        n.opens++;
        if (write) changes.data(n);
        return handles.add(h);
    }

    @Override
    public int read(long fh, long offset, ByteBuffer dst) {
        Handles.File h = handles.file(fh);
        if ((h.flags & Posix.O_ACCMODE) == Posix.O_WRONLY) throw new FsException(Errno.EBADF, "not open for reading");
        if (!h.accessed) data.markAccessed(h);
        return Posix.pread(data.fd(h), dst, offset);
    }

    @Override
    public int write(long fh, long offset, ByteBuffer src) {
        Handles.File h = handles.file(fh);
        if (!h.writable) throw new FsException(Errno.EBADF, "not open for writing");
        return Posix.pwrite(h.fd, src, offset);
    }

    @Override
    public void flush(long fh) {
        Handles.File h = handles.file(fh);
        // Writes may have bypassed the engine (passthrough): every close(2) reports the file.
        if (h.writable && changes.enabled()) locked(() -> changes.data(h.node));
    }

    @Override
    public void release(long fh) {
        locked(() -> {
            Handles.File h = handles.removeFile(fh);
            Posix.closeQuietly(h.fd);
            synchronized (h.retired) {
                h.retired.forEach(Posix::closeQuietly);
            }
            h.node.opens--;
            if (h.writable) changes.data(h.node);
            nodes.release(h.node);
        });
    }

    @Override
    public void fsync(long fh, boolean dataOnly) {
        Handles.File h = handles.file(fh);
        if (upper.isVolatile || !h.onUpper) return;
        if (dataOnly) Posix.fdatasync(h.fd);
        else Posix.fsync(h.fd);
    }

    @Override
    public void fallocate(long fh, int mode, long offset, long length) {
        Handles.File h = handles.file(fh);
        if (!h.writable) throw new FsException(Errno.EBADF, "not open for writing");
        Posix.fallocate(h.fd, mode, offset, length);
    }

    /**
     * Every handle has a real file: the upper file (writable handles were copied up at open), the
     * lower file, or the index entry. A read-only handle keeps the file it was opened on even if
     * the node is copied up later (the kernel reads it directly, without asking the engine).
     */
    @Override
    public OptionalInt backingFd(long fh) {
        Handles.File h = handles.file(fh);
        // The kernel will read without asking: update the atime now, as the first read would.
        if (!h.accessed && (h.flags & Posix.O_ACCMODE) != Posix.O_WRONLY) data.markAccessed(h);
        return OptionalInt.of(data.fd(h));
    }

    @Override
    public long lseek(long fh, long offset, int whence) {
        Handles.File h = handles.file(fh);
        return Posix.lseek(data.fd(h), offset, whence);
    }

    // ---- directories ---------------------------------------------------------------------------

    @Override
    public long opendir(long nodeId) {
        return locked(() -> {
            Node n = nodes.dir(nodeId);
            n.opens++;
            return handles.add(new Handles.Dir(n));
        });
    }

    @Override
    public List<DirEntry> readdir(long dh, long offset, int max) {
        Handles.Dir d = handles.dir(dh);
        List<DirEntry> entries = listingOf(d);
        List<DirEntry> out = new ArrayList<>(Math.min(max, entries.size() + 2));
        Node n = d.node;
        for (long i = offset; i < entries.size() + 2 && out.size() < max; i++) {
            if (i == 0) out.add(new DirEntry(".", n.ino, FileType.DIRECTORY, 1));
            else if (i == 1) out.add(new DirEntry("..", (n.parent == null ? n : n.parent).ino, FileType.DIRECTORY, 2));
            else out.add(entries.get((int) (i - 2)));
        }
        return out;
    }

    /** The handle's listing, taken now if this is its first readdir. */
    private List<DirEntry> listingOf(Handles.Dir d) {
        List<DirEntry> entries = d.entries;
        if (entries != null) return entries;
        return locked(() -> {
            if (d.entries == null) d.entries = d.node.unlinked ? List.of() : listing.list(d.node);
            return d.entries;
        });
    }

    @Override
    public void releasedir(long dh) {
        locked(() -> {
            Handles.Dir d = handles.dir(dh);
            handles.removeDir(dh);
            d.node.opens--;
            nodes.release(d.node);
        });
    }

    @Override
    public void fsyncdir(long dh, boolean dataOnly) {
        Handles.Dir d = handles.dir(dh);
        if (upper.isVolatile || !d.node.inUpper) return;
        locked(() -> {
            int fd = Beneath.openDirForReading(upper.rootFd, d.node.upperPath());
            try {
                Posix.fsync(fd);
            } finally {
                Posix.close(fd);
            }
        });
    }

    // ---- xattrs --------------------------------------------------------------------------------

    @Override
    public byte[] getxattr(long nodeId, String name) {
        return locked(() -> {
            Node n = nodes.node(nodeId);
            if (WhiteoutFormat.isPrivateXattr(name)) throw new FsException(Errno.ENODATA, name);
            byte[] v = attrs.xattr(n, name);
            if (v == null) throw new FsException(Errno.ENODATA, name + " on " + n.displayPath());
            return v;
        });
    }

    @Override
    public List<String> listxattr(long nodeId) {
        return locked(() -> {
            return attrs.xattrNames(nodes.node(nodeId));
        });
    }

    @Override
    public void setxattr(long nodeId, String name, byte[] value, int flags) {
        locked(() -> {
            Node n = nodes.node(nodeId);
            if (WhiteoutFormat.isPrivateXattr(name)) throw new FsException(Errno.EPERM, name + " belongs to the union");
            copyUp.ensureUpper(n, false);
            try (EntryRef e = attrs.metadataEntry(n)) {
                Posix.lsetxattr(e.path(), name, value, flags);
            }
            changes.metadata(n);
        });
    }

    @Override
    public void removexattr(long nodeId, String name) {
        locked(() -> {
            Node n = nodes.node(nodeId);
            if (WhiteoutFormat.isPrivateXattr(name)) throw new FsException(Errno.EPERM, name + " belongs to the union");
            if (!n.inUpper && attrs.xattr(n, name) == null) {
                throw new FsException(Errno.ENODATA, name + " on " + n.displayPath());
            }
            copyUp.ensureUpper(n, false);
            try (EntryRef e = attrs.metadataEntry(n)) {
                Posix.lremovexattr(e.path(), name);
            }
            changes.metadata(n);
        });
    }

    // ---- the rest ------------------------------------------------------------------------------

    @Override
    public StatFs statfs() {
        StatFsInfo s = Posix.fstatfs(upper.rootFd);
        return new StatFs(s.blocks(), s.bfree(), s.bavail(), s.files(), s.ffree(), (int) s.bsize(),
                (int) s.namelen(), (int) s.frsize());
    }

    @Override
    public void access(long nodeId, int mask, Caller caller) {
        Attr a = getattr(nodeId);
        if (mask == 0) return;
        int perm = a.mode();
        if (caller.uid() == 0) {
            boolean anyExec = (perm & 0111) != 0 || a.type() == FileType.DIRECTORY;
            if ((mask & 1) != 0 && !anyExec) throw new FsException(Errno.EACCES, "no execute bit");
            return;
        }
        int bits = caller.uid() == a.uid() ? (perm >> 6) & 7 : caller.gid() == a.gid() ? (perm >> 3) & 7 : perm & 7;
        if ((bits & mask) != mask) throw new FsException(Errno.EACCES, "mode " + Integer.toOctalString(perm & 07777));
    }

    @Override
    public void close() {
        locked(() -> {
            for (Handles.File h : handles.openFiles()) {
                Posix.closeQuietly(h.fd);
            }
            layers.forEach(Layer::close);
            nodes.closeDescriptors();
            upper.close();
        });
    }
}
