package io.lamina.fuse;

import io.lamina.fs.Attr;
import io.lamina.fs.Caller;
import io.lamina.fs.Created;
import io.lamina.fs.DirEntry;
import io.lamina.fs.Entry;
import io.lamina.fs.Errno;
import io.lamina.fs.FsException;
import io.lamina.fs.InodeFs;
import io.lamina.fs.SetAttr;
import io.lamina.fs.StatFs;
import jnr.ffi.Pointer;
import jnr.ffi.Struct;
import ru.serce.jnrfuse.FuseFillDir;
import ru.serce.jnrfuse.FuseStubFS;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.FuseContext;
import ru.serce.jnrfuse.struct.FuseFileInfo;
import ru.serce.jnrfuse.struct.Statvfs;
import ru.serce.jnrfuse.struct.Timespec;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * libfuse2's high-level, path-based callbacks, answered by an inode-based {@link InodeFs}.
 * Paths become NodeIds in {@link PathTable}; every callback runs through {@link FuseErrors#call},
 * the only place exceptions become {@code -errno}.
 *
 * <p>Lookup counts stay balanced: a cached path holds one count (see {@link PathTable}); an open
 * file holds one more, taken at open or create and given back at release, so a file unlinked
 * while open keeps its node (libfuse runs with {@code hard_remove} and {@code nullpath_ok}, so
 * calls on such a file arrive with a null path and are answered through the handle).
 */
final class JnrFs extends FuseStubFS {
    private static final int READDIR_BATCH = 256;
    private static final long UTIME_NOW = (1L << 30) - 1, UTIME_OMIT = (1L << 30) - 2;
    // fuse_operations bit-field flags (libfuse 2.9): accept a null path for open files whose name
    // is gone, and pass UTIME_NOW/UTIME_OMIT through to utimens.
    private static final int FLAG_NULLPATH_OK = 1, FLAG_UTIME_OMIT_OK = 1 << 2;

    private final InodeFs fs;
    private final PathTable paths;
    /** Open file handle -> the node it holds one lookup count of. */
    private final Map<Long, Long> openFiles = new ConcurrentHashMap<>();
    /** Open directory handles: libfuse may drop a RELEASEDIR that races the unmount. */
    private final Set<Long> openDirs = ConcurrentHashMap.newKeySet();

    JnrFs(InodeFs fs) {
        this.fs = fs;
        this.paths = new PathTable(fs);
        setOperationFlags(FLAG_NULLPATH_OK | FLAG_UTIME_OMIT_OK);
    }

    /**
     * Sets fuse_operations' flag bits, which jnr-fuse does not expose. In libfuse 2.9 they are one
     * unsigned int after the first 38 function pointers, followed by 6 more pointers; the layout
     * is checked against the struct's size before writing.
     */
    private void setOperationFlags(int flags) {
        int ptr = jnr.ffi.Runtime.getSystemRuntime().addressSize();
        if (Struct.size(fuseOperations) != 45 * ptr) {
            throw new IllegalStateException("unexpected fuse_operations layout: " + Struct.size(fuseOperations) + " bytes");
        }
        Struct.getMemory(fuseOperations).putInt(38L * ptr, flags);
    }

    /** Runs libfuse's mount-and-serve loop in the calling thread; returns its exit code after unmount. */
    int serve(String[] args) {
        return libFuse.fuse_main_real(args.length, args, fuseOperations, Struct.size(fuseOperations), null);
    }

    /** Gives back every lookup count still held (after the loop has ended). */
    void releaseAll() {
        for (var it = openFiles.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            it.remove();
            FuseErrors.call("release at unmount", () -> {
                try {
                    fs.release(e.getKey());
                } finally {
                    fs.forget(e.getValue(), 1);
                }
                return 0;
            });
        }
        for (var it = openDirs.iterator(); it.hasNext(); ) {
            long dh = it.next();
            it.remove();
            FuseErrors.call("releasedir at unmount", () -> {
                fs.releasedir(dh);
                return 0;
            });
        }
        paths.clear();
    }

    PathTable paths() {
        return paths;
    }

    // ---- attributes

    @Override
    public int getattr(String path, FileStat stat) {
        return FuseErrors.call("getattr", () -> fill(stat, fs.getattr(paths.resolve(path))));
    }

    @Override
    public int fgetattr(String path, FileStat stat, FuseFileInfo fi) {
        return FuseErrors.call("fgetattr", () -> fill(stat, fs.getattr(nodeOf(path, fi))));
    }

    @Override
    public int chmod(String path, long mode) {
        return setattr("chmod", path, null, SetAttr.none().withMode((int) mode & 07777));
    }

    @Override
    public int chown(String path, long uid, long gid) {
        // (uid_t) -1 means "leave as is"; it arrives as -1 or as 0xffffffff depending on widening.
        Integer u = (int) uid == -1 ? null : (int) uid;
        Integer g = (int) gid == -1 ? null : (int) gid;
        return setattr("chown", path, null, SetAttr.none().withOwner(u, g));
    }

    @Override
    public int truncate(String path, long size) {
        return setattr("truncate", path, null, SetAttr.none().withSize(size));
    }

    @Override
    public int ftruncate(String path, long size, FuseFileInfo fi) {
        return setattr("ftruncate", path, fi, SetAttr.none().withSize(size));
    }

    @Override
    public int utimens(String path, Timespec[] times) {
        return setattr("utimens", path, null, SetAttr.none().withTimes(time(times[0]), time(times[1])));
    }

    private int setattr(String what, String path, FuseFileInfo fi, SetAttr changes) {
        return FuseErrors.call(what, () -> {
            long node = fi == null ? paths.resolve(path) : nodeOf(path, fi);
            fs.setattr(node, changes, fi == null ? -1 : fi.fh.get(), caller());
            return 0;
        });
    }

    private static Long time(Timespec t) {
        long nsec = t.tv_nsec.longValue();
        if (nsec == UTIME_OMIT) return null;
        if (nsec == UTIME_NOW) return SetAttr.NOW;
        return t.tv_sec.get() * 1_000_000_000L + nsec;
    }

    @Override
    public int access(String path, int mask) {
        return FuseErrors.call("access", () -> {
            fs.access(paths.resolve(path), mask, caller());
            return 0;
        });
    }

    @Override
    public int readlink(String path, Pointer buf, long size) {
        return FuseErrors.call("readlink", () -> {
            byte[] target = fs.readlink(paths.resolve(path)).getBytes(StandardCharsets.UTF_8);
            // libfuse wants a NUL-terminated string, cut to the buffer.
            int n = (int) Math.min(target.length, size - 1);
            buf.put(0, target, 0, n);
            buf.putByte(n, (byte) 0);
            return 0;
        });
    }

    @Override
    public int statfs(String path, Statvfs st) {
        return FuseErrors.call("statfs", () -> {
            StatFs s = fs.statfs();
            st.f_bsize.set(s.blockSize());
            st.f_frsize.set(s.fragmentSize());
            st.f_blocks.set(s.blocks());
            st.f_bfree.set(s.blocksFree());
            st.f_bavail.set(s.blocksAvailable());
            st.f_files.set(s.files());
            st.f_ffree.set(s.filesFree());
            st.f_favail.set(s.filesFree());
            st.f_namemax.set(s.nameMax());
            return 0;
        });
    }

    // ---- namespace

    @Override
    public int mknod(String path, long mode, long rdev) {
        return FuseErrors.call("mknod", () -> {
            PathTable.Parent p = paths.parent(path);
            paths.created(path, fs.mknod(p.node(), p.name(), (int) mode, rdev, caller()));
            return 0;
        });
    }

    @Override
    public int mkdir(String path, long mode) {
        return FuseErrors.call("mkdir", () -> {
            PathTable.Parent p = paths.parent(path);
            paths.created(path, fs.mkdir(p.node(), p.name(), (int) mode, caller()));
            return 0;
        });
    }

    @Override
    public int symlink(String target, String path) {
        return FuseErrors.call("symlink", () -> {
            PathTable.Parent p = paths.parent(path);
            paths.created(path, fs.symlink(p.node(), p.name(), target, caller()));
            return 0;
        });
    }

    @Override
    public int link(String existing, String path) {
        return FuseErrors.call("link", () -> {
            long node = paths.resolve(existing);
            PathTable.Parent p = paths.parent(path);
            paths.created(path, fs.link(node, p.node(), p.name()));
            return 0;
        });
    }

    @Override
    public int unlink(String path) {
        return FuseErrors.call("unlink", () -> {
            PathTable.Parent p = paths.parent(path);
            paths.changing(() -> fs.unlink(p.node(), p.name()), path);
            return 0;
        });
    }

    @Override
    public int rmdir(String path) {
        return FuseErrors.call("rmdir", () -> {
            PathTable.Parent p = paths.parent(path);
            paths.changing(() -> fs.rmdir(p.node(), p.name()), path);
            return 0;
        });
    }

    @Override
    public int rename(String from, String to) {
        return FuseErrors.call("rename", () -> {
            PathTable.Parent a = paths.parent(from);
            PathTable.Parent b = paths.parent(to);
            paths.changing(() -> fs.rename(a.node(), a.name(), b.node(), b.name(), 0), from, to);
            return 0;
        });
    }

    // ---- files

    @Override
    public int open(String path, FuseFileInfo fi) {
        return FuseErrors.call("open", () -> {
            Entry held = paths.lookupHeld(path);
            long fh;
            try {
                fh = fs.open(held.nodeId(), fi.flags.get());
            } catch (RuntimeException e) {
                fs.forget(held.nodeId(), 1);
                throw e;
            }
            openFiles.put(fh, held.nodeId());
            fi.fh.set(fh);
            return 0;
        });
    }

    @Override
    public int create(String path, long mode, FuseFileInfo fi) {
        return FuseErrors.call("create", () -> {
            PathTable.Parent p = paths.parent(path);
            Created c = fs.create(p.node(), p.name(), (int) mode, fi.flags.get(), caller());
            openFiles.put(c.fh(), c.entry().nodeId());
            fi.fh.set(c.fh());
            return 0;
        });
    }

    @Override
    public int read(String path, Pointer buf, long size, long offset, FuseFileInfo fi) {
        return FuseErrors.call("read", () -> {
            ByteBuffer dst = nativeBuffer(buf, size);
            long fh = fi.fh.get();
            // A short read means end of file to the kernel, so fill the buffer unless the file ends.
            while (dst.hasRemaining()) {
                int n = fs.read(fh, offset + dst.position(), dst);
                if (n <= 0) break;
            }
            return dst.position();
        });
    }

    @Override
    public int write(String path, Pointer buf, long size, long offset, FuseFileInfo fi) {
        return FuseErrors.call("write", () -> fs.write(fi.fh.get(), offset, nativeBuffer(buf, size)));
    }

    @Override
    public int flush(String path, FuseFileInfo fi) {
        return FuseErrors.call("flush", () -> {
            fs.flush(fi.fh.get());
            return 0;
        });
    }

    @Override
    public int release(String path, FuseFileInfo fi) {
        return FuseErrors.call("release", () -> {
            long fh = fi.fh.get();
            Long node = openFiles.remove(fh);
            try {
                fs.release(fh);
            } finally {
                if (node != null) fs.forget(node, 1);
            }
            return 0;
        });
    }

    @Override
    public int fsync(String path, int dataOnly, FuseFileInfo fi) {
        return FuseErrors.call("fsync", () -> {
            fs.fsync(fi.fh.get(), dataOnly != 0);
            return 0;
        });
    }

    @Override
    public int fallocate(String path, int mode, long offset, long length, FuseFileInfo fi) {
        return FuseErrors.call("fallocate", () -> {
            fs.fallocate(fi.fh.get(), mode, offset, length);
            return 0;
        });
    }

    // ---- directories

    @Override
    public int opendir(String path, FuseFileInfo fi) {
        return FuseErrors.call("opendir", () -> {
            long dh = fs.opendir(paths.resolve(path));
            openDirs.add(dh);
            fi.fh.set(dh);
            return 0;
        });
    }

    @Override
    public int readdir(String path, Pointer buf, FuseFillDir filler, long offset, FuseFileInfo fi) {
        return FuseErrors.call("readdir", () -> {
            long dh = fi.fh.get();
            FileStat st = new FileStat(jnr.ffi.Runtime.getSystemRuntime());
            long at = offset;
            while (true) {
                List<DirEntry> batch = fs.readdir(dh, at, READDIR_BATCH);
                if (batch.isEmpty()) return 0;
                for (DirEntry e : batch) {
                    st.st_ino.set(e.ino());
                    st.st_mode.set(e.type().modeBits);
                    // Non-zero: libfuse's buffer is full; the kernel asks again from `at`.
                    if (filler.apply(buf, e.name(), st, e.nextOffset()) != 0) return 0;
                    at = e.nextOffset();
                }
            }
        });
    }

    @Override
    public int releasedir(String path, FuseFileInfo fi) {
        return FuseErrors.call("releasedir", () -> {
            if (openDirs.remove(fi.fh.get())) fs.releasedir(fi.fh.get());
            return 0;
        });
    }

    @Override
    public int fsyncdir(String path, FuseFileInfo fi) {
        return FuseErrors.call("fsyncdir", () -> {
            fs.fsyncdir(fi.fh.get(), false);
            return 0;
        });
    }

    // ---- extended attributes

    @Override
    public int setxattr(String path, String name, Pointer value, long size, int flags) {
        return FuseErrors.call("setxattr", () -> {
            byte[] v = new byte[(int) size];
            value.get(0, v, 0, v.length);
            fs.setxattr(paths.resolve(path), name, v, flags);
            return 0;
        });
    }

    @Override
    public int getxattr(String path, String name, Pointer value, long size) {
        return FuseErrors.call("getxattr", () -> copyOut(fs.getxattr(paths.resolve(path), name), value, size));
    }

    @Override
    public int listxattr(String path, Pointer list, long size) {
        return FuseErrors.call("listxattr", () -> {
            StringBuilder names = new StringBuilder();
            for (String n : fs.listxattr(paths.resolve(path))) names.append(n).append('\0');
            return copyOut(names.toString().getBytes(StandardCharsets.UTF_8), list, size);
        });
    }

    @Override
    public int removexattr(String path, String name) {
        return FuseErrors.call("removexattr", () -> {
            fs.removexattr(paths.resolve(path), name);
            return 0;
        });
    }

    /** The xattr size protocol: size 0 asks for the length; a too small buffer is ERANGE. */
    private static int copyOut(byte[] bytes, Pointer dst, long size) {
        if (size == 0) return bytes.length;
        if (bytes.length > size) throw new FsException(Errno.ERANGE, "xattr buffer of " + size);
        dst.put(0, bytes, 0, bytes.length);
        return bytes.length;
    }

    // ---- helpers

    private long nodeOf(String path, FuseFileInfo fi) {
        Long node = openFiles.get(fi.fh.get());
        return node != null ? node : paths.resolve(path);
    }

    private Caller caller() {
        FuseContext ctx = getContext();
        return new Caller(ctx.uid.intValue(), ctx.gid.intValue());
    }

    /** libfuse's buffer as a ByteBuffer over the same native memory: no copy. */
    private static ByteBuffer nativeBuffer(Pointer buf, long size) {
        return MemorySegment.ofAddress(buf.address()).reinterpret(size).asByteBuffer();
    }

    private static int fill(FileStat st, Attr a) {
        st.st_ino.set(a.ino());
        st.st_mode.set(a.mode());
        st.st_nlink.set(a.nlink());
        st.st_uid.set(a.uid());
        st.st_gid.set(a.gid());
        st.st_rdev.set(a.rdev());
        st.st_size.set(a.size());
        st.st_blksize.set(a.blksize());
        st.st_blocks.set(a.blocks());
        st.st_atim.tv_sec.set(a.atimeSec());
        st.st_atim.tv_nsec.set(a.atimeNsec());
        st.st_mtim.tv_sec.set(a.mtimeSec());
        st.st_mtim.tv_nsec.set(a.mtimeNsec());
        st.st_ctim.tv_sec.set(a.ctimeSec());
        st.st_ctim.tv_nsec.set(a.ctimeNsec());
        return 0;
    }
}
