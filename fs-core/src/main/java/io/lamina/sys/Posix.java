package io.lamina.sys;

import io.lamina.fs.FsException;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The Linux system calls lamina needs, called through the FFM API (no JNI). Every method throws
 * {@link FsException} carrying the call's errno when it fails (use {@code FsException.ofRaw}), so
 * callers never look at -1. Strings are passed as UTF-8 (names may be any bytes but NUL and '/';
 * non-UTF-8 names are out of scope for now). All *at calls take a directory fd and a name or a
 * relative path; none follows a symlink unless the caller passes flags that ask for it.
 */
public final class Posix {
    private Posix() {
    }

    // open(2) flags (x86_64)
    public static final int O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_ACCMODE = 3, O_CREAT = 0100,
            O_EXCL = 0200, O_NOCTTY = 0400, O_TRUNC = 01000, O_APPEND = 02000, O_NONBLOCK = 04000,
            O_DIRECTORY = 0200000, O_NOFOLLOW = 0400000, O_CLOEXEC = 02000000, O_PATH = 010000000,
            O_TMPFILE = 020200000, O_NOATIME = 01000000;
    // openat2(2) resolve flags
    public static final long RESOLVE_NO_XDEV = 0x01, RESOLVE_NO_MAGICLINKS = 0x02,
            RESOLVE_NO_SYMLINKS = 0x04, RESOLVE_BENEATH = 0x08, RESOLVE_IN_ROOT = 0x10;
    // *at flags
    public static final int AT_FDCWD = -100, AT_SYMLINK_NOFOLLOW = 0x100, AT_REMOVEDIR = 0x200,
            AT_SYMLINK_FOLLOW = 0x400, AT_EMPTY_PATH = 0x1000;
    // renameat2(2) flags
    public static final int RENAME_NOREPLACE = 1, RENAME_EXCHANGE = 2, RENAME_WHITEOUT = 4;
    // utimensat(2) special nanosecond values
    public static final long UTIME_NOW = (1L << 30) - 1, UTIME_OMIT = (1L << 30) - 2;
    // fallocate(2) modes
    public static final int FALLOC_FL_KEEP_SIZE = 1, FALLOC_FL_PUNCH_HOLE = 2;
    // lseek whence
    public static final int SEEK_SET = 0, SEEK_CUR = 1, SEEK_END = 2, SEEK_DATA = 3, SEEK_HOLE = 4;
    // xattr flags
    public static final int XATTR_CREATE = 1, XATTR_REPLACE = 2;
    // mount(2) flags
    public static final long MS_RDONLY = 1, MS_NOSUID = 2, MS_NODEV = 4, MS_NOEXEC = 8,
            MS_BIND = 4096, MS_PRIVATE = 1 << 18, MS_REC = 16384;
    // umount2(2) flags
    public static final int MNT_FORCE = 1, MNT_DETACH = 2;

    /**
     * openat2(2). With {@code resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS}
     * a relative {@code path} of any depth is resolved inside {@code dirfd} with no symlink
     * followed and no {@code ..} escape: the primitive every layer access goes through.
     * O_CLOEXEC is always added.
     */
    public static int openat2(int dirfd, String path, int flags, int mode, long resolve) {
        throw new UnsupportedOperationException();
    }

    /** openat(2); O_CLOEXEC is always added. */
    public static int openat(int dirfd, String path, int flags, int mode) {
        throw new UnsupportedOperationException();
    }

    public static void close(int fd) {
        throw new UnsupportedOperationException();
    }

    /** Closes, ignoring any error (for cleanup paths). */
    public static void closeQuietly(int fd) {
        throw new UnsupportedOperationException();
    }

    /** fstatat(2) (statx underneath is fine). {@code path} may be "" with AT_EMPTY_PATH. */
    public static Stat fstatat(int dirfd, String path, int flags) {
        throw new UnsupportedOperationException();
    }

    /** fstatat that answers null instead of throwing when the name does not exist (ENOENT). */
    public static Stat fstatatOrNull(int dirfd, String path, int flags) {
        throw new UnsupportedOperationException();
    }

    public static Stat fstat(int fd) {
        throw new UnsupportedOperationException();
    }

    public static void mkdirat(int dirfd, String name, int mode) {
        throw new UnsupportedOperationException();
    }

    /** mknodat(2); {@code mode} includes the type bits, {@code dev} is the encoded dev_t. */
    public static void mknodat(int dirfd, String name, int mode, long dev) {
        throw new UnsupportedOperationException();
    }

    /** The dev_t encoding of makedev(3). */
    public static long makedev(int major, int minor) {
        return ((long) (major & 0xfffff000) << 32) | ((long) (major & 0xfff) << 8)
                | ((long) (minor & 0xffffff00) << 12) | (minor & 0xff);
    }

    public static int major(long dev) {
        return (int) (((dev >>> 32) & 0xfffff000L) | ((dev >>> 8) & 0xfffL));
    }

    public static int minor(long dev) {
        return (int) (((dev >>> 12) & 0xffffff00L) | (dev & 0xffL));
    }

    public static void symlinkat(String target, int dirfd, String name) {
        throw new UnsupportedOperationException();
    }

    public static String readlinkat(int dirfd, String name) {
        throw new UnsupportedOperationException();
    }

    public static void unlinkat(int dirfd, String name, int flags) {
        throw new UnsupportedOperationException();
    }

