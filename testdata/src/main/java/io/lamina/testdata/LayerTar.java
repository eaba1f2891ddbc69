package io.lamina.testdata;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Writes a {@link LayerSpec} as an OCI layer tar: entries in {@link LayerSpec#PATH_ORDER} (a
 * hardlink is moved after its target when it would sort before it), directories named
 * {@code dir/}, a whiteout as an empty file {@code .wh.<name>}, an opaque directory as its
 * directory entry followed by {@code <dir>/.wh..wh..opq}, xattrs as pax {@code SCHILY.xattr.*}
 * records, long and non-ASCII names, big ids and sub-second mtimes in pax records.
 *
 * <p>The output depends on nothing but the spec, the compression and the sparse encoding.
 */
public final class LayerTar {

    /** The name of the OCI opaque marker inside a directory. */
    public static final String OPAQUE_MARKER = ".wh..wh..opq";
    /** The prefix of an OCI whiteout name. */
    public static final String WHITEOUT_PREFIX = ".wh.";

    /** How sparse files are stored. */
    public enum Sparse {
        /** GNU pax format 1.0 ({@code GNU.sparse.*} records, map at the start of the data): holes are not stored. */
        PAX_1_0,
        /** Holes written as zeros, like Docker and containerd do. */
        EXPANDED
    }

    private LayerTar() {}

    /** Writes the uncompressed tar of {@code layer} to {@code out}, which stays open. */
    public static void write(LayerSpec layer, OutputStream out) throws IOException {
        write(layer, out, Compression.NONE, Sparse.PAX_1_0);
    }

    /** Writes the tar of {@code layer}, compressed, to {@code out}, which stays open. */
    public static void write(LayerSpec layer, OutputStream out, Compression compression) throws IOException {
        write(layer, out, compression, Sparse.PAX_1_0);
    }

    /** Writes the tar of {@code layer}, compressed, with sparse files encoded as asked; {@code out} stays open. */
    public static void write(LayerSpec layer, OutputStream out, Compression compression, Sparse sparse)
            throws IOException {
        try (OutputStream c = compression.wrap(out)) {
            TarWriter tar = new TarWriter(c);
            for (Entry e : tarOrder(layer.entries())) {
                writeEntry(tar, e, sparse);
            }
            tar.finish();
        }
    }

    /** The tar of {@code layer} in memory. */
    public static byte[] bytes(LayerSpec layer, Compression compression) {
        var out = new ByteArrayOutputStream();
        try {
            write(layer, out, compression);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Sorted order, except that a hardlink waits until its target has been written. */
    static List<Entry> tarOrder(List<Entry> sorted) {
        List<Entry> out = new ArrayList<>();
        Set<String> done = new HashSet<>();
        Map<String, List<Entry>> waiting = new LinkedHashMap<>();
        for (Entry e : sorted) {
            if (e.type() == EntryType.HARDLINK && !done.contains(e.linkTarget())) {
                waiting.computeIfAbsent(e.linkTarget(), k -> new ArrayList<>()).add(e);
                continue;
            }
            out.add(e);
            done.add(e.path());
            List<Entry> links = waiting.remove(e.path());
            if (links != null) {
                out.addAll(links);
            }
        }
        return out;
    }

    private static void writeEntry(TarWriter tar, Entry e, Sparse sparse) throws IOException {
        SortedMap<String, byte[]> pax = new TreeMap<>();
        e.xattrs().forEach((k, v) -> pax.put("SCHILY.xattr." + k, v));
        switch (e.type()) {
            case DIRECTORY -> {
                tar.add(header(e, e.path() + "/", TarWriter.DIRECTORY, 0, "", pax), out -> {});
                if (e.opaque()) {
                    tar.add(marker(e.path() + "/" + OPAQUE_MARKER, e), out -> {});
                }
            }
            case FILE -> {
                Content c = e.content();
                if (c.sparse() && sparse == Sparse.PAX_1_0) {
                    writeSparse(tar, e, pax);
                } else {
                    tar.add(header(e, e.path(), TarWriter.REGULAR, c.size(), "", pax), c::writeTo);
                }
            }
            case SYMLINK -> tar.add(header(e, e.path(), TarWriter.SYMLINK, 0, e.linkTarget(), pax), out -> {});
            case HARDLINK -> tar.add(header(e, e.path(), TarWriter.HARDLINK, 0, e.linkTarget(), pax), out -> {});
            case FIFO -> tar.add(header(e, e.path(), TarWriter.FIFO, 0, "", pax), out -> {});
            case CHAR_DEVICE -> tar.add(header(e, e.path(), TarWriter.CHAR, 0, "", pax), out -> {});
            case BLOCK_DEVICE -> tar.add(header(e, e.path(), TarWriter.BLOCK, 0, "", pax), out -> {});
            case WHITEOUT -> {
                String parent = e.parent();
                tar.add(marker((parent.isEmpty() ? "" : parent + "/") + WHITEOUT_PREFIX + e.name(), e), out -> {});
            }
        }
    }

    /**
     * PAX 1.0 sparse: the header is named {@code <dir>/GNUSparseFile.0/<name>}, the real name and
     * size are in pax records, and the data starts with the map (count, then offset/length pairs,
     * decimal, one per line, padded to 512 bytes) followed by the data of each extent.
     */
    private static void writeSparse(TarWriter tar, Entry e, SortedMap<String, byte[]> pax) throws IOException {
        Content c = e.content();
        List<Content.Extent> map = new ArrayList<>(c.extents());
        long last = map.isEmpty() ? 0 : map.getLast().end();
        if (last < c.size() || map.isEmpty()) {
            // A trailing hole is stated by an empty extent at the end, as GNU tar does.
            map.add(new Content.Extent(c.size(), 0));
        }
        var text = new StringBuilder().append(map.size()).append('\n');
        long data = 0;
        for (Content.Extent x : map) {
            text.append(x.offset()).append('\n').append(x.length()).append('\n');
            data += x.length();
        }
        byte[] mapBytes = TarWriter.utf8(text.toString());
        int mapBlock = (mapBytes.length + 511) / 512 * 512;
        pax.put("GNU.sparse.major", TarWriter.utf8("1"));
        pax.put("GNU.sparse.minor", TarWriter.utf8("0"));
        pax.put("GNU.sparse.name", TarWriter.utf8(e.path()));
        pax.put("GNU.sparse.realsize", TarWriter.utf8(Long.toString(c.size())));
        String parent = e.parent();
        String name = (parent.isEmpty() ? "" : parent + "/") + "GNUSparseFile.0/" + e.name();
        tar.add(header(e, name, TarWriter.REGULAR, mapBlock + data, "", pax), out -> {
            out.write(mapBytes);
            out.write(new byte[mapBlock - mapBytes.length]);
            for (Content.Extent x : map) {
                c.write(x.offset(), x.length(), out);
            }
        });
    }

    private static TarWriter.Header header(Entry e, String name, char type, long size, String link,
                                           SortedMap<String, byte[]> pax) {
        return new TarWriter.Header(name, type, e.mode(), Integer.toUnsignedLong(e.uid()),
                Integer.toUnsignedLong(e.gid()), size, e.mtime(), link, e.devMajor(), e.devMinor(), pax);
    }

    private static TarWriter.Header marker(String name, Entry e) {
        return TarWriter.Header.of(name, TarWriter.REGULAR, 0, 0, e.mtime());
    }
}
