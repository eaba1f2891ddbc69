package io.lamina.fuse;

import io.lamina.sys.Posix;
import io.lamina.fs.Attr;
import io.lamina.fs.Caller;
import io.lamina.fs.Created;
import io.lamina.fs.DirEntry;
import io.lamina.fs.Entry;
import io.lamina.fs.Errno;
import io.lamina.fs.FileType;
import io.lamina.fs.FsException;
import io.lamina.fs.InodeFs;
import io.lamina.fs.SetAttr;
import io.lamina.fs.StatFs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * A small in-memory {@link InodeFs} for transport tests: one lock, byte-array files, lookup
 * counts kept as the protocol says. A regular file may be "backed" by a real file (read-only
 * data, offered for passthrough). Looking up the name {@value #BOOM} throws an unexpected
 * exception, to prove that a worker survives it.
 */
final class MemFs implements InodeFs {
    static final String BOOM = "boom";

    private static final class Node {
        final long id;
        final FileType type;
        int mode, uid, gid;
        long nlink = 1, rdev;
        long atime, mtime, ctime;
        byte[] data = new byte[0];
        long size;
        String target;
        Path backing;
        final TreeMap<String, Node> children = new TreeMap<>();
        Node parent;
        final Map<String, byte[]> xattrs = new LinkedHashMap<>();
        long lookups;

        Node(long id, FileType type, int mode) {
            this.id = id;
            this.type = type;
            this.mode = type.modeBits | (mode & 07777);
            long now = System.currentTimeMillis() * 1_000_000L;
            atime = mtime = ctime = now;
        }
    }

    private record Handle(Node node, int flags, List<DirEntry> listing, int backingFd) {
    }

    private final Map<Long, Node> nodes = new HashMap<>();
    private final Map<Long, Handle> handles = new HashMap<>();
    private long nextId = 2, nextFh = 1;
    private final Node root;
    /** Offer passthrough backing fds for backed files. */
    volatile boolean offerBacking = true;
    long reads;
    /** FORGETs of more lookups than were handed out: a lookup-count bug in the transport. */
    long overForgets;

    MemFs() {
        root = new Node(ROOT, FileType.DIRECTORY, 0755);
        root.nlink = 2;
        root.parent = root;
        nodes.put(ROOT, root);
    }

    // ---- building the test tree (not through the protocol)

    synchronized long addFile(long parent, String name, byte[] content) {
        Node n = child(parent, name, FileType.REGULAR, 0644);
        n.data = content.clone();
        n.size = content.length;
        return n.id;
    }

    synchronized long addBackedFile(long parent, String name, Path backing) {
        Node n = child(parent, name, FileType.REGULAR, 0444);
        n.backing = backing;
        return n.id;
    }

    synchronized long addDir(long parent, String name) {
        Node n = child(parent, name, FileType.DIRECTORY, 0755);
        n.nlink = 2;
        return n.id;
    }

    /** Nodes the kernel still holds lookup counts on (the root not included). */
    synchronized int liveNodes() {
        int n = 0;
        for (Node x : nodes.values()) if (x != root && x.lookups > 0) n++;
        return n;
    }

    synchronized int openHandles() {
        return handles.size();
    }

    private Node child(long parent, String name, FileType type, int mode) {
        Node p = dir(parent);
        if (p.children.containsKey(name)) throw new FsException(Errno.EEXIST, name);
        Node n = new Node(nextId++, type, mode);
        n.parent = p;
        p.children.put(name, n);
        if (type == FileType.DIRECTORY) p.nlink++;
        nodes.put(n.id, n);
        touch(p);
        return n;
    }

    private Node node(long id) {
        Node n = nodes.get(id);
        if (n == null) throw new FsException(Errno.ESTALE, "node " + id);
        return n;
    }

    private Node dir(long id) {
        Node n = node(id);
        if (n.type != FileType.DIRECTORY) throw new FsException(Errno.ENOTDIR, "node " + id);
        return n;
    }

    private static long now() {
        return System.currentTimeMillis() * 1_000_000L;
    }

    private static void touch(Node n) {
        n.mtime = n.ctime = now();
    }

    private Entry counted(Node n) {
        n.lookups++;
        nodes.put(n.id, n);
        return new Entry(n.id, attr(n));
    }

    private Attr attr(Node n) {
        long size = n.type == FileType.REGULAR ? n.size : n.type == FileType.SYMLINK ? n.target.length() : 4096;
        if (n.backing != null) {
            try {
                size = java.nio.file.Files.size(n.backing);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new Attr(n.id + 1000, n.mode, n.nlink, n.uid, n.gid, n.rdev, size, (size + 511) / 512, 4096,
                n.atime / 1_000_000_000L, (int) (n.atime % 1_000_000_000L), n.mtime / 1_000_000_000L,
                (int) (n.mtime % 1_000_000_000L), n.ctime / 1_000_000_000L, (int) (n.ctime % 1_000_000_000L));
    }

    // ---- InodeFs

    @Override
    public synchronized Entry lookup(long parent, String name) {
        if (name.equals(BOOM)) throw new IllegalStateException("injected failure");
        Node p = dir(parent);
        Node n = name.equals(".") ? p : name.equals("..") ? p.parent : p.children.get(name);
        return n == null ? null : counted(n);
    }

    @Override
    public synchronized void forget(long node, long count) {
        Node n = nodes.get(node);
        if (n == null || n == root) return;
        n.lookups -= count;
        if (n.lookups < 0) overForgets++;
        if (n.lookups <= 0) {
            n.lookups = 0;
            nodes.remove(node); // re-entered on the next lookup; bounded by what the kernel holds
        }
    }

    @Override
    public synchronized Attr getattr(long node) {
        return attr(node(node));
    }

    @Override
    public synchronized Attr setattr(long node, SetAttr c, long fh, Caller caller) {
        Node n = node(node);
        if (c.mode() != null) n.mode = n.type.modeBits | (c.mode() & 07777);
        if (c.uid() != null) n.uid = c.uid();
        if (c.gid() != null) n.gid = c.gid();
        if (c.size() != null) {
            if (n.type != FileType.REGULAR) throw new FsException(Errno.EISDIR, "truncate");
            if (n.backing != null) throw new FsException(Errno.EROFS, "backed file");
            n.data = java.util.Arrays.copyOf(n.data, (int) Math.max(c.size(), n.data.length));
            if (c.size() < n.size) java.util.Arrays.fill(n.data, (int) (long) c.size(), n.data.length, (byte) 0);
            n.size = c.size();
            n.mtime = now();
        }
        if (c.atimeNs() != null) n.atime = c.atimeNs() == SetAttr.NOW ? now() : c.atimeNs();
        if (c.mtimeNs() != null) n.mtime = c.mtimeNs() == SetAttr.NOW ? now() : c.mtimeNs();
        n.ctime = now();
        return attr(n);
    }

    @Override
    public synchronized String readlink(long node) {
        Node n = node(node);
        if (n.type != FileType.SYMLINK) throw new FsException(Errno.EINVAL, "not a symlink");
        return n.target;
    }

    @Override
    public synchronized Entry mknod(long parent, String name, int mode, long rdev, Caller caller) {
        Node n = child(parent, name, FileType.ofMode(mode), mode);
        n.rdev = rdev;
        own(n, caller);
        return counted(n);
    }

    @Override
    public synchronized Entry mkdir(long parent, String name, int mode, Caller caller) {
        Node n = child(parent, name, FileType.DIRECTORY, mode);
        n.nlink = 2;
        own(n, caller);
        return counted(n);
    }

    @Override
    public synchronized Entry symlink(long parent, String name, String target, Caller caller) {
        Node n = child(parent, name, FileType.SYMLINK, 0777);
        n.target = target;
        own(n, caller);
        return counted(n);
    }

    private static void own(Node n, Caller c) {
        n.uid = c.uid();
        n.gid = c.gid();
    }

    @Override
    public synchronized Entry link(long node, long newParent, String newName) {
        Node n = node(node);
        if (n.type == FileType.DIRECTORY) throw new FsException(Errno.EPERM, "link to a directory");
        Node p = dir(newParent);
        if (p.children.containsKey(newName)) throw new FsException(Errno.EEXIST, newName);
        p.children.put(newName, n);
        n.nlink++;
        n.ctime = now();
        touch(p);
        return counted(n);
    }

    @Override
    public synchronized void unlink(long parent, String name) {
        Node p = dir(parent);
        Node n = p.children.get(name);
        if (n == null) throw new FsException(Errno.ENOENT, name);
        if (n.type == FileType.DIRECTORY) throw new FsException(Errno.EISDIR, name);
        p.children.remove(name);
        n.nlink--;
        touch(p);
    }

    @Override
    public synchronized void rmdir(long parent, String name) {
        Node p = dir(parent);
        Node n = p.children.get(name);
        if (n == null) throw new FsException(Errno.ENOENT, name);
        if (n.type != FileType.DIRECTORY) throw new FsException(Errno.ENOTDIR, name);
        if (!n.children.isEmpty()) throw new FsException(Errno.ENOTEMPTY, name);
        p.children.remove(name);
        p.nlink--;
        n.nlink = 0;
        touch(p);
    }

    @Override
    public synchronized void rename(long parent, String name, long newParent, String newName, int flags) {
        Node p = dir(parent), q = dir(newParent);
        Node n = p.children.get(name);
        if (n == null) throw new FsException(Errno.ENOENT, name);
        Node old = q.children.get(newName);
        if ((flags & RENAME_NOREPLACE) != 0 && old != null) throw new FsException(Errno.EEXIST, newName);
        if ((flags & RENAME_EXCHANGE) != 0) {
            if (old == null) throw new FsException(Errno.ENOENT, newName);
            p.children.put(name, old);
            q.children.put(newName, n);
            old.parent = p;
            n.parent = q;
            return;
        }
        if (old != null) {
            if (old.type == FileType.DIRECTORY && !old.children.isEmpty()) throw new FsException(Errno.ENOTEMPTY, newName);
            old.nlink--;
        }
        p.children.remove(name);
        q.children.put(newName, n);
        n.parent = q;
        touch(p);
        touch(q);
    }

    @Override
    public synchronized long open(long node, int flags) {
        Node n = node(node);
        if (n.type == FileType.DIRECTORY) throw new FsException(Errno.EISDIR, "open");
        boolean writing = (flags & 3) != 0;
        if (n.backing != null && writing) throw new FsException(Errno.EROFS, "backed file");
        if ((flags & 01000) != 0 && writing) {
            n.data = new byte[0];
            n.size = 0;
        }
        int fd = -1;
        if (n.backing != null && offerBacking) fd = Posix.openat(Posix.AT_FDCWD, n.backing.toString(), Posix.O_RDONLY, 0);
        long fh = nextFh++;
        handles.put(fh, new Handle(n, flags, null, fd));
        return fh;
    }

    @Override
    public synchronized Created create(long parent, String name, int mode, int flags, Caller caller) {
        Node p = dir(parent);
        Node n = p.children.get(name);
        if (n != null && (flags & 0200) != 0) throw new FsException(Errno.EEXIST, name);
        Entry e;
        if (n == null) {
            n = child(parent, name, FileType.REGULAR, mode);
            own(n, caller);
        }
        e = counted(n);
        long fh = nextFh++;
        handles.put(fh, new Handle(n, flags, null, -1));
        return new Created(e, fh);
    }

    private Handle handle(long fh) {
        Handle h = handles.get(fh);
        if (h == null) throw new FsException(Errno.EBADF, "fh " + fh);
        return h;
    }

    @Override
    public synchronized int read(long fh, long offset, ByteBuffer dst) {
        reads++;
        Node n = handle(fh).node();
        if (n.backing != null) {
            try (FileChannel ch = FileChannel.open(n.backing, StandardOpenOption.READ)) {
                int r = ch.read(dst, offset);
                return Math.max(r, 0);
            } catch (IOException e) {
                throw new FsException(Errno.EIO, e.toString());
            }
        }
        if (offset >= n.size) return 0;
        int len = (int) Math.min(dst.remaining(), n.size - offset);
        dst.put(n.data, (int) offset, len);
        return len;
    }

    @Override
    public synchronized int write(long fh, long offset, ByteBuffer src) {
        Handle h = handle(fh);
        Node n = h.node();
        if ((h.flags() & 02000) != 0) offset = n.size;
        int len = src.remaining();
        long end = offset + len;
        if (end > n.data.length) n.data = java.util.Arrays.copyOf(n.data, (int) Math.max(end, n.data.length * 2L));
        src.get(n.data, (int) offset, len);
        n.size = Math.max(n.size, end);
        n.mtime = n.ctime = now();
        return len;
    }

    @Override
    public void flush(long fh) {
    }

    @Override
    public synchronized void release(long fh) {
        Handle h = handles.remove(fh);
        if (h != null && h.backingFd() >= 0) Posix.close(h.backingFd());
    }

    @Override
    public synchronized void fsync(long fh, boolean dataOnly) {
        handle(fh);
    }

    @Override
    public synchronized void fallocate(long fh, int mode, long offset, long length) {
        throw new FsException(Errno.EOPNOTSUPP, "fallocate");
    }

    @Override
    public synchronized long lseek(long fh, long offset, int whence) {
        Node n = handle(fh).node();
        if (whence == SEEK_DATA) {
            if (offset >= n.size) throw new FsException(Errno.ENXIO, "seek data");
            return offset;
        }
        if (whence == SEEK_HOLE) {
            if (offset >= n.size) throw new FsException(Errno.ENXIO, "seek hole");
            return n.size;
        }
        throw new FsException(Errno.EINVAL, "whence " + whence);
    }

    @Override
    public synchronized OptionalInt backingFd(long fh) {
        int fd = handle(fh).backingFd();
        return fd >= 0 ? OptionalInt.of(fd) : OptionalInt.empty();
    }

    @Override
    public synchronized long opendir(long node) {
        Node d = dir(node);
        List<DirEntry> l = new ArrayList<>();
        l.add(new DirEntry(".", d.id + 1000, FileType.DIRECTORY, 1));
        l.add(new DirEntry("..", d.parent.id + 1000, FileType.DIRECTORY, 2));
        for (Map.Entry<String, Node> e : d.children.entrySet()) {
            l.add(new DirEntry(e.getKey(), e.getValue().id + 1000, e.getValue().type, l.size() + 1));
        }
        long fh = nextFh++;
        handles.put(fh, new Handle(d, 0, l, -1));
        return fh;
    }

    @Override
    public synchronized List<DirEntry> readdir(long dh, long offset, int max) {
        List<DirEntry> l = handle(dh).listing();
        int from = (int) Math.min(offset, l.size());
        return List.copyOf(l.subList(from, Math.min(l.size(), from + max)));
    }

    @Override
    public synchronized void releasedir(long dh) {
        handles.remove(dh);
    }

    @Override
    public void fsyncdir(long dh, boolean dataOnly) {
    }

    @Override
    public synchronized byte[] getxattr(long node, String name) {
        byte[] v = node(node).xattrs.get(name);
        if (v == null) throw new FsException(Errno.ENODATA, name);
        return v.clone();
    }

    @Override
    public synchronized void setxattr(long node, String name, byte[] value, int flags) {
        Node n = node(node);
        boolean has = n.xattrs.containsKey(name);
        if ((flags & XATTR_CREATE) != 0 && has) throw new FsException(Errno.EEXIST, name);
        if ((flags & XATTR_REPLACE) != 0 && !has) throw new FsException(Errno.ENODATA, name);
        n.xattrs.put(name, value.clone());
        n.ctime = now();
    }

    @Override
    public synchronized List<String> listxattr(long node) {
        return List.copyOf(node(node).xattrs.keySet());
    }

    @Override
    public synchronized void removexattr(long node, String name) {
        if (node(node).xattrs.remove(name) == null) throw new FsException(Errno.ENODATA, name);
    }

    @Override
    public StatFs statfs() {
        return new StatFs(1 << 20, 1 << 19, 1 << 19, 1 << 16, 1 << 15, 4096, 255, 4096);
    }

    @Override
    public synchronized void access(long node, int mask, Caller caller) {
        node(node);
    }

    @Override
    public void close() {
    }
}
