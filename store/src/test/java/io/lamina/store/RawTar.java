package io.lamina.store;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A tar writer for hostile test input: it writes exactly the ustar headers it is told, however
 * wrong (absolute names, "..", sizes larger than the data), which a real writer would refuse.
 */
final class RawTar {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    RawTar file(String name, String content) {
        byte[] b = content.getBytes(StandardCharsets.UTF_8);
        header(name, '0', b.length, "");
        out.writeBytes(b);
        pad(b.length);
        return this;
    }

    /** A pax extended header ('x') with one record {@code key=value} (raw bytes), for the next entry. */
    RawTar pax(String key, byte[] value) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        int body = 1 + k.length + 1 + value.length + 1;
        int len = body + Integer.toString(body).length();
        if (Integer.toString(len).length() != Integer.toString(body).length()) {
            len = body + Integer.toString(len).length();
        }
        var rec = new ByteArrayOutputStream();
        rec.writeBytes((len + " ").getBytes(StandardCharsets.US_ASCII));
        rec.writeBytes(k);
        rec.write('=');
        rec.writeBytes(value);
        rec.write('\n');
        byte[] r = rec.toByteArray();
        header("PaxHeaders/x", 'x', r.length, "");
        out.writeBytes(r);
        pad(r.length);
        return this;
    }

    RawTar dir(String name) {
        header(name, '5', 0, "");
        return this;
    }

    RawTar symlink(String name, String target) {
        header(name, '2', 0, target);
        return this;
    }

    RawTar hardlink(String name, String target) {
        header(name, '1', 0, target);
        return this;
    }

    /** A header claiming {@code size} bytes, followed by only {@code actual} bytes and no end. */
    RawTar truncatedFile(String name, long size, int actual) {
        header(name, '0', size, "");
        out.writeBytes(new byte[actual]);
        return this;
    }

    RawTar raw(byte[] b) {
        out.writeBytes(b);
        return this;
    }

    byte[] end() {
        out.writeBytes(new byte[1024]);
        return out.toByteArray();
    }

    byte[] noEnd() {
        return out.toByteArray();
    }

    private void pad(long len) {
        int rem = (int) (len % 512);
        if (rem != 0) {
            out.writeBytes(new byte[512 - rem]);
        }
    }

    private void header(String name, char type, long size, String link) {
        out.writeBytes(header(name, type, size, link, 0644));
    }

    static byte[] header(String name, char type, long size, String link, int mode) {
        byte[] h = new byte[512];
        put(h, 0, 100, name.getBytes(StandardCharsets.UTF_8));
        octal(h, 100, 8, mode);
        octal(h, 108, 8, 0);
        octal(h, 116, 8, 0);
        octal(h, 124, 12, size);
        octal(h, 136, 12, 1_700_000_000L);
        h[156] = (byte) type;
        put(h, 157, 100, link.getBytes(StandardCharsets.UTF_8));
        put(h, 257, 6, "ustar\0".getBytes(StandardCharsets.US_ASCII));
        put(h, 263, 2, "00".getBytes(StandardCharsets.US_ASCII));
        for (int i = 148; i < 156; i++) {
            h[i] = ' ';
        }
        long sum = 0;
        for (byte x : h) {
            sum += x & 0xff;
        }
        put(h, 148, 7, String.format("%06o\0", sum).getBytes(StandardCharsets.US_ASCII));
        return h;
    }

    private static void put(byte[] h, int off, int len, byte[] v) {
        System.arraycopy(v, 0, h, off, Math.min(len, v.length));
    }

    private static void octal(byte[] h, int off, int len, long v) {
        String s = Long.toOctalString(v);
        put(h, off, len - 1, ("0".repeat(Math.max(0, len - 1 - s.length())) + s).getBytes(StandardCharsets.US_ASCII));
    }
}
