package io.lamina.store;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** sha256 in the OCI spelling "sha256:HEX", and streams that digest and count what passes. */
final class Sha256 {
    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");

    private Sha256() {
    }

    static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    static String of(byte[] data) {
        return "sha256:" + HexFormat.of().formatHex(newDigest().digest(data));
    }

    static String of(String text) {
        return of(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** True for "sha256:" and 64 lower-case hex digits, the only digests lamina accepts. */
    static boolean valid(String digest) {
        return digest != null && DIGEST.matcher(digest).matches();
    }

    static String hex(String digest) {
        return digest.substring(digest.indexOf(':') + 1);
    }

    /** Digests and counts the bytes read through it. */
    static final class In extends FilterInputStream {
        private final MessageDigest md = newDigest();
        private long count;

        In(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                md.update((byte) b);
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                md.update(b, off, n);
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            // Skipped bytes must be digested too.
            byte[] buf = new byte[8192];
            long done = 0;
            while (done < n) {
                int r = read(buf, 0, (int) Math.min(buf.length, n - done));
                if (r < 0) {
                    break;
                }
                done += r;
            }
            return done;
        }

        @Override
        public boolean markSupported() {
            return false;
        }

        /** Reads to the end, digesting. */
        void drain() throws IOException {
            byte[] buf = new byte[1 << 16];
            while (read(buf, 0, buf.length) >= 0) {
                // digesting
            }
        }

        long count() {
            return count;
        }

        /** The digest of everything read; call once, at the end. */
        String digest() {
            return "sha256:" + HexFormat.of().formatHex(md.digest());
        }
    }

    /** Digests and counts the bytes written through it. */
    static final class Out extends FilterOutputStream {
        private final MessageDigest md = newDigest();
        private long count;

        Out(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            md.update((byte) b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            md.update(b, off, len);
            count += len;
        }

        long count() {
            return count;
        }

        String digest() {
            return "sha256:" + HexFormat.of().formatHex(md.digest());
        }
    }
}
