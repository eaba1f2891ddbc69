package io.lamina.fs;

import io.lamina.sys.Posix;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Open file and directory handles, by number. */
final class Handles {
    /**
     * An open file. {@code fd} is the real file holding the data right now: a lower file until the
     * node is copied up, then (re-opened on the next access) the upper one.
     */
    static final class File {
        final Node node;
        final int flags;
        final boolean writable;
        volatile int fd;
        volatile boolean onUpper;
        /** The first read has updated the atime where the kernel would. */
        volatile boolean accessed;
        /** Descriptors replaced by a re-open; closed at release so concurrent reads stay safe. */
        final List<Integer> retired = new java.util.ArrayList<>();

        File(Node node, int flags, int fd, boolean onUpper) {
            this.node = node;
            this.flags = flags;
            this.writable = (flags & Posix.O_ACCMODE) != Posix.O_RDONLY;
            this.fd = fd;
            this.onUpper = onUpper;
        }
    }

    /**
     * An open directory and its listing, a snapshot taken at the first readdir (not at opendir: a
     * transport whose kernel keeps listings opens directories it then never reads).
     */
    static final class Dir {
        final Node node;
        /** Null until the first readdir; written under the engine lock. */
        volatile List<DirEntry> entries;

        Dir(Node node) {
            this.node = node;
        }
    }

    private final AtomicLong next = new AtomicLong(1);
    private final ConcurrentHashMap<Long, File> files = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Long, Dir> dirs = new ConcurrentHashMap<>();

    long add(File f) {
        long fh = next.getAndIncrement();
        files.put(fh, f);
        return fh;
    }

    long add(Dir d) {
        long dh = next.getAndIncrement();
        dirs.put(dh, d);
        return dh;
    }

    File file(long fh) {
        File f = files.get(fh);
        if (f == null) throw new FsException(Errno.EBADF, "file handle " + fh);
        return f;
    }

    /** The handle, or null when {@code fh} is -1 or unknown. */
    File fileOrNull(long fh) {
        return fh < 0 ? null : files.get(fh);
    }

    File removeFile(long fh) {
        File f = files.remove(fh);
        if (f == null) throw new FsException(Errno.EBADF, "file handle " + fh);
        return f;
    }

    Dir dir(long dh) {
        Dir d = dirs.get(dh);
        if (d == null) throw new FsException(Errno.EBADF, "directory handle " + dh);
        return d;
    }

    void removeDir(long dh) {
        if (dirs.remove(dh) == null) throw new FsException(Errno.EBADF, "directory handle " + dh);
    }

    /** Any open handle of {@code node}, or null. */
    File anyOpen(Node node) {
        for (File f : files.values()) {
            if (f.node == node) return f;
        }
        return null;
    }

    java.util.Collection<File> openFiles() {
        return files.values();
    }
}
