package io.lamina.fuse;

import io.lamina.fs.Attr;
import io.lamina.fs.Created;
import io.lamina.fs.Entry;
import io.lamina.fs.Errno;
import io.lamina.fs.FsException;
import io.lamina.fs.InodeFs;
import io.lamina.fs.SetAttr;
import io.lamina.fs.StatFs;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static io.lamina.fuse.Abi.I32;
import static io.lamina.fuse.Abi.I64;

/**
 * Maps each FUSE request to one {@link InodeFs} call and writes the answer. The only place that
 * turns exceptions into {@code -errno}: an {@link FsException} answers its errno, anything else
 * answers EIO and is logged once per exception type; nothing escapes to the worker loop.
 * Opcodes not listed answer ENOSYS. FORGET, BATCH_FORGET and INTERRUPT get no answer.
 *
 * <p>Stateless apart from its collaborators, so every worker shares one instance.
 */
final class Dispatcher {
    private static final System.Logger LOG = System.getLogger(Dispatcher.class.getName());
    private static final int O_APPEND = 02000;

    /**
     * How long the kernel may cache these attributes. Zero for a multiply linked non-directory:
     * when an engine gives each name of a hardlink its own NodeId, the kernel keeps one inode
     * (attributes and page cache) per name, and a change made through one name shows through the
     * others only if the kernel asks again (AUTO_INVAL_DATA then drops stale pages on the new
     * mtime). Costs a GETATTR per stat of such files. Still needed with the engine of main 16ec708:
     * without it the contract's hardlink-pair-chmod-then-link shows a stale nlink on the other
     * name of a lower hardlink pair. Directories stay cached even when a copy-up below makes a
     * single-layer directory merged (its nlink then drops to 1, as overlayfs reports): uncaching
     * them made every path walk ask GETATTR per directory (stat-all warm fell from 0.31x to 0.11x),
     * so until the kernel asks again a stat may show the old count (the contract's
     * nested-file-fallocate scenario has caught it rarely; the fix is an invalidation from the
     * engine when a copy-up changes a parent's link count).
     */
    static long attrTimeoutNs(Attr a) {
        return a.nlink() > 1 && (a.mode() & 0170000) != 0040000 ? 0 : ATTR_TIMEOUT_NS;
    }

    /**
     * How long the kernel may trust names (also the absence of one) and attributes it got from us.
     * Long, because every change to the union comes through this mount and the kernel updates
     * its caches as it makes them; an upper changed behind the mount's back is not supported.
     */
    static final long ENTRY_TIMEOUT_NS = 3600_000_000_000L, ATTR_TIMEOUT_NS = 3600_000_000_000L;

    private final InodeFs fs;
    private final BackingRegistry backing;
    private final RequestCounters counters;
    private final Runnable onDestroy;
    /** Open flags to drop: with the writeback cache the kernel positions appends itself. */
    private final int dropFlags;
    private final Set<Class<?>> logged = ConcurrentHashMap.newKeySet();

    Dispatcher(InodeFs fs, BackingRegistry backing, RequestCounters counters, boolean writebackCache,
               Runnable onDestroy) {
        this.fs = fs;
        this.dropFlags = writebackCache ? O_APPEND : 0;
        this.backing = backing;
        this.counters = counters;
        this.onDestroy = onDestroy;
    }

    /** Handles one request; never throws. */
    void dispatch(Request rq, Reply rp) {
        Opcode op = rq.opcode;
        counters.count(op);
        rp.start(rq.unique);
        try {
            handle(rq, rp);
        } catch (FsException e) {
            if (!op.noReply()) rp.error(e.code());
        } catch (Throwable t) {
            counters.unexpectedFailure();
            if (logged.add(t.getClass())) {
                LOG.log(System.Logger.Level.ERROR, "unexpected failure in " + op + " (answered EIO; further "
                        + t.getClass().getSimpleName() + "s are not logged)", t);
            }
            if (!op.noReply()) {
                try {
                    rp.error(Errno.EIO.code);
                } catch (Throwable ignored) {
                    // the device itself failed; the worker loop will see it on its next read
                }
            }
        }
    }

