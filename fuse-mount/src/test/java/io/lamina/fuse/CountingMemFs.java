package io.lamina.fuse;

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

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A tiny in-memory {@link InodeFs} for transport tests, until the real engine is there. One lock
 * (every method is synchronized): it is test code. It counts lookups so tests can check that a
 * transport gives back every count it took.
 */
final class CountingMemFs implements InodeFs {
    private static final int O_ACCMODE = 3, O_CREAT = 0100, O_EXCL = 0200, O_TRUNC = 01000, O_APPEND = 02000;

    private static final class Node {
        final long id;
        final FileType type;
        int mode, uid, gid, nlink;
        long rdev, lookups, atime, mtime, ctime;
        byte[] data = new byte[0];
        int size;
        String target;
        Node parent;
        final TreeMap<String, Node> children = new TreeMap<>();
        final Map<String, byte[]> xattrs = new LinkedHashMap<>();

        Node(long id, FileType type, int perm, Caller c) {
            this.id = id;
            this.type = type;
            this.mode = type.modeBits | (perm & 07777);
            this.uid = c.uid();
            this.gid = c.gid();
            this.nlink = type == FileType.DIRECTORY ? 2 : 1;
            atime = mtime = ctime = System.currentTimeMillis() * 1_000_000L;
        }
    }

    private record Handle(Node node, int flags) {
    }

    private final Map<Long, Node> nodes = new HashMap<>();
    private final Map<Long, Handle> files = new HashMap<>();
    private final Map<Long, List<DirEntry>> dirs = new HashMap<>();
    private long nextId = ROOT, nextHandle = 1;

    CountingMemFs() {
        Node root = alloc(FileType.DIRECTORY, 0755, Caller.ROOT);
        root.parent = root;
    }

    /** Sum of all outstanding lookup counts (0 when a transport gave back all it took). */
    synchronized long outstandingLookups() {
        return nodes.values().stream().filter(n -> n.id != ROOT).mapToLong(n -> n.lookups).sum();
    }

    /** The st_ino of a name in the root directory (for tests that compare with what stat shows). */
    synchronized long lookupIno(String name) {
        return nodes.get(ROOT).children.get(name).id;
    }

    synchronized int openHandles() {
        return files.size() + dirs.size();
    }

