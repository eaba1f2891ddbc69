package io.lamina.fuse;

import io.lamina.fs.FsException;
import io.lamina.sys.Posix;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The FUSE device's own system calls, through FFM: read(2)/write(2) on /dev/fuse that hand back
 * {@code -errno} instead of throwing (the request loop tells ENOENT, EINTR and ENODEV apart on
 * every request, so no exception on that path), geteuid(2), and what mounting through
 * fusermount3 needs (socketpair, posix_spawn, recvmsg with SCM_RIGHTS, waitpid). Everything else
 * (open, ioctl, mount, umount2) goes through {@link Posix}.
 */
@SuppressWarnings("restricted") // downcall handles: the point of this class
final class FuseSys {
    private FuseSys() {
    }

    static final int EINTR = 4, ENOENT = 2, ENODEV = 19, EAGAIN = 11, ECONNABORTED = 103;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE = Linker.Option.captureCallState("errno");

    private static final MethodHandle READ = fn("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), CAPTURE);
    private static final MethodHandle WRITE = fn("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), CAPTURE);
    private static final MethodHandle GETEUID = fn("geteuid", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle GETEGID = fn("getegid", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle SOCKETPAIR = fn("socketpair",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS), CAPTURE);
    private static final MethodHandle POSIX_SPAWN = fn("posix_spawn",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle RECVMSG = fn("recvmsg",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT), CAPTURE);
    private static final MethodHandle WAITPID = fn("waitpid",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), CAPTURE);

    static final int AF_UNIX = 1, SOCK_STREAM = 1, SOCK_CLOEXEC = 02000000, SOL_SOCKET = 1, SCM_RIGHTS = 1;

    private static MethodHandle fn(String name, FunctionDescriptor fd, Linker.Option... options) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), fd, options);
    }

    /** Per-thread errno capture buffer: these calls run once per request, so no allocation per call. */
    private static final ThreadLocal<MemorySegment> STATE_BUF =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(STATE));

    /** read(2) into native memory: the byte count, or {@code -errno}. */
    static long readRaw(int fd, MemorySegment dst, long count) {
        MemorySegment st = STATE_BUF.get();
        try {
            long n = (long) READ.invokeExact(st, fd, dst, count);
            return n < 0 ? -(int) ERRNO.get(st, 0L) : n;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** write(2) from native memory: the byte count, or {@code -errno}. */
    static long writeRaw(int fd, MemorySegment src, long count) {
        MemorySegment st = STATE_BUF.get();
        try {
            long n = (long) WRITE.invokeExact(st, fd, src, count);
            return n < 0 ? -(int) ERRNO.get(st, 0L) : n;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static int geteuid() {
        try {
            return (int) GETEUID.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static int getegid() {
        try {
            return (int) GETEGID.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * A connected pair of unix stream sockets: [0] close-on-exec (ours), [1] inheritable (for a
     * child to receive as a plain descriptor number).
     */
    static int[] socketpair() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(STATE);
            MemorySegment fds = a.allocate(JAVA_INT, 2);
            int r = (int) SOCKETPAIR.invokeExact(st, AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds);
            if (r < 0) throw FsException.ofRaw((int) ERRNO.get(st, 0L), "socketpair");
            int ours = fds.getAtIndex(JAVA_INT, 0), cloexec = fds.getAtIndex(JAVA_INT, 1);
            try {
                return new int[] {ours, Posix.dup(cloexec)}; // dup(2) clears close-on-exec
            } finally {
                Posix.closeQuietly(cloexec);
            }
        } catch (FsException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * posix_spawn(3) of {@code argv} with {@code env}; the child inherits every descriptor that is
     * not close-on-exec. Returns the pid (reap it with {@link #waitpid}).
     */
    static int spawn(String path, List<String> argv, List<String> env) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment pid = a.allocate(JAVA_INT);
            int r = (int) POSIX_SPAWN.invokeExact(pid, a.allocateFrom(path), MemorySegment.NULL, MemorySegment.NULL,
                    strings(a, argv), strings(a, env));
            if (r != 0) throw FsException.ofRaw(r, "posix_spawn " + path);
            return pid.get(JAVA_INT, 0);
        } catch (FsException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static MemorySegment strings(Arena a, List<String> l) {
        MemorySegment arr = a.allocate(ADDRESS, l.size() + 1);
        for (int i = 0; i < l.size(); i++) arr.setAtIndex(ADDRESS, i, a.allocateFrom(l.get(i)));
        arr.setAtIndex(ADDRESS, l.size(), MemorySegment.NULL);
        return arr;
    }

    /** waitpid(2) for {@code pid}; returns its exit status (or 128 + signal). */
    static int waitpid(int pid) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(STATE);
            MemorySegment status = a.allocate(JAVA_INT);
            while (true) {
                int r = (int) WAITPID.invokeExact(st, pid, status, 0);
                if (r >= 0) break;
                int e = (int) ERRNO.get(st, 0L);
                if (e != EINTR) throw FsException.ofRaw(e, "waitpid " + pid);
            }
            int s = status.get(JAVA_INT, 0);
            return (s & 0x7f) == 0 ? (s >> 8) & 0xff : 128 + (s & 0x7f);
        } catch (FsException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * Receives one descriptor sent with SCM_RIGHTS on {@code sock} (as fusermount3 sends the
     * /dev/fuse descriptor). ECONNRESET-like EIO when the peer closed without sending one.
     */
    static int recvFd(int sock) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(STATE);
            MemorySegment data = a.allocate(1);
            MemorySegment iov = a.allocate(16, 8);
            iov.set(ADDRESS, 0, data);
            iov.set(JAVA_LONG, 8, 1L);
            MemorySegment control = a.allocate(CMSG_SPACE_INT, 8);
            MemorySegment msg = a.allocate(MSGHDR, 8);
            msg.set(ADDRESS, 16, iov);          // msg_iov
            msg.set(JAVA_LONG, 24, 1L);         // msg_iovlen
            msg.set(ADDRESS, 32, control);      // msg_control
            msg.set(JAVA_LONG, 40, CMSG_SPACE_INT); // msg_controllen
            long n;
            do {
                n = (long) RECVMSG.invokeExact(st, sock, msg, 0);
            } while (n < 0 && (int) ERRNO.get(st, 0L) == EINTR);
            if (n < 0) throw FsException.ofRaw((int) ERRNO.get(st, 0L), "recvmsg");
            long clen = control.get(JAVA_LONG, 0);
            if (n == 0 || msg.get(JAVA_LONG, 40) < CMSG_LEN_INT || clen < CMSG_LEN_INT
                    || control.get(JAVA_INT, 8) != SOL_SOCKET || control.get(JAVA_INT, 12) != SCM_RIGHTS) {
                throw new FsException(io.lamina.fs.Errno.EIO, "fusermount3 sent no /dev/fuse descriptor");
            }
            return control.get(JAVA_INT, 16);
        } catch (FsException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** struct msghdr is 56 bytes; a cmsghdr is 16 bytes, then the int, padded to 8. */
    private static final long MSGHDR = 56, CMSG_LEN_INT = 16 + 4, CMSG_SPACE_INT = 24;

    /** A new descriptor on /dev/fuse (close-on-exec). */
    static int openDevice() {
        return Posix.openat(Posix.AT_FDCWD, "/dev/fuse", Posix.O_RDWR, 0);
    }
}
