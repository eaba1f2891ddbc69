package io.lamina.store;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

import static io.lamina.store.IndexFormat.*;

/**
 * Collects the entries of one layer during import and writes its index file. Memory per entry is
 * its path bytes plus about 16 bytes of arrays: the fixed-size records and the extras (symlink
 * targets, xattrs) live in file-backed {@link Spill}s. Paths are found through an open-addressing
 * hash table over the path bytes. Single-threaded.
 */
final class IndexBuilder implements AutoCloseable {

    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Where a record keeps the spill position of its extra while building (reserved in the file). */
    private static final int SPILL_POS = 104;
    // Small chunks: mapping past a file's end allocates the space (fallocate), and on tmpfs that
    // means zeroed memory, so a small layer must not pay for a big one's room.
    private static final long RECORD_CHUNK = (long) REC << 14;
    private static final long EXTRA_CHUNK = 4L << 20;
    static final int MAX_EXTRA = 1 << 20;

    private final Spill records;
    private final Spill extras;
    private long extraEnd;
    private byte[] paths = new byte[1 << 16];
    private int pathsEnd;
    private int[] pathOff = new int[1024];
    private int[] pathLen = new int[1024];
    private int count;
    private int[] table = new int[2048];

    IndexBuilder(Path scratchDir) {
        this.records = new Spill(scratchDir.resolve("records"), RECORD_CHUNK);
        this.extras = new Spill(scratchDir.resolve("extras"), EXTRA_CHUNK);
        Arrays.fill(table, -1);
    }

    int size() {
        return count;
    }

    /** The id of {@code path}, or -1. */
    int lookup(byte[] path) {
        int mask = table.length - 1;
        for (int h = hash(path, path.length) & mask; ; h = (h + 1) & mask) {
            int id = table[h];
            if (id < 0) {
                return -1;
            }
            if (pathLen[id] == path.length
                    && Arrays.equals(paths, pathOff[id], pathOff[id] + path.length, path, 0, path.length)) {
                return id;
            }
        }
    }

    /** Adds {@code path} (not present yet) with a zeroed record; returns its id. */
    int add(byte[] path) {
        if (count == pathOff.length) {
            pathOff = Arrays.copyOf(pathOff, count * 2);
            pathLen = Arrays.copyOf(pathLen, count * 2);
        }
        if ((long) pathsEnd + path.length > Integer.MAX_VALUE - 16) {
            throw new StoreException("layer too large for the index format (over 2 GiB of paths)");
        }
        if (pathsEnd + path.length > paths.length) {
            paths = Arrays.copyOf(paths, (int) Math.min(Integer.MAX_VALUE - 16L,
                    Math.max((long) paths.length * 2, pathsEnd + path.length)));
        }
        System.arraycopy(path, 0, paths, pathsEnd, path.length);
        int id = count++;
        pathOff[id] = pathsEnd;
        pathLen[id] = path.length;
        pathsEnd += path.length;
        rec(id).fill((byte) 0);
        if (count * 2 > table.length) {
            rehash();
        } else {
            insert(id);
        }
        return id;
    }

    private void rehash() {
        table = new int[table.length * 2];
        Arrays.fill(table, -1);
        for (int id = 0; id < count; id++) {
            insert(id);
        }
    }

    private void insert(int id) {
        int mask = table.length - 1;
        int h = hash(paths, pathOff[id], pathLen[id]) & mask;
        while (table[h] >= 0) {
            h = (h + 1) & mask;
        }
        table[h] = id;
    }

    private static int hash(byte[] b, int len) {
        return hash(b, 0, len);
    }

    private static int hash(byte[] b, int off, int len) {
        int h = 0x9e3779b9;
        for (int i = 0; i < len; i++) {
            h = (h ^ b[off + i]) * 0x01000193;
        }
        return h ^ (h >>> 15);
    }

    /** The record of {@code id} in the spill (REC bytes, writable). */
    MemorySegment rec(int id) {
        long pos = (long) id * REC;
        return records.at(pos).asSlice(records.offsetInChunk(pos), REC);
    }

    EntryKind kind(int id) {
        return KINDS[rec(id).get(ValueLayout.JAVA_BYTE, KIND)];
    }

    int flags(int id) {
        return rec(id).get(ValueLayout.JAVA_BYTE, FLAGS);
    }

    void setFlags(int id, int flags) {
        rec(id).set(ValueLayout.JAVA_BYTE, FLAGS, (byte) flags);
    }

    int linkGroup(int id) {
        return rec(id).get(INT, LINK_GROUP);
    }

    void setLinkGroup(int id, int group) {
        rec(id).set(INT, LINK_GROUP, group);
    }

    /** Sets the metadata of {@code id}, keeping its flags. */
    void set(int id, EntryKind kind, int mode, int uid, int gid, long mtimeSec, int mtimeNsec, long size, long rdev) {
        MemorySegment r = rec(id);
        r.set(ValueLayout.JAVA_BYTE, KIND, (byte) kind.ordinal());
        r.set(INT, MODE, mode);
        r.set(INT, UID, uid);
        r.set(INT, GID, gid);
        r.set(LONG, MTIME_SEC, mtimeSec);
        r.set(INT, MTIME_NSEC, mtimeNsec);
        r.set(LONG, SIZE, size);
        r.set(LONG, RDEV, rdev);
    }

    void setDigest(int id, byte[] sha256) {
        MemorySegment.copy(sha256, 0, rec(id), ValueLayout.JAVA_BYTE, DIGEST, DIGEST_LEN);
    }

