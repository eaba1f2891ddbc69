package io.lamina.store;

import io.lamina.fs.LowerDirEntry;
import io.lamina.fs.LowerEntry;
import io.lamina.fs.LowerLayer;
import io.lamina.sys.Posix;
import io.lamina.sys.Stat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A tree as a user sees it, reduced to comparable text: per path its type, mode, owner, size,
 * mtime, content sha256, symlink target, device number, user.* xattrs and directory listing; and
 * the hardlink partition (the sets of paths sharing one inode). Read from a real directory (a
 * kernel overlayfs mount) or from a {@link LowerLayer}.
 */
record TreeView(Map<String, String> entries, Set<Set<String>> hardlinks) {

    /** Walks a real directory tree without following symlinks. */
    static TreeView ofDirectory(String root) {
        Map<String, String> out = new TreeMap<>();
        Map<Long, Set<String>> byIno = new TreeMap<>();
        walkDir(root, "", out, byIno);
        return new TreeView(out, partition(byIno));
    }

    private static void walkDir(String root, String rel, Map<String, String> out, Map<Long, Set<String>> byIno) {
        String abs = rel.isEmpty() ? root : root + "/" + rel;
        Stat st = Posix.fstatat(Posix.AT_FDCWD, abs, Posix.AT_SYMLINK_NOFOLLOW);
        List<String> xattrs = new ArrayList<>();
        for (String n : new TreeSet<>(Posix.llistxattr(abs))) {
            if (n.startsWith("user.")) {
                byte[] v = Posix.lgetxattr(abs, n);
                // OCI readers (containerd, Go's archive/tar, commons-compress) read a pax xattr
                // record with an empty value as "unset"; GNU tar (and so the overlay dirs) keep it.
                if (v != null && v.length > 0) {
                    xattrs.add(n + "=" + HexFormat.of().formatHex(v));
                }
            }
        }
        String data = null, children = null;
        if (st.isRegular()) {
            int fd = Posix.openat(Posix.AT_FDCWD, abs, Posix.O_RDONLY, 0);
            try {
                data = sha256(fd);
            } finally {
                Posix.close(fd);
            }
        } else if (st.isSymlink()) {
            data = Posix.readlinkat(Posix.AT_FDCWD, abs);
        } else if (st.isDir()) {
            int fd = Posix.openat(Posix.AT_FDCWD, abs, Posix.O_RDONLY | Posix.O_DIRECTORY, 0);
            List<String> names = new ArrayList<>();
            try {
                Posix.readDir(fd).forEach(d -> {
                    if (!d.name().equals(".") && !d.name().equals("..")) {
                        names.add(d.name());
                    }
                });
            } finally {
                Posix.close(fd);
            }
            names.sort(null);
            children = String.join(",", names);
            for (String n : names) {
                walkDir(root, rel.isEmpty() ? n : rel + "/" + n, out, byIno);
            }
        }
        if (!rel.isEmpty()) {
            out.put(rel, describe(st, data, children, xattrs));
            if (!st.isDir()) {
                byIno.computeIfAbsent(st.ino(), k -> new TreeSet<>()).add(rel);
            }
        } else {
            out.put("", "root: " + children);
        }
    }

    /** Walks a lower layer from its root through list and probe. */
    static TreeView ofLayer(LowerLayer layer) {
        Map<String, String> out = new TreeMap<>();
        Map<Long, Set<String>> byIno = new TreeMap<>();
        walkLayer(layer, "", out, byIno);
        return new TreeView(out, partition(byIno));
    }

    private static void walkLayer(LowerLayer layer, String rel, Map<String, String> out, Map<Long, Set<String>> byIno) {
        LowerEntry e = layer.probe(rel);
        if (e == null || e.whiteout()) {
            throw new AssertionError("listed but not found: " + rel);
        }
        Stat st = e.stat();
        List<String> xattrs = new ArrayList<>();
        for (String n : new TreeSet<>(layer.xattrNames(rel))) {
            if (n.startsWith("user.")) {
                xattrs.add(n + "=" + HexFormat.of().formatHex(layer.xattr(rel, n)));
            }
        }
        String data = null, children = null;
        if (st.isRegular()) {
            int fd = layer.openData(rel);
            try {
                data = sha256(fd);
            } finally {
                Posix.close(fd);
            }
        } else if (st.isSymlink()) {
            data = layer.readlink(rel);
        } else if (st.isDir()) {
            List<String> names = new ArrayList<>();
            for (LowerDirEntry d : layer.list(rel)) {
                if (d.isWhiteout()) {
                    throw new AssertionError("a chain lists a whiteout: " + rel + "/" + d.name());
                }
                names.add(d.name());
            }
            names.sort(null);
            children = String.join(",", names);
            for (String n : names) {
                walkLayer(layer, rel.isEmpty() ? n : rel + "/" + n, out, byIno);
            }
        }
        if (!rel.isEmpty()) {
            out.put(rel, describe(st, data, children, xattrs));
            if (!st.isDir()) {
                byIno.computeIfAbsent(st.ino(), k -> new TreeSet<>()).add(rel);
            }
        } else {
            out.put("", "root: " + children);
        }
    }

