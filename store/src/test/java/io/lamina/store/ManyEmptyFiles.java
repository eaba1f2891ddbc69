package io.lamina.store;

import java.io.InputStream;
import java.nio.file.Path;

/**
 * A layer tar of {@code dirs x filesPerDir} empty files, generated as it is read (a million
 * entries make ~512 MB of headers: never on disk, never in memory). Also a main program that
 * imports it into a store, for running in a JVM with a small heap.
 */
final class ManyEmptyFiles extends InputStream {

    private final int dirs;
    private final int filesPerDir;
    private final byte[] block = new byte[512];
    private int pos = 512;
    private int dir;
    private int file = -1; // -1: the directory entry is next
    private int trailer = -1; // blocks of the end marker left to give, once the entries are done

    ManyEmptyFiles(int dirs, int filesPerDir) {
        this.dirs = dirs;
        this.filesPerDir = filesPerDir;
    }

    static long entries(int dirs, int filesPerDir) {
        return (long) dirs * (filesPerDir + 1);
    }

    private boolean nextBlock() {
        if (trailer >= 0) {
            if (trailer == 0) {
                return false;
            }
            trailer--;
            java.util.Arrays.fill(block, (byte) 0);
        } else if (dir == dirs) {
            trailer = 1;
            java.util.Arrays.fill(block, (byte) 0);
        } else {
            String d = String.format("d%05d", dir);
            byte[] h = file < 0 ? RawTar.header(d + "/", '5', 0, "", 0755)
                    : RawTar.header(d + "/f" + file, '0', 0, "", 0644);
            System.arraycopy(h, 0, block, 0, 512);
            if (++file == filesPerDir) {
                file = -1;
                dir++;
            }
        }
        pos = 0;
        return true;
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        int done = 0;
        while (done < len) {
            if (pos == 512 && !nextBlock()) {
                return done == 0 ? -1 : done;
            }
            int n = Math.min(len - done, 512 - pos);
            System.arraycopy(block, pos, b, off + done, n);
            pos += n;
            done += n;
        }
        return done;
    }

    /** args: store root, dirs, files per dir. Prints "entries=N". */
    public static void main(String[] args) {
        try (Store store = Store.open(Path.of(args[0]))) {
            LayerRecord r = store.importLayer(new ManyEmptyFiles(Integer.parseInt(args[1]), Integer.parseInt(args[2])),
                    n -> { });
            System.out.println("entries=" + r.entries() + " diffId=" + r.diffId());
        }
    }
}
