package io.lamina.fuse;

import io.lamina.fs.Errno;
import io.lamina.fs.FsException;

import static io.lamina.fuse.Abi.I16;
import static io.lamina.fuse.Abi.I32;

/**
 * FUSE_INIT: what we ask of the kernel and what it grants.
 *
 * <ul>
 * <li>Requests of up to {@link #MAX_WRITE} (1 MiB): max_write and max_pages.</li>
 * <li>Async reads, parallel lookups/readdir, readdirplus (auto), atomic O_TRUNC on open.</li>
 * <li>Passthrough when the mount wants it and the kernel offers it (with max_stack_depth 1:
 * backing files on a plain file system, and our mount may still sit under an overlayfs).</li>
 * <li>Writeback cache only when asked for and safe: never with passthrough (the kernel refuses
 * the combination) and never on a read-only mount (nothing to write back).</li>
 * </ul>
 */
final class Init {
    private Init() {
    }

    /** The size of the largest WRITE/READ payload: 1 MiB. */
    static final int MAX_WRITE = 1 << 20;
    static final int MAX_PAGES = MAX_WRITE / 4096;
    /** Read buffer: the largest WRITE plus its headers (with room to spare, as the kernel demands). */
    static final int READ_BUFFER = MAX_WRITE + 4096;

    /** What was agreed. {@code minor} is the protocol minor both speak. */
    record Negotiated(int minor, long flags, boolean passthrough, boolean writebackCache) {
    }

    /*
     * READDIRPLUS always, not READDIRPLUS_AUTO: with AUTO the kernel asks for attributes only for
     * the first page of a listing (and after lookups in between), so `find` or `ls -l` over a big
     * directory paid one LOOKUP round trip per entry past the first ~25 (measured: 21k LOOKUPs for
     * a 21k-entry stat-all). An engine lookup inside READDIRPLUS costs no round trip.
     */
    private static final long WANTED = Abi.ASYNC_READ | Abi.ATOMIC_O_TRUNC | Abi.BIG_WRITES | Abi.DO_READDIRPLUS
            | Abi.ASYNC_DIO | Abi.PARALLEL_DIROPS | Abi.MAX_PAGES | Abi.AUTO_INVAL_DATA
            | Abi.CACHE_SYMLINKS | Abi.INIT_EXT | Abi.DIRECT_IO_ALLOW_MMAP;

    /**
     * Answers the INIT request in {@code rq}. EIO for a protocol other than 7.x, x >= 31,
     * which lacks what we rely on (max_pages, readdirplus, parallel dirops).
     */
    static Negotiated answer(Request rq, Reply rp, MountOptions options) {
        if (rq.opcode != Opcode.INIT) throw new FsException(Errno.EIO, "first request is " + rq.opcode + ", not INIT");
        int major = rq.i32(Abi.INIT_IN_MAJOR);
        int minor = rq.i32(Abi.INIT_IN_MINOR);
        int readahead = rq.i32(Abi.INIT_IN_READAHEAD);
        long kernel = rq.i32(Abi.INIT_IN_FLAGS) & 0xffffffffL;
        if ((kernel & Abi.INIT_EXT) != 0) kernel |= (rq.i32(Abi.INIT_IN_FLAGS2) & 0xffffffffL) << 32;
        if (major != Abi.KERNEL_MAJOR || minor < 31) {
            rp.error(Errno.EIO.code);
            throw new FsException(Errno.EIO, "kernel FUSE protocol " + major + "." + minor + " is too old (need 7.31+)");
        }
        long want = WANTED;
        boolean passthrough = options.passthrough() && (kernel & Abi.PASSTHROUGH) != 0;
        if (passthrough) want |= Abi.PASSTHROUGH;
        else if (options.writebackCache() && !options.readOnly()) want |= Abi.WRITEBACK_CACHE;
        long granted = want & kernel;
        int ourMinor = Math.min(minor, Abi.KERNEL_MINOR);

        var out = rp.body(0, Abi.INIT_OUT);
        out.fill((byte) 0);
        out.set(I32, Abi.INIT_OUT_MAJOR, Abi.KERNEL_MAJOR);
        out.set(I32, Abi.INIT_OUT_MINOR, ourMinor);
        out.set(I32, Abi.INIT_OUT_READAHEAD, Math.max(readahead, MAX_WRITE));
        out.set(I32, Abi.INIT_OUT_FLAGS, (int) granted);
        out.set(I16, Abi.INIT_OUT_MAX_BACKGROUND, (short) 64);
        out.set(I16, Abi.INIT_OUT_CONGESTION, (short) 48);
        out.set(I32, Abi.INIT_OUT_MAX_WRITE, MAX_WRITE);
        out.set(I32, Abi.INIT_OUT_TIME_GRAN, 1);
        out.set(I16, Abi.INIT_OUT_MAX_PAGES, (short) MAX_PAGES);
        out.set(I32, Abi.INIT_OUT_FLAGS2, (int) (granted >>> 32));
        if ((granted & Abi.PASSTHROUGH) != 0) out.set(I32, Abi.INIT_OUT_MAX_STACK_DEPTH, 1);
        if (!rp.send(Abi.INIT_OUT)) throw new FsException(Errno.EIO, "INIT answer refused by the kernel");
        return new Negotiated(ourMinor, granted, (granted & Abi.PASSTHROUGH) != 0,
                (granted & Abi.WRITEBACK_CACHE) != 0);
    }
}
