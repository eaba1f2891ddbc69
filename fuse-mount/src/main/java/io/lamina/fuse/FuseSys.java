package io.lamina.fuse;

import io.lamina.fs.FsException;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The few system calls the FUSE transport makes on /dev/fuse and for its mount, through FFM.
 * Every call throws {@link FsException} with the call's errno on failure; none retries on EINTR
 * except where said. Kept apart from {@code io.lamina.sys.Posix} because these calls are about
 * the FUSE device (ioctls with FUSE request numbers, reads that must see ENODEV/ENOENT raw).
 */
final class FuseSys {
    private FuseSys() {
    }

    static final int O_RDWR = 2, O_RDONLY = 0, O_CLOEXEC = 02000000;
    static final long MS_RDONLY = 1, MS_NOSUID = 2, MS_NODEV = 4;
    static final int MNT_DETACH = 2;
    static final int EINTR = 4, ENOENT = 2, ENODEV = 19, EAGAIN = 11, ECONNABORTED = 103, EBUSY = 16,
            EINVAL = 22;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = STATE.varHandle(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE = Linker.Option.captureCallState("errno");

    private static final MethodHandle OPEN = fn("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    private static final MethodHandle CLOSE = fn("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle READ = fn("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle WRITE = fn("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle IOCTL = fn("ioctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS));
    private static final MethodHandle MOUNT = fn("mount", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));
    private static final MethodHandle UMOUNT2 = fn("umount2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle GETEUID = LINKER.downcallHandle(LINKER.defaultLookup().find("geteuid").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT));

    private static MethodHandle fn(String name, FunctionDescriptor fd) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), fd, CAPTURE);
    }

    /** Per-thread errno capture buffer: the calls are hot (every request), so no allocation per call. */
    private static final ThreadLocal<MemorySegment> STATE_BUF =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(STATE));

    private static int errno(MemorySegment st) {
        return (int) ERRNO.get(st, 0L);
    }

    private static FsException fail(MemorySegment st, String what) {
        return FsException.ofRaw(errno(st), what);
    }

    static int open(String path, int flags) {
        MemorySegment st = STATE_BUF.get();
        try (Arena a = Arena.ofConfined()) {
            int fd = (int) OPEN.invokeExact(st, a.allocateFrom(path), flags | O_CLOEXEC, 0);
            if (fd < 0) throw fail(st, "open " + path);
            return fd;
        } catch (FsException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static void close(int fd) {
        MemorySegment st = STATE_BUF.get();
        try {
            int r = (int) CLOSE.invokeExact(st, fd);
            if (r < 0 && errno(st) != EINTR) throw fail(st, "close " + fd);
        } catch (FsException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * read(2) into native memory. Returns the byte count, or {@code -errno} (negative) so that the
     * request loop can tell ENOENT (interrupted request), EINTR and ENODEV (unmounted) apart
     * without exceptions on its hot path.
     */
    static long readRaw(int fd, MemorySegment dst, long count) {
        MemorySegment st = STATE_BUF.get();
        try {
            long n = (long) READ.invokeExact(st, fd, dst, count);
            return n < 0 ? -errno(st) : n;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** write(2) from native memory; returns the count or {@code -errno}. */
    static long writeRaw(int fd, MemorySegment src, long count) {
        MemorySegment st = STATE_BUF.get();
        try {
            long n = (long) WRITE.invokeExact(st, fd, src, count);
            return n < 0 ? -errno(st) : n;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** ioctl(2) with a pointer argument; returns its non-negative result. */
    static int ioctl(int fd, long request, MemorySegment arg) {
        MemorySegment st = STATE_BUF.get();
        try {
            int r = (int) IOCTL.invokeExact(st, fd, request, arg);
            if (r < 0) throw fail(st, "ioctl 0x" + Long.toHexString(request));
            return r;
        } catch (FsException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static void mount(String source, String target, String type, long flags, String data) {
        MemorySegment st = STATE_BUF.get();
        try (Arena a = Arena.ofConfined()) {
            int r = (int) MOUNT.invokeExact(st, a.allocateFrom(source), a.allocateFrom(target), a.allocateFrom(type),
                    flags, a.allocateFrom(data));
            if (r < 0) throw fail(st, "mount " + target);
        } catch (FsException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static void umount2(String target, int flags) {
        MemorySegment st = STATE_BUF.get();
        try (Arena a = Arena.ofConfined()) {
            int r = (int) UMOUNT2.invokeExact(st, a.allocateFrom(target), flags);
            if (r < 0) throw fail(st, "umount " + target);
        } catch (FsException e) {
            throw e;
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

}