    /** Walks a union through the engine's inode API (lookup, getattr, readdir, read, xattrs). */
    static TreeView ofUnion(io.lamina.fs.InodeFs fs) {
        Map<String, String> out = new TreeMap<>();
        Map<Long, Set<String>> byIno = new TreeMap<>();
        walkUnion(fs, io.lamina.fs.InodeFs.ROOT, "", out, byIno);
        return new TreeView(out, partition(byIno));
    }

    private static void walkUnion(io.lamina.fs.InodeFs fs, long node, String rel, Map<String, String> out,
                                  Map<Long, Set<String>> byIno) {
        io.lamina.fs.Attr a = fs.getattr(node);
        Stat st = new Stat(0, a.ino(), a.nlink(), a.mode(), a.uid(), a.gid(), a.rdev(), a.size(), a.blksize(),
                a.blocks(), a.atimeSec(), a.atimeNsec(), a.mtimeSec(), a.mtimeNsec(), a.ctimeSec(), a.ctimeNsec());
        List<String> xattrs = new ArrayList<>();
        for (String n : new TreeSet<>(fs.listxattr(node))) {
            if (n.startsWith("user.")) {
                xattrs.add(n + "=" + HexFormat.of().formatHex(fs.getxattr(node, n)));
            }
        }
        String data = null, children = null;
        if (st.isRegular()) {
            long fh = fs.open(node, Posix.O_RDONLY);
            try {
                MessageDigest md = MessageDigest.getInstance("SHA-256");
                ByteBuffer buf = ByteBuffer.allocate(1 << 16);
                for (long off = 0; ; ) {
                    buf.clear();
                    int n = fs.read(fh, off, buf);
                    if (n <= 0) {
                        break;
                    }
                    buf.flip();
                    md.update(buf);
                    off += n;
                }
                data = HexFormat.of().formatHex(md.digest());
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            } finally {
                fs.release(fh);
            }
        } else if (st.isSymlink()) {
            data = fs.readlink(node);
        } else if (st.isDir()) {
            long dh = fs.opendir(node);
            List<String> names = new ArrayList<>();
            try {
                long off = 0;
                while (true) {
                    List<io.lamina.fs.DirEntry> batch = fs.readdir(dh, off, 256);
                    if (batch.isEmpty()) {
                        break;
                    }
                    for (io.lamina.fs.DirEntry d : batch) {
                        if (!d.name().equals(".") && !d.name().equals("..")) {
                            names.add(d.name());
                        }
                        off = d.nextOffset();
                    }
                }
            } finally {
                fs.releasedir(dh);
            }
            names.sort(null);
            children = String.join(",", names);
            for (String n : names) {
                walkUnion(fs, fs.lookup(node, n).nodeId(), rel.isEmpty() ? n : rel + "/" + n, out, byIno);
            }
        }
        if (!rel.isEmpty()) {
            out.put(rel, describe(st, data, children, xattrs));
            if (!st.isDir()) {
                byIno.computeIfAbsent(st.ino(), k -> new TreeSet<>()).add(rel);
            }
        } else {
            out.put("", "root: " + children);
        }
    }

    private static String describe(Stat st, String data, String children, List<String> xattrs) {
        StringBuilder b = new StringBuilder();
        b.append(Integer.toOctalString(st.mode())).append(' ').append(st.uid()).append(':').append(st.gid())
                .append(" mtime=").append(st.mtimeSec()).append('.').append(st.mtimeNsec());
        if (st.isRegular() || st.isSymlink()) {
            b.append(" size=").append(st.size());
        }
        if (st.type() == Stat.S_IFCHR || st.type() == Stat.S_IFBLK) {
            b.append(" rdev=").append(Posix.major(st.rdev())).append(',').append(Posix.minor(st.rdev()));
        }
        if (data != null) {
            b.append(" data=").append(data);
        }
        if (children != null) {
            b.append(" children=[").append(children).append(']');
        }
        if (!xattrs.isEmpty()) {
            b.append(" xattrs=").append(xattrs);
        }
        return b.toString();
    }

    private static Set<Set<String>> partition(Map<Long, Set<String>> byIno) {
        Set<Set<String>> out = new java.util.HashSet<>();
        for (Set<String> s : byIno.values()) {
            if (s.size() > 1) {
                out.add(s);
            }
        }
        return out;
    }

    static String sha256(int fd) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            ByteBuffer buf = ByteBuffer.allocate(1 << 16);
            long off = 0;
            while (true) {
                buf.clear();
                int n = Posix.pread(fd, buf, off);
                if (n <= 0) {
                    break;
                }
                buf.flip();
                md.update(buf);
                off += n;
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
