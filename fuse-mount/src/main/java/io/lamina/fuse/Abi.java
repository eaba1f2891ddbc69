package io.lamina.fuse;

import io.lamina.fs.Attr;
import io.lamina.fs.Entry;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The FUSE wire format this transport speaks: protocol numbers, flag bits and the byte offsets of
 * every struct field it reads or writes (x86_64, little-endian, as include/uapi/linux/fuse.h
 * lays them out for protocol 7.45). The one place that knows offsets; everyone else calls the
 * accessors here.
 */
final class Abi {
    private Abi() {
    }

    static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED;
    static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED;
    static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED;

    static final int KERNEL_MAJOR = 7;
    /** Passthrough needs 7.40; we answer with the lower of this and the kernel's minor. */
    static final int KERNEL_MINOR = 45;

    // --- fuse_in_header (40 bytes) / fuse_out_header (16 bytes)
    static final int IN_HEADER = 40;
    static final int IN_LEN = 0, IN_OPCODE = 4, IN_UNIQUE = 8, IN_NODEID = 16, IN_UID = 24, IN_GID = 28, IN_PID = 32;
    static final int OUT_HEADER = 16;
    static final int OUT_LEN = 0, OUT_ERROR = 4, OUT_UNIQUE = 8;
    /** A notification carries its code where a reply carries the error, with unique 0. */
    static final int NOTIFY_INVAL_INODE = 2;

    // --- INIT flags (low 32 bits in flags, high 32 in flags2 when FUSE_INIT_EXT)
    static final long ASYNC_READ = 1L << 0, ATOMIC_O_TRUNC = 1L << 3, BIG_WRITES = 1L << 5,
            DO_READDIRPLUS = 1L << 13, READDIRPLUS_AUTO = 1L << 14, ASYNC_DIO = 1L << 15,
            WRITEBACK_CACHE = 1L << 16, PARALLEL_DIROPS = 1L << 18, ABORT_ERROR = 1L << 21,
            MAX_PAGES = 1L << 22, CACHE_SYMLINKS = 1L << 23, AUTO_INVAL_DATA = 1L << 12,
            INIT_EXT = 1L << 30, DIRECT_IO_ALLOW_MMAP = 1L << 36, PASSTHROUGH = 1L << 37;
    // fuse_init_in: major 0, minor 4, max_readahead 8, flags 12, flags2 16
    static final int INIT_IN_MAJOR = 0, INIT_IN_MINOR = 4, INIT_IN_READAHEAD = 8, INIT_IN_FLAGS = 12, INIT_IN_FLAGS2 = 16;
    // fuse_init_out (64 bytes)
    static final int INIT_OUT = 64;
    static final int INIT_OUT_MAJOR = 0, INIT_OUT_MINOR = 4, INIT_OUT_READAHEAD = 8, INIT_OUT_FLAGS = 12,
            INIT_OUT_MAX_BACKGROUND = 16, INIT_OUT_CONGESTION = 18, INIT_OUT_MAX_WRITE = 20, INIT_OUT_TIME_GRAN = 24,
            INIT_OUT_MAX_PAGES = 28, INIT_OUT_FLAGS2 = 32, INIT_OUT_MAX_STACK_DEPTH = 36;

    // --- fuse_attr (88 bytes), fuse_entry_out (40 + attr), fuse_attr_out (16 + attr)
    static final int ATTR = 88;
    static final int ENTRY_OUT = 40 + ATTR;
    static final int ATTR_OUT = 16 + ATTR;

    // --- FATTR_* valid bits of fuse_setattr_in
    static final int FATTR_MODE = 1, FATTR_UID = 1 << 1, FATTR_GID = 1 << 2, FATTR_SIZE = 1 << 3,
            FATTR_ATIME = 1 << 4, FATTR_MTIME = 1 << 5, FATTR_FH = 1 << 6, FATTR_ATIME_NOW = 1 << 7,
            FATTR_MTIME_NOW = 1 << 8, FATTR_CTIME = 1 << 10;
    // fuse_setattr_in (88 bytes)
    static final int SETATTR_VALID = 0, SETATTR_FH = 8, SETATTR_SIZE = 16, SETATTR_ATIME = 32, SETATTR_MTIME = 40,
            SETATTR_CTIME = 48, SETATTR_ATIMENSEC = 56, SETATTR_MTIMENSEC = 60, SETATTR_CTIMENSEC = 64,
            SETATTR_MODE = 68, SETATTR_UID = 76, SETATTR_GID = 80;

    /** GETATTR's fh (getattr_flags & FUSE_GETATTR_FH) is ignored: the engine's getattr is by node. */

    // --- open
    static final int FOPEN_KEEP_CACHE = 1 << 1, FOPEN_CACHE_DIR = 1 << 3, FOPEN_PASSTHROUGH = 1 << 7;
    static final int OPEN_OUT = 16; // fh u64, open_flags u32, backing_id i32
    // fuse_create_in: flags, mode, umask, open_flags (16 bytes)
    static final int CREATE_IN = 16;
    // fuse_mknod_in: mode, rdev, umask, padding (16 bytes); fuse_mkdir_in: mode, umask (8 bytes)
    static final int MKNOD_IN = 16, MKDIR_IN = 8;
    static final int RENAME_IN = 8, RENAME2_IN = 16, LINK_IN = 8;
    // fuse_read_in / fuse_write_in (40 bytes): fh 0, offset 8, size 16, flags 20
    static final int RW_FH = 0, RW_OFFSET = 8, RW_SIZE = 16, WRITE_IN = 40;
    static final int WRITE_OUT = 8;
    // fuse_release_in: fh 0, flags 8, release_flags 12; fuse_fsync_in: fh 0, fsync_flags 8
    static final int FSYNC_FDATASYNC = 1;
    // fuse_kstatfs (80 bytes)
    static final int STATFS_OUT = 80;
    // fuse_setxattr_in (8 bytes without FUSE_SETXATTR_EXT): size, flags
    static final int SETXATTR_IN = 8, GETXATTR_IN = 8, GETXATTR_OUT = 8;
    // fuse_fallocate_in: fh, offset, length, mode
    // fuse_lseek_in: fh, offset, whence; out: offset
    // fuse_copy_file_range_in: fh_in 0, off_in 8, nodeid_out 16, fh_out 24, off_out 32, len 40, flags 48
    // fuse_batch_forget_in: count u32, dummy; then {nodeid, nlookup} pairs
    static final int BATCH_FORGET_IN = 8, FORGET_ONE = 16;

