package io.lamina.testdata;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Writes a POSIX.1-2001 (pax) tar stream, byte for byte determined by its input: ustar headers,
 * a pax extended header ({@code x}) before any entry that needs one (long or non-ASCII names and
 * link names, ids or sizes beyond the octal fields, sub-second mtimes, xattrs, sparse maps), and
 * the end-of-archive marker of two zero blocks (no padding to a 10 KiB record, like Go's writer).
 *
 * <p>Our own writer rather than commons-compress's because we need exact control over every
 * header byte for determinism and must write PAX 1.0 sparse entries, which commons-compress
 * reads but cannot write.
 */
final class TarWriter implements AutoCloseable {

    static final char REGULAR = '0';
    static final char HARDLINK = '1';
    static final char SYMLINK = '2';
    static final char CHAR = '3';
    static final char BLOCK = '4';
    static final char DIRECTORY = '5';
    static final char FIFO = '6';
    private static final char PAX = 'x';

    private static final int BLOCK_SIZE = 512;
    private static final long MAX_OCTAL_7 = 07777777L;
    private static final long MAX_OCTAL_11 = 077777777777L;

    /** The data of one entry, written after its header. */
    @FunctionalInterface
    interface Body {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * One tar header.
     *
     * @param name     entry name ({@code dir/} for directories)
     * @param pax      extra pax records, in addition to the ones this writer derives
     */
    record Header(String name, char type, int mode, long uid, long gid, long size, Instant mtime,
                  String linkName, int devMajor, int devMinor, SortedMap<String, byte[]> pax) {
        static Header of(String name, char type, int mode, long size, Instant mtime) {
            return new Header(name, type, mode, 0, 0, size, mtime, "", 0, 0, new TreeMap<>());
        }
    }

    private final OutputStream out;
    private long written;

    TarWriter(OutputStream out) {
        this.out = out;
    }

    /** Writes {@code h}, preceded by a pax header if needed, then {@code size} bytes of body and padding. */
    void add(Header h, Body body) throws IOException {
        SortedMap<String, byte[]> pax = new TreeMap<>(h.pax());
        byte[] name = utf8(h.name());
        byte[] link = utf8(h.linkName());
        byte[][] split = splitName(name);
        if (split == null || !ascii(name)) {
            pax.put("path", name);
            split = new byte[][] {new byte[0], truncate(asciiFallback(h.name()), 100)};
        }
        if (link.length > 100 || !ascii(link)) {
            pax.put("linkpath", link);
            link = truncate(asciiFallback(h.linkName()), 100);
        }
        if (h.uid() > MAX_OCTAL_7) {
            pax.put("uid", utf8(Long.toString(h.uid())));
        }
        if (h.gid() > MAX_OCTAL_7) {
            pax.put("gid", utf8(Long.toString(h.gid())));
        }
        if (h.size() > MAX_OCTAL_11) {
            pax.put("size", utf8(Long.toString(h.size())));
        }
        long seconds = h.mtime().getEpochSecond();
        if (h.mtime().getNano() != 0 || seconds < 0 || seconds > MAX_OCTAL_11) {
            pax.put("mtime", utf8(paxTime(h.mtime())));
        }
        if (!pax.isEmpty()) {
            byte[] records = paxRecords(pax);
            String paxName = paxHeaderName(h.name());
            writeHeader(new byte[][] {new byte[0], truncate(utf8(paxName), 100)}, PAX, 0644, 0, 0, records.length, clampSeconds(seconds), new byte[0], 0, 0);
            out.write(records);
            written += records.length;
            pad();
        }
        writeHeader(split, h.type(), h.mode(), Math.min(h.uid(), MAX_OCTAL_7), Math.min(h.gid(), MAX_OCTAL_7),
                Math.min(h.size(), MAX_OCTAL_11), clampSeconds(seconds), link, h.devMajor(), h.devMinor());
        if (h.size() > 0) {
            long before = written;
            body.writeTo(new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    out.write(b);
                    written++;
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                    written += len;
                }
            });
            if (written - before != h.size()) {
                throw new IllegalStateException(h.name() + ": body wrote " + (written - before)
                        + " bytes, header says " + h.size());
            }
            pad();
        }
    }

    /** Writes the end-of-archive marker. Does not close the underlying stream. */
    void finish() throws IOException {
        out.write(new byte[2 * BLOCK_SIZE]);
        written += 2 * BLOCK_SIZE;
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }

    private void writeHeader(byte[][] name, char type, int mode, long uid, long gid, long size, long mtime,
                             byte[] link, int devMajor, int devMinor) throws IOException {
        byte[] b = new byte[BLOCK_SIZE];
        put(b, 0, 100, name[1]);
        octal(b, 100, 8, mode);
        octal(b, 108, 8, uid);
        octal(b, 116, 8, gid);
        octal(b, 124, 12, size);
        octal(b, 136, 12, mtime);
        b[156] = (byte) type;
        put(b, 157, 100, link);
        put(b, 257, 6, utf8("ustar\0"));
        put(b, 263, 2, utf8("00"));
        octal(b, 329, 8, devMajor);
        octal(b, 337, 8, devMinor);
        put(b, 345, 155, name[0]);
        // The checksum is computed with its own field read as eight spaces.
        for (int i = 148; i < 156; i++) {
            b[i] = ' ';
        }
        long sum = 0;
        for (byte x : b) {
            sum += x & 0xff;
        }
        byte[] chk = utf8(String.format("%06o", sum));
        System.arraycopy(chk, 0, b, 148, 6);
        b[154] = 0;
        b[155] = ' ';
        out.write(b);
        written += BLOCK_SIZE;
    }

    private void pad() throws IOException {
        int rem = (int) (written % BLOCK_SIZE);
        if (rem != 0) {
            out.write(new byte[BLOCK_SIZE - rem]);
            written += BLOCK_SIZE - rem;
        }
    }

    /** {prefix, name} for a ustar header, or null when the name fits neither way. */
    private static byte[][] splitName(byte[] name) {
        if (name.length <= 100) {
            return new byte[][] {new byte[0], name};
        }
        for (int i = name.length - 1; i > 0; i--) {
            if (name[i] == '/' && i <= 155 && name.length - i - 1 <= 100 && name.length - i - 1 > 0) {
                byte[] prefix = java.util.Arrays.copyOfRange(name, 0, i);
                byte[] rest = java.util.Arrays.copyOfRange(name, i + 1, name.length);
                return new byte[][] {prefix, rest};
            }
        }
        return null;
    }

    /** Name of the pax header entry: {@code <dir>/PaxHeaders/<name>} (only informative to readers). */
    private static String paxHeaderName(String name) {
        String n = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
        int slash = n.lastIndexOf('/');
        String dir = slash < 0 ? "" : n.substring(0, slash + 1);
        String base = n.substring(slash + 1);
        return new String(asciiFallback(dir + "PaxHeaders/" + base), StandardCharsets.US_ASCII);
    }

    static byte[] paxRecords(Map<String, byte[]> records) {
        var buf = new java.io.ByteArrayOutputStream();
        for (var r : records.entrySet()) {
            byte[] key = utf8(r.getKey());
            int body = 1 + key.length + 1 + r.getValue().length + 1; // " key=value\n"
            int len = body + Integer.toString(body).length();
            if (Integer.toString(len).length() != Integer.toString(body).length()) {
                len = body + Integer.toString(len).length();
            }
            buf.writeBytes(utf8(len + " "));
            buf.writeBytes(key);
            buf.write('=');
            buf.writeBytes(r.getValue());
            buf.write('\n');
        }
        return buf.toByteArray();
    }

    /** {@code seconds[.fraction]} with trailing zeros of the fraction dropped. */
    static String paxTime(Instant t) {
        long s = t.getEpochSecond();
        int nanos = t.getNano();
        if (nanos == 0) {
            return Long.toString(s);
        }
        if (s < 0) {
            // The pax format writes a negative time as -seconds.fraction: move one second over.
            s += 1;
            nanos = 1_000_000_000 - nanos;
            String frac = String.format("%09d", nanos).replaceAll("0+$", "");
            return "-" + Math.abs(s) + "." + frac;
        }
        return s + "." + String.format("%09d", nanos).replaceAll("0+$", "");
    }

    private static long clampSeconds(long s) {
        return Math.max(0, Math.min(s, MAX_OCTAL_11));
    }

    private static void octal(byte[] b, int off, int len, long value) {
        String s = Long.toOctalString(value);
        s = "0".repeat(len - 1 - s.length()) + s;
        put(b, off, len - 1, utf8(s));
        b[off + len - 1] = 0;
    }

    private static void put(byte[] b, int off, int len, byte[] v) {
        System.arraycopy(v, 0, b, off, Math.min(len, v.length));
    }

    private static byte[] truncate(byte[] v, int len) {
        return v.length <= len ? v : java.util.Arrays.copyOf(v, len);
    }

    private static boolean ascii(byte[] v) {
        for (byte x : v) {
            if (x < 0x20 || x > 0x7e) {
                return false;
            }
        }
        return true;
    }

    /** Replaces each non-printable or non-ASCII char by {@code _}: a stand-in for readers without pax. */
    private static byte[] asciiFallback(String s) {
        var sb = new StringBuilder();
        s.codePoints().forEach(c -> sb.append(c >= 0x20 && c <= 0x7e ? (char) c : '_'));
        return utf8(sb.toString());
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
