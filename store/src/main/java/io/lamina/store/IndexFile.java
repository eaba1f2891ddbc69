package io.lamina.store;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import static io.lamina.store.IndexFormat.*;

/**
 * A layer index file mapped read-only ({@link IndexFormat}). Besides the {@link LayerIndex} view
 * it has allocation-free accessors by position for the chain's hot path.
 */
final class IndexFile implements LayerIndex {

    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final String diffId;
    private final Arena arena;
    private final MemorySegment seg;
    private final int count;
    private final int flags;
    private final long heap;

    private IndexFile(String diffId, Arena arena, MemorySegment seg) {
        this.diffId = diffId;
        this.arena = arena;
        this.seg = seg;
        if (seg.byteSize() < HEADER
                || !Arrays.equals(seg.asSlice(0, 8).toArray(ValueLayout.JAVA_BYTE), MAGIC)
                || seg.get(INT, H_VERSION) != VERSION) {
            throw new StoreException("layer index of " + diffId + ": not a lamina index (bad magic or version)");
        }
        this.count = seg.get(INT, H_COUNT);
        this.flags = seg.get(INT, H_FLAGS);
        this.heap = seg.get(LONG, H_HEAP_OFF);
        if (heap + seg.get(LONG, H_HEAP_LEN) != seg.byteSize() || HEADER + (long) count * REC != heap) {
            throw new StoreException("layer index of " + diffId + ": truncated or corrupt");
        }
    }

    static IndexFile open(String diffId, Path file) {
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return new IndexFile(diffId, arena, ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena));
        } catch (IOException e) {
            arena.close();
            throw new StoreException("layer index of " + diffId + ": cannot open " + file + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    @Override
    public String diffId() {
        return diffId;
    }

    @Override
    public int size() {
        return count;
    }

    boolean rootOpaque() {
        return (flags & HF_ROOT_OPAQUE) != 0;
    }

    private long rec(int i) {
        return HEADER + (long) i * REC;
    }

    int end(int i) {
        return seg.get(INT, rec(i) + END);
    }

    EntryKind kind(int i) {
        return KINDS[seg.get(ValueLayout.JAVA_BYTE, rec(i) + KIND)];
    }

    boolean opaque(int i) {
        return (seg.get(ValueLayout.JAVA_BYTE, rec(i) + FLAGS) & F_OPAQUE) != 0;
    }

    int mode(int i) {
        return seg.get(INT, rec(i) + MODE);
    }

    int uid(int i) {
        return seg.get(INT, rec(i) + UID);
    }

    int gid(int i) {
        return seg.get(INT, rec(i) + GID);
    }

    long mtimeSec(int i) {
        return seg.get(LONG, rec(i) + MTIME_SEC);
    }

    int mtimeNsec(int i) {
        return seg.get(INT, rec(i) + MTIME_NSEC);
    }

    int linkGroup(int i) {
        return seg.get(INT, rec(i) + LINK_GROUP);
    }

    long fileSize(int i) {
        return seg.get(LONG, rec(i) + SIZE);
    }

    long rdev(int i) {
        return seg.get(LONG, rec(i) + RDEV);
    }

    String path(int i) {
        long r = rec(i);
        return utf8(heap + seg.get(INT, r + PATH_OFF), seg.get(INT, r + PATH_LEN));
    }

    /** The last component of the path at {@code i}. */
    String name(int i) {
        long r = rec(i);
        long off = heap + seg.get(INT, r + PATH_OFF);
        int len = seg.get(INT, r + PATH_LEN);
        int start = len;
        while (start > 0 && seg.get(ValueLayout.JAVA_BYTE, off + start - 1) != '/') {
            start--;
        }
        return utf8(off + start, len - start);
    }

    String digest(int i) {
        if (kind(i) != EntryKind.REGULAR) {
            return null;
        }
        return HexFormat.of().formatHex(seg.asSlice(rec(i) + DIGEST, DIGEST_LEN).toArray(ValueLayout.JAVA_BYTE));
    }

    String linkTarget(int i) {
        if (kind(i) != EntryKind.SYMLINK) {
            return null;
        }
        long off = heap + seg.get(INT, rec(i) + EXTRA_OFF);
        return utf8(off + 4, seg.get(INT, off));
    }

    Map<String, byte[]> xattrs(int i) {
        long r = rec(i);
        int n = seg.get(SHORT, r + XATTRS) & 0xffff;
        if (n == 0) {
            return Map.of();
        }
        long off = heap + seg.get(INT, r + EXTRA_OFF);
        if (kind(i) == EntryKind.SYMLINK) {
            off += 4 + seg.get(INT, off);
        }
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (int k = 0; k < n; k++) {
            int nameLen = seg.get(SHORT, off) & 0xffff;
            String name = utf8(off + 2, nameLen);
            off += 2 + nameLen;
            int valLen = seg.get(INT, off);
            out.put(name, seg.asSlice(off + 4, valLen).toArray(ValueLayout.JAVA_BYTE));
            off += 4 + valLen;
        }
        return out;
    }

    private String utf8(long off, int len) {
        return new String(seg.asSlice(off, len).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
    }

    @Override
    public IndexEntry entry(int i) {
        if (i < 0 || i >= count) {
            throw new IndexOutOfBoundsException(i);
        }
        return new IndexEntry(path(i), kind(i), mode(i), uid(i), gid(i), mtimeSec(i), mtimeNsec(i), fileSize(i),
                rdev(i), linkTarget(i), digest(i), linkGroup(i), opaque(i), xattrs(i));
    }

    @Override
    public IndexEntry find(String path) {
        int i = position(path);
        return i < 0 ? null : entry(i);
    }

    /** The position of {@code path}, or -1. */
    int position(String path) {
        byte[] key = path.getBytes(StandardCharsets.UTF_8);
        int lo = 0, hi = count - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = compareAt(mid, key);
            if (c < 0) {
                lo = mid + 1;
            } else if (c > 0) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -1;
    }

    /** Compares the path at {@code i} with {@code key} in {@link IndexFormat#comparePaths} order. */
    private int compareAt(int i, byte[] key) {
        long r = rec(i);
        long off = heap + seg.get(INT, r + PATH_OFF);
        int len = seg.get(INT, r + PATH_LEN);
        int n = Math.min(len, key.length);
        for (int k = 0; k < n; k++) {
            int x = seg.get(ValueLayout.JAVA_BYTE, off + k) & 0xff, y = key[k] & 0xff;
            if (x != y) {
                return rank(x) - rank(y);
            }
        }
        return len - key.length;
    }

    @Override
    public void close() {
        arena.close();
    }
}
