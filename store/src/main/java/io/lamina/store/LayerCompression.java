package io.lamina.store;

import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipParameters;

import java.io.BufferedInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * How a layer blob is compressed. Import judges it by the blob's first bytes (gzip 1f 8b, zstd
 * 28 b5 2f fd), never by the media type alone; export writes it with every setting fixed, so
 * equal input gives equal bytes (gzip level 6, no name, mtime 0, OS 255; zstd level 3, one
 * thread, no checksum).
 */
public enum LayerCompression {
    NONE("application/vnd.oci.image.layer.v1.tar"),
    GZIP("application/vnd.oci.image.layer.v1.tar+gzip"),
    ZSTD("application/vnd.oci.image.layer.v1.tar+zstd");

    private final String mediaType;

    LayerCompression(String mediaType) {
        this.mediaType = mediaType;
    }

    /** The OCI media type of a layer compressed this way. */
    public String mediaType() {
        return mediaType;
    }

    /** none, gzip or zstd. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The compression called {@code name} (none, gzip, zstd; any case).
     *
     * @throws IllegalArgumentException for any other name
     */
    public static LayerCompression parse(String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown compression '" + name + "' (none, gzip, zstd)");
        }
    }

    /** Looks at the first bytes of {@code in} (which must support mark) without consuming them. */
    static LayerCompression detect(BufferedInputStream in) throws IOException {
        in.mark(4);
        byte[] magic = in.readNBytes(4);
        in.reset();
        if (magic.length >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
            return GZIP;
        }
        if (magic.length == 4 && (magic[0] & 0xff) == 0x28 && (magic[1] & 0xff) == 0xb5
                && (magic[2] & 0xff) == 0x2f && (magic[3] & 0xff) == 0xfd) {
            return ZSTD;
        }
        return NONE;
    }

    /** The uncompressed stream of {@code in}; closing it closes {@code in}. */
    InputStream decompress(InputStream in) throws IOException {
        return switch (this) {
            case NONE -> in;
            case GZIP -> new GZIPInputStream(in, 1 << 16);
            case ZSTD -> new ZstdInputStream(in);
        };
    }

    /** A stream compressing into {@code out}; closing it ends the compressed stream, not {@code out}. */
    OutputStream compress(OutputStream out) throws IOException {
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
}
