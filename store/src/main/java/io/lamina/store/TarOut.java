package io.lamina.store;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * A minimal POSIX (pax) tar writer: ustar headers, with a pax extended header before an entry
 * whose path or link name does not fit in ustar (over 100 bytes or not ASCII), whose mtime has
 * nanoseconds (written with all nine digits, which the common Java writer does not do), whose
 * ids or size are too large for ustar, or that has xattrs ({@code SCHILY.xattr.NAME}, value bytes
 * as they are). Writes no user or group names, no atime or ctime: the same entries give the same
 * bytes.
 */
final class TarOut {
    static final byte REGULAR = '0', HARDLINK = '1', SYMLINK = '2', CHAR = '3', BLOCK = '4', DIR = '5', FIFO = '6';
    private static final int BLOCK_SIZE = 512;

    /** One entry's header. {@code xattrs} in the order to write them. */
    record Header(String name, byte type, int mode, long uid, long gid, long size, long mtimeSec, int mtimeNsec,
                  String linkName, int devMajor, int devMinor, Map<String, byte[]> xattrs) {
    }

    private final OutputStream out;
    private long written;
    private long dataLeft;

    TarOut(OutputStream out) {
        this.out = out;
    }

    /** Starts an entry; exactly {@code h.size()} bytes of data must follow for a regular file. */
    void begin(Header h) throws IOException {
        if (dataLeft != 0) throw new IllegalStateException("previous entry short by " + dataLeft + " bytes");
        byte[] name = h.name().getBytes(StandardCharsets.UTF_8);
        byte[] link = h.linkName() == null ? new byte[0] : h.linkName().getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream pax = new ByteArrayOutputStream();
        if (name.length > 100 || !ascii(name)) record(pax, "path", name);
        if (link.length > 100 || !ascii(link)) record(pax, "linkpath", link);
        if (h.uid() > 07777777 || h.uid() < 0) record(pax, "uid", ascii(Long.toString(h.uid())));
        if (h.gid() > 07777777 || h.gid() < 0) record(pax, "gid", ascii(Long.toString(h.gid())));
        if (h.size() > 077777777777L) record(pax, "size", ascii(Long.toString(h.size())));
        if (h.mtimeNsec() != 0 || h.mtimeSec() < 0 || h.mtimeSec() > 077777777777L) {
            record(pax, "mtime", ascii(mtime(h.mtimeSec(), h.mtimeNsec())));
        }
        for (Map.Entry<String, byte[]> x : h.xattrs().entrySet()) record(pax, "SCHILY.xattr." + x.getKey(), x.getValue());
        if (pax.size() > 0) {
            byte[] records = pax.toByteArray();
            header(ascii("PaxHeaders/" + shortName(h.name())), (byte) 'x', 0644, 0, 0, records.length, 0, new byte[0], 0, 0);
            write(records, 0, records.length);
            pad();
        }
        header(fit(name), h.type(), h.mode(), clamp(h.uid()), clamp(h.gid()),
                h.size() > 077777777777L ? 0 : h.size(), Math.clamp(h.mtimeSec(), 0, 077777777777L), fit(link),
                h.devMajor(), h.devMinor());
        dataLeft = h.type() == REGULAR ? h.size() : 0;
    }

    void data(byte[] b, int off, int len) throws IOException {
        if (len > dataLeft) throw new IllegalStateException("more data than the entry's size");
        write(b, off, len);
        dataLeft -= len;
    }

    /** Ends the entry's data (padding it to a block). */
    void end() throws IOException {
        if (dataLeft != 0) throw new IllegalStateException("entry short by " + dataLeft + " bytes");
        pad();
    }

    /** The two zero blocks that end an archive. */
    void finish() throws IOException {
        write(new byte[2 * BLOCK_SIZE], 0, 2 * BLOCK_SIZE);
        out.flush();
    }

    private void header(byte[] name, byte type, int mode, long uid, long gid, long size, long mtime, byte[] link,
                        int devMajor, int devMinor) throws IOException {
        byte[] b = new byte[BLOCK_SIZE];
        System.arraycopy(name, 0, b, 0, name.length);
        octal(b, 100, 8, mode);
        octal(b, 108, 8, uid);
        octal(b, 116, 8, gid);
        octal(b, 124, 12, size);
        octal(b, 136, 12, mtime);
        Arrays.fill(b, 148, 156, (byte) ' ');
        b[156] = type;
        System.arraycopy(link, 0, b, 157, link.length);
        System.arraycopy(ascii("ustar\0"), 0, b, 257, 6);
        b[263] = '0';
        b[264] = '0';
        if (type == CHAR || type == BLOCK) {
            octal(b, 329, 8, devMajor);
            octal(b, 337, 8, devMinor);
        }
        long sum = 0;
        for (byte x : b) sum += x & 0xff;
        octal(b, 148, 7, sum);
        write(b, 0, BLOCK_SIZE);
    }

    /** A zero-padded octal number filling {@code len - 1} digits and a NUL. */
    private static void octal(byte[] b, int at, int len, long v) {
        String s = Long.toOctalString(v);
        if (s.length() > len - 1) throw new IllegalArgumentException("value " + v + " does not fit a tar header field");
        for (int i = 0; i < len - 1; i++) {
            int from = i - (len - 1 - s.length());
            b[at + i] = (byte) (from < 0 ? '0' : s.charAt(from));
        }
        b[at + len - 1] = 0;
    }

    /** A pax record "LEN key=value\n", LEN counting its own digits. */
    private static void record(ByteArrayOutputStream pax, String key, byte[] value) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        int rest = 1 + k.length + 1 + value.length + 1;
        int len = rest + 1;
        while (Integer.toString(len).length() + rest != len) len = Integer.toString(len).length() + rest;
        pax.writeBytes(ascii(len + " "));
        pax.writeBytes(k);
        pax.write('=');
        pax.writeBytes(value);
        pax.write('\n');
    }

    private static String mtime(long sec, int nsec) {
        if (nsec == 0) return Long.toString(sec);
        // floor semantics: -1.5 s is sec -2 plus 0.5
        if (sec < 0) return java.math.BigDecimal.valueOf(sec).add(java.math.BigDecimal.valueOf(nsec, 9)).toPlainString();
        return sec + "." + String.format("%09d", nsec);
    }

    private void pad() throws IOException {
        int rem = (int) (written % BLOCK_SIZE);
        if (rem != 0) write(new byte[BLOCK_SIZE - rem], 0, BLOCK_SIZE - rem);
    }

    private void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        written += len;
    }

    /** The ustar field value: the name itself when it fits, else a stand-in (the pax path rules). */
    private static byte[] fit(byte[] name) {
        if (name.length <= 100 && ascii(name)) return name;
        String s = new String(name, StandardCharsets.UTF_8).replaceAll("[^\\x20-\\x7e]", "_");
        return ascii(s.length() > 100 ? s.substring(0, 100) : s);
    }

    private static String shortName(String name) {
        String base = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
        base = base.substring(base.lastIndexOf('/') + 1).replaceAll("[^\\x20-\\x7e]", "_");
        return base.length() > 80 ? base.substring(0, 80) : base;
    }

    private static long clamp(long id) {
        return id < 0 || id > 07777777 ? 0 : id;
    }

    private static boolean ascii(byte[] b) {
        for (byte x : b) {
            if (x < 0x20 || x > 0x7e) return false;
        }
        return true;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
