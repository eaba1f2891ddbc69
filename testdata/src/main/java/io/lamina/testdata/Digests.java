package io.lamina.testdata;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** sha256 in the OCI spelling {@code sha256:<hex>}, and a stream that digests and counts what passes. */
final class Digests {
    private Digests() {}

    static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    static String sha256(byte[] data) {
        return "sha256:" + HexFormat.of().formatHex(newSha256().digest(data));
    }

    static String sha256(String text) {
        return sha256(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The hex part of {@code sha256:<hex>}. */
    static String hex(String digest) {
        return digest.substring(digest.indexOf(':') + 1);
    }

    /** Passes bytes through to {@code out}, digesting and counting them; close() closes {@code out}. */
    static final class Tee extends FilterOutputStream {
        private final MessageDigest md = newSha256();
        private long count;

        Tee(OutputStream out) {
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

        /** The digest of everything written; call once, after the last write. */
        String digest() {
            return "sha256:" + HexFormat.of().formatHex(md.digest());
        }
    }
}
