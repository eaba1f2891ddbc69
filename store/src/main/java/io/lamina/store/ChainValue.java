package io.lamina.store;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The value of one path in a chain index: which layer entry answers it, its inode identity, and
 * for a directory the layers whose same-named directories it merges (top first, down to an opaque
 * one). Layout (little-endian): u16 layer ordinal (0xFFFF: the synthetic root), int position,
 * int ino position (hardlinked names share their group's first position), int nlink, byte flags
 * (1 = opaque), then per merged directory u16 ordinal + int position.
 */
final class ChainValue {

    static final int ROOT = 0xFFFF;
    static final int HEAD = 15;
    static final int F_OPAQUE = 1;

    private ChainValue() {
    }

    static byte[] encode(int ordinal, int position, int inoPosition, int nlink, boolean opaque, int[] merged) {
        int n = merged == null ? 0 : merged.length / 2;
        ByteBuffer b = ByteBuffer.allocate(HEAD + 6 * n).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) ordinal).putInt(position).putInt(inoPosition).putInt(nlink).put((byte) (opaque ? F_OPAQUE : 0));
        for (int i = 0; i < n; i++) {
            b.putShort((short) merged[2 * i]).putInt(merged[2 * i + 1]);
        }
        return b.array();
    }

    static int ordinal(byte[] v) {
        return (v[0] & 0xff) | (v[1] & 0xff) << 8;
    }

    static int position(byte[] v) {
        return i32(v, 2);
    }

    static int inoPosition(byte[] v) {
        return i32(v, 6);
    }

    static int nlink(byte[] v) {
        return i32(v, 10);
    }

    static boolean opaque(byte[] v) {
        return (v[14] & F_OPAQUE) != 0;
    }

    static int mergedCount(byte[] v) {
        return (v.length - HEAD) / 6;
    }

    static int mergedOrdinal(byte[] v, int k) {
        int o = HEAD + 6 * k;
        return (v[o] & 0xff) | (v[o + 1] & 0xff) << 8;
    }

    static int mergedPosition(byte[] v, int k) {
        return i32(v, HEAD + 6 * k + 2);
    }

    private static int i32(byte[] v, int o) {
        return (v[o] & 0xff) | (v[o + 1] & 0xff) << 8 | (v[o + 2] & 0xff) << 16 | (v[o + 3] & 0xff) << 24;
    }
}