    /** Stores the extra bytes (symlink target, xattrs) of {@code id}. */
    void setExtra(int id, byte[] extra, int xattrCount) {
        if (extra.length > MAX_EXTRA) {
            throw new StoreException("too much metadata (" + extra.length + " bytes of link target and xattrs)");
        }
        long pos = extraEnd;
        if (extras.offsetInChunk(pos) + extra.length > extras.chunkSize()) {
            pos = (pos / extras.chunkSize() + 1) * extras.chunkSize();
        }
        if (extra.length > 0) {
            MemorySegment.copy(extra, 0, extras.at(pos), ValueLayout.JAVA_BYTE, extras.offsetInChunk(pos), extra.length);
        }
        extraEnd = pos + extra.length;
        MemorySegment r = rec(id);
        r.set(LONG, SPILL_POS, pos);
        r.set(INT, EXTRA_LEN, extra.length);
        r.set(SHORT, XATTRS, (short) xattrCount);
    }

    /** Makes {@code to} a copy of {@code from}'s record (a hardlink: same inode metadata). */
    void copyRecord(int from, int to) {
        rec(to).copyFrom(rec(from));
    }

    /** Sorts the entries and writes the index file. */
    void write(Path file, int headerFlags) throws IOException {
        int[] order = new int[count];
        for (int i = 0; i < count; i++) {
            order[i] = i;
        }
        order = sort(order);
        int[] end = new int[count];
        int[] parent = new int[count];
        int[] stack = new int[64];
        int depth = 0;
        for (int k = 0; k < count; k++) {
            int id = order[k];
            while (depth > 0 && !isAncestor(order[stack[depth - 1]], id)) {
                end[stack[--depth]] = k;
            }
            parent[k] = depth > 0 ? stack[depth - 1] : -1;
            end[k] = k + 1;
            if (kind(id) == EntryKind.DIRECTORY) {
                if (depth == stack.length) {
                    stack = Arrays.copyOf(stack, depth * 2);
                }
                stack[depth++] = k;
            }
        }
        while (depth > 0) {
            end[stack[--depth]] = count;
        }
        long extraTotal = 0;
        for (int k = 0; k < count; k++) {
            extraTotal += rec(order[k]).get(INT, EXTRA_LEN);
        }
        long heapLen = pathsEnd + extraTotal;
        if (heapLen > Integer.MAX_VALUE) {
            throw new StoreException("layer too large for the index format (over 2 GiB of metadata)");
        }
        long heapOff = HEADER + (long) count * REC;
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE), 1 << 20)) {
            ByteBuffer h = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
            h.put(MAGIC).putInt(H_VERSION, VERSION).putInt(H_COUNT, count).putInt(H_FLAGS, headerFlags)
                    .putLong(H_HEAP_OFF, heapOff).putLong(H_HEAP_LEN, heapLen);
            out.write(h.array());
            byte[] buf = new byte[REC];
            ByteBuffer b = ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN);
            int pathPos = 0;
            long extraPos = pathsEnd;
            for (int k = 0; k < count; k++) {
                int id = order[k];
                MemorySegment.copy(rec(id), ValueLayout.JAVA_BYTE, 0, buf, 0, REC);
                int extraLen = b.getInt(EXTRA_LEN);
                b.putInt(PATH_OFF, pathPos).putInt(PATH_LEN, pathLen[id]).putInt(END, end[k]).putInt(PARENT, parent[k])
                        .putInt(EXTRA_OFF, (int) extraPos).putLong(SPILL_POS, 0);
                b.put(FLAGS, (byte) (b.get(FLAGS) & ~F_IMPLICIT));
                pathPos += pathLen[id];
                extraPos += extraLen;
                out.write(buf);
            }
            for (int k = 0; k < count; k++) {
                out.write(paths, pathOff[order[k]], pathLen[order[k]]);
            }
            byte[] tmp = new byte[4096];
            for (int k = 0; k < count; k++) {
                MemorySegment r = rec(order[k]);
                int len = r.get(INT, EXTRA_LEN);
                long pos = r.get(LONG, SPILL_POS);
                if (len > tmp.length) {
                    tmp = new byte[len];
                }
                MemorySegment.copy(extras.at(pos), ValueLayout.JAVA_BYTE, extras.offsetInChunk(pos), tmp, 0, len);
                out.write(tmp, 0, len);
            }
        }
    }

    /** Whether the path of {@code a} is a proper ancestor of the path of {@code b}. */
    private boolean isAncestor(int a, int b) {
        int la = pathLen[a];
        return pathLen[b] > la && paths[pathOff[b] + la] == '/'
                && Arrays.equals(paths, pathOff[a], pathOff[a] + la, paths, pathOff[b], pathOff[b] + la);
    }

    private int compare(int a, int b) {
        return comparePaths(paths, pathOff[a], pathLen[a], paths, pathOff[b], pathLen[b]);
    }

    /** A stable merge sort of ids by path (no boxing: a million entries stay cheap). */
    private int[] sort(int[] a) {
        int n = a.length;
        int[] src = a, dst = new int[n];
        for (int width = 1; width < n; width *= 2) {
            for (int lo = 0; lo < n; lo += 2 * width) {
                int mid = Math.min(lo + width, n), hi = Math.min(lo + 2 * width, n);
                int i = lo, j = mid, k = lo;
                while (i < mid && j < hi) {
                    dst[k++] = compare(src[i], src[j]) <= 0 ? src[i++] : src[j++];
                }
                while (i < mid) {
                    dst[k++] = src[i++];
                }
                while (j < hi) {
                    dst[k++] = src[j++];
                }
            }
            int[] t = src;
            src = dst;
            dst = t;
        }
        return src;
    }

    @Override
    public void close() {
        records.close();
        extras.close();
    }
}
