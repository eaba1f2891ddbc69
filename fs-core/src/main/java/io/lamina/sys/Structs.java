package io.lamina.sys;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/** Kernel struct layouts (x86_64 Linux) and their conversion to and from Java values. */
final class Structs {
    private Structs() {
    }

    /** sizeof(struct stat). */
    static final long STAT_SIZE = 144;
    /** sizeof(struct statfs). */
    static final long STATFS_SIZE = 120;
    /** sizeof(struct open_how): u64 flags, u64 mode, u64 resolve. */
    static final long OPEN_HOW_SIZE = 24;
    /** sizeof(struct timespec[2]). */
    static final long TIMESPEC2_SIZE = 32;

    static Stat stat(MemorySegment s) {
        return new Stat(
                s.get(JAVA_LONG, 0),    // st_dev
                s.get(JAVA_LONG, 8),    // st_ino
                s.get(JAVA_LONG, 16),   // st_nlink
                s.get(JAVA_INT, 24),    // st_mode
                s.get(JAVA_INT, 28),    // st_uid
                s.get(JAVA_INT, 32),    // st_gid (36: padding)
                s.get(JAVA_LONG, 40),   // st_rdev
                s.get(JAVA_LONG, 48),   // st_size
                s.get(JAVA_LONG, 56),   // st_blksize
                s.get(JAVA_LONG, 64),   // st_blocks
                s.get(JAVA_LONG, 72), s.get(JAVA_LONG, 80),     // st_atim
                s.get(JAVA_LONG, 88), s.get(JAVA_LONG, 96),     // st_mtim
                s.get(JAVA_LONG, 104), s.get(JAVA_LONG, 112));  // st_ctim
    }

    static StatFsInfo statFs(MemorySegment s) {
        return new StatFsInfo(
                s.get(JAVA_LONG, 0),    // f_type
                s.get(JAVA_LONG, 8),    // f_bsize
                s.get(JAVA_LONG, 16),   // f_blocks
                s.get(JAVA_LONG, 24),   // f_bfree
                s.get(JAVA_LONG, 32),   // f_bavail
                s.get(JAVA_LONG, 40),   // f_files
                s.get(JAVA_LONG, 48),   // f_ffree (56: f_fsid)
                s.get(JAVA_LONG, 64),   // f_namelen
                s.get(JAVA_LONG, 72),   // f_frsize
                s.get(JAVA_LONG, 80));  // f_flags (88..119: spare)
    }

    static void openHow(MemorySegment how, long flags, long mode, long resolve) {
        how.set(JAVA_LONG, 0, flags);
        how.set(JAVA_LONG, 8, mode);
        how.set(JAVA_LONG, 16, resolve);
    }

    static void timespec2(MemorySegment ts, long aSec, long aNsec, long mSec, long mNsec) {
        ts.set(JAVA_LONG, 0, aSec);
        ts.set(JAVA_LONG, 8, aNsec);
        ts.set(JAVA_LONG, 16, mSec);
        ts.set(JAVA_LONG, 24, mNsec);
    }

    // struct linux_dirent64 { u64 d_ino; s64 d_off; u16 d_reclen; u8 d_type; char d_name[]; }
    // Read with the *_UNALIGNED constants: withByteAlignment(1) per call builds a new layout and
    // looks up its access handle every time (it showed in allocation profiles of readdir).
    static final long DIRENT_NAME = 19;

    static long direntIno(MemorySegment buf, long at) {
        return buf.get(ValueLayout.JAVA_LONG_UNALIGNED, at);
    }

    static int direntReclen(MemorySegment buf, long at) {
        return Short.toUnsignedInt(buf.get(ValueLayout.JAVA_SHORT_UNALIGNED, at + 16));
    }

    static int direntType(MemorySegment buf, long at) {
        return Byte.toUnsignedInt(buf.get(JAVA_BYTE, at + 18));
    }
}
