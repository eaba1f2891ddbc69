package io.lamina.store;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * A minimal POSIX (pax) tar writer, written because export must keep what the store keeps:
 * nanosecond mtimes (commons-compress writes 7 digits) and binary xattr values. A ustar header per
 * entry, preceded by a pax extended header when a field does not fit (path or link over 100 bytes
 * or not ASCII, ids over 7 octal digits, sizes over 11, a fractional or negative mtime) or the entry
 * has xattrs ({@code SCHILY.xattr.NAME}). No user or group names, no atime: equal input gives equal
 * bytes. Ends with two zero blocks.
 */
final class TarOut {
    static final byte REGULAR = '0', LINK = '1', SYMLINK = '2', CHAR = '3', BLOCK = '4', DIRECTORY = '5', FIFO = '6';
    private static final int BLOCK_SIZE = 512;
    private static final byte[] ZEROS = new byte[BLOCK_SIZE];

    /** One entry's header fields. */
    record Header(String name, byte type, int mode, long uid, long gid, long size, long mtimeSec, int mtimeNsec,
                  String linkName, int devMajor, int devMinor, Map<String, byte[]> xattrs) {
        static Header of(String name, byte type, int mode, long size, long mtimeSec) {
            return new Header(name, type, mode, 0, 0, size, mtimeSec, 0, null, 0, 0, Map.of());
        }
    }

    private final OutputStream out;
    private long pending;   // data bytes the current entry still expects

    TarOut(OutputStream out) {
        this.out = out;
    }

    /** Starts an entry; write exactly {@code h.size()} data bytes next, then {@link #endEntry}. */
    void begin(Header h) throws IOException {
        if (pending != 0) {
            throw new IllegalStateException("previous entry is short of " + pending + " bytes");
        }
        byte[] name = h.name().getBytes(StandardCharsets.UTF_8);
        byte[] link = h.linkName() == null ? new byte[0] : h.linkName().getBytes(StandardCharsets.UTF_8);
        Map<String, byte[]> pax = new TreeMap<>();
        if (name.length > 100 || !ascii(name)) {
            pax.put("path", name);
        }
        if (link.length > 100 || !ascii(link)) {
            pax.put("linkpath", link);
        }
        if (h.uid() < 0 || h.uid() > 07777777) {
            pax.put("uid", ascii(Long.toString(h.uid())));
        }
        if (h.gid() < 0 || h.gid() > 07777777) {
            pax.put("gid", ascii(Long.toString(h.gid())));
        }
        if (h.size() > 077777777777L) {
            pax.put("size", ascii(Long.toString(h.size())));
        }
        if (h.mtimeNsec() != 0 || h.mtimeSec() < 0 || h.mtimeSec() > 077777777777L) {
            pax.put("mtime", ascii(mtime(h.mtimeSec(), h.mtimeNsec())));
        }
        h.xattrs().forEach((k, v) -> pax.put("SCHILY.xattr." + k, v));
        if (!pax.isEmpty()) {
            byte[] records = records(pax);
            String paxName = "PaxHeaders/" + safe(h.name(), 88);
            writeHeader(paxName.getBytes(StandardCharsets.US_ASCII), (byte) 'x', 0644, 0, 0, records.length, 0, new byte[0], 0, 0);
            out.write(records);
            pad(records.length);
        }
        writeHeader(fit(name, h.name()), h.type(), h.mode(), clamp(h.uid(), 07777777), clamp(h.gid(), 07777777),
                h.size() > 077777777777L ? 0 : h.size(), Math.max(0, Math.min(h.mtimeSec(), 077777777777L)),
                fit(link, h.linkName() == null ? "" : h.linkName()), h.devMajor(), h.devMinor());
        pending = h.size();
    }

    void write(byte[] b, int off, int len) throws IOException {
        if (len > pending) {
            throw new IllegalStateException("entry data exceeds its size by " + (len - pending) + " bytes");
        }
        out.write(b, off, len);
        pending -= len;
    }

    /** Ends the current entry (pads its data to a block). */
    void endEntry(long size) throws IOException {
        if (pending != 0) {
            throw new IllegalStateException("entry is short of " + pending + " bytes");
        }
        pad(size);
    }

