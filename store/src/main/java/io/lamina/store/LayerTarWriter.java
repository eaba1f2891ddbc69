package io.lamina.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a stored layer back as an OCI layer tar, from its index and the objects: entries in index
 * order (parents first), a whiteout as an empty {@code DIR/.wh.NAME}, an opaque directory as the
 * directory followed by {@code DIR/.wh..wh..opq}, the later names of a hardlinked file as tar
 * links to its first name, xattrs as pax {@code SCHILY.xattr.NAME}, long names, big ids and
 * sub-second mtimes as pax records ({@link TarOut}). Equal indexes and objects give
 * byte-identical tars.
 */
final class LayerTarWriter {
    private static final String WHITEOUT_PREFIX = ".wh.";
    private static final String OPAQUE_MARKER = ".wh..wh..opq";

    private LayerTarWriter() {
    }

    /** Writes the layer {@code diffId} of {@code store} to {@code out} (left open). */
    static void write(Store store, String diffId, OutputStream out) throws IOException {
        try (LayerIndex index = store.openIndex(diffId)) {
            TarOut tar = new TarOut(out);
            Map<Integer, String> firstNameOfGroup = new HashMap<>();
            byte[] buf = new byte[1 << 16];
            for (int i = 0; i < index.size(); i++) {
                IndexEntry e = index.entry(i);
                switch (e.kind()) {
                    case WHITEOUT -> empty(tar, header(e, sibling(e.path(), WHITEOUT_PREFIX + name(e.path())), TarOut.REGULAR, 0, null, Map.of()));
                    case DIRECTORY -> {
                        empty(tar, header(e, e.path() + "/", TarOut.DIRECTORY, 0, null, e.xattrs()));
                        if (e.opaque()) {
                            empty(tar, header(e, e.path() + "/" + OPAQUE_MARKER, TarOut.REGULAR, 0, null, Map.of()));
                        }
                    }
                    case REGULAR -> {
                        String first = e.linkGroup() > 0 ? firstNameOfGroup.putIfAbsent(e.linkGroup(), e.path()) : null;
                        if (first != null) {
                            empty(tar, header(e, e.path(), TarOut.LINK, 0, first, Map.of()));
                        } else {
                            tar.begin(header(e, e.path(), TarOut.REGULAR, e.size(), null, e.xattrs()));
                            if (e.size() > 0) {
                                copyObject(store, e, tar, buf);
                            }
                            tar.endEntry(e.size());
                        }
                    }
                    case SYMLINK -> empty(tar, header(e, e.path(), TarOut.SYMLINK, 0, e.linkTarget(), e.xattrs()));
                    case FIFO -> empty(tar, header(e, e.path(), TarOut.FIFO, 0, null, e.xattrs()));
                    case CHAR_DEVICE, BLOCK_DEVICE -> {
                        TarOut.Header h = header(e, e.path(), e.kind() == EntryKind.CHAR_DEVICE ? TarOut.CHAR : TarOut.BLOCK,
                                0, null, e.xattrs());
                        empty(tar, new TarOut.Header(h.name(), h.type(), h.mode(), h.uid(), h.gid(), 0, h.mtimeSec(),
                                h.mtimeNsec(), null, major(e.rdev()), minor(e.rdev()), h.xattrs()));
                    }
                    case SOCKET -> {
                        // A tar cannot carry a socket, and no OCI layer does.
                    }
                }
            }
            tar.finish();
        }
    }

    private static TarOut.Header header(IndexEntry e, String name, byte type, long size, String link, Map<String, byte[]> xattrs) {
        boolean marker = e.kind() == EntryKind.WHITEOUT || name.endsWith(OPAQUE_MARKER);
        return new TarOut.Header(name, type, marker ? 0 : e.mode(), e.uid() & 0xffffffffL, e.gid() & 0xffffffffL, size,
                e.mtimeSec(), e.mtimeNsec(), link, 0, 0, new TreeMap<>(xattrs));
    }

    private static void empty(TarOut tar, TarOut.Header h) throws IOException {
        tar.begin(h);
        tar.endEntry(0);
    }

    private static void copyObject(Store store, IndexEntry e, TarOut tar, byte[] buf) throws IOException {
        long left = e.size();
        try (InputStream in = Files.newInputStream(store.objectPath(e.digest()))) {
            int n;
            while (left > 0 && (n = in.read(buf, 0, (int) Math.min(buf.length, left))) > 0) {
                tar.write(buf, 0, n);
                left -= n;
            }
        }
        if (left != 0) {
            throw new StoreException("object " + e.digest() + " of " + e.path() + ": shorter than its " + e.size() + " bytes");
        }
    }

    private static String sibling(String path, String name) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? name : path.substring(0, slash + 1) + name;
    }

    private static String name(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /** Linux's major() of a dev_t. */
    static int major(long rdev) {
        return (int) (((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL));
    }

    /** Linux's minor() of a dev_t. */
    static int minor(long rdev) {
        return (int) ((rdev & 0xff) | ((rdev >>> 12) & ~0xffL));
    }
}
