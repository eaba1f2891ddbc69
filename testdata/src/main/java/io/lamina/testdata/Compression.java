package io.lamina.testdata;

import com.github.luben.zstd.ZstdOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Locale;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipParameters;

/**
 * How a layer blob is compressed, with its OCI media type. Every setting that could vary is fixed
 * so that equal input gives equal bytes: gzip has no name, mtime 0, OS byte 255 ("unknown", like
 * Go's writer) and level 6; zstd runs single-threaded at level 3 without a checksum.
 */
public enum Compression {
    NONE("application/vnd.oci.image.layer.v1.tar", ".tar"),
    GZIP("application/vnd.oci.image.layer.v1.tar+gzip", ".tar.gz"),
    ZSTD("application/vnd.oci.image.layer.v1.tar+zstd", ".tar.zst");

    private final String mediaType;
    private final String suffix;

    Compression(String mediaType, String suffix) {
        this.mediaType = mediaType;
        this.suffix = suffix;
    }

    /** The OCI media type of a layer compressed this way. */
    public String mediaType() {
        return mediaType;
    }

    /** A file name suffix: {@code .tar}, {@code .tar.gz}, {@code .tar.zst}. */
    public String suffix() {
        return suffix;
    }

    /**
     * A stream that compresses into {@code out}. Closing it ends the compressed stream but leaves
     * {@code out} open.
     */
    public OutputStream wrap(OutputStream out) throws IOException {
        OutputStream keepOpen = new FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                out.flush();
            }
        };
        return switch (this) {
            case NONE -> keepOpen;
            case GZIP -> {
                GzipParameters p = new GzipParameters();
                p.setCompressionLevel(6);
                p.setModificationTime(0);
                p.setOperatingSystem(255);
                yield new GzipCompressorOutputStream(keepOpen, p);
            }
            case ZSTD -> {
                ZstdOutputStream z = new ZstdOutputStream(keepOpen, 3);
                z.setChecksum(false);
                z.setWorkers(0);
                yield z;
            }
        };
    }

    /**
     * The compression named {@code none}, {@code gzip} or {@code zstd} (any case).
     *
     * @throws IllegalArgumentException for any other name
     */
    public static Compression parse(String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown compression '" + name + "' (none, gzip, zstd)");
        }
    }
}