    private void handle(Request rq, Reply rp) {
        long node = rq.nodeId;
        switch (rq.opcode) {
            case LOOKUP -> {
                Entry e = fs.lookup(node, rq.str(0));
                if (e != null) {
                    entry(rp, e);
                } else {
                    Abi.putNegativeEntry(rp.buf, Reply.BODY, ENTRY_TIMEOUT_NS);
                    rp.send(Abi.ENTRY_OUT);
                }
            }
            case FORGET -> fs.forget(node, rq.i64(0));
            case BATCH_FORGET -> batchForget(rq);
            case GETATTR -> attr(rp, fs.getattr(node));
            case SETATTR -> setattr(rq, rp);
            case READLINK -> {
                byte[] t = fs.readlink(node).getBytes(StandardCharsets.UTF_8);
                MemorySegment.copy(t, 0, rp.buf, ValueLayout.JAVA_BYTE, Reply.BODY, t.length);
                rp.send(t.length);
            }
            case SYMLINK -> {
                long end = rq.strEnd(0);
                entry(rp, fs.symlink(node, rq.str(0), rq.str(end + 1), rq.caller()));
            }
            case MKNOD -> entry(rp, fs.mknod(node, rq.str(Abi.MKNOD_IN), rq.i32(0),
                    Abi.decodeRdev(rq.i32(4)), rq.caller()));
            // The kernel has applied the umask already (we do not ask for FUSE_DONT_MASK).
            case MKDIR -> entry(rp, fs.mkdir(node, rq.str(Abi.MKDIR_IN), rq.i32(0) & 07777, rq.caller()));
            case UNLINK -> {
                fs.unlink(node, rq.str(0));
                rp.send(0);
            }
            case RMDIR -> {
                fs.rmdir(node, rq.str(0));
                rp.send(0);
            }
            case RENAME -> rename(rq, rp, Abi.RENAME_IN, 0);
            case RENAME2 -> rename(rq, rp, Abi.RENAME2_IN, rq.i32(8));
            case LINK -> {
                long source = rq.i64(0);
                Entry linked = fs.link(source, node, rq.str(Abi.LINK_IN));
                // The new name has its own NodeId, so the kernel would keep the source's old nlink.
                // Invalidate before answering: the caller may stat the source as soon as link returns.
                rp.invalidateAttributes(source);
                rp.start(rq.unique);
                entry(rp, linked);
            }
            case OPEN -> {
                int flags = rq.i32(0) & ~dropFlags;
                open(node, fs.open(node, flags), flags, rp);
            }
            case READ -> read(rq, rp);
            case WRITE -> write(rq, rp);
            case STATFS -> statfs(rp);
            case RELEASE -> {
                long fh = rq.i64(0);
                backing.released(fh);
                fs.release(fh);
                rp.send(0);
            }
            case FSYNC -> {
                fs.fsync(rq.i64(0), (rq.i32(8) & Abi.FSYNC_FDATASYNC) != 0);
                rp.send(0);
            }
            case SETXATTR -> {
                int size = rq.i32(0);
                int flags = rq.i32(4);
                long nameEnd = rq.strEnd(Abi.SETXATTR_IN);
                fs.setxattr(node, rq.str(Abi.SETXATTR_IN), rq.bytes(nameEnd + 1, size), flags);
                rp.send(0);
            }
            case GETXATTR -> sized(rq.i32(0), fs.getxattr(node, rq.str(Abi.GETXATTR_IN)), rp);
            case LISTXATTR -> sized(rq.i32(0), joinNames(fs.listxattr(node)), rp);
            case REMOVEXATTR -> {
                fs.removexattr(node, rq.str(0));
                rp.send(0);
            }
            case FLUSH -> {
                fs.flush(rq.i64(0));
                rp.send(0);
            }
            case OPENDIR -> {
                long dh = fs.opendir(node);
                // The kernel may keep the listing: every change of a directory comes through this
                // mount, and the kernel drops its copy when it sees one.
                Abi.putOpenOut(rp.buf, Reply.BODY, dh, Abi.FOPEN_CACHE_DIR | Abi.FOPEN_KEEP_CACHE, 0);
                if (!rp.send(Abi.OPEN_OUT)) fs.releasedir(dh);
            }
            case READDIR -> {
                int size = Math.min(rq.i32(Abi.RW_SIZE), Init.MAX_WRITE);
                int n = DirEncoder.readdir(fs, rq.i64(Abi.RW_FH), rq.i64(Abi.RW_OFFSET), rp.body(0, size), size);
                rp.send(n);
            }
            case READDIRPLUS -> readdirplus(rq, rp);
            case RELEASEDIR -> {
                fs.releasedir(rq.i64(0));
                rp.send(0);
            }
            case FSYNCDIR -> {
                fs.fsyncdir(rq.i64(0), (rq.i32(8) & Abi.FSYNC_FDATASYNC) != 0);
                rp.send(0);
            }
            case ACCESS -> {
                fs.access(node, rq.i32(0), rq.caller());
                rp.send(0);
            }
            case CREATE -> create(rq, rp);
            case INTERRUPT -> {
                // Our requests finish on their own; the kernel waits for their answers. No reply.
            }
            case DESTROY -> {
                rp.send(0);
                onDestroy.run();
            }
            case FALLOCATE -> {
                fs.fallocate(rq.i64(0), rq.i32(24), rq.i64(8), rq.i64(16));
                rp.send(0);
            }
            case LSEEK -> {
                long off = fs.lseek(rq.i64(0), rq.i64(8), rq.i32(16));
                rp.buf.set(I64, Reply.BODY, off);
                rp.send(8);
            }
            case COPY_FILE_RANGE -> copyFileRange(rq, rp);
            case INIT -> rp.error(Errno.EIO.code); // only once, answered by Init before the workers start
            default -> rp.error(Errno.ENOSYS.code);
        }
    }

