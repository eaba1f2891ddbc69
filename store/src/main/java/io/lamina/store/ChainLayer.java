package io.lamina.store;

import io.lamina.fs.Errno;
import io.lamina.fs.FileType;
import io.lamina.fs.FsException;
import io.lamina.fs.LowerDirEntry;
import io.lamina.fs.LowerEntry;
import io.lamina.fs.LowerLayer;
import io.lamina.sys.Posix;
import io.lamina.sys.Stat;
import net.openhft.chronicle.map.ChronicleMap;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A chain of stored layers served as one flattened lower layer: every question is one chain-index
 * get plus reads of one layer index, whatever the depth. Whiteouts are resolved inside the chain,
 * so {@link #probe} never returns one (a deleted name is a miss). Inode numbers are
 * {@code (ordinal + 1) << 32 | (position + 1)} of the answering entry (of the first name of a
 * hardlinked file); the root is inode 1; dev is fixed per chain.
 */
final class ChainLayer implements LowerLayer {

    private final Chains.Shared shared;
    private final ChronicleMap<String, byte[]> map;
    private final IndexFile[] layers;
    private final Store store;
    private final long dev;
    private boolean closed;

    ChainLayer(Chains.Shared shared, Store store) {
        this.shared = shared;
        this.map = shared.map();
        this.layers = shared.layers();
        this.store = store;
        this.dev = shared.dev();
    }

    private byte[] value(String path) {
        return map.get(path);
    }

    @Override
    public LowerEntry probe(String path) {
        byte[] v = value(path);
        return v == null ? null : new LowerEntry(stat(v), false, ChainValue.opaque(v), null);
    }

    @Override
    public Stat stat(String path) {
        byte[] v = value(path);
        return v == null ? null : stat(v);
    }

    private long ino(byte[] v) {
        int o = ChainValue.ordinal(v);
        return o == ChainValue.ROOT ? 1 : ((long) (o + 1) << 32) | (ChainValue.inoPosition(v) + 1L);
    }

    private Stat stat(byte[] v) {
        int o = ChainValue.ordinal(v);
        long ino = ino(v), nlink = ChainValue.nlink(v);
        if (o == ChainValue.ROOT) {
            return new Stat(dev, ino, nlink, Stat.S_IFDIR | 0755, 0, 0, 0, 4096, 4096, 8, 0, 0, 0, 0, 0, 0);
        }
        IndexFile idx = layers[o];
        int i = ChainValue.position(v);
        EntryKind kind = idx.kind(i);
        long size = switch (kind) {
            case REGULAR -> idx.fileSize(i);
            case SYMLINK -> linkLength(idx, i);
            case DIRECTORY -> 4096;
            default -> 0;
        };
        long sec = idx.mtimeSec(i);
        int nsec = idx.mtimeNsec(i);
        return new Stat(dev, ino, nlink, type(kind).modeBits | idx.mode(i), idx.uid(i), idx.gid(i), idx.rdev(i),
                size, 4096, (size + 511) / 512, sec, nsec, sec, nsec, sec, nsec);
    }

    private static long linkLength(IndexFile idx, int i) {
        return ChainBuilder.utf8Length(idx.linkTarget(i));
    }

    static FileType type(EntryKind kind) {
        return switch (kind) {
            case REGULAR -> FileType.REGULAR;
            case DIRECTORY -> FileType.DIRECTORY;
            case SYMLINK -> FileType.SYMLINK;
            case FIFO -> FileType.FIFO;
            case CHAR_DEVICE -> FileType.CHAR_DEVICE;
            case BLOCK_DEVICE -> FileType.BLOCK_DEVICE;
            case SOCKET -> FileType.SOCKET;
            case WHITEOUT -> throw new IllegalStateException("a whiteout is never visible in a chain");
        };
    }

    @Override
    public List<LowerDirEntry> list(String dir) {
        byte[] v = value(dir);
        if (v == null || !isDir(v)) {
            return List.of();
        }
        List<LowerDirEntry> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        String prefix = dir.isEmpty() ? "" : dir + "/";
        for (int k = 0; k < ChainValue.mergedCount(v); k++) {
            IndexFile idx = layers[ChainValue.mergedOrdinal(v, k)];
            int pos = ChainValue.mergedPosition(v, k);
            int end = pos < 0 ? idx.size() : idx.end(pos);
            for (int c = pos + 1; c < end; c = idx.end(c)) {
                String name = idx.name(c);
                if (!seen.add(name)) {
                    continue;
                }
                byte[] cv = value(prefix + name);
                if (cv != null) {
                    out.add(new LowerDirEntry(name, ino(cv), type(layers[ChainValue.ordinal(cv)].kind(ChainValue.position(cv)))));
                }
            }
        }
        return out;
    }

    private boolean isDir(byte[] v) {
        int o = ChainValue.ordinal(v);
        return o == ChainValue.ROOT || layers[o].kind(ChainValue.position(v)) == EntryKind.DIRECTORY;
    }

    /** The answering (layer, position) of {@code path}, or null for a miss or the root. */
    private int[] entry(String path) {
        byte[] v = value(path);
        if (v == null) {
            throw new FsException(Errno.ENOENT, path);
        }
        int o = ChainValue.ordinal(v);
        return o == ChainValue.ROOT ? null : new int[] {o, ChainValue.position(v)};
    }

    @Override
    public String readlink(String path) {
        int[] e = entry(path);
        if (e == null || layers[e[0]].kind(e[1]) != EntryKind.SYMLINK) {
            throw new FsException(Errno.EINVAL, path);
        }
        return layers[e[0]].linkTarget(e[1]);
    }

    @Override
    public List<String> xattrNames(String path) {
        int[] e = entry(path);
        return e == null ? List.of() : List.copyOf(layers[e[0]].xattrs(e[1]).keySet());
    }

    @Override
    public byte[] xattr(String path, String name) {
        int[] e = entry(path);
        if (e == null) {
            return null;
        }
        Map<String, byte[]> x = layers[e[0]].xattrs(e[1]);
        return x.get(name);
    }

    @Override
    public int openData(String path) {
        int[] e = entry(path);
        if (e == null || layers[e[0]].kind(e[1]) != EntryKind.REGULAR) {
            throw new FsException(e == null || layers[e[0]].kind(e[1]) == EntryKind.DIRECTORY ? Errno.EISDIR
                    : Errno.EINVAL, path);
        }
        String object = store.objectPath(layers[e[0]].digest(e[1])).toString();
        try {
            return Posix.openat(Posix.AT_FDCWD, object, Posix.O_RDONLY | Posix.O_CLOEXEC, 0);
        } catch (FsException x) {
            throw new FsException(Errno.EIO, path + ": its object " + object + " cannot be opened: " + x.getMessage());
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            shared.release();
        }
    }
}
