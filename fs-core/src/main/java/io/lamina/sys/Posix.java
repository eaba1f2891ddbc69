package io.lamina.sys;

import io.lamina.fs.Errno;
import io.lamina.fs.FsException;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
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
     * O_CLOEXEC is always added. {@code mode} is passed only with O_CREAT or O_TMPFILE (openat2
     * refuses a mode otherwise). A symlink component under RESOLVE_NO_SYMLINKS fails with ELOOP,
     * a {@code ..} or absolute escape under RESOLVE_BENEATH with EXDEV.
     */
    public static int openat2(int dirfd, String path, int flags, int mode, long resolve) {
        try (Tmp t = Tmp.open()) {
            MemorySegment how = t.alloc(Structs.OPEN_HOW_SIZE);
            boolean creates = (flags & O_CREAT) != 0 || (flags & O_TMPFILE) == O_TMPFILE;
            Structs.openHow(how, Integer.toUnsignedLong(flags | O_CLOEXEC), creates ? mode & 07777 : 0,
                    resolve);
            long fd = (long) Libc.Open.OPENAT2.invokeExact(t.errnoState, Libc.SYS_OPENAT2, (long) dirfd,
                    t.cstr(path), how, Structs.OPEN_HOW_SIZE);
            if (fd < 0) throw fail(t, "openat2 ", path);
            return (int) fd;
        } catch (Throwable e) {
            throw unchecked(e);
        }
    }

    /** openat(2); O_CLOEXEC is always added. */
    public static int openat(int dirfd, String path, int flags, int mode) {
        try (Tmp t = Tmp.open()) {
            int fd = (int) Libc.Open.OPENAT.invokeExact(t.errnoState, dirfd, t.cstr(path), flags | O_CLOEXEC,
                    mode);
            if (fd < 0) throw fail(t, "openat ", path);
            return fd;
        } catch (Throwable e) {
            throw unchecked(e);
        }
    }

    public static void close(int fd) {
        try (Tmp t = Tmp.open()) {
            // No retry on EINTR: Linux has released the fd even then.
            if ((int) Libc.Open.CLOSE.invokeExact(t.errnoState, fd) < 0) throw fail(t, "close ", fd);
        } catch (Throwable e) {
            throw unchecked(e);
        }
    }

    /** Closes, ignoring any error (for cleanup paths); a negative fd is a no-op. */
    public static void closeQuietly(int fd) {
        if (fd < 0) return;
        try (Tmp t = Tmp.open()) {
            int ignored = (int) Libc.Open.CLOSE.invokeExact(t.errnoState, fd);
        } catch (Throwable e) {
            // cleanup path: nothing to report
        }
    }

    /** fstatat(2) (statx underneath is fine). {@code path} may be "" with AT_EMPTY_PATH. */
    public static Stat fstatat(int dirfd, String path, int flags) {
        try (Tmp t = Tmp.open()) {
            MemorySegment st = t.alloc(Structs.STAT_SIZE);
            if ((int) Libc.Open.FSTATAT.invokeExact(t.errnoState, dirfd, t.cstr(path), st, flags) < 0) {
                throw fail(t, "fstatat ", path);
            }
            return Structs.stat(st);
        } catch (Throwable e) {
            throw unchecked(e);
        }
    }

    /** fstatat that answers null instead of throwing when the name does not exist (ENOENT). */
    public static Stat fstatatOrNull(int dirfd, String path, int flags) {
        try (Tmp t = Tmp.open()) {
            MemorySegment st = t.alloc(Structs.STAT_SIZE);
            if ((int) Libc.Open.FSTATAT.invokeExact(t.errnoState, dirfd, t.cstr(path), st, flags) < 0) {
                if (t.errno() == ENOENT) return null;
                throw fail(t, "fstatat ", path);
            }
            return Structs.stat(st);
        } catch (Throwable e) {
            throw unchecked(e);
        }
    }

    public static Stat fstat(int fd) {
        try (Tmp t = Tmp.open()) {
            MemorySegment st = t.alloc(Structs.STAT_SIZE);
            if ((int) Libc.Open.FSTAT.invokeExact(t.errnoState, fd, st) < 0) throw fail(t, "fstat ", fd);
            return Structs.stat(st);
        } catch (Throwable e) {
            throw unchecked(e);
        }
    }

    public static void mkdirat(int dirfd, String name, int mode) {
        try (Tmp t = Tmp.open()) {
            if ((int) Libc.Names.MKDIRAT.invokeExact(t.errnoState, dirfd, t.cstr(name), mode) < 0) {
                throw fail(t, "mkdirat ", name);
            }
        } catch (Throwable e) {
            throw unchecked(e);
        }
    }

    /** mknodat(2); {@code mode} includes the type bits, {@code dev} is the encoded dev_t. */
    public static void mknodat(int dirfd, String name, int mode, long dev) {
        try (Tmp t = Tmp.open()) {
            if ((int) Libc.Names.MKNODAT.invokeExact(t.errnoState, dirfd, t.cstr(name), mode, dev) < 0) {
                throw fail(t, "mknodat ", name);
            }
        } catch (Throwable e) {
            throw unchecked(e);
        }
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
        try (Tmp t = Tmp.open()) {
            if ((int) Libc.Names.SYMLINKAT.invokeExact(t.errnoState, t.cstr(target), dirfd, t.cstr(name)) < 0) {
                throw fail(t, "symlinkat ", name);
            }
        } catch (Throwable e) {
            throw unchecked(e);
        }
    }

    /** readlinkat(2): the whole target however long; EINVAL if {@code name} is not a symlink. */
    public static String readlinkat(int dirfd, String name) {
        try (Tmp t = Tmp.open()) {
            MemorySegment path = t.cstr(name);
            for (long size = 4096; ; size *= 2) {
                MemorySegment buf = t.alloc(size, 1);
                long n = (long) Libc.Names.READLINKAT.invokeExact(t.errnoState, dirfd, path, buf, size);
                if (n < 0) throw fail(t, "readlinkat ", name);
                // n == size means the target may have been cut short: retry bigger.
                if (n < size) return utf8(buf, n);
            }
        } catch (Throwable e) {
            throw unchecked(e);
        }
    }

    public static void unlinkat(int dirfd, String name, int flags) {
        try (Tmp t = Tmp.open()) {
            if ((int) Libc.Names.UNLINKAT.invokeExact(t.errnoState, dirfd, t.cstr(name), flags) < 0) {
                throw fail(t, "unlinkat ", name);
            }
        } catch (Throwable e) {
            throw unchecked(e);
        }
    }

    /**
     * renameat2(2). RENAME_NOREPLACE: EEXIST if the new name exists; RENAME_EXCHANGE: both must
     * exist (ENOENT otherwise); RENAME_WHITEOUT leaves a char 0/0 device at the old name.
     */
    public static void renameat2(int olddirfd, String oldName, int newdirfd, String newName, int flags) {
        try (Tmp t = Tmp.open()) {
            if ((int) Libc.Names.RENAMEAT2.invokeExact(t.errnoState, olddirfd, t.cstr(oldName), newdirfd,
                    t.cstr(newName), flags) < 0) {
                throw fail(t, "renameat2 ", oldName, newName);
            }
        } catch (Throwable e) {
            throw unchecked(e);
        }
    }

    public static void linkat(int olddirfd, String oldName, int newdirfd, String newName, int flags) {
        try (Tmp t = Tmp.open()) {
            if ((int) Libc.Names.LINKAT.invokeExact(t.errnoState, olddirfd, t.cstr(oldName), newdirfd,
                    t.cstr(newName), flags) < 0) {
                throw fail(t, "linkat ", oldName, newName);
            }
        } catch (Throwable e) {
            throw unchecked(e);
        }
    }

    /**
     * fchmodat2(2) (syscall 452) so that AT_SYMLINK_NOFOLLOW works; EOPNOTSUPP on a symlink.
     * On a kernel without fchmodat2 (before 6.6) glibc's fchmodat emulation is used instead.
     */
    public static void fchmodat(int dirfd, String name, int mode, int flags) {
        try (Tmp t = Tmp.open()) {
            MemorySegment path = t.cstr(name);
            long r = (long) Libc.Attrs.FCHMODAT2.invokeExact(t.errnoState, Libc.SYS_FCHMODAT2, (long) dirfd,
                    path, (long) mode, (long) flags);
            if (r < 0 && t.errno() == ENOSYS) {
                r = (int) Libc.Attrs.FCHMODAT.invokeExact(t.errnoState, dirfd, path, mode, flags);
            }
            if (r < 0) throw fail(t, "fchmodat ", name);
        } catch (Throwable e) {
            throw unchecked(e);
        }
    }

    public static void fchownat(int dirfd, String name, int uid, int gid, int flags) {
        try (Tmp t = Tmp.open()) {
            if ((int) Libc.Attrs.FCHOWNAT.invokeExact(t.errnoState, dirfd, t.cstr(name), uid, gid, flags) < 0) {
                throw fail(t, "fchownat ", name);
            }
        } catch (Throwable e) {
            throw unchecked(e);
        }
    }

    /** utimensat(2); nanosecond fields may be UTIME_NOW or UTIME_OMIT. */
    public static void utimensat(int dirfd, String name, long atimeSec, long atimeNsec, long mtimeSec,
                                 long mtimeNsec, int flags) {
        try (Tmp t = Tmp.open()) {
            MemorySegment ts = t.alloc(Structs.TIMESPEC2_SIZE);
            Structs.timespec2(ts, atimeSec, atimeNsec, mtimeSec, mtimeNsec);
            if ((int) Libc.Attrs.UTIMENSAT.invokeExact(t.errnoState, dirfd, t.cstr(name), ts, flags) < 0) {
                throw fail(t, "utimensat ", name);
            }
        } catch (Throwable e) {
            throw unchecked(e);
        }
    }

    public static void fchmod(int fd, int mode) {
        try (Tmp t = Tmp.open()) {
            if ((int) Libc.Attrs.FCHMOD.invokeExact(t.errnoState, fd, mode) < 0) throw fail(t, "fchmod ", fd);
        } catch (Throwable e) {
            throw unchecked(e);
        }
    }

    public static void fchown(int fd, int uid, int gid) {
        try (Tmp t = Tmp.open()) {
            if ((int) Libc.Attrs.FCHOWN.invokeExact(t.errnoState, fd, uid, gid) < 0) throw fail(t, "fchown ", fd);
        } catch (Throwable e) {
            throw unchecked(e);
        }
    }

    /** futimens(2); nanosecond fields may be UTIME_NOW or UTIME_OMIT. */
    public static void futimens(int fd, long atimeSec, long atimeNsec, long mtimeSec, long mtimeNsec) {
        try (Tmp t = Tmp.open()) {
            MemorySegment ts = t.alloc(Structs.TIMESPEC2_SIZE);
            Structs.timespec2(ts, atimeSec, atimeNsec, mtimeSec, mtimeNsec);
            if ((int) Libc.Attrs.FUTIMENS.invokeExact(t.errnoState, fd, ts) < 0) throw fail(t, "futimens ", fd);
        } catch (Throwable e) {
            throw unchecked(e);
        }
    }

    /**
     * pread(2) into the buffer's remaining bytes (heap or direct); advances its position; 0 at EOF.
     * A direct buffer is read into in place; a heap buffer through a native temporary.
     */
    public static int pread(int fd, ByteBuffer dst, long offset) {
        if (dst.isReadOnly()) throw new ReadOnlyBufferException();
        int want = dst.remaining();
        if (dst.isDirect()) {
            int n = (int) pread(fd, MemorySegment.ofBuffer(dst), want, offset);
            dst.position(dst.position() + n);
            return n;
        }
        try (Tmp t = Tmp.open()) {
            MemorySegment tmp = t.alloc(want, 1);
            long n = (long) Libc.Io.PREAD.invokeExact(t.errnoState, fd, tmp, (long) want, offset);
            if (n < 0) throw fail(t, "pread ", fd);
            MemorySegment.ofBuffer(dst).copyFrom(tmp.asSlice(0, n));
            dst.position(dst.position() + (int) n);
            return (int) n;
        } catch (Throwable e) {
            throw unchecked(e);
        }
    }

    /**
     * pwrite(2) of the buffer's remaining bytes, looping until all are written; advances position.
     * Returns the byte count written (the remaining count on entry).
     */
    public static int pwrite(int fd, ByteBuffer src, long offset) {
        int total = src.remaining();
        try (Tmp t = Tmp.open()) {
            MemorySegment from;
            if (src.isDirect()) {
                from = MemorySegment.ofBuffer(src);
            } else {
                from = t.alloc(total, 1);
                from.copyFrom(MemorySegment.ofBuffer(src));
            }
            long done = 0;
            while (done < total) {
                long n = (long) Libc.Io.PWRITE.invokeExact(t.errnoState, fd, from.asSlice(done), total - done,
                        offset + done);
                if (n < 0) {
                    if (t.errno() == EINTR) continue;
                    throw fail(t, "pwrite ", fd);
                }
                // A regular file never takes 0 bytes of a non-empty write; do not spin if one does.
                if (n == 0) throw new FsException(Errno.EIO, "pwrite wrote nothing on fd " + fd);
                done += n;
            }
        } catch (Throwable e) {
            throw unchecked(e);
        }
        src.position(src.position() + total);
        return total;
    }

    /** pread(2) into native memory; {@code count} must fit in {@code dst}. */
    public static long pread(int fd, MemorySegment dst, long count, long offset) {
        checkFits(dst, count);
        try (Tmp t = Tmp.open()) {
            long n = (long) Libc.Io.PREAD.invokeExact(t.errnoState, fd, dst, count, offset);
            if (n < 0) throw fail(t, "pread ", fd);
            return n;
        } catch (Throwable e) {
            throw unchecked(e);
        }
    }

    /** pwrite(2) from native memory (one call; may write fewer bytes); {@code count} must fit. */
    public static long pwrite(int fd, MemorySegment src, long count, long offset) {
        checkFits(src, count);
        try (Tmp t = Tmp.open()) {
            long n = (long) Libc.Io.PWRITE.invokeExact(t.errnoState, fd, src, count, offset);
            if (n < 0) throw fail(t, "pwrite ", fd);
            return n;
        } catch (Throwable e) {
            throw unchecked(e);
        }
    }

    /** read(2)/write(2) on native memory, for devices such as /dev/fuse. */
    public static long read(int fd, MemorySegment dst, long count) {
        checkFits(dst, count);
        try (Tmp t = Tmp.open()) {
            long n = (long) Libc.Io.READ.invokeExact(t.errnoState, fd, dst, count);
            if (n < 0) throw fail(t, "read ", fd);
            return n;
        } catch (Throwable e) {
            throw unchecked(e);
        }
    }

    public static long write(int fd, MemorySegment src, long count) {
        checkFits(src, count);
        try (Tmp t = Tmp.open()) {
            long n = (long) Libc.Io.WRITE.invokeExact(t.errnoState, fd, src, count);
            if (n < 0) throw fail(t, "write ", fd);
            return n;
        } catch (Throwable e) {
            throw unchecked(e);
        }
    }

    public static void ftruncate(int fd, long size) {
        try (Tmp t = Tmp.open()) {
            if ((int) Libc.Io.FTRUNCATE.invokeExact(t.errnoState, fd, size) < 0) throw fail(t, "ftruncate ", fd);
        } catch (Throwable e) {
            throw unchecked(e);
        }
    }

    public static void fsync(int fd) {
        try (Tmp t = Tmp.open()) {
            if ((int) Libc.Io.FSYNC.invokeExact(t.errnoState, fd) < 0) throw fail(t, "fsync ", fd);
        } catch (Throwable e) {
            throw unchecked(e);
        }
    }

    public static void fdatasync(int fd) {
        try (Tmp t = Tmp.open()) {
            if ((int) Libc.Io.FDATASYNC.invokeExact(t.errnoState, fd) < 0) throw fail(t, "fdatasync ", fd);
        } catch (Throwable e) {
            throw unchecked(e);
        }
    }

    public static void syncfs(int fd) {
        try (Tmp t = Tmp.open()) {
            if ((int) Libc.Io.SYNCFS.invokeExact(t.errnoState, fd) < 0) throw fail(t, "syncfs ", fd);
        } catch (Throwable e) {
            throw unchecked(e);
        }
    }

    /** fallocate(2); with FALLOC_FL_PUNCH_HOLE the mode must include FALLOC_FL_KEEP_SIZE. */
    public static void fallocate(int fd, int mode, long offset, long length) {
        try (Tmp t = Tmp.open()) {
            if ((int) Libc.Io.FALLOCATE.invokeExact(t.errnoState, fd, mode, offset, length) < 0) {
                throw fail(t, "fallocate ", fd);
            }
        } catch (Throwable e) {
            throw unchecked(e);
        }
    }

    /** lseek(2); SEEK_DATA/SEEK_HOLE past the data throw ENXIO as the kernel does. */
    public static long lseek(int fd, long offset, int whence) {
        try (Tmp t = Tmp.open()) {
            long r = (long) Libc.Io.LSEEK.invokeExact(t.errnoState, fd, offset, whence);
            if (r < 0) throw fail(t, "lseek ", fd);
            return r;
        } catch (Throwable e) {
            throw unchecked(e);
        }
    }

    /** copy_file_range(2); returns bytes copied (0 at EOF). Offsets are explicit, fd offsets untouched. */
    public static long copyFileRange(int fdIn, long offIn, int fdOut, long offOut, long length) {
        try (Tmp t = Tmp.open()) {
            MemorySegment in = t.alloc(8), out = t.alloc(8);
            in.set(ValueLayout.JAVA_LONG, 0, offIn);
            out.set(ValueLayout.JAVA_LONG, 0, offOut);
            long n = (long) Libc.Io.COPY_FILE_RANGE.invokeExact(t.errnoState, fdIn, in, fdOut, out, length, 0);
            if (n < 0) throw fail(t, "copy_file_range ", fdIn, fdOut);
            return n;
        } catch (Throwable e) {
            throw unchecked(e);
        }
    }

    /** fgetxattr(2); null when the attribute is absent (ENODATA). Sizes the buffer itself. */
    public static byte[] fgetxattr(int fd, String name) {
        try (Tmp t = Tmp.open()) {
            MemorySegment cname = t.cstr(name);
            for (long size = FIRST_XATTR_BUFFER; ; ) {
                MemorySegment buf = t.alloc(size, 1);
                long n = (long) Libc.Xattr.FGETXATTR.invokeExact(t.errnoState, fd, cname, buf, size);
                if (n >= 0) return buf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
                if (t.errno() == ENODATA) return null;
                if (t.errno() != ERANGE) throw fail(t, "fgetxattr ", fd, name);
                // Too small: ask for the size (it may change again before the retry).
                long need = (long) Libc.Xattr.FGETXATTR.invokeExact(t.errnoState, fd, cname, MemorySegment.NULL, 0L);
                if (need < 0) {
                    if (t.errno() == ENODATA) return null;
                    throw fail(t, "fgetxattr ", fd, name);
                }
                size = Math.max(need, size + 1);
            }
        } catch (Throwable e) {
            throw unchecked(e);
        }
    }

    /** fsetxattr(2); XATTR_CREATE: EEXIST if present, XATTR_REPLACE: ENODATA if absent. */
    public static void fsetxattr(int fd, String name, byte[] value, int flags) {
        try (Tmp t = Tmp.open()) {
            if ((int) Libc.Xattr.FSETXATTR.invokeExact(t.errnoState, fd, t.cstr(name), t.bytes(value),
                    (long) value.length, flags) < 0) {
                throw fail(t, "fsetxattr ", fd, name);
            }
        } catch (Throwable e) {
            throw unchecked(e);
        }
    }

    /** flistxattr(2), split at NULs. */
    public static List<String> flistxattr(int fd) {
        try (Tmp t = Tmp.open()) {
            for (long size = FIRST_XATTR_BUFFER; ; ) {
                MemorySegment buf = t.alloc(size, 1);
                long n = (long) Libc.Xattr.FLISTXATTR.invokeExact(t.errnoState, fd, buf, size);
                if (n >= 0) return splitNul(buf, n);
                if (t.errno() != ERANGE) throw fail(t, "flistxattr ", fd);
                long need = (long) Libc.Xattr.FLISTXATTR.invokeExact(t.errnoState, fd, MemorySegment.NULL, 0L);
                if (need < 0) throw fail(t, "flistxattr ", fd);
                size = Math.max(need, size + 1);
            }
        } catch (Throwable e) {
            throw unchecked(e);
        }
    }

    /** fremovexattr(2); ENODATA if absent. */
    public static void fremovexattr(int fd, String name) {
        try (Tmp t = Tmp.open()) {
            if ((int) Libc.Xattr.FREMOVEXATTR.invokeExact(t.errnoState, fd, t.cstr(name)) < 0) {
                throw fail(t, "fremovexattr ", fd, name);
            }
        } catch (Throwable e) {
            throw unchecked(e);
        }
    }

    /**
     * lgetxattr(2) by path (does not follow a final symlink); null when absent. To reach a name
     * under a directory fd, pass {@code "/proc/self/fd/<dirfd>/<name>"}.
     */
    public static byte[] lgetxattr(String path, String name) {
        try (Tmp t = Tmp.open()) {
            MemorySegment cpath = t.cstr(path), cname = t.cstr(name);
            for (long size = FIRST_XATTR_BUFFER; ; ) {
                MemorySegment buf = t.alloc(size, 1);
                long n = (long) Libc.Xattr.LGETXATTR.invokeExact(t.errnoState, cpath, cname, buf, size);
                if (n >= 0) return buf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
                if (t.errno() == ENODATA) return null;
                if (t.errno() != ERANGE) throw fail(t, "lgetxattr ", path, name);
                long need = (long) Libc.Xattr.LGETXATTR.invokeExact(t.errnoState, cpath, cname, MemorySegment.NULL, 0L);
                if (need < 0) {
                    if (t.errno() == ENODATA) return null;
                    throw fail(t, "lgetxattr ", path, name);
                }
                size = Math.max(need, size + 1);
            }
        } catch (Throwable e) {
            throw unchecked(e);
        }
    }

    /** lsetxattr(2) by path (does not follow a final symlink). */
    public static void lsetxattr(String path, String name, byte[] value, int flags) {
        try (Tmp t = Tmp.open()) {
            if ((int) Libc.Xattr.LSETXATTR.invokeExact(t.errnoState, t.cstr(path), t.cstr(name), t.bytes(value),
                    (long) value.length, flags) < 0) {
                throw fail(t, "lsetxattr ", path, name);
            }
        } catch (Throwable e) {
            throw unchecked(e);
        }
    }

    /** llistxattr(2) by path (does not follow a final symlink), split at NULs. */
    public static List<String> llistxattr(String path) {
        try (Tmp t = Tmp.open()) {
            MemorySegment cpath = t.cstr(path);
            for (long size = FIRST_XATTR_BUFFER; ; ) {
                MemorySegment buf = t.alloc(size, 1);
                long n = (long) Libc.Xattr.LLISTXATTR.invokeExact(t.errnoState, cpath, buf, size);
                if (n >= 0) return splitNul(buf, n);
                if (t.errno() != ERANGE) throw fail(t, "llistxattr ", path);
                long need = (long) Libc.Xattr.LLISTXATTR.invokeExact(t.errnoState, cpath, MemorySegment.NULL, 0L);
                if (need < 0) throw fail(t, "llistxattr ", path);
                size = Math.max(need, size + 1);
            }
        } catch (Throwable e) {
            throw unchecked(e);
        }
    }

    /** lremovexattr(2) by path (does not follow a final symlink); ENODATA if absent. */
    public static void lremovexattr(String path, String name) {
        try (Tmp t = Tmp.open()) {
            if ((int) Libc.Xattr.LREMOVEXATTR.invokeExact(t.errnoState, t.cstr(path), t.cstr(name)) < 0) {
                throw fail(t, "lremovexattr ", path, name);
            }
        } catch (Throwable e) {
            throw unchecked(e);
        }
    }

    /**
     * All entries of an open directory via getdents64(2), "." and ".." excluded; rewinds first.
     * Order is the filesystem's. {@link DirEnt#type()} is a DT_* value and may be
     * {@link DirEnt#DT_UNKNOWN} on filesystems that do not fill d_type: fstatat then.
     */
    public static List<DirEnt> readDir(int dirfd) {
        lseek(dirfd, 0, SEEK_SET);
        List<DirEnt> out = new ArrayList<>();
        try (Tmp t = Tmp.open()) {
            MemorySegment buf = t.alloc(DIRENT_BUFFER);
            while (true) {
                long n = (long) Libc.Dir.GETDENTS64.invokeExact(t.errnoState, Libc.SYS_GETDENTS64, (long) dirfd,
                        buf, DIRENT_BUFFER);
                if (n < 0) throw fail(t, "getdents64 ", dirfd);
                if (n == 0) return out;
                for (long at = 0; at < n; at += Structs.direntReclen(buf, at)) {
                    long nameAt = at + Structs.DIRENT_NAME;
                    long max = Structs.direntReclen(buf, at) - Structs.DIRENT_NAME;
                    long len = 0;
                    while (len < max && buf.get(ValueLayout.JAVA_BYTE, nameAt + len) != 0) len++;
                    if (isDotOrDotDot(buf, nameAt, len)) continue;
                    out.add(new DirEnt(utf8(buf.asSlice(nameAt), len), Structs.direntIno(buf, at),
                            Structs.direntType(buf, at)));
                }
            }
        } catch (Throwable e) {
            throw unchecked(e);
        }
    }

    /** fstatfs(2). */
    public static StatFsInfo fstatfs(int fd) {
        try (Tmp t = Tmp.open()) {
            MemorySegment st = t.alloc(Structs.STATFS_SIZE);
            if ((int) Libc.Fs.FSTATFS.invokeExact(t.errnoState, fd, st) < 0) throw fail(t, "fstatfs ", fd);
            return Structs.statFs(st);
        } catch (Throwable e) {
            throw unchecked(e);
        }
    }

    /** mount(2); {@code source}, {@code fsType} and {@code data} may be null. Needs CAP_SYS_ADMIN. */
    public static void mount(String source, String target, String fsType, long flags, String data) {
        try (Tmp t = Tmp.open()) {
            if ((int) Libc.Fs.MOUNT.invokeExact(t.errnoState, t.cstrOrNull(source), t.cstr(target),
                    t.cstrOrNull(fsType), flags, t.cstrOrNull(data)) < 0) {
                throw fail(t, "mount ", target);
            }
        } catch (Throwable e) {
            throw unchecked(e);
        }
    }

    public static void umount2(String target, int flags) {
        try (Tmp t = Tmp.open()) {
            if ((int) Libc.Fs.UMOUNT2.invokeExact(t.errnoState, t.cstr(target), flags) < 0) {
                throw fail(t, "umount2 ", target);
            }
        } catch (Throwable e) {
            throw unchecked(e);
        }
    }

    /** ioctl(2) with a pointer argument; returns the call's non-negative result. */
    public static int ioctl(int fd, long request, MemorySegment arg) {
        try (Tmp t = Tmp.open()) {
            int r = (int) Libc.Io.IOCTL.invokeExact(t.errnoState, fd, request, arg);
            if (r < 0) throw fail(t, "ioctl ", fd);
            return r;
        } catch (Throwable e) {
            throw unchecked(e);
        }
    }

    public static int getuid() {
        try {
            return (int) Libc.Ids.GETUID.invokeExact();
        } catch (Throwable e) {
            throw unchecked(e);
        }
    }

    public static int getgid() {
        try {
            return (int) Libc.Ids.GETGID.invokeExact();
        } catch (Throwable e) {
            throw unchecked(e);
        }
    }

    /** dup(2); the new fd does not have FD_CLOEXEC. */
    public static int dup(int fd) {
        try (Tmp t = Tmp.open()) {
            int r = (int) Libc.Open.DUP.invokeExact(t.errnoState, fd);
            if (r < 0) throw fail(t, "dup ", fd);
            return r;
        } catch (Throwable e) {
            throw unchecked(e);
        }
    }

    // ---- helpers ----

    private static final int EINTR = 4, ENOENT = 2, ENOSYS = 38, ENODATA = 61, ERANGE = 34;
    /** Most xattr values lamina reads ("y", a redirect path) fit at first try. */
    private static final long FIRST_XATTR_BUFFER = 256;
    private static final long DIRENT_BUFFER = 32 * 1024;

    private static FsException fail(Tmp t, String call, String path) {
        return FsException.ofRaw(t.errno(), call + path);
    }

    private static FsException fail(Tmp t, String call, String a, String b) {
        return FsException.ofRaw(t.errno(), call + a + " -> " + b);
    }

    private static FsException fail(Tmp t, String call, int fd) {
        return FsException.ofRaw(t.errno(), call + "fd " + fd);
    }

    private static FsException fail(Tmp t, String call, int fd, String name) {
        return FsException.ofRaw(t.errno(), call + "fd " + fd + " " + name);
    }

    private static FsException fail(Tmp t, String call, int fd1, int fd2) {
        return FsException.ofRaw(t.errno(), call + "fd " + fd1 + " -> fd " + fd2);
    }

    /** Downcalls declare Throwable but only ever throw unchecked ones (ours or the JVM's). */
    private static RuntimeException unchecked(Throwable e) {
        if (e instanceof RuntimeException r) return r;
        if (e instanceof Error err) throw err;
        return new IllegalStateException(e);
    }

    private static void checkFits(MemorySegment seg, long count) {
        if (count < 0 || count > seg.byteSize()) {
            throw new IndexOutOfBoundsException("count " + count + " > segment size " + seg.byteSize());
        }
    }

    private static String utf8(MemorySegment seg, long len) {
        return new String(seg.asSlice(0, len).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
    }

    private static boolean isDotOrDotDot(MemorySegment buf, long at, long len) {
        return buf.get(ValueLayout.JAVA_BYTE, at) == '.'
                && (len == 1 || len == 2 && buf.get(ValueLayout.JAVA_BYTE, at + 1) == '.');
    }

    private static List<String> splitNul(MemorySegment buf, long n) {
        List<String> out = new ArrayList<>();
        long start = 0;
        for (long i = 0; i < n; i++) {
            if (buf.get(ValueLayout.JAVA_BYTE, i) == 0) {
                if (i > start) out.add(utf8(buf.asSlice(start), i - start));
                start = i + 1;
            }
        }
        return out;
    }
}
