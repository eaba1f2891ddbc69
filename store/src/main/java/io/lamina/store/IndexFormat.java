package io.lamina.store;

import java.nio.charset.StandardCharsets;

/**
 * The binary layout of a layer index file ({@code layers/HEX/index}), little-endian:
 *
 * <pre>
 * header   64 bytes: magic "LAMIDX01", int version, int count, int flags (1 = root opaque),
 *          long heapOffset, long heapLength
 * records  count x 112 bytes, sorted by path component by component (parents before children);
 *          each: path (heap offset, length), subtree end, parent, kind, flags, xattr count, mode,
 *          uid, gid, mtime, link group, size, rdev, extra (heap offset, length), sha256 (32 raw bytes)
 * heap     the paths (UTF-8), then per record its extra: a symlink target (int length + bytes)
 *          and its xattrs (short name length, name, int value length, value)
 * </pre>
 *
 * A record's {@code end} is the position after its last descendant, so a directory's children
 * are found by jumping from subtree to subtree; {@code find} is a binary search.
 */
final class IndexFormat {

    static final byte[] MAGIC = "LAMIDX01".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;
    static final int HEADER = 64;
    static final int REC = 112;

    static final int H_VERSION = 8, H_COUNT = 12, H_FLAGS = 16, H_HEAP_OFF = 24, H_HEAP_LEN = 32;
    static final int HF_ROOT_OPAQUE = 1;

    // record fields
    static final int PATH_OFF = 0, PATH_LEN = 4, END = 8, PARENT = 12, KIND = 16, FLAGS = 17, XATTRS = 18,
            MODE = 20, UID = 24, GID = 28, MTIME_SEC = 32, MTIME_NSEC = 40, LINK_GROUP = 44, SIZE = 48,
            RDEV = 56, EXTRA_OFF = 64, EXTRA_LEN = 68, DIGEST = 72;
    static final int DIGEST_LEN = 32;

    static final int F_OPAQUE = 1, F_IMPLICIT = 2;

    /** Entry kinds as stored (the ordinal of {@link EntryKind}). */
    static final EntryKind[] KINDS = EntryKind.values();

    private IndexFormat() {
    }

    /**
     * Compares two UTF-8 paths component by component: like unsigned byte order, except that '/'
     * sorts before every other byte, so "a/b" comes before "a-b" and a parent before its children.
     */
    static int comparePaths(byte[] a, int aOff, int aLen, byte[] b, int bOff, int bLen) {
        int n = Math.min(aLen, bLen);
        for (int i = 0; i < n; i++) {
            int x = a[aOff + i] & 0xff, y = b[bOff + i] & 0xff;
            if (x != y) {
                return rank(x) - rank(y);
            }
        }
        return aLen - bLen;
    }

    static int rank(int b) {
        return b == '/' ? 0 : b + 1;
    }
}
