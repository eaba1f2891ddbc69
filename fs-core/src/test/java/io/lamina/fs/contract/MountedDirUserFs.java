package io.lamina.fs.contract;

import io.lamina.fs.Errno;
import io.lamina.fs.FileType;
import io.lamina.fs.FsException;
import io.lamina.sys.DirEnt;
import io.lamina.sys.Posix;
import io.lamina.sys.Stat;
import io.lamina.sys.StatFsInfo;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * {@link UserFs} on a real directory through system calls: a kernel overlayfs mount, a lamina
 * FUSE mount, or a plain directory (to prove the contract itself right). It holds one descriptor
 * on the root, opened at construction, and resolves every path relative to it; {@link #close}
 * closes it (before the mount is taken down).
 */
public final class MountedDirUserFs implements UserFs, AutoCloseable {
    private final Path root;
    private final int rootFd;

    public MountedDirUserFs(Path root) {
        this.root = root;
        this.rootFd = Posix.openat(Posix.AT_FDCWD, root.toString(), Posix.O_RDONLY | Posix.O_DIRECTORY, 0);
    }

    @Override
    public void close() {
        Posix.closeQuietly(rootFd);
    }

    private static String rel(String path) {
        return path.isEmpty() ? "." : path;
    }

    private String abs(String path) {
        return path.isEmpty() ? root.toString() : root + "/" + path;
    }

    /** Opens {@code path} with {@code flags} | O_NOFOLLOW, applies {@code op}, closes. */
    private <T> Outcome<T> withFd(String path, int flags, IntFunction<T> op) {
        return Outcome.of(() -> {
            int fd = Posix.openat(rootFd, rel(path), flags | Posix.O_NOFOLLOW, 0);
            try {
                return op.apply(fd);
            } finally {
                Posix.closeQuietly(fd);
            }
        });
    }

    static UserStat toUserStat(Stat s) {
        return new UserStat(FileType.ofMode(s.mode()), s.mode(), s.uid(), s.gid(), s.size(), s.nlink(),
                s.rdev(), s.ino(), s.atimeSec(), s.atimeNsec(), s.mtimeSec(), s.mtimeNsec());
    }

    @Override
    public Outcome<UserStat> lstat(String path) {
        return Outcome.of(() -> toUserStat(Posix.fstatat(rootFd, rel(path), Posix.AT_SYMLINK_NOFOLLOW)));
    }

    @Override
    public Outcome<List<String>> readdir(String path) {
        return withFd(path, Posix.O_RDONLY | Posix.O_DIRECTORY, fd -> {
            List<String> names = new ArrayList<>();
            for (DirEnt e : Posix.readDir(fd)) names.add(e.name());
            names.sort(null);
            return names;
        });
    }

    @Override
    public Outcome<String> readlink(String path) {
        return Outcome.of(() -> Posix.readlinkat(rootFd, path));
    }

    @Override
    public Outcome<String> contentHash(String path) {
        return withFd(path, Posix.O_RDONLY, fd -> ContentHash.of(source(fd)));
    }

    static ContentHash.Source source(int fd) {
        long size = Posix.fstat(fd).size();
        return new ContentHash.Source() {
            @Override
            public long size() {
                return size;
            }

            @Override
            public long seek(long offset, int whence) {
                return Posix.lseek(fd, offset, whence);
            }

            @Override
            public int read(long offset, ByteBuffer dst) {
                int p = dst.position();
                int n = Posix.pread(fd, dst, offset);
                dst.position(p + Math.max(n, 0));
                return n;
            }
        };
    }

    static byte[] preadFd(int fd, long offset, int length) {
        ByteBuffer buf = ByteBuffer.allocate(length);
        while (buf.hasRemaining()) {
            int p = buf.position();
            int n = Posix.pread(fd, buf, offset + p);
            if (n <= 0) break;
            buf.position(p + n);
        }
        byte[] out = new byte[buf.position()];
        buf.flip().get(out);
        return out;
    }

    @Override
    public Outcome<byte[]> pread(String path, long offset, int length) {
        return withFd(path, Posix.O_RDONLY, fd -> preadFd(fd, offset, length));
    }

    @Override
    public Outcome<Integer> pwrite(String path, long offset, byte[] data) {
        return withFd(path, Posix.O_WRONLY, fd -> Posix.pwrite(fd, ByteBuffer.wrap(data), offset));
    }

    @Override
    public Outcome<Void> truncate(String path, long size) {
        return withFd(path, Posix.O_WRONLY, fd -> {
            Posix.ftruncate(fd, size);
            return null;
        });
    }

    @Override
    public Outcome<Void> create(String path, int mode) {
        return Outcome.run(() -> Posix.close(Posix.openat(rootFd, path,
                Posix.O_CREAT | Posix.O_EXCL | Posix.O_WRONLY | Posix.O_NOFOLLOW, mode)));
    }

    @Override
    public Outcome<Void> mkdir(String path, int mode) {
        return Outcome.run(() -> Posix.mkdirat(rootFd, path, mode));
    }

    @Override
    public Outcome<Void> mknod(String path, int mode, long rdev) {
        return Outcome.run(() -> Posix.mknodat(rootFd, path, mode, rdev));
    }

    @Override
    public Outcome<Void> symlink(String target, String path) {
        return Outcome.run(() -> Posix.symlinkat(target, rootFd, path));
    }

    @Override
    public Outcome<Void> link(String existing, String path) {
        return Outcome.run(() -> Posix.linkat(rootFd, existing, rootFd, path, 0));
    }

    @Override
    public Outcome<Void> unlink(String path) {
        return Outcome.run(() -> Posix.unlinkat(rootFd, path, 0));
    }

    @Override
    public Outcome<Void> rmdir(String path) {
        return Outcome.run(() -> Posix.unlinkat(rootFd, path, Posix.AT_REMOVEDIR));
    }

    @Override
    public Outcome<Void> rename(String from, String to, int flags) {
        return Outcome.run(() -> Posix.renameat2(rootFd, from, rootFd, to, flags));
    }

    @Override
    public Outcome<Void> chmod(String path, int mode) {
        return Outcome.run(() -> Posix.fchmodat(rootFd, rel(path), mode, Posix.AT_SYMLINK_NOFOLLOW));
    }

    @Override
    public Outcome<Void> chown(String path, int uid, int gid) {
        return Outcome.run(() -> Posix.fchownat(rootFd, rel(path), uid, gid, Posix.AT_SYMLINK_NOFOLLOW));
    }

    @Override
    public Outcome<Void> utimes(String path, Time atime, Time mtime) {
        return Outcome.run(() -> Posix.utimensat(rootFd, rel(path), atime.sec(), atime.nsec(), mtime.sec(),
                mtime.nsec(), Posix.AT_SYMLINK_NOFOLLOW));
    }

    @Override
    public Outcome<byte[]> getxattr(String path, String name) {
        return Outcome.of(() -> {
            byte[] v = Posix.lgetxattr(abs(path), name);
            if (v == null) throw new FsException(Errno.ENODATA, name);
            return v;
        });
    }

    @Override
    public Outcome<Void> setxattr(String path, String name, byte[] value, int flags) {
        return Outcome.run(() -> Posix.lsetxattr(abs(path), name, value, flags));
    }

    @Override
    public Outcome<List<String>> listxattr(String path) {
        return Outcome.of(() -> {
            List<String> names = new ArrayList<>(Posix.llistxattr(abs(path)));
            names.sort(null);
            return names;
        });
    }

    @Override
    public Outcome<Void> removexattr(String path, String name) {
        return Outcome.run(() -> Posix.lremovexattr(abs(path), name));
    }

    @Override
    public Outcome<UserStatFs> statfs() {
        return Outcome.of(() -> {
            StatFsInfo s = Posix.fstatfs(rootFd);
            return new UserStatFs(s.bsize(), s.namelen(), s.blocks() > 0);
        });
    }

    @Override
    public Outcome<Void> access(String path, int mask) {
        return Outcome.run(() -> Faccessat.check(rootFd, rel(path), mask, Faccessat.AT_SYMLINK_NOFOLLOW));
    }

    @Override
    public Outcome<Void> fallocate(String path, int mode, long offset, long length) {
        return withFd(path, Posix.O_WRONLY, fd -> {
            Posix.fallocate(fd, mode, offset, length);
            return null;
        });
    }

    @Override
    public Outcome<Long> lseek(String path, long offset, int whence) {
        return withFd(path, Posix.O_RDONLY, fd -> Posix.lseek(fd, offset, whence));
    }

    @Override
    public Outcome<OpenFile> open(String path, int flags) {
        return Outcome.of(() -> {
            int fd = Posix.openat(rootFd, rel(path), flags | Posix.O_NOFOLLOW, 0);
            return new OpenFile() {
                @Override
                public Outcome<byte[]> pread(long offset, int length) {
                    return Outcome.of(() -> preadFd(fd, offset, length));
                }

                @Override
                public Outcome<Integer> pwrite(long offset, byte[] data) {
                    return Outcome.of(() -> Posix.pwrite(fd, ByteBuffer.wrap(data), offset));
                }

                @Override
                public Outcome<UserStat> fstat() {
                    return Outcome.of(() -> toUserStat(Posix.fstat(fd)));
                }

                @Override
                public Outcome<Void> close() {
                    return Outcome.run(() -> Posix.close(fd));
                }
            };
        });
    }
}
