package io.lamina.fs;

import io.lamina.sys.DirEnt;
import io.lamina.sys.Posix;
import io.lamina.sys.Stat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The writable layer: the upper directory, the work directory beside it (temporary entries are
 * built in {@code work/work} and renamed into place; {@code work/lamina-index} keeps one link per
 * copied-up lower hardlinked inode), and the private tmpfs holding both when asked for. The
 * tmpfs is detached from the mount table as soon as its directories are open: only lamina's
 * descriptors reach it, and the kernel frees it when they close, even if the process dies.
 */
final class Upper {
    static final String TEMP_DIR = "work";
    static final String INDEX_DIR = "lamina-index";

    final int rootFd;
    final int tempFd;
    final int indexFd;
    final long dev;
    final boolean isVolatile;
    private final AtomicLong tempNames = new AtomicLong();

    private Upper(int rootFd, int tempFd, int indexFd, long dev, boolean isVolatile) {
        this.rootFd = rootFd;
        this.tempFd = tempFd;
        this.indexFd = indexFd;
        this.dev = dev;
        this.isVolatile = isVolatile;
    }

    /** Opens (or, for tmpfs, creates) the upper of {@code spec}; leftovers of an earlier crash are removed. */
    static Upper open(UnionSpec spec) {
        Path upper = spec.upper();
        Path work = spec.work();
        Path tmpfs = null;
        if (spec.usesTmpfs()) {
            tmpfs = mountTmpfs(spec.tmpfsBytes());
            upper = tmpfs.resolve("upper");
            work = tmpfs.resolve("work");
            try {
                Files.createDirectory(upper);
                Files.createDirectory(work);
            } catch (IOException e) {
                unmountTmpfs(tmpfs);
                throw new FsException(Errno.EIO, "tmpfs upper: " + e.getMessage());
            }
        }
        int root = -1;
        int workFd = -1;
        try {
            root = openDir(upper, "upper");
            workFd = openDir(work, "work");
            long dev = Posix.fstat(root).dev();
            if (Posix.fstat(workFd).dev() != dev) {
                throw new FsException(Errno.EXDEV, "upper " + upper + " and work " + work + " are on different filesystems");
            }
            int temp = subdir(workFd, TEMP_DIR);
            removeChildren(temp);
            int index = subdir(workFd, INDEX_DIR);
            return new Upper(root, temp, index, dev, spec.volatileUpper());
        } catch (RuntimeException e) {
            Posix.closeQuietly(root);
            throw e;
        } finally {
            if (workFd >= 0) Posix.closeQuietly(workFd);
            if (tmpfs != null) unmountTmpfs(tmpfs);
        }
    }

    private static int openDir(Path dir, String what) {
        try {
            return Posix.openat(Posix.AT_FDCWD, dir.toString(), Posix.O_PATH | Posix.O_DIRECTORY, 0);
        } catch (FsException e) {
            throw new FsException(e.errno(), what + " directory " + dir);
        }
    }

    private static int subdir(int parent, String name) {
        try {
            Posix.mkdirat(parent, name, 0700);
        } catch (FsException e) {
            if (e.errno() != Errno.EEXIST) throw e;
        }
        return Beneath.openDir(parent, name);
    }

    /**
     * An O_PATH descriptor of directory node {@code d}'s upper directory, which must exist: one
     * openat2 beneath the root the first time, the cached descriptor after. The caller borrows it
     * (does not close it) and holds the engine lock, under which it stays valid.
     */
    int dirFd(Node d) {
        if (d.parent == null) return rootFd;
        if (d.upperFd < 0) d.upperFd = Beneath.openDir(rootFd, d.upperPath());
        return d.upperFd;
    }

    /** The upper directory of {@code n}'s parent ({@link #dirFd}), or the root's for the root. */
    int parentFd(Node n) {
        return n.parent == null ? rootFd : dirFd(n.parent);
    }

    /** {@code n}'s name inside {@link #parentFd} ("." for the root). */
    static String nameIn(Node n) {
        return n.parent == null ? "." : n.name;
    }

    /** Closes the cached descriptor of {@code n}, if any: it was detached or freed. */
    static void closeDir(Node n) {
        if (n.upperFd >= 0) {
            Posix.closeQuietly(n.upperFd);
            n.upperFd = -1;
        }
    }

    /** A fresh name for a temporary entry in the work directory. */
    String tempName() {
        return "#" + ProcessHandle.current().pid() + "." + tempNames.incrementAndGet();
    }

    /** Removes a temporary entry (and, for a directory, what is inside), ignoring errors. */
    void discardTemp(String name) {
        try {
            Stat st = Posix.fstatatOrNull(tempFd, name, Posix.AT_SYMLINK_NOFOLLOW);
            if (st == null) return;
            if (st.isDir()) {
                int fd = Beneath.openDirForReading(tempFd, name);
                try {
                    removeChildren(fd);
                } finally {
                    Posix.closeQuietly(fd);
                }
                Posix.unlinkat(tempFd, name, Posix.AT_REMOVEDIR);
            } else {
                Posix.unlinkat(tempFd, name, 0);
            }
        } catch (FsException ignored) {
            // Garbage in work/ is removed at the next open.
        }
    }

    /** Removes everything inside directory {@code dirFd} without following any symlink. */
    static void removeChildren(int dirFd) {
        int readable = Posix.openat(dirFd, ".", Posix.O_RDONLY | Posix.O_DIRECTORY, 0);
        try {
            for (DirEnt e : Posix.readDir(readable)) {
                if (e.type() == 4) {
                    int sub = Beneath.openDirForReading(readable, e.name());
                    try {
                        removeChildren(sub);
                    } finally {
                        Posix.closeQuietly(sub);
                    }
                    Posix.unlinkat(readable, e.name(), Posix.AT_REMOVEDIR);
                } else {
                    Posix.unlinkat(readable, e.name(), 0);
                }
            }
        } finally {
            Posix.closeQuietly(readable);
        }
    }

    void fsync(int fd) {
        if (!isVolatile) Posix.fsync(fd);
    }

    void close() {
        Posix.closeQuietly(indexFd);
        Posix.closeQuietly(tempFd);
        Posix.closeQuietly(rootFd);
    }

    private static Path mountTmpfs(long bytes) {
        try {
            Path dir = Files.createTempDirectory("lamina-tmpfs-");
            try {
                Posix.mount("lamina", dir.toString(), "tmpfs", Posix.MS_NOSUID | Posix.MS_NODEV,
                        "size=" + bytes + ",mode=0755");
            } catch (FsException e) {
                Files.deleteIfExists(dir);
                throw new FsException(e.errno(), "mounting the tmpfs upper (needs root)");
            }
            return dir;
        } catch (IOException e) {
            throw new FsException(Errno.EIO, "tmpfs upper: " + e.getMessage());
        }
    }

    private static void unmountTmpfs(Path dir) {
        try {
            Posix.umount2(dir.toString(), Posix.MNT_DETACH);
            Files.deleteIfExists(dir);
        } catch (FsException | IOException ignored) {
            // Nothing more to do on the way out.
        }
    }
}
