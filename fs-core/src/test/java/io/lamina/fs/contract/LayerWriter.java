package io.lamina.fs.contract;

import io.lamina.sys.DirEnt;
import io.lamina.sys.Posix;
import io.lamina.sys.Stat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes the entries of one layer directory with system calls (devices, owners, trusted.* xattrs,
 * whiteouts), in the layer's {@link LayerForm}. Parents are created as needed (mode 0755).
 * {@link #finish} gives every entry fixed times, so that two builds of a layer look alike.
 */
final class LayerWriter {
    /** mtime of every fixture entry (2001-09-09), with nanoseconds to catch truncation. */
    static final long MTIME_SEC = 1_000_000_000L, MTIME_NSEC = 123_456_789L;

    // Paths are kept as strings: Posix encodes them as UTF-8 whatever the JVM's locale, while
    // java.nio.file.Path would mangle non-ASCII names under a C locale.
    private final String root;
    private final LayerForm form;

    LayerWriter(Path root, LayerForm form) {
        this.root = root.toString();
        this.form = form;
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The absolute path of {@code rel}, its missing parents made (0755, root-owned). */
    private String at(String rel) {
        int slash = -1;
        while ((slash = rel.indexOf('/', slash + 1)) > 0) {
            String parent = root + "/" + rel.substring(0, slash);
            if (Posix.fstatatOrNull(Posix.AT_FDCWD, parent, Posix.AT_SYMLINK_NOFOLLOW) == null) {
                Posix.mkdirat(Posix.AT_FDCWD, parent, 0755);
            }
        }
        return root + "/" + rel;
    }

    LayerWriter dir(String rel, int mode, int uid, int gid) {
        String p = at(rel);
        if (Posix.fstatatOrNull(Posix.AT_FDCWD, p, Posix.AT_SYMLINK_NOFOLLOW) == null) {
            Posix.mkdirat(Posix.AT_FDCWD, p, mode);
        }
        Posix.fchownat(Posix.AT_FDCWD, p, uid, gid, Posix.AT_SYMLINK_NOFOLLOW);
        Posix.fchmodat(Posix.AT_FDCWD, p, mode, 0);
        return this;
    }

    LayerWriter file(String rel, String content, int mode, int uid, int gid) {
        String p = at(rel);
        int fd = Posix.openat(Posix.AT_FDCWD, p, Posix.O_CREAT | Posix.O_EXCL | Posix.O_WRONLY, mode);
        try {
            Posix.pwrite(fd, ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8)), 0);
            Posix.fchown(fd, uid, gid); // before chmod: chown clears setuid/setgid
            Posix.fchmod(fd, mode);
        } finally {
            Posix.close(fd);
        }
        return this;
    }

    /** A sparse file of {@code size} bytes with {@code data} written at each of {@code offsets}. */
    LayerWriter sparse(String rel, long size, long[] offsets, String data, int mode) {
        String p = at(rel);
        int fd = Posix.openat(Posix.AT_FDCWD, p, Posix.O_CREAT | Posix.O_EXCL | Posix.O_WRONLY, mode);
        try {
            Posix.ftruncate(fd, size);
            for (long off : offsets) Posix.pwrite(fd, ByteBuffer.wrap(data.getBytes(StandardCharsets.UTF_8)), off);
            Posix.fchmod(fd, mode);
        } finally {
            Posix.close(fd);
        }
        return this;
    }

    LayerWriter symlink(String rel, String target, int uid, int gid) {
        String p = at(rel);
        Posix.symlinkat(target, Posix.AT_FDCWD, p);
        Posix.fchownat(Posix.AT_FDCWD, p, uid, gid, Posix.AT_SYMLINK_NOFOLLOW);
        return this;
    }

    LayerWriter hardlink(String existing, String rel) {
        Posix.linkat(Posix.AT_FDCWD, root + "/" + existing, Posix.AT_FDCWD, at(rel), 0);
        return this;
    }

    /** mknod with the type bits in {@code mode}; permissions set exactly (no umask). */
    LayerWriter node(String rel, int mode, long rdev, int uid, int gid) {
        String p = at(rel);
        Posix.mknodat(Posix.AT_FDCWD, p, mode, rdev);
        Posix.fchownat(Posix.AT_FDCWD, p, uid, gid, Posix.AT_SYMLINK_NOFOLLOW);
        Posix.fchmodat(Posix.AT_FDCWD, p, mode & 07777, 0);
        return this;
    }

    LayerWriter xattr(String rel, String name, String value) {
        Posix.lsetxattr(root + "/" + rel, name, value.getBytes(StandardCharsets.UTF_8), 0);
        return this;
    }

    /** Deletes {@code rel} of the layers below: char device 0/0, or a {@code .wh.} file. */
    LayerWriter whiteout(String rel) {
        if (form == LayerForm.OVERLAY) {
            Posix.mknodat(Posix.AT_FDCWD, at(rel), Stat.S_IFCHR, 0);
        } else {
            int slash = rel.lastIndexOf('/');
            file(rel.substring(0, slash + 1) + ".wh." + rel.substring(slash + 1), "", 0644, 0, 0);
        }
        return this;
    }

    /** Makes directory {@code rel} (which must exist in this layer) hide everything below it. */
    LayerWriter opaque(String rel) {
        if (form == LayerForm.OVERLAY) {
            xattr(rel, "trusted.overlay.opaque", "y");
        } else {
            file(rel + "/.wh..wh..opq", "", 0644, 0, 0);
        }
        return this;
    }

    /** Overlay form only: directory {@code rel} continues the lower directory at absolute {@code target}. */
    LayerWriter redirect(String rel, String target) {
        if (form != LayerForm.OVERLAY) throw new IllegalStateException("OCI layers have no redirects");
        return xattr(rel, "trusted.overlay.redirect", target);
    }

    /** Gives every entry mtime {@link #MTIME_SEC} and atime {@code atimeSec}, children before parents. */
    void finish(long atimeSec) {
        finish(root, atimeSec);
    }

    private static void finish(String path, long atimeSec) {
        Stat st = Posix.fstatat(Posix.AT_FDCWD, path, Posix.AT_SYMLINK_NOFOLLOW);
        if (st.isDir()) {
            int fd = Posix.openat(Posix.AT_FDCWD, path, Posix.O_RDONLY | Posix.O_DIRECTORY, 0);
            List<DirEnt> children;
            try {
                children = Posix.readDir(fd);
            } finally {
                Posix.close(fd);
            }
            for (DirEnt c : children) finish(path + "/" + c.name(), atimeSec);
        }
        Posix.utimensat(Posix.AT_FDCWD, path, atimeSec, 0, MTIME_SEC, MTIME_NSEC, Posix.AT_SYMLINK_NOFOLLOW);
    }
}