    /** Writes the end-of-archive marker (two zero blocks). */
    void finish() throws IOException {
        out.write(ZEROS);
        out.write(ZEROS);
        out.flush();
    }

    private void writeHeader(byte[] name, byte type, int mode, long uid, long gid, long size, long mtime, byte[] link,
                             int major, int minor) throws IOException {
        byte[] b = new byte[BLOCK_SIZE];
        System.arraycopy(name, 0, b, 0, Math.min(100, name.length));
        octal(b, 100, 8, mode & 07777);
        octal(b, 108, 8, uid);
        octal(b, 116, 8, gid);
        octal(b, 124, 12, size);
        octal(b, 136, 12, mtime);
        Arrays.fill(b, 148, 156, (byte) ' ');
        b[156] = type;
        System.arraycopy(link, 0, b, 157, Math.min(100, link.length));
        System.arraycopy("ustar\0".getBytes(StandardCharsets.US_ASCII), 0, b, 257, 6);
        b[263] = '0';
        b[264] = '0';
        if (type == CHAR || type == BLOCK) {
            octal(b, 329, 8, major);
            octal(b, 337, 8, minor);
        }
        long sum = 0;
        for (byte x : b) {
            sum += x & 0xff;
        }
        octal(b, 148, 7, sum);   // six digits and a NUL, the trailing space stays
        out.write(b);
    }

    private void pad(long size) throws IOException {
        int rem = (int) (size % BLOCK_SIZE);
        if (rem != 0) {
            out.write(ZEROS, 0, BLOCK_SIZE - rem);
        }
    }

    /** {@code width - 1} zero-padded octal digits and a NUL. */
    private static void octal(byte[] b, int off, int width, long v) {
        String s = Long.toOctalString(v);
        String padded = "0".repeat(Math.max(0, width - 1 - s.length())) + s;
        byte[] d = padded.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(d, 0, b, off, width - 1);
        b[off + width - 1] = 0;
    }

    /** pax records "LEN KEY=VALUE\n", LEN counting itself. */
    private static byte[] records(Map<String, byte[]> pax) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        pax.forEach((k, v) -> {
            byte[] key = k.getBytes(StandardCharsets.UTF_8);
            int body = 1 + key.length + 1 + v.length + 1;   // ' ' key '=' value '\n'
            int len = body + Integer.toString(body).length();
            if (Integer.toString(len).length() != Integer.toString(body).length()) {
                len = body + Integer.toString(len).length();
            }
            out.writeBytes(ascii(Integer.toString(len)));
            out.write(' ');
            out.writeBytes(key);
            out.write('=');
            out.writeBytes(v);
            out.write('\n');
        });
        return out.toByteArray();
    }

    private static String mtime(long sec, int nsec) {
        if (nsec == 0) {
            return Long.toString(sec);
        }
        String frac = String.format("%09d", nsec).replaceAll("0+$", "");
        if (sec < 0) {
            // -1.5 is 1.5 s before the epoch: (sec, nsec) = (-2, 500000000)
            long whole = sec + 1;
            String f = String.format("%09d", 1_000_000_000 - nsec).replaceAll("0+$", "");
            return (whole == 0 ? "-0" : Long.toString(whole)) + "." + f;
        }
        return sec + "." + frac;
    }

    private static long clamp(long v, long max) {
        return v < 0 || v > max ? 0 : v;
    }

    private static boolean ascii(byte[] b) {
        for (byte x : b) {
            if (x <= 0) {
                return false;
            }
        }
        return true;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** The name as it fits the 100-byte field (the pax path carries the whole one). */
    private static byte[] fit(byte[] utf8, String s) {
        return utf8.length <= 100 && ascii(utf8) ? utf8 : safe(s, 100).getBytes(StandardCharsets.US_ASCII);
    }

    private static String safe(String s, int max) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < max; i++) {
            char c = s.charAt(i);
            b.append(c >= 0x20 && c < 0x7f ? c : '_');
        }
        return b.toString();
    }
}
