package io.lamina.fs.contract;

import io.lamina.fs.Errno;
import io.lamina.fs.FsException;
import io.lamina.sys.Posix;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The content digest the contract compares: sha256 over the file size and every 64 KiB block
 * that holds a non-zero byte, each with its index. It depends only on the logical content, not on
 * where a filesystem keeps holes, and lets a 1 GiB sparse file be hashed by reading only the
 * ranges SEEK_DATA/SEEK_HOLE report (everything, when the source cannot seek for data).
 */
final class ContentHash {
    static final int BLOCK = 64 * 1024;

    private ContentHash() {
    }

    /** A readable open file. */
    interface Source {
        long size();

        /** lseek SEEK_DATA/SEEK_HOLE; throws FsException (ENXIO past the data, EINVAL if unsupported). */
        long seek(long offset, int whence);

        /** pread into {@code dst}; 0 at end of file. */
        int read(long offset, ByteBuffer dst);
    }

    static String of(Source src) {
        MessageDigest md = sha256();
        long size = src.size();
        md.update(ByteBuffer.allocate(8).putLong(0, size));
        ByteBuffer block = ByteBuffer.allocate(BLOCK);
        long nextBlock = 0; // first block not yet hashed
        long pos = 0;
        while (pos < size) {
            long dataStart;
            long dataEnd;
            try {
                dataStart = src.seek(pos, Posix.SEEK_DATA);
                dataEnd = src.seek(dataStart, Posix.SEEK_HOLE);
            } catch (FsException e) {
                if (e.errno() == Errno.ENXIO) break;
                dataStart = pos;
                dataEnd = size;
            }
            for (long b = Math.max(nextBlock, dataStart / BLOCK); b * BLOCK < Math.min(dataEnd, size); b++) {
                hashBlock(src, b, block, size, md);
                nextBlock = b + 1;
            }
            pos = Math.max(dataEnd, nextBlock * BLOCK);
        }
        return HexFormat.of().formatHex(md.digest()).substring(0, 16);
    }

    private static void hashBlock(Source src, long index, ByteBuffer block, long size, MessageDigest md) {
        block.clear();
        long off = index * BLOCK;
        block.limit((int) Math.min(BLOCK, size - off));
        while (block.hasRemaining()) {
            int n = src.read(off + block.position(), block);
            if (n <= 0) break;
        }
        block.flip();
        boolean zero = true;
        for (int i = 0; i < block.limit() && zero; i++) zero = block.get(i) == 0;
        if (zero) return;
        md.update(ByteBuffer.allocate(8).putLong(0, index));
        md.update(block);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