    private void entry(Reply rp, Entry e) {
        Abi.putEntry(rp.buf, Reply.BODY, e, ENTRY_TIMEOUT_NS, attrTimeoutNs(e.attr()));
        // Not delivered: the kernel never counted this lookup, so we must not either.
        if (!rp.send(Abi.ENTRY_OUT)) fs.forget(e.nodeId(), 1);
    }

    private void attr(Reply rp, Attr a) {
        Abi.putAttrOut(rp.buf, Reply.BODY, a, attrTimeoutNs(a));
        rp.send(Abi.ATTR_OUT);
    }

    private void batchForget(Request rq) {
        int count = rq.i32(0);
        long max = (rq.length - Abi.IN_HEADER - Abi.BATCH_FORGET_IN) / Abi.FORGET_ONE;
        for (int i = 0; i < Math.min(count, max); i++) {
            long at = Abi.BATCH_FORGET_IN + (long) i * Abi.FORGET_ONE;
            try {
                fs.forget(rq.i64(at), rq.i64(at + 8));
            } catch (FsException e) {
                // one bad node must not keep the others from being forgotten
            }
        }
    }

    private void setattr(Request rq, Reply rp) {
        int valid = rq.i32(Abi.SETATTR_VALID);
        SetAttr sa = SetAttr.none();
        if ((valid & Abi.FATTR_MODE) != 0) sa = sa.withMode(rq.i32(Abi.SETATTR_MODE) & 07777);
        if ((valid & (Abi.FATTR_UID | Abi.FATTR_GID)) != 0) {
            sa = sa.withOwner((valid & Abi.FATTR_UID) != 0 ? rq.i32(Abi.SETATTR_UID) : null,
                    (valid & Abi.FATTR_GID) != 0 ? rq.i32(Abi.SETATTR_GID) : null);
        }
        if ((valid & Abi.FATTR_SIZE) != 0) sa = sa.withSize(rq.i64(Abi.SETATTR_SIZE));
        Long atime = time(rq, valid, Abi.FATTR_ATIME, Abi.FATTR_ATIME_NOW, Abi.SETATTR_ATIME, Abi.SETATTR_ATIMENSEC);
        Long mtime = time(rq, valid, Abi.FATTR_MTIME, Abi.FATTR_MTIME_NOW, Abi.SETATTR_MTIME, Abi.SETATTR_MTIMENSEC);
        if (atime != null || mtime != null) sa = sa.withTimes(atime, mtime);
        if ((valid & Abi.FATTR_CTIME) != 0) {
            sa = new SetAttr(sa.mode(), sa.uid(), sa.gid(), sa.size(), sa.atimeNs(), sa.mtimeNs(),
                    rq.i64(Abi.SETATTR_CTIME) * 1_000_000_000L + (rq.i32(Abi.SETATTR_CTIMENSEC) & 0xffffffffL));
        }
        long fh = (valid & Abi.FATTR_FH) != 0 ? rq.i64(Abi.SETATTR_FH) : -1;
        attr(rp, fs.setattr(rq.nodeId, sa, fh, rq.caller()));
    }

