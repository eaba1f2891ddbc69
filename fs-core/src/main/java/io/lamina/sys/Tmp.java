package io.lamina.sys;

import io.lamina.fs.Errno;
import io.lamina.fs.FsException;

import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * Native scratch memory for one system call: a per-thread bump allocator over a fixed block, so
 * the common call (a path or two, a struct stat, the errno slot) allocates nothing. Requests that
 * do not fit spill into a confined arena that {@link #close()} frees. Use it in try-with-resources
 * and never let a segment escape the block: the next call on the same thread reuses the memory.
 */
final class Tmp implements AutoCloseable {
    /** Two PATH_MAX paths plus a struct stat fit with room to spare. */
    private static final long BLOCK_SIZE = 16 * 1024;
    private static final ThreadLocal<Tmp> CURRENT = ThreadLocal.withInitial(Tmp::new);

    /** The errno slot filled by downcalls made with {@code captureCallState("errno")}. */
    final MemorySegment errnoState;
    private final MemorySegment block;
    private long used;
    private boolean busy;
    private Arena spill;

    private Tmp() {
        Arena arena = Arena.ofAuto();
        errnoState = arena.allocate(Linker.Option.captureStateLayout());
        block = arena.allocate(BLOCK_SIZE, 16);
    }

    /** The calling thread's scratch, reset; a nested use (not expected) gets a private one. */
    static Tmp open() {
        Tmp t = CURRENT.get();
        if (t.busy) t = new Tmp();
        t.busy = true;
        t.used = 0;
        return t;
    }

    /** Uninitialized native memory of {@code size} bytes aligned to {@code align}. */
    MemorySegment alloc(long size, long align) {
        long start = (used + align - 1) & -align;
        if (start + size <= BLOCK_SIZE) {
            used = start + size;
            return block.asSlice(start, size);
        }
        if (spill == null) spill = Arena.ofConfined();
        return spill.allocate(size, align);
    }

    MemorySegment alloc(long size) {
        return alloc(size, 8);
    }

    /**
     * {@code s} as a NUL-terminated UTF-8 string. A NUL inside {@code s} would silently cut the
     * path short, so it is refused with EINVAL.
     */
    MemorySegment cstr(String s) {
        int n = s.length();
        // Fast path: ASCII, encoded straight into native memory without a byte[].
        MemorySegment seg = alloc(n + 1L, 1);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) return utf8(s);
            if (c == 0) throw nul(s);
            seg.set(ValueLayout.JAVA_BYTE, i, (byte) c);
        }
        seg.set(ValueLayout.JAVA_BYTE, n, (byte) 0);
        return seg;
    }

    /** Like {@link #cstr} but null becomes the NULL pointer. */
    MemorySegment cstrOrNull(String s) {
        return s == null ? MemorySegment.NULL : cstr(s);
    }

    private MemorySegment utf8(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        MemorySegment seg = alloc(b.length + 1L, 1);
        for (int i = 0; i < b.length; i++) {
            if (b[i] == 0) throw nul(s);
        }
        MemorySegment.copy(b, 0, seg, ValueLayout.JAVA_BYTE, 0, b.length);
        seg.set(ValueLayout.JAVA_BYTE, b.length, (byte) 0);
        return seg;
    }

    /** Native copy of {@code b}. */
    MemorySegment bytes(byte[] b) {
        MemorySegment seg = alloc(Math.max(1, b.length), 1);
        MemorySegment.copy(b, 0, seg, ValueLayout.JAVA_BYTE, 0, b.length);
        return seg;
    }

    /** The errno the last captured downcall left. */
    int errno() {
        return errnoState.get(ValueLayout.JAVA_INT, Libc.ERRNO_OFFSET);
    }

    private static FsException nul(String s) {
        return new FsException(Errno.EINVAL, "NUL byte in name " + s.replace('\0', '?'));
    }

    @Override
    public void close() {
        if (spill != null) {
            spill.close();
            spill = null;
        }
        busy = false;
    }
}
