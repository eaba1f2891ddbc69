package io.lamina.store.journal;

import io.lamina.fs.Errno;
import io.lamina.fs.FsException;
import io.lamina.sys.DirEnt;
import io.lamina.sys.Posix;
import io.lamina.sys.Stat;

import java.nio.file.Path;
import java.util.List;

/** Stats and walks of a real directory tree, by descriptor, never following a symlink. */
final class UpperWalk {
    private UpperWalk() {
    }

    /** Told of each entry below the walked directory, parents before children. */
    @FunctionalInterface
    interface Visitor {
        void visit(String rel, Stat st);
    }

    /** lstat of {@code abs}, or null when it is gone (or a non-directory took a parent's place). */
    static Stat lstat(String abs) {
        try {
            return Posix.fstatatOrNull(Posix.AT_FDCWD, abs, Posix.AT_SYMLINK_NOFOLLOW);
        } catch (FsException e) {
            return null;
        }
    }

    /** Visits everything below the directory {@code rel} of {@code root} ("" for root itself). */
    static void walk(Path root, String rel, Visitor v) {
        int fd;
        try {
            fd = Posix.openat(Posix.AT_FDCWD, rel.isEmpty() ? root.toString() : root + "/" + rel,
                    Posix.O_RDONLY | Posix.O_DIRECTORY | Posix.O_NOFOLLOW | Posix.O_CLOEXEC, 0);
        } catch (FsException e) {
            return; // gone since: a later change reports it
        }
        walkFd(fd, rel, v);
    }

    /** Walks the open directory {@code fd} (closed at the end) whose path is {@code rel}. */
    private static void walkFd(int fd, String rel, Visitor v) {
        try {
            List<DirEnt> entries;
            try {
                entries = Posix.readDir(fd);
            } catch (FsException e) {
                // Removed after it was opened (getdents64 then says ENOENT): a later change reports it.
                if (e.errno() == Errno.ENOENT) return;
                throw e;
            }
            for (DirEnt e : entries) {
                Stat st;
                try {
                    st = Posix.fstatatOrNull(fd, e.name(), Posix.AT_SYMLINK_NOFOLLOW);
                } catch (FsException gone) {
                    continue;
                }
                if (st == null) continue;
                String child = rel.isEmpty() ? e.name() : rel + "/" + e.name();
                v.visit(child, st);
                if (st.isDir()) {
                    int sub;
                    try {
                        sub = Posix.openat(fd, e.name(), Posix.O_RDONLY | Posix.O_DIRECTORY | Posix.O_NOFOLLOW | Posix.O_CLOEXEC, 0);
                    } catch (FsException gone) {
                        continue;
                    }
                    walkFd(sub, child, v);
                }
            }
        } finally {
            Posix.closeQuietly(fd);
        }
    }

    /** Sum of st_size of the regular files under {@code dir}. */
    static long regularBytes(Path dir) {
        long[] sum = {0};
        walk(dir, "", (rel, st) -> {
            if (st.isRegular()) sum[0] += st.size();
        });
        return sum[0];
    }
}
