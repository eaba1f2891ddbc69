package io.lamina.fs.contract;

import io.lamina.fs.Attr;
import io.lamina.fs.Caller;
import io.lamina.fs.DirEntry;
import io.lamina.fs.Entry;
import io.lamina.fs.Errno;
import io.lamina.fs.FileType;
import io.lamina.fs.FsException;
import io.lamina.fs.InodeFs;
import io.lamina.fs.SetAttr;
import io.lamina.fs.StatFs;
import io.lamina.sys.Posix;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * {@link UserFs} mapped onto lamina's inode API, playing the part of the kernel VFS: paths are
 * resolved by {@link InodeFs#lookup} one component at a time from {@link InodeFs#ROOT}, every
 * lookup is forgotten when the operation ends, and the checks the VFS makes before it would call
 * a filesystem (EEXIST for an existing name, EISDIR/ENOTDIR/EPERM by type, EOPNOTSUPP for chmod of
 * a symlink, EPERM for user.* xattrs on symlinks and special files, ELOOP for O_NOFOLLOW on a
 * symlink, EINVAL for readlink of a non-symlink) are made here, so that what the engine is asked
 * is what a FUSE mount would ask it.
 */
public final class EngineUserFs implements UserFs {
    private final InodeFs fs;
    private final Caller caller = Caller.ROOT;

    public EngineUserFs(InodeFs fs) {
        this.fs = fs;
    }

    /** The looked-up nodes of one operation, forgotten at its end. */
    private final class Walk implements AutoCloseable {
        private final List<Long> held = new ArrayList<>();

        /** The node at {@code path}, or null when its last component does not exist (ENOENT/ENOTDIR on the way). */
        Entry find(String path) {
            if (path.isEmpty()) return new Entry(InodeFs.ROOT, fs.getattr(InodeFs.ROOT));
            long node = InodeFs.ROOT;
            String[] parts = path.split("/");
            Entry e = null;
            for (int i = 0; i < parts.length; i++) {
                e = fs.lookup(node, parts[i]);
                if (e == null) {
                    if (i < parts.length - 1) throw new FsException(Errno.ENOENT, path);
                    return null;
                }
                held(e);
                if (i < parts.length - 1 && e.attr().type() != FileType.DIRECTORY) {
                    throw new FsException(Errno.ENOTDIR, path);
                }
                node = e.nodeId();
            }
            return e;
        }

        Entry existing(String path) {
            Entry e = find(path);
            if (e == null) throw new FsException(Errno.ENOENT, path);
            return e;
        }

        /** The directory holding the last component of {@code path}. */
        long parent(String path) {
            int slash = path.lastIndexOf('/');
            if (slash < 0) return InodeFs.ROOT;
            Entry dir = existing(path.substring(0, slash));
            if (dir.attr().type() != FileType.DIRECTORY) throw new FsException(Errno.ENOTDIR, path);
            return dir.nodeId();
        }

        /** Parent of a name to be created: EEXIST if the name exists. */
        long parentOfNew(String path) {
            long p = parent(path);
            if (find(path) != null) throw new FsException(Errno.EEXIST, path);
            return p;
        }

        Entry held(Entry e) {
            if (e.nodeId() != InodeFs.ROOT) held.add(e.nodeId());
            return e;
        }

        /** Takes one lookup of {@code node} out of this walk: the caller forgets it later. */
        void keep(long node) {
            held.remove(Long.valueOf(node));
        }

        @Override
        public void close() {
            for (long n : held) fs.forget(n, 1);
        }
    }

    private static String name(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    private <T> Outcome<T> walk(Function<Walk, T> op) {
        return Outcome.of(() -> {
            try (Walk w = new Walk()) {
                return op.apply(w);
            }
        });
    }

    static UserStat toUserStat(Attr a) {
        return new UserStat(a.type(), a.mode(), a.uid(), a.gid(), a.size(), a.nlink(), a.rdev(), a.ino(),
                a.atimeSec(), a.atimeNsec(), a.mtimeSec(), a.mtimeNsec());
    }

    /** Opens a non-directory the way open(2) with O_NOFOLLOW does; returns the handle. */
    private long openNode(Entry e, int flags) {
        FileType t = e.attr().type();
        if (t == FileType.SYMLINK) throw new FsException(Errno.ELOOP, "O_NOFOLLOW");
        if (t == FileType.DIRECTORY) {
            if ((flags & Posix.O_ACCMODE) != Posix.O_RDONLY) throw new FsException(Errno.EISDIR, "open");
            throw new FsException(Errno.EINVAL, "the contract opens directories only through readdir");
        }
        return fs.open(e.nodeId(), flags & ~(Posix.O_NOFOLLOW | Posix.O_CLOEXEC));
    }

    private <T> Outcome<T> withHandle(String path, int flags, java.util.function.LongFunction<T> op) {
        return walk(w -> {
            long fh = openNode(w.existing(path), flags);
            try {
                return op.apply(fh);
            } finally {
                fs.flush(fh);
                fs.release(fh);
            }
        });
    }

    @Override
    public Outcome<UserStat> lstat(String path) {
        return walk(w -> toUserStat(w.existing(path).attr()));
    }

    @Override
    public Outcome<List<String>> readdir(String path) {
        return walk(w -> {
            Entry e = w.existing(path);
            if (e.attr().type() != FileType.DIRECTORY) throw new FsException(Errno.ENOTDIR, path);
            long dh = fs.opendir(e.nodeId());
            try {
                List<String> names = new ArrayList<>();
                long off = 0;
                while (true) {
                    List<DirEntry> batch = fs.readdir(dh, off, 64);
                    if (batch.isEmpty()) break;
                    for (DirEntry d : batch) {
                        if (!d.name().equals(".") && !d.name().equals("..")) names.add(d.name());
                        off = d.nextOffset();
                    }
                }
                names.sort(null);
                return names;
            } finally {
                fs.releasedir(dh);
            }
        });
    }

    @Override
    public Outcome<String> readlink(String path) {
        return walk(w -> {
            Entry e = w.existing(path);
            if (e.attr().type() != FileType.SYMLINK) throw new FsException(Errno.EINVAL, path);
            return fs.readlink(e.nodeId());
        });
    }

    @Override
    public Outcome<String> contentHash(String path) {
        return withHandle(path, Posix.O_RDONLY, fh -> ContentHash.of(source(fh)));
    }

    private ContentHash.Source source(long fh) {
        return new ContentHash.Source() {
            private final long size = fs.lseek(fh, 0, InodeFs.SEEK_END);

            @Override
            public long size() {
                return size;
            }

            @Override
            public long seek(long offset, int whence) {
                return fs.lseek(fh, offset, whence);
            }

            @Override
            public int read(long offset, ByteBuffer dst) {
                int p = dst.position();
                int n = fs.read(fh, offset, dst);
                dst.position(p + Math.max(n, 0));
                return n;
            }
        };
    }

    private byte[] readHandle(long fh, long offset, int length) {
        ByteBuffer buf = ByteBuffer.allocate(length);
        while (buf.hasRemaining()) {
            int p = buf.position();
            int n = fs.read(fh, offset + p, buf);
            if (n <= 0) break;
            buf.position(p + n);
        }
        byte[] out = new byte[buf.position()];
        buf.flip().get(out);
        return out;
    }

    @Override
    public Outcome<byte[]> pread(String path, long offset, int length) {
        return withHandle(path, Posix.O_RDONLY, fh -> readHandle(fh, offset, length));
    }

    @Override
    public Outcome<Integer> pwrite(String path, long offset, byte[] data) {
        return withHandle(path, Posix.O_WRONLY, fh -> fs.write(fh, offset, ByteBuffer.wrap(data)));
    }

    @Override
    public Outcome<Void> truncate(String path, long size) {
        return walk(w -> {
            Entry e = w.existing(path);
            long fh = openNode(e, Posix.O_WRONLY);
            try {
                fs.setattr(e.nodeId(), SetAttr.none().withSize(size), fh, caller);
            } finally {
                fs.flush(fh);
                fs.release(fh);
            }
            return null;
        });
    }

    @Override
    public Outcome<Void> create(String path, int mode) {
        return walk(w -> {
            var c = fs.create(w.parentOfNew(path), name(path), FileType.REGULAR.modeBits | mode,
                    Posix.O_CREAT | Posix.O_EXCL | Posix.O_WRONLY, caller);
            w.held(c.entry());
            fs.flush(c.fh());
            fs.release(c.fh());
            return null;
        });
    }

    @Override
    public Outcome<Void> mkdir(String path, int mode) {
        return walk(w -> {
            w.held(fs.mkdir(w.parentOfNew(path), name(path), mode, caller));
            return null;
        });
    }

    @Override
    public Outcome<Void> mknod(String path, int mode, long rdev) {
        return walk(w -> {
            w.held(fs.mknod(w.parentOfNew(path), name(path), mode, rdev, caller));
            return null;
        });
    }

    @Override
    public Outcome<Void> symlink(String target, String path) {
        return walk(w -> {
            w.held(fs.symlink(w.parentOfNew(path), name(path), target, caller));
            return null;
        });
    }

    @Override
    public Outcome<Void> link(String existing, String path) {
        return walk(w -> {
            Entry src = w.existing(existing);
            if (src.attr().type() == FileType.DIRECTORY) throw new FsException(Errno.EPERM, existing);
            w.held(fs.link(src.nodeId(), w.parentOfNew(path), name(path)));
            return null;
        });
    }

    @Override
    public Outcome<Void> unlink(String path) {
        return walk(w -> {
            long p = w.parent(path);
            if (w.existing(path).attr().type() == FileType.DIRECTORY) throw new FsException(Errno.EISDIR, path);
            fs.unlink(p, name(path));
            return null;
        });
    }

    @Override
    public Outcome<Void> rmdir(String path) {
        return walk(w -> {
            long p = w.parent(path);
            if (w.existing(path).attr().type() != FileType.DIRECTORY) throw new FsException(Errno.ENOTDIR, path);
            fs.rmdir(p, name(path));
            return null;
        });
    }

    @Override
    public Outcome<Void> rename(String from, String to, int flags) {
        return walk(w -> {
            long fromParent = w.parent(from);
            Entry src = w.existing(from);
            long toParent = w.parent(to);
            Entry dst = w.find(to);
            boolean srcDir = src.attr().type() == FileType.DIRECTORY;
            if ((flags & InodeFs.RENAME_EXCHANGE) != 0 && dst == null) throw new FsException(Errno.ENOENT, to);
            if ((flags & InodeFs.RENAME_NOREPLACE) != 0 && dst != null) throw new FsException(Errno.EEXIST, to);
            if (srcDir && (to + "/").startsWith(from + "/")) throw new FsException(Errno.EINVAL, to);
            if (dst != null && (flags & InodeFs.RENAME_EXCHANGE) == 0) {
                boolean dstDir = dst.attr().type() == FileType.DIRECTORY;
                if (srcDir && !dstDir) throw new FsException(Errno.ENOTDIR, to);
                if (!srcDir && dstDir) throw new FsException(Errno.EISDIR, to);
                if (dst.nodeId() == src.nodeId()) return null; // same inode: rename(2) does nothing
            }
            fs.rename(fromParent, name(from), toParent, name(to), flags);
            return null;
        });
    }

    @Override
    public Outcome<Void> chmod(String path, int mode) {
        return walk(w -> {
            Entry e = w.existing(path);
            if (e.attr().type() == FileType.SYMLINK) throw new FsException(Errno.EOPNOTSUPP, path);
            fs.setattr(e.nodeId(), SetAttr.none().withMode(mode & 07777), -1, caller);
            return null;
        });
    }

    @Override
    public Outcome<Void> chown(String path, int uid, int gid) {
        return walk(w -> {
            Entry e = w.existing(path);
            fs.setattr(e.nodeId(), SetAttr.none().withOwner(uid == -1 ? null : uid, gid == -1 ? null : gid), -1,
                    caller);
            return null;
        });
    }

    private static Long timeNs(Time t) {
        if (t.equals(Time.OMIT)) return null;
        if (t.equals(Time.NOW)) return SetAttr.NOW;
        return t.sec() * 1_000_000_000L + t.nsec();
    }

    @Override
    public Outcome<Void> utimes(String path, Time atime, Time mtime) {
        return walk(w -> {
            Entry e = w.existing(path);
            Long a = timeNs(atime);
            Long m = timeNs(mtime);
            if (a != null || m != null) fs.setattr(e.nodeId(), SetAttr.none().withTimes(a, m), -1, caller);
            return null;
        });
    }

    /** The VFS refuses user.* xattrs on anything but regular files and directories. */
    private static void checkXattrTarget(Entry e, String name) {
        FileType t = e.attr().type();
        if (name.startsWith("user.") && t != FileType.REGULAR && t != FileType.DIRECTORY) {
            throw new FsException(Errno.EPERM, name);
        }
    }

    @Override
    public Outcome<byte[]> getxattr(String path, String name) {
        return walk(w -> {
            Entry e = w.existing(path);
            FileType t = e.attr().type();
            // getxattr of user.* on other types answers ENODATA from the VFS without asking the fs
            if (name.startsWith("user.") && t != FileType.REGULAR && t != FileType.DIRECTORY) {
                throw new FsException(Errno.ENODATA, name);
            }
            return fs.getxattr(e.nodeId(), name);
        });
    }

    @Override
    public Outcome<Void> setxattr(String path, String name, byte[] value, int flags) {
        return walk(w -> {
            Entry e = w.existing(path);
            checkXattrTarget(e, name);
            fs.setxattr(e.nodeId(), name, value, flags);
            return null;
        });
    }

    @Override
    public Outcome<List<String>> listxattr(String path) {
        return walk(w -> {
            List<String> names = new ArrayList<>(fs.listxattr(w.existing(path).nodeId()));
            names.sort(null);
            return names;
        });
    }

    @Override
    public Outcome<Void> removexattr(String path, String name) {
        return walk(w -> {
            Entry e = w.existing(path);
            checkXattrTarget(e, name);
            fs.removexattr(e.nodeId(), name);
            return null;
        });
    }

    @Override
    public Outcome<UserStatFs> statfs() {
        return Outcome.of(() -> {
            StatFs s = fs.statfs();
            return new UserStatFs(s.blockSize(), s.nameMax(), s.blocks() > 0);
        });
    }

    @Override
    public Outcome<Void> access(String path, int mask) {
        return walk(w -> {
            fs.access(w.existing(path).nodeId(), mask, caller);
            return null;
        });
    }

    @Override
    public Outcome<Void> fallocate(String path, int mode, long offset, long length) {
        return withHandle(path, Posix.O_WRONLY, fh -> {
            fs.fallocate(fh, mode, offset, length);
            return null;
        });
    }

    @Override
    public Outcome<Long> lseek(String path, long offset, int whence) {
        return withHandle(path, Posix.O_RDONLY, fh -> fs.lseek(fh, offset, whence));
    }

    @Override
    public Outcome<OpenFile> open(String path, int flags) {
        return walk(w -> {
            Entry e = w.existing(path);
            long node = e.nodeId();
            long fh = openNode(e, flags);
            w.keep(node); // as the kernel does, the open file holds its lookup until close
            return (OpenFile) new OpenFile() {
                @Override
                public Outcome<byte[]> pread(long offset, int length) {
                    return Outcome.of(() -> readHandle(fh, offset, length));
                }

                @Override
                public Outcome<Integer> pwrite(long offset, byte[] data) {
                    return Outcome.of(() -> fs.write(fh, offset, ByteBuffer.wrap(data)));
                }

                @Override
                public Outcome<UserStat> fstat() {
                    return Outcome.of(() -> toUserStat(fs.getattr(node)));
                }

                @Override
                public Outcome<Void> close() {
                    return Outcome.run(() -> {
                        fs.flush(fh);
                        fs.release(fh);
                        if (node != InodeFs.ROOT) fs.forget(node, 1);
                    });
                }
            };
        });
    }
}
