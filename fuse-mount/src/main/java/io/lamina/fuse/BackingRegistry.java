package io.lamina.fuse;

import io.lamina.fs.Errno;
import io.lamina.fs.FsException;
import io.lamina.fs.InodeFs;
import io.lamina.sys.Posix;
import io.lamina.sys.Stat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Decides, for every OPEN/CREATE, how the kernel does the file's I/O, and owns the FUSE
 * passthrough backing ids (FUSE_DEV_IOC_BACKING_OPEN/CLOSE).
 *
 * <p>The kernel's rules (it fails an open with EIO when they are broken): a node is either in
 * <em>cached</em> mode (page-cache opens served by READ/WRITE) or in <em>passthrough</em> mode,
 * never both at once; and while a node is in passthrough mode every open of it must be a
 * passthrough open on the same backing file. Hence:
 * <ul>
 * <li>A node with cached opens gets cached opens, even when a backing file is on offer.</li>
 * <li>A node with passthrough opens shares its one backing id, reference-counted, with every new
 * open that reads, and with a new writer whose backing file is the same file. A writer's backing
 * file is registered read-write so that later opens can share it; a reader's as the engine gave
 * it (read-only: a lower file must never be held open for writing). A writer whose file is a
 * different one (the upper copy after a copy-up), or that finds a read-only backing file, cannot
 * be served without writing to the wrong file or failing: it gets ETXTBSY until the others
 * close. A reader keeps reading the node's backing file even when the engine has copied the file
 * up since (what it read was the file's content when the first reader opened it).</li>
 * <li>Otherwise a backing file on offer is registered; when the kernel refuses it (no
 * CAP_SYS_ADMIN, stacking too deep, a file system without read_iter) the open falls back to the
 * cached path, and EPERM turns passthrough off for the mount, since every later attempt would
 * fail the same way.</li>
 * </ul>
 * The backing id is closed when the last passthrough open of its node is released.
 * One lock (this object) guards the tables; it is held only for bookkeeping and the two ioctls.
 */
final class BackingRegistry {
    /** How to answer an open: fuse_open_out.open_flags and backing_id. */
    record OpenMode(int openFlags, int backingId) {
    }

    private enum Kind { CACHED, PASSTHROUGH }

    private static final class NodeState {
        int cached, passthrough;
        int backingId = -1;
        long dev, ino;
        /** What the registered backing file was opened for. */
        boolean readable, writable;
    }

    private record Handle(long node, Kind kind) {
    }

    private static final System.Logger LOG = System.getLogger(BackingRegistry.class.getName());

    private final int devFd;
    private boolean enabled;
    private final Map<Long, NodeState> nodes = new HashMap<>();
    private final Map<Long, Handle> handles = new HashMap<>();
    private long backingOpens;

    BackingRegistry(int devFd, boolean enabled) {
        this.devFd = devFd;
        this.enabled = enabled;
    }

    synchronized boolean enabled() {
        return enabled;
    }

    /** Backing files registered with the kernel so far (for tests and metrics). */
    synchronized long backingOpens() {
        return backingOpens;
    }

    /**
     * Chooses the I/O mode of the new handle {@code fh} of {@code node}, opened with open(2)
     * {@code flags}. ETXTBSY for a writer that cannot share the node's backing file (see above).
     */
    synchronized OpenMode opened(InodeFs fs, long node, long fh, int flags) {
        NodeState st = nodes.computeIfAbsent(node, k -> new NodeState());
        int access = flags & 3;
        boolean reads = access != 1, writes = access != 0;
        if (st.passthrough > 0) {
            OptionalInt fd = fs.backingFd(fh);
            long[] id = fd.isPresent() ? identity(fd.getAsInt()) : null;
            boolean same = id != null && id[0] == st.dev && id[1] == st.ino;
            // A writer must write the file the engine chose; anyone needs a backing file open for
            // what they do. A reader of an older file (a lower one, since copied up) reads it on.
            if ((writes && !(same && st.writable)) || (reads && !st.readable)) {
                throw new FsException(Errno.ETXTBSY, "node " + node + " is open for passthrough in a way this open cannot share");
            }
            return keep(fh, node, st, Kind.PASSTHROUGH, Abi.FOPEN_PASSTHROUGH, st.backingId);
        }
        OptionalInt fd = enabled && st.cached == 0 ? fs.backingFd(fh) : OptionalInt.empty();
        if (fd.isPresent()) {
            long[] id = identity(fd.getAsInt());
            // A writer's file (the upper copy) is registered read-write, so that later readers
            // and writers can share it. A reader's is registered as given: reopening a lower file
            // for writing would make exec(2) of that shared object fail with ETXTBSY elsewhere.
            int rw = writes ? reopenReadWrite(fd.getAsInt()) : -1;
            int backing = id == null ? -1 : register(rw >= 0 ? rw : fd.getAsInt());
            if (rw >= 0) Posix.closeQuietly(rw); // the kernel holds its own reference now
            if (backing >= 0) {
                st.backingId = backing;
                st.dev = id[0];
                st.ino = id[1];
                st.readable = rw >= 0 || reads;
                st.writable = rw >= 0 || writes;
                return keep(fh, node, st, Kind.PASSTHROUGH, Abi.FOPEN_PASSTHROUGH, backing);
            }
        }
        return keep(fh, node, st, Kind.CACHED, 0, 0);
    }

    /** The same file opened O_RDWR through /proc/self/fd, or -1 if it cannot be. */
    private static int reopenReadWrite(int fd) {
        try {
            return Posix.openat(Posix.AT_FDCWD, "/proc/self/fd/" + fd, Posix.O_RDWR, 0);
        } catch (FsException e) {
            return -1;
        }
    }

    /** Forgets handle {@code fh}; the last passthrough handle of a node closes its backing id. */
    synchronized void released(long fh) {
        Handle h = handles.remove(fh);
        if (h == null) return;
        NodeState st = nodes.get(h.node());
        if (st == null) return;
        switch (h.kind()) {
            case CACHED -> st.cached--;
            case PASSTHROUGH -> {
                if (--st.passthrough == 0) {
                    unregister(st.backingId);
                    st.backingId = -1;
                }
            }
        }
        if (st.cached == 0 && st.passthrough == 0) nodes.remove(h.node());
    }

    private OpenMode keep(long fh, long node, NodeState st, Kind kind, int flags, int backingId) {
        switch (kind) {
            case CACHED -> st.cached++;
            case PASSTHROUGH -> st.passthrough++;
        }
        handles.put(fh, new Handle(node, kind));
        return new OpenMode(flags, backingId);
    }

    /** FUSE_DEV_IOC_BACKING_OPEN; -1 when the kernel refuses. */
    private int register(int fd) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment map = a.allocate(Abi.BACKING_MAP);
            map.set(Abi.I32, 0, fd);
            int id = Posix.ioctl(devFd, Abi.DEV_IOC_BACKING_OPEN, map);
            backingOpens++;
            return id;
        } catch (FsException e) {
            if (e.code() == 1 /* EPERM */) {
                enabled = false;
                LOG.log(System.Logger.Level.WARNING, "FUSE passthrough refused (EPERM): using the normal path for this mount");
            } else {
                LOG.log(System.Logger.Level.DEBUG, "backing file refused: {0}", e.getMessage());
            }
            return -1;
        }
    }

    private void unregister(int backingId) {
        if (backingId < 0) return;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment id = a.allocate(4);
            id.set(Abi.I32, 0, backingId);
            Posix.ioctl(devFd, Abi.DEV_IOC_BACKING_CLOSE, id);
        } catch (FsException e) {
            // The connection may already be gone (unmounted); the kernel then dropped the id itself.
            LOG.log(System.Logger.Level.DEBUG, "backing close: {0}", e.getMessage());
        }
    }

    /** st_dev and st_ino of an open descriptor, or null if it cannot be told. */
    private static long[] identity(int fd) {
        try {
            Stat s = Posix.fstat(fd);
            return new long[] {s.dev(), s.ino()};
        } catch (FsException e) {
            return null;
        }
    }
}