    /** A SETATTR time: null if not set, {@link SetAttr#NOW} for *_NOW, else nanoseconds. */
    private static Long time(Request rq, int valid, int bit, int nowBit, int secOff, int nsecOff) {
        if ((valid & nowBit) != 0) return SetAttr.NOW;
        if ((valid & bit) == 0) return null;
        return rq.i64(secOff) * 1_000_000_000L + (rq.i32(nsecOff) & 0xffffffffL);
    }

    private void rename(Request rq, Reply rp, int namesAt, int flags) {
        long newDir = rq.i64(0);
        long end = rq.strEnd(namesAt);
        fs.rename(rq.nodeId, rq.str(namesAt), newDir, rq.str(end + 1), flags);
        rp.send(0);
    }

    private void open(long node, long fh, int flags, Reply rp) {
        BackingRegistry.OpenMode mode;
        try {
            mode = backing.opened(fs, node, fh, flags);
        } catch (RuntimeException e) {
            fs.release(fh);
            throw e;
        }
        Abi.putOpenOut(rp.buf, Reply.BODY, fh, mode.openFlags(), mode.backingId());
        if (!rp.send(Abi.OPEN_OUT)) {
            backing.released(fh);
            fs.release(fh);
        }
    }

    private void create(Request rq, Reply rp) {
        int flags = rq.i32(0) & ~dropFlags;
        int mode = rq.i32(4) & 07777; // umask already applied by the kernel
        Created c = fs.create(rq.nodeId, rq.str(Abi.CREATE_IN), mode, flags, rq.caller());
        BackingRegistry.OpenMode om;
        try {
            om = backing.opened(fs, c.entry().nodeId(), c.fh(), flags);
        } catch (RuntimeException e) {
            fs.release(c.fh());
            fs.forget(c.entry().nodeId(), 1);
            throw e;
        }
        Abi.putEntry(rp.buf, Reply.BODY, c.entry(), ENTRY_TIMEOUT_NS, attrTimeoutNs(c.entry().attr()));
        Abi.putOpenOut(rp.buf, Reply.BODY + Abi.ENTRY_OUT, c.fh(), om.openFlags(), om.backingId());
        if (!rp.send(Abi.ENTRY_OUT + Abi.OPEN_OUT)) {
            backing.released(c.fh());
            fs.release(c.fh());
            fs.forget(c.entry().nodeId(), 1);
        }
    }

    /** READ: the engine fills the out buffer directly (native memory, no heap copy); short only at EOF. */
    private void read(Request rq, Reply rp) {
        long fh = rq.i64(Abi.RW_FH);
        long off = rq.i64(Abi.RW_OFFSET);
        int size = Math.min(rq.i32(Abi.RW_SIZE), Init.MAX_WRITE);
        rp.send(readFully(fh, off, rp.body(0, size).asByteBuffer()));
    }

    private int readFully(long fh, long off, ByteBuffer dst) {
        int total = 0;
        while (dst.hasRemaining()) {
            int n = fs.read(fh, off + total, dst);
            if (n <= 0) break;
            total += n;
            if (dst.position() != total) dst.position(total); // engines may or may not advance the buffer
        }
        return total;
    }

