package io.lamina.fs.contract;

import java.util.List;

/**
 * The path-based operations a user performs on a mounted tree, the vocabulary of the union
 * contract. Paths are relative to the root of the tree, '/'-separated, without a leading slash
 * ("" is the root). No operation follows a final symlink (lstat, lchown, utimensat with
 * AT_SYMLINK_NOFOLLOW, l*xattr, fchmodat2 with AT_SYMLINK_NOFOLLOW, opens with O_NOFOLLOW);
 * intermediate components are plain directories in every fixture.
 *
 * <p>Every method answers an {@link Outcome}: the value, or the errno a Linux system call would
 * report. None throws for a filesystem error, so error results are compared like successes.
 * Data operations are only meant for regular files and directories: a contract never opens a
 * fifo or a device node.
 */
public interface UserFs {

    /** A utimensat(2) time: seconds and nanoseconds, or {@link #NOW} / {@link #OMIT}. */
    record Time(long sec, long nsec) {
        public static final Time NOW = new Time(0, io.lamina.sys.Posix.UTIME_NOW);
        public static final Time OMIT = new Time(0, io.lamina.sys.Posix.UTIME_OMIT);

        @Override
        public String toString() {
            return this.equals(NOW) ? "now" : this.equals(OMIT) ? "omit" : sec + "." + nsec;
        }
    }

    /** An open file, as a descriptor a user keeps while the path changes under it. */
    interface OpenFile {
        Outcome<byte[]> pread(long offset, int length);

        Outcome<Integer> pwrite(long offset, byte[] data);

        Outcome<UserStat> fstat();

        Outcome<Void> close();
    }

    Outcome<UserStat> lstat(String path);

    /** The names of a directory, "." and ".." left out, sorted. */
    Outcome<List<String>> readdir(String path);

    Outcome<String> readlink(String path);

    /** {@link ContentHash} of a regular file's content, skipping holes via SEEK_DATA/SEEK_HOLE. */
    Outcome<String> contentHash(String path);

    Outcome<byte[]> pread(String path, long offset, int length);

    /** Opens O_WRONLY (no O_CREAT) and writes {@code data} at {@code offset}. */
    Outcome<Integer> pwrite(String path, long offset, byte[] data);

    /** truncate(2) (through an O_WRONLY open with O_NOFOLLOW). */
    Outcome<Void> truncate(String path, long size);

    /** open(O_CREAT | O_EXCL | O_WRONLY, mode), then close. */
    Outcome<Void> create(String path, int mode);

    Outcome<Void> mkdir(String path, int mode);

    /** mknod(2); {@code mode} carries the type bits (S_IFIFO, S_IFCHR, S_IFBLK, S_IFSOCK). */
    Outcome<Void> mknod(String path, int mode, long rdev);

    Outcome<Void> symlink(String target, String path);

    Outcome<Void> link(String existing, String path);

    Outcome<Void> unlink(String path);

    Outcome<Void> rmdir(String path);

    /** renameat2(2); {@code flags} is 0, RENAME_NOREPLACE or RENAME_EXCHANGE. */
    Outcome<Void> rename(String from, String to, int flags);

    /** fchmodat2(2) with AT_SYMLINK_NOFOLLOW (EOPNOTSUPP on a symlink). */
    Outcome<Void> chmod(String path, int mode);

    /** lchown(2); -1 leaves an id unchanged. */
    Outcome<Void> chown(String path, int uid, int gid);

    /** utimensat(2) with AT_SYMLINK_NOFOLLOW. */
    Outcome<Void> utimes(String path, Time atime, Time mtime);

    /** lgetxattr(2); ENODATA when absent. */
    Outcome<byte[]> getxattr(String path, String name);

    Outcome<Void> setxattr(String path, String name, byte[] value, int flags);

    /** llistxattr(2), sorted. */
    Outcome<List<String>> listxattr(String path);

    Outcome<Void> removexattr(String path, String name);

    Outcome<UserStatFs> statfs();

    /** faccessat(2) with AT_SYMLINK_NOFOLLOW (a symlink itself is checked), with the caller's real ids (root here). */
    Outcome<Void> access(String path, int mask);

    /** fallocate(2) on an O_WRONLY open. */
    Outcome<Void> fallocate(String path, int mode, long offset, long length);

    /** lseek(2) on an O_RDONLY open; ENXIO past the data as the kernel reports it. */
    Outcome<Long> lseek(String path, long offset, int whence);

    /** open(2) of an existing non-directory with {@code flags} | O_NOFOLLOW. */
    Outcome<OpenFile> open(String path, int flags);
}
