package io.lamina.fuse;

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
 * <p>Rules (the kernel fails an open with EIO when they are broken):
 * <ul>
 * <li>A node is either in <em>cached</em> mode (page-cache opens through READ/WRITE) or in
 * <em>passthrough</em> mode, never both at once. A new open that cannot join the node's current
 * mode is answered FOPEN_DIRECT_IO, which belongs to neither mode and still works.</li>
 * <li>One backing id per node, shared and reference-counted by its passthrough opens, closed
 * when the last of them is released. A later open whose backing file is a different file (say
 * the upper copy after a copy-up) cannot share it and goes direct I/O.</li>
 * <li>When the kernel refuses a backing file (no CAP_SYS_ADMIN, stacking too deep, a file
 * system without read_iter), the open falls back to the normal path; EPERM turns passthrough off
 * for the mount, since every later attempt would fail the same way.</li>
 * </ul>
 * One lock (this object) guards the tables; it is held only for bookkeeping and the two ioctls.
 */
final class BackingRegistry {
    /** How to answer an open: fuse_open_out.open_flags and backing_id. */
    record OpenMode(int openFlags, int backingId) {
    }

    private enum Kind { CACHED, DIRECT, PASSTHROUGH }

    private static final class NodeState {
        int cached, direct, passthrough;
        int backingId = -1;
        long dev, ino;
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

    /** Chooses the I/O mode of the new handle {@code fh} of {@code node}. */
    synchronized OpenMode opened(InodeFs fs, long node, long fh) {
        NodeState st = nodes.computeIfAbsent(node, k -> new NodeState());
        OptionalInt fd = enabled && st.cached == 0 ? fs.backingFd(fh) : OptionalInt.empty();
        if (fd.isPresent()) {
            long[] id = identity(fd.getAsInt());
            if (st.passthrough > 0) {
                if (id != null && id[0] == st.dev && id[1] == st.ino) {
                    return keep(fh, node, st, Kind.PASSTHROUGH, Abi.FOPEN_PASSTHROUGH, st.backingId);
                }
                return keep(fh, node, st, Kind.DIRECT, Abi.FOPEN_DIRECT_IO, 0);
            }
            int backing = register(fd.getAsInt());
            if (backing >= 0 && id != null) {
                st.backingId = backing;
                st.dev = id[0];
                st.ino = id[1];
                return keep(fh, node, st, Kind.PASSTHROUGH, Abi.FOPEN_PASSTHROUGH, backing);
            }
            if (backing >= 0) unregister(backing);
        }
        if (st.passthrough > 0) return keep(fh, node, st, Kind.DIRECT, Abi.FOPEN_DIRECT_IO, 0);
        return keep(fh, node, st, Kind.CACHED, 0, 0);
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
            case DIRECT -> st.direct--;
        }
        if (st.cached == 0 && st.passthrough == 0 && st.direct == 0) nodes.remove(h.node());
    }

    private OpenMode keep(long fh, long node, NodeState st, Kind kind, int flags, int backingId) {
        switch (kind) {
            case CACHED -> st.cached++;
            case PASSTHROUGH -> st.passthrough++;
            case DIRECT -> st.direct++;
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