    /** WRITE: the engine reads the payload straight from the request buffer (native memory). */
    private void write(Request rq, Reply rp) {
        long fh = rq.i64(Abi.RW_FH);
        long off = rq.i64(Abi.RW_OFFSET);
        int size = rq.i32(Abi.RW_SIZE);
        if (size > rq.length - Abi.IN_HEADER - Abi.WRITE_IN) throw new FsException(Errno.EINVAL, "short WRITE");
        int n = fs.write(fh, off, rq.bodySlice(Abi.WRITE_IN, size).asByteBuffer());
        rp.buf.set(I32, Reply.BODY, n);
        rp.buf.set(I32, Reply.BODY + 4, 0);
        rp.send(Abi.WRITE_OUT);
    }

    private void statfs(Reply rp) {
        StatFs s = fs.statfs();
        MemorySegment o = rp.body(0, Abi.STATFS_OUT);
        o.fill((byte) 0);
        o.set(I64, 0, s.blocks());
        o.set(I64, 8, s.blocksFree());
        o.set(I64, 16, s.blocksAvailable());
        o.set(I64, 24, s.files());
        o.set(I64, 32, s.filesFree());
        o.set(I32, 40, s.blockSize());
        o.set(I32, 44, s.nameMax());
        o.set(I32, 48, s.fragmentSize());
        rp.send(Abi.STATFS_OUT);
    }

    /** GETXATTR/LISTXATTR: size 0 asks for the length; a value longer than {@code size} is ERANGE. */
    private static void sized(int size, byte[] value, Reply rp) {
        if (size == 0) {
            rp.buf.set(I32, Reply.BODY, value.length);
            rp.buf.set(I32, Reply.BODY + 4, 0);
            rp.send(Abi.GETXATTR_OUT);
        } else if (value.length > size) {
            rp.error(Errno.ERANGE.code);
        } else {
            MemorySegment.copy(value, 0, rp.buf, ValueLayout.JAVA_BYTE, Reply.BODY, value.length);
            rp.send(value.length);
        }
    }

    private static byte[] joinNames(List<String> names) {
        StringBuilder b = new StringBuilder();
        for (String n : names) b.append(n).append('\0');
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private void readdirplus(Request rq, Reply rp) {
        int size = Math.min(rq.i32(Abi.RW_SIZE), Init.MAX_WRITE);
        long[] looked = new long[DirEncoder.maxPlusEntries(size)];
        int[] count = new int[1];
        int n = DirEncoder.readdirplus(fs, rq.nodeId, rq.i64(Abi.RW_FH), rq.i64(Abi.RW_OFFSET), rp.body(0, size),
                size, ENTRY_TIMEOUT_NS, looked, count);
        if (!rp.send(n)) {
            for (int i = 0; i < count[0]; i++) fs.forget(looked[i], 1);
        }
    }

    /**
     * COPY_FILE_RANGE through the engine's read and write, a chunk at a time, using the reply
     * buffer as the bounce buffer (native memory). Stops early at end of input.
     */
    private void copyFileRange(Request rq, Reply rp) {
        long fhIn = rq.i64(0), offIn = rq.i64(8), fhOut = rq.i64(24), offOut = rq.i64(32), len = rq.i64(40);
        MemorySegment bounce = rp.body(Abi.WRITE_OUT, Init.MAX_WRITE - Abi.WRITE_OUT);
        long done = 0;
        while (done < len) {
            int chunk = (int) Math.min(len - done, bounce.byteSize());
            ByteBuffer b = bounce.asSlice(0, chunk).asByteBuffer();
            int got = readFully(fhIn, offIn + done, b);
            if (got == 0) break;
            int put = fs.write(fhOut, offOut + done, bounce.asSlice(0, got).asByteBuffer());
            done += put;
            if (got < chunk || put < got) break;
        }
        int answer = (int) Math.min(done, Integer.MAX_VALUE);
        rp.buf.set(I32, Reply.BODY, answer);
        rp.buf.set(I32, Reply.BODY + 4, 0);
        rp.send(Abi.WRITE_OUT);
    }
}
