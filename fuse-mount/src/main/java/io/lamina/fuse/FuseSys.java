package io.lamina.fuse;

import io.lamina.sys.Posix;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The FUSE device's own system calls, through FFM: read(2)/write(2) on /dev/fuse that hand back
 * {@code -errno} instead of throwing (the request loop tells ENOENT, EINTR and ENODEV apart on
 * every request, so no exception on that path), and geteuid(2). Everything else (open, ioctl,
 * mount, umount2) goes through {@link Posix}.
 */
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

    /** A new descriptor on /dev/fuse (close-on-exec). */
    static int openDevice() {
        return Posix.openat(Posix.AT_FDCWD, "/dev/fuse", Posix.O_RDWR, 0);
    }
}