    // --- dirents
    /** fuse_dirent: ino, off, namelen, type, name; padded to 8. */
    static final int DIRENT_NAME = 24;
    /** fuse_direntplus: fuse_entry_out then fuse_dirent. */
    static final int DIRENTPLUS_NAME = ENTRY_OUT + DIRENT_NAME;

    // --- /dev/fuse ioctls: _IOR(229, 0, u32), _IOW(229, 1, struct fuse_backing_map (16)), _IOW(229, 2, u32)
    static final long DEV_IOC_CLONE = 0x8004E500L;
    static final long DEV_IOC_BACKING_OPEN = 0x4010E501L;
    static final long DEV_IOC_BACKING_CLOSE = 0x4004E502L;
    /** struct fuse_backing_map: fd i32, flags u32, padding u64. */
    static final int BACKING_MAP = 16;

    static long align8(long n) {
        return (n + 7) & ~7L;
    }

    /** Writes a fuse_attr at {@code off}. {@code ino} is the st_ino the user sees. */
    static void putAttr(MemorySegment m, long off, Attr a) {
        m.set(I64, off, a.ino());
        m.set(I64, off + 8, a.size());
        m.set(I64, off + 16, a.blocks());
        m.set(I64, off + 24, a.atimeSec());
        m.set(I64, off + 32, a.mtimeSec());
        m.set(I64, off + 40, a.ctimeSec());
        m.set(I32, off + 48, a.atimeNsec());
        m.set(I32, off + 52, a.mtimeNsec());
        m.set(I32, off + 56, a.ctimeNsec());
        m.set(I32, off + 60, a.mode());
        m.set(I32, off + 64, (int) a.nlink());
        m.set(I32, off + 68, a.uid());
        m.set(I32, off + 72, a.gid());
        m.set(I32, off + 76, encodeRdev(a.rdev()));
        m.set(I32, off + 80, a.blksize());
        m.set(I32, off + 84, 0);
    }

    /** fuse_attr.rdev is the kernel's 32-bit new_encode_dev form; the engine hands a 64-bit glibc dev_t. */
    static int encodeRdev(long dev) {
        int major = (int) (((dev >>> 32) & 0xfffff000L) | ((dev >>> 8) & 0xfffL));
        int minor = (int) (((dev >>> 12) & 0xffffff00L) | (dev & 0xffL));
        return (minor & 0xff) | (major << 8) | ((minor & ~0xff) << 12);
    }

    /** The glibc dev_t of a kernel new_encode_dev value (as MKNOD sends it). */
    static long decodeRdev(int dev) {
        long major = (dev & 0xfff00) >>> 8;
        long minor = (dev & 0xff) | ((dev >>> 12) & 0xfff00);
        return ((major & 0xfffff000L) << 32) | ((major & 0xfffL) << 8) | ((minor & 0xffffff00L) << 12) | (minor & 0xffL);
    }

    /** Writes a fuse_entry_out at {@code off}; timeouts in nanoseconds. */
    static void putEntry(MemorySegment m, long off, Entry e, long entryTimeoutNs, long attrTimeoutNs) {
        m.set(I64, off, e.nodeId());
        m.set(I64, off + 8, 0L); // generation: NodeIds are never reused, so 0 is unique enough
        m.set(I64, off + 16, entryTimeoutNs / 1_000_000_000L);
        m.set(I64, off + 24, attrTimeoutNs / 1_000_000_000L);
        m.set(I32, off + 32, (int) (entryTimeoutNs % 1_000_000_000L));
        m.set(I32, off + 36, (int) (attrTimeoutNs % 1_000_000_000L));
        putAttr(m, off + 40, e.attr());
    }

    /** A negative entry: nodeid 0 with a timeout, so the kernel caches that the name does not exist. */
    static void putNegativeEntry(MemorySegment m, long off, long entryTimeoutNs) {
        putNoEntry(m, off);
        m.set(I64, off + 16, entryTimeoutNs / 1_000_000_000L);
        m.set(I32, off + 32, (int) (entryTimeoutNs % 1_000_000_000L));
    }

    /** An all-zero fuse_entry_out: "no entry" (nodeid 0), used for . and .. in READDIRPLUS. */
    static void putNoEntry(MemorySegment m, long off) {
        m.asSlice(off, ENTRY_OUT).fill((byte) 0);
    }

    static void putAttrOut(MemorySegment m, long off, Attr a, long attrTimeoutNs) {
        m.set(I64, off, attrTimeoutNs / 1_000_000_000L);
        m.set(I32, off + 8, (int) (attrTimeoutNs % 1_000_000_000L));
        m.set(I32, off + 12, 0);
        putAttr(m, off + 16, a);
    }

    static void putOpenOut(MemorySegment m, long off, long fh, int openFlags, int backingId) {
        m.set(I64, off, fh);
        m.set(I32, off + 8, openFlags);
        m.set(I32, off + 12, backingId);
    }
}
