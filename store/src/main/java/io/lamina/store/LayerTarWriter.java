package io.lamina.store;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Writes a stored layer back as an OCI layer tar, from its index and the objects: entries in index
 * order (parents first), a whiteout as an empty {@code DIR/.wh.NAME}, an opaque directory as the
 * directory followed by {@code DIR/.wh..wh..opq}, the later names of a hardlinked file as tar
 * links to its first name, xattrs as PAX {@code SCHILY.xattr.NAME}, long names, big ids and
 * sub-second mtimes as PAX records. No user or group names, no atime/ctime: equal indexes and
 * objects give byte-identical tars.
 */
final class LayerTarWriter {
    private static final String WHITEOUT_PREFIX = ".wh.";
    private static final String OPAQUE_MARKER = ".wh..wh..opq";

    private LayerTarWriter() {
    }

    /** Writes the layer {@code diffId} of {@code store} to {@code out} (left open). */
    static void write(Store store, String diffId, OutputStream out) throws IOException {
        try (LayerIndex index = store.openIndex(diffId)) {
            TarArchiveOutputStream tar = new TarArchiveOutputStream(new java.io.FilterOutputStream(out) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                }

                @Override
                public void close() throws IOException {
                    out.flush();
                }
            }, StandardCharsets.UTF_8.name());
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            tar.setAddPaxHeadersForNonAsciiNames(true);
            Map<Integer, String> firstNameOfGroup = new HashMap<>();
            byte[] buf = new byte[1 << 16];
            for (int i = 0; i < index.size(); i++) {
                IndexEntry e = index.entry(i);
                switch (e.kind()) {
                    case WHITEOUT -> put(tar, header(sibling(e.path(), WHITEOUT_PREFIX + name(e.path())), TarConstants.LF_NORMAL, e), null, buf, store, e);
                    case DIRECTORY -> {
                        put(tar, header(e.path() + "/", TarConstants.LF_DIR, e), null, buf, store, e);
                        if (e.opaque()) {
                            TarArchiveEntry m = header(e.path() + "/" + OPAQUE_MARKER, TarConstants.LF_NORMAL, e);
                            m.setMode(0);
                            m.getExtraPaxHeaders().clear();
                            put(tar, m, null, buf, store, e);
                        }
                    }
                    case REGULAR -> {
                        String first = e.linkGroup() > 0 ? firstNameOfGroup.putIfAbsent(e.linkGroup(), e.path()) : null;
                        if (first != null) {
                            TarArchiveEntry h = header(e.path(), TarConstants.LF_LINK, e);
                            h.setLinkName(first);
                            put(tar, h, null, buf, store, e);
                        } else {
                            TarArchiveEntry h = header(e.path(), TarConstants.LF_NORMAL, e);
                            h.setSize(e.size());
                            put(tar, h, e.size() > 0 ? e.digest() : null, buf, store, e);
                        }
                    }
                    case SYMLINK -> {
                        TarArchiveEntry h = header(e.path(), TarConstants.LF_SYMLINK, e);
                        h.setLinkName(e.linkTarget());
                        put(tar, h, null, buf, store, e);
                    }
                    case FIFO -> put(tar, header(e.path(), TarConstants.LF_FIFO, e), null, buf, store, e);
                    case CHAR_DEVICE, BLOCK_DEVICE -> {
                        TarArchiveEntry h = header(e.path(),
                                e.kind() == EntryKind.CHAR_DEVICE ? TarConstants.LF_CHR : TarConstants.LF_BLK, e);
                        h.setDevMajor(major(e.rdev()));
                        h.setDevMinor(minor(e.rdev()));
                        put(tar, h, null, buf, store, e);
                    }
                    case SOCKET -> {
                        // tar has no sockets; the kernel's overlay copy-up skips none, but no OCI tar carries one.
                    }
                }
            }
            tar.finish();
            tar.flush();
        }
    }

    private static TarArchiveEntry header(String name, byte type, IndexEntry e) {
        TarArchiveEntry h = new TarArchiveEntry(name, type);
        h.setMode(e.mode());
        h.setUserId(e.uid());
        h.setGroupId(e.gid());
        h.setUserName("");
        h.setGroupName("");
        h.setLastModifiedTime(FileTime.from(Instant.ofEpochSecond(e.mtimeSec(), e.mtimeNsec())));
        if (type != TarConstants.LF_LINK && e.kind() != EntryKind.WHITEOUT) {
            for (Map.Entry<String, byte[]> x : new java.util.TreeMap<>(e.xattrs()).entrySet()) {
                h.addPaxHeader("SCHILY.xattr." + x.getKey(), new String(x.getValue(), StandardCharsets.UTF_8));
            }
        }
        return h;
    }

    private static void put(TarArchiveOutputStream tar, TarArchiveEntry h, String digest, byte[] buf, Store store,
                            IndexEntry e) throws IOException {
        tar.putArchiveEntry(h);
        if (digest != null) {
            long left = e.size();
            try (InputStream in = Files.newInputStream(store.objectPath(digest))) {
                int n;
                while (left > 0 && (n = in.read(buf, 0, (int) Math.min(buf.length, left))) > 0) {
                    tar.write(buf, 0, n);
                    left -= n;
                }
            }
            if (left != 0) {
                throw new StoreException("object " + digest + " of " + e.path() + ": shorter than its " + e.size() + " bytes");
            }
        }
        tar.closeArchiveEntry();
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
