package io.lamina.fuse;

import io.lamina.fs.DirEntry;
import io.lamina.fs.Entry;
import io.lamina.fs.FsException;
import io.lamina.fs.InodeFs;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static io.lamina.fuse.Abi.I32;
import static io.lamina.fuse.Abi.I64;

/**
 * Packs a directory listing into a READDIR (fuse_dirent) or READDIRPLUS (fuse_direntplus)
 * answer: records padded to 8 bytes, as many as fit in the size the kernel asked for, each
 * carrying the offset to resume after it. Entries that do not fit are left for the next request
 * (offsets index the opendir snapshot, so nothing is lost or repeated).
 */
final class DirEncoder {
    private DirEncoder() {
    }

    /** Smallest records, used to bound how many entries to ask the engine for. */
    private static final int MIN_DIRENT = 32, MIN_DIRENTPLUS = Abi.DIRENTPLUS_NAME + 8;

    /** Writes fuse_dirents into {@code out} (at most {@code size} bytes); returns the bytes used. */
    static int readdir(InodeFs fs, long dh, long offset, MemorySegment out, int size) {
        List<DirEntry> list = fs.readdir(dh, offset, Math.max(1, size / MIN_DIRENT));
        int pos = 0;
        for (DirEntry d : list) {
            byte[] name = d.name().getBytes(StandardCharsets.UTF_8);
            int rec = (int) Abi.align8(Abi.DIRENT_NAME + name.length);
            if (pos + rec > size) break;
            putDirent(out, pos, d, name, rec);
            pos += rec;
        }
        return pos;
    }

    /**
     * Writes fuse_direntplus records. Every entry but "." and ".." is looked up, which gives the
     * kernel one lookup count per entry returned (as a LOOKUP would); {@code looked} receives
     * those NodeIds so that the caller can forget them if the answer never reaches the kernel.
     * An entry whose lookup finds nothing or fails goes out with NodeId 0 ("no attributes").
     */
    static int readdirplus(InodeFs fs, long parent, long dh, long offset, MemorySegment out, int size,
                           long entryNs, long[] looked, int[] lookedCount) {
        List<DirEntry> list = fs.readdir(dh, offset, Math.max(1, size / MIN_DIRENTPLUS));
        int pos = 0;
        int n = 0;
        for (DirEntry d : list) {
            byte[] name = d.name().getBytes(StandardCharsets.UTF_8);
            int rec = (int) Abi.align8(Abi.DIRENTPLUS_NAME + name.length);
            if (pos + rec > size) break;
            Entry e = null;
            if (!isDotOrDotDot(d.name())) {
                try {
                    e = fs.lookup(parent, d.name());
                } catch (FsException ex) {
                    e = null; // the listing still shows the name; attributes come with a later LOOKUP
                }
            }
            if (e == null) {
                Abi.putNoEntry(out, pos);
            } else {
                Abi.putEntry(out, pos, e, entryNs, Dispatcher.attrTimeoutNs(e.attr()));
                looked[n++] = e.nodeId();
            }
            putDirent(out, pos + Abi.ENTRY_OUT, d, name, rec - Abi.ENTRY_OUT);
            pos += rec;
            if (n == looked.length) break;
        }
        lookedCount[0] = n;
        return pos;
    }

    /** The most entries a READDIRPLUS answer of {@code size} bytes can hold. */
    static int maxPlusEntries(int size) {
        return Math.max(1, size / MIN_DIRENTPLUS);
    }

    private static boolean isDotOrDotDot(String n) {
        return n.equals(".") || n.equals("..");
    }

    private static void putDirent(MemorySegment out, long at, DirEntry d, byte[] name, int rec) {
        out.set(I64, at, d.ino());
        out.set(I64, at + 8, d.nextOffset());
        out.set(I32, at + 16, name.length);
        out.set(I32, at + 20, d.type().dirType);
        MemorySegment.copy(name, 0, out, ValueLayout.JAVA_BYTE, at + Abi.DIRENT_NAME, name.length);
        long pad = rec - Abi.DIRENT_NAME - name.length;
        if (pad > 0) out.asSlice(at + Abi.DIRENT_NAME + name.length, pad).fill((byte) 0);
    }
}
