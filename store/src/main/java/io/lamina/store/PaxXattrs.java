package io.lamina.store;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads the {@code SCHILY.xattr.*} records of a tar entry's pax header from the raw header bytes,
 * keeping values as bytes: commons-compress decodes pax values as UTF-8 text, which would mangle
 * binary xattrs such as {@code security.capability}. Records with an empty value are left out,
 * as OCI readers (containerd's Go archive/tar, commons-compress) read them as "unset".
 */
final class PaxXattrs {

    static final String PREFIX = "SCHILY.xattr.";
    private static final int BLOCK = 512;

    private PaxXattrs() {
    }

    /**
     * The xattrs in {@code raw}, the bytes read for one entry's headers starting at stream offset
     * {@code offset} (so the first block boundary can be found): pax ('x'), global pax ('g') and
     * GNU long name/link ('L', 'K') headers are walked until the entry's own header.
     */
    static Map<String, byte[]> of(byte[] raw, long offset) {
        Map<String, byte[]> out = new HashMap<>();
        int p = (int) ((BLOCK - offset % BLOCK) % BLOCK);
        while (p + BLOCK <= raw.length) {
            if (isZero(raw, p)) {
                p += BLOCK;
                continue; // padding of the entry before, or a lone zero block
            }
            byte type = raw[p + 156];
            long size = octal(raw, p + 124, 12);
            int data = p + BLOCK;
            if (type == 'x' && size >= 0 && data + size <= raw.length) {
                records(raw, data, (int) size, out);
            }
            if (type != 'x' && type != 'g' && type != 'L' && type != 'K' || size < 0) {
                break;
            }
            p = data + (int) ((size + BLOCK - 1) / BLOCK * BLOCK);
        }
        return out;
    }

    private static void records(byte[] b, int start, int len, Map<String, byte[]> out) {
        int i = start, end = start + len;
        while (i < end) {
            int sp = i;
            int n = 0;
            while (sp < end && b[sp] >= '0' && b[sp] <= '9') {
                n = n * 10 + (b[sp++] - '0');
            }
            if (sp >= end || b[sp] != ' ' || n <= 0 || i + n > end) {
                return; // malformed: commons-compress has refused or will refuse it
            }
            int recEnd = i + n - 1; // the '\n'
            int eq = sp + 1;
            while (eq < recEnd && b[eq] != '=') {
                eq++;
            }
            String key = new String(b, sp + 1, eq - sp - 1, StandardCharsets.UTF_8);
            if (key.startsWith(PREFIX) && eq < recEnd) {
                byte[] value = Arrays.copyOfRange(b, eq + 1, recEnd);
                if (value.length > 0) {
                    out.put(key.substring(PREFIX.length()), value);
                } else {
                    out.remove(key.substring(PREFIX.length()));
                }
            }
            i += n;
        }
    }

    private static boolean isZero(byte[] b, int p) {
        for (int i = p; i < p + BLOCK; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /** An octal header field, or -1 when it is not one (base-256 sizes are not used by headers we read). */
    private static long octal(byte[] b, int off, int len) {
        long v = 0;
        boolean digits = false;
        for (int i = off; i < off + len; i++) {
            byte c = b[i];
            if (c == 0 || c == ' ') {
                if (digits) {
                    break;
                }
                continue;
            }
            if (c < '0' || c > '7') {
                return -1;
            }
            v = v * 8 + (c - '0');
            digits = true;
        }
        return v;
    }
}