    public static void renameat2(int olddirfd, String oldName, int newdirfd, String newName, int flags) {
        throw new UnsupportedOperationException();
    }

    public static void linkat(int olddirfd, String oldName, int newdirfd, String newName, int flags) {
        throw new UnsupportedOperationException();
    }

    /** fchmodat2(2) (syscall 452) so that AT_SYMLINK_NOFOLLOW works; EOPNOTSUPP on a symlink. */
    public static void fchmodat(int dirfd, String name, int mode, int flags) {
        throw new UnsupportedOperationException();
    }

    public static void fchownat(int dirfd, String name, int uid, int gid, int flags) {
        throw new UnsupportedOperationException();
    }

    /** utimensat(2); nanosecond fields may be UTIME_NOW or UTIME_OMIT. */
    public static void utimensat(int dirfd, String name, long atimeSec, long atimeNsec, long mtimeSec,
                                 long mtimeNsec, int flags) {
        throw new UnsupportedOperationException();
    }

    public static void fchmod(int fd, int mode) {
        throw new UnsupportedOperationException();
    }

    public static void fchown(int fd, int uid, int gid) {
        throw new UnsupportedOperationException();
    }

    public static void futimens(int fd, long atimeSec, long atimeNsec, long mtimeSec, long mtimeNsec) {
        throw new UnsupportedOperationException();
    }

    /** pread(2) into the buffer's remaining bytes (heap or direct); advances its position; 0 at EOF. */
    public static int pread(int fd, ByteBuffer dst, long offset) {
        throw new UnsupportedOperationException();
    }

    /** pwrite(2) of the buffer's remaining bytes, looping until all are written; advances position. */
    public static int pwrite(int fd, ByteBuffer src, long offset) {
        throw new UnsupportedOperationException();
    }

    /** pread(2) into native memory. */
    public static long pread(int fd, MemorySegment dst, long count, long offset) {
        throw new UnsupportedOperationException();
    }

    /** pwrite(2) from native memory (one call; may write fewer bytes). */
    public static long pwrite(int fd, MemorySegment src, long count, long offset) {
        throw new UnsupportedOperationException();
    }

    /** read(2)/write(2) on native memory, for devices such as /dev/fuse. */
    public static long read(int fd, MemorySegment dst, long count) {
        throw new UnsupportedOperationException();
    }

    public static long write(int fd, MemorySegment src, long count) {
        throw new UnsupportedOperationException();
    }

    public static void ftruncate(int fd, long size) {
        throw new UnsupportedOperationException();
    }

    public static void fsync(int fd) {
        throw new UnsupportedOperationException();
    }

    public static void fdatasync(int fd) {
        throw new UnsupportedOperationException();
    }

    public static void syncfs(int fd) {
        throw new UnsupportedOperationException();
    }

    public static void fallocate(int fd, int mode, long offset, long length) {
        throw new UnsupportedOperationException();
    }

    /** lseek(2); SEEK_DATA/SEEK_HOLE past the data throw ENXIO as the kernel does. */
    public static long lseek(int fd, long offset, int whence) {
        throw new UnsupportedOperationException();
    }

    /** copy_file_range(2); returns bytes copied (0 at EOF). Offsets are explicit, fd offsets untouched. */
    public static long copyFileRange(int fdIn, long offIn, int fdOut, long offOut, long length) {
        throw new UnsupportedOperationException();
    }

    /** fgetxattr(2); null when the attribute is absent (ENODATA). Sizes the buffer itself. */
    public static byte[] fgetxattr(int fd, String name) {
        throw new UnsupportedOperationException();
    }

    public static void fsetxattr(int fd, String name, byte[] value, int flags) {
        throw new UnsupportedOperationException();
    }

    /** flistxattr(2), split at NULs. */
    public static List<String> flistxattr(int fd) {
        throw new UnsupportedOperationException();
    }

    /** fremovexattr(2); ENODATA if absent. */
    public static void fremovexattr(int fd, String name) {
        throw new UnsupportedOperationException();
    }

    /** lgetxattr(2) by path (does not follow a final symlink); null when absent. */
    public static byte[] lgetxattr(String path, String name) {
        throw new UnsupportedOperationException();
    }

    public static void lsetxattr(String path, String name, byte[] value, int flags) {
        throw new UnsupportedOperationException();
    }

    public static List<String> llistxattr(String path) {
        throw new UnsupportedOperationException();
    }

    public static void lremovexattr(String path, String name) {
        throw new UnsupportedOperationException();
    }

    /** All entries of an open directory via getdents64(2), "." and ".." excluded; rewinds first. */
    public static List<DirEnt> readDir(int dirfd) {
        throw new UnsupportedOperationException();
    }

    public static StatFsInfo fstatfs(int fd) {
        throw new UnsupportedOperationException();
    }

    public static void mount(String source, String target, String fsType, long flags, String data) {
        throw new UnsupportedOperationException();
    }

    public static void umount2(String target, int flags) {
        throw new UnsupportedOperationException();
    }

    /** ioctl(2) with a pointer argument; returns the call's non-negative result. */
    public static int ioctl(int fd, long request, MemorySegment arg) {
        throw new UnsupportedOperationException();
    }

    public static int getuid() {
        throw new UnsupportedOperationException();
    }

    public static int getgid() {
        throw new UnsupportedOperationException();
    }

    /** dup(2). */
    public static int dup(int fd) {
        throw new UnsupportedOperationException();
    }
}