    private Node alloc(FileType type, int perm, Caller c) {
        Node n = new Node(nextId++, type, perm, c);
        nodes.put(n.id, n);
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

    private Entry entry(Node n) {
        n.lookups++;
        return new Entry(n.id, attr(n));
    }

    private static Attr attr(Node n) {
        long size = n.type == FileType.SYMLINK ? n.target.length() : n.type == FileType.DIRECTORY ? 4096 : n.size;
        return new Attr(n.id, n.mode, n.nlink, n.uid, n.gid, n.rdev, size, (size + 511) / 512, 4096,
                n.atime / 1_000_000_000L, (int) (n.atime % 1_000_000_000L), n.mtime / 1_000_000_000L,
                (int) (n.mtime % 1_000_000_000L), n.ctime / 1_000_000_000L, (int) (n.ctime % 1_000_000_000L));
    }

    private Node fresh(long parent, String name, FileType type, int perm, Caller c) {
        Node d = dir(parent);
        if (d.children.containsKey(name)) throw new FsException(Errno.EEXIST, name);
        Node n = alloc(type, perm, c);
        n.parent = d;
        d.children.put(name, n);
        if (type == FileType.DIRECTORY) d.nlink++;
        return n;
    }

    private void maybeFree(Node n) {
        if (n.lookups <= 0 && n.nlink <= 0 && files.values().stream().noneMatch(h -> h.node == n)) nodes.remove(n.id);
    }

    @Override
    public synchronized Entry lookup(long parent, String name) {
        Node d = dir(parent);
        Node n = name.equals(".") ? d : name.equals("..") ? d.parent : d.children.get(name);
        return n == null ? null : entry(n);
    }

    @Override
    public synchronized void forget(long node, long count) {
        Node n = nodes.get(node);
        if (n == null || n.id == ROOT) return;
        n.lookups -= count;
        if (n.lookups < 0) throw new IllegalStateException("lookup count of " + node + " below zero");
        maybeFree(n);
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
        if (c.size() != null) truncate(n, c.size());
        long now = System.currentTimeMillis() * 1_000_000L;
        if (c.atimeNs() != null) n.atime = c.atimeNs() == SetAttr.NOW ? now : c.atimeNs();
        if (c.mtimeNs() != null) n.mtime = c.mtimeNs() == SetAttr.NOW ? now : c.mtimeNs();
        n.ctime = now;
        return attr(n);
    }

    private static void truncate(Node n, long size) {
        if (n.type == FileType.DIRECTORY) throw new FsException(Errno.EISDIR, "truncate");
        if (size > n.data.length) n.data = Arrays.copyOf(n.data, (int) size);
        if (size < n.size) Arrays.fill(n.data, (int) size, n.size, (byte) 0);
        n.size = (int) size;
    }

    @Override
    public synchronized String readlink(long node) {
        Node n = node(node);
        if (n.type != FileType.SYMLINK) throw new FsException(Errno.EINVAL, "not a symlink");
        return n.target;
    }

    @Override
    public synchronized Entry mknod(long parent, String name, int mode, long rdev, Caller caller) {
        Node n = fresh(parent, name, FileType.ofMode(mode), mode, caller);
        n.rdev = rdev;
        return entry(n);
    }

    @Override
    public synchronized Entry mkdir(long parent, String name, int mode, Caller caller) {
        return entry(fresh(parent, name, FileType.DIRECTORY, mode, caller));
    }

    @Override
    public synchronized Entry symlink(long parent, String name, String target, Caller caller) {
        Node n = fresh(parent, name, FileType.SYMLINK, 0777, caller);
        n.target = target;
        return entry(n);
    }

    @Override
    public synchronized Entry link(long node, long newParent, String newName) {
        Node n = node(node);
        if (n.type == FileType.DIRECTORY) throw new FsException(Errno.EPERM, "link of a directory");
        Node d = dir(newParent);
        if (d.children.containsKey(newName)) throw new FsException(Errno.EEXIST, newName);
        d.children.put(newName, n);
        n.nlink++;
        return entry(n);
    }

    private Node child(long parent, String name) {
        Node n = dir(parent).children.get(name);
        if (n == null) throw new FsException(Errno.ENOENT, name);
        return n;
    }

    @Override
    public synchronized void unlink(long parent, String name) {
        Node n = child(parent, name);
        if (n.type == FileType.DIRECTORY) throw new FsException(Errno.EISDIR, name);
        dir(parent).children.remove(name);
        n.nlink--;
        maybeFree(n);
    }

    @Override
    public synchronized void rmdir(long parent, String name) {
        Node n = child(parent, name);
        if (n.type != FileType.DIRECTORY) throw new FsException(Errno.ENOTDIR, name);
        if (!n.children.isEmpty()) throw new FsException(Errno.ENOTEMPTY, name);
        Node d = dir(parent);
        d.children.remove(name);
        d.nlink--;
        n.nlink = 0;
        maybeFree(n);
    }

    @Override
    public synchronized void rename(long parent, String name, long newParent, String newName, int flags) {
        if (flags != 0) throw new FsException(Errno.EINVAL, "rename flags");
        Node src = child(parent, name);
        Node from = dir(parent), to = dir(newParent);
        for (Node a = to; ; a = a.parent) {
            if (a == src) throw new FsException(Errno.EINVAL, "rename into itself");
            if (a.id == ROOT) break;
        }
        Node dst = to.children.get(newName);
        if (dst == src) return;
        if (dst != null) {
            if (src.type == FileType.DIRECTORY && dst.type != FileType.DIRECTORY) throw new FsException(Errno.ENOTDIR, newName);
            if (src.type != FileType.DIRECTORY && dst.type == FileType.DIRECTORY) throw new FsException(Errno.EISDIR, newName);
            if (dst.type == FileType.DIRECTORY) {
                if (!dst.children.isEmpty()) throw new FsException(Errno.ENOTEMPTY, newName);
                to.nlink--;
                dst.nlink = 0;
            } else {
                dst.nlink--;
            }
            maybeFree(dst);
        }
        from.children.remove(name);
        to.children.put(newName, src);
        if (src.type == FileType.DIRECTORY) {
            from.nlink--;
            to.nlink++;
            src.parent = to;
        }
    }

    @Override
    public synchronized long open(long node, int flags) {
        Node n = node(node);
        if (n.type == FileType.DIRECTORY) throw new FsException(Errno.EISDIR, "open");
        if ((flags & O_TRUNC) != 0 && (flags & O_ACCMODE) != 0) truncate(n, 0);
        long fh = nextHandle++;
        files.put(fh, new Handle(n, flags));
        return fh;
    }

    @Override
    public synchronized Created create(long parent, String name, int mode, int flags, Caller caller) {
        Node existing = dir(parent).children.get(name);
        if (existing != null) {
            if ((flags & O_EXCL) != 0) throw new FsException(Errno.EEXIST, name);
            Entry e = entry(existing);
            return new Created(e, open(existing.id, flags & ~O_CREAT));
        }
        Entry e = entry(fresh(parent, name, FileType.REGULAR, mode, caller));
        return new Created(e, open(e.nodeId(), flags & ~O_TRUNC));
    }

    private Handle handle(long fh) {
        Handle h = files.get(fh);
        if (h == null) throw new FsException(Errno.EBADF, "fh " + fh);
        return h;
    }

    @Override
    public synchronized int read(long fh, long offset, ByteBuffer dst) {
        Node n = handle(fh).node;
        if (offset >= n.size) return 0;
        int count = (int) Math.min(dst.remaining(), n.size - offset);
        dst.put(n.data, (int) offset, count);
        return count;
    }

    @Override
    public synchronized int write(long fh, long offset, ByteBuffer src) {
        Handle h = handle(fh);
        if ((h.flags & O_ACCMODE) == 0) throw new FsException(Errno.EBADF, "not open for writing");
        Node n = h.node;
        long at = (h.flags & O_APPEND) != 0 ? n.size : offset;
        int count = src.remaining();
        long end = at + count;
        if (end > n.data.length) n.data = Arrays.copyOf(n.data, (int) Math.max(end, n.data.length * 2L));
        src.get(n.data, (int) at, count);
        n.size = (int) Math.max(n.size, end);
        n.mtime = n.ctime = System.currentTimeMillis() * 1_000_000L;
        return count;
    }

    @Override
    public synchronized void flush(long fh) {
        handle(fh);
    }

    @Override
    public synchronized void release(long fh) {
        Handle h = files.remove(fh);
        if (h != null) maybeFree(h.node);
    }

    @Override
    public synchronized void fsync(long fh, boolean dataOnly) {
        handle(fh);
    }

    @Override
    public synchronized void fallocate(long fh, int mode, long offset, long length) {
        Node n = handle(fh).node;
        if (mode != 0) throw new FsException(Errno.EOPNOTSUPP, "fallocate mode " + mode);
        if (offset + length > n.size) truncate(n, offset + length);
    }

    @Override
    public synchronized long lseek(long fh, long offset, int whence) {
        Node n = handle(fh).node;
        return switch (whence) {
            case SEEK_DATA -> offset < n.size ? offset : fail(Errno.ENXIO);
            case SEEK_HOLE -> offset < n.size ? n.size : fail(Errno.ENXIO);
            default -> throw new FsException(Errno.EINVAL, "whence " + whence);
        };
    }

    private static long fail(Errno e) {
        throw new FsException(e, "lseek");
    }

    @Override
    public synchronized long opendir(long node) {
        Node d = dir(node);
        List<DirEntry> list = new ArrayList<>();
        list.add(new DirEntry(".", d.id, FileType.DIRECTORY, 1));
        list.add(new DirEntry("..", d.parent.id, FileType.DIRECTORY, 2));
        for (var e : d.children.entrySet()) {
            list.add(new DirEntry(e.getKey(), e.getValue().id, e.getValue().type, list.size() + 1));
        }
        long dh = nextHandle++;
        dirs.put(dh, list);
        return dh;
    }

    @Override
    public synchronized List<DirEntry> readdir(long dh, long offset, int max) {
        List<DirEntry> list = dirs.get(dh);
        if (list == null) throw new FsException(Errno.EBADF, "dh " + dh);
        int from = (int) Math.min(offset, list.size());
        return List.copyOf(list.subList(from, Math.min(list.size(), from + max)));
    }

    @Override
    public synchronized void releasedir(long dh) {
        dirs.remove(dh);
    }

    @Override
    public synchronized void fsyncdir(long dh, boolean dataOnly) {
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
        if ((flags & XATTR_CREATE) != 0 && n.xattrs.containsKey(name)) throw new FsException(Errno.EEXIST, name);
        if ((flags & XATTR_REPLACE) != 0 && !n.xattrs.containsKey(name)) throw new FsException(Errno.ENODATA, name);
        n.xattrs.put(name, value.clone());
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
    public void access(long node, int mask, Caller caller) {
    }

    @Override
    public void close() {
    }
}
