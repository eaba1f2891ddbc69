package io.lamina.fs;

import io.lamina.sys.Posix;
import io.lamina.sys.Stat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A lower layer that is not a directory: a tree held in memory with made-up inode numbers on a
 * made-up device, whose file data lives in backing files named by inode (as a store's objects
 * are). It counts the calls the engine makes, and is built by tests before the union opens.
 */
final class MemoryLayer implements LowerLayer {
    static final long DEV = 0x7fee_0001L;

    /** One inode; names of a hardlinked file share it. */
    private static final class Inode {
        final long ino;
        final int mode;
        final int uid;
        final byte[] data;
        final String target;
        final Map<String, byte[]> xattrs = new LinkedHashMap<>();
        boolean opaque;
        int nlink = 1;

        Inode(long ino, int mode, int uid, byte[] data, String target) {
            this.ino = ino;
            this.mode = mode;
            this.uid = uid;
            this.data = data;
            this.target = target;
        }

        Stat stat() {
            long size = data != null ? data.length : target != null ? target.length() : 4096;
            return new Stat(DEV, ino, nlink, mode, uid, uid, 0, size, 4096, (size + 511) / 512,
                    1_700_000_000L, 0, 1_700_000_000L, 0, 1_700_000_000L, 0);
        }
    }

    private static final Inode WHITEOUT = new Inode(0, 0, 0, null, null);

    private final Path backing;
    private final Map<String, Inode> entries = new HashMap<>();
    private final Map<String, List<String>> children = new HashMap<>();
    private long nextIno = 100;
    final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    volatile boolean closed;

    MemoryLayer(Path backing) {
        this.backing = backing;
        entries.put("", new Inode(nextIno++, Stat.S_IFDIR | 0755, 0, null, null));
        children.put("", new ArrayList<>());
    }

    MemoryLayer dir(String path) {
        return add(path, new Inode(nextIno++, Stat.S_IFDIR | 0755, 0, null, null));
    }

    MemoryLayer file(String path, int perm, int uid, String content) {
        Inode i = new Inode(nextIno++, Stat.S_IFREG | perm, uid, content.getBytes(StandardCharsets.UTF_8), null);
        try {
            Files.write(backing.resolve(Long.toString(i.ino)), i.data);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return add(path, i);
    }

    MemoryLayer symlink(String path, String target) {
        return add(path, new Inode(nextIno++, Stat.S_IFLNK | 0777, 0, null, target));
    }

    MemoryLayer hardlink(String path, String existing) {
        Inode i = entries.get(existing);
        i.nlink++;
        return add(path, i);
    }

    MemoryLayer whiteout(String path) {
        return add(path, WHITEOUT);
    }

    MemoryLayer opaque(String path) {
        entries.get(path).opaque = true;
        return this;
    }

    MemoryLayer xattr(String path, String name, String value) {
        entries.get(path).xattrs.put(name, value.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    int calls(String method) {
        AtomicInteger n = calls.get(method);
        return n == null ? 0 : n.get();
    }

    private MemoryLayer add(String path, Inode i) {
        String parent = RelPath.parent(path);
        if (!children.containsKey(parent)) dir(parent);
        entries.put(path, i);
        children.get(parent).add(RelPath.name(path));
        if ((i.mode & Stat.S_IFMT) == Stat.S_IFDIR) children.put(path, new ArrayList<>());
        return this;
    }

    private Inode entry(String method, String path) {
        calls.computeIfAbsent(method, k -> new AtomicInteger()).incrementAndGet();
        if (closed) throw new FsException(Errno.EIO, "layer used after close");
        Inode i = entries.get(path);
        if (i == null || i == WHITEOUT) {
            if (method.equals("probe") || method.equals("stat") || method.equals("list")) return i;
            throw new FsException(Errno.ENOENT, path);
        }
        return i;
    }

    @Override
    public LowerEntry probe(String path) {
        Inode i = entry("probe", path);
        if (i == null) return null;
        if (i == WHITEOUT) return LowerEntry.WHITEOUT;
        return new LowerEntry(i.stat(), false, i.opaque, null);
    }

    @Override
    public List<LowerDirEntry> list(String dir) {
        entry("list", dir);
        List<LowerDirEntry> out = new ArrayList<>();
        for (String name : children.getOrDefault(dir, List.of())) {
            Inode i = entries.get(RelPath.join(dir, name));
            out.add(i == WHITEOUT ? new LowerDirEntry(name, 0, null)
                    : new LowerDirEntry(name, i.ino, FileType.ofMode(i.mode)));
        }
        return out;
    }

    @Override
    public String readlink(String path) {
        Inode i = entry("readlink", path);
        if (i.target == null) throw new FsException(Errno.EINVAL, path + " is not a symlink");
        return i.target;
    }

    @Override
    public List<String> xattrNames(String path) {
        return List.copyOf(entry("xattrNames", path).xattrs.keySet());
    }

    @Override
    public byte[] xattr(String path, String name) {
        return entry("xattr", path).xattrs.get(name);
    }

    @Override
    public int openData(String path) {
        Inode i = entry("openData", path);
        return Posix.openat(Posix.AT_FDCWD, backing.resolve(Long.toString(i.ino)).toString(), Posix.O_RDONLY, 0);
    }

    @Override
    public void close() {
        closed = true;
    }
}
