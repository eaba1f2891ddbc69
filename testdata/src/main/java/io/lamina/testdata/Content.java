package io.lamina.testdata;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The bytes of a regular file: literal bytes, a seeded pseudo-random stream, or a sparse file made
 * of seeded data extents over holes. Every kind is a pure function of its parameters, so the same
 * content always yields the same bytes (on any JDK: the generator is our own SplitMix64, not
 * {@code java.util.Random}).
 */
public sealed interface Content {

    /** Logical size in bytes (holes included). */
    long size();

    /** The data regions, sorted and disjoint; outside them the file reads as zeros. */
    List<Extent> extents();

    /** True when the content has holes worth storing as such (sparse tar entries, holes on disk). */
    default boolean sparse() {
        return false;
    }

    /** Writes {@code length} logical bytes starting at {@code offset} (holes as zeros). */
    void write(long offset, long length, OutputStream out) throws IOException;

    /** Writes all logical bytes. */
    default void writeTo(OutputStream out) throws IOException {
        write(0, size(), out);
    }

    /** All logical bytes in memory; for tests and small files. */
    default byte[] toBytes() {
        if (size() > Integer.MAX_VALUE - 16) {
            throw new IllegalStateException("content of " + size() + " bytes does not fit in an array");
        }
        var out = new java.io.ByteArrayOutputStream((int) size());
        try {
            writeTo(out);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A data region of a sparse file. */
    record Extent(long offset, long length) {
        public Extent {
            if (offset < 0 || length < 0) {
                throw new IllegalArgumentException("negative extent " + offset + "+" + length);
            }
        }

        long end() {
            return offset + length;
        }
    }

    /** No bytes. */
    static Content empty() {
        return new Literal(new byte[0]);
    }

    /** These bytes (copied). */
    static Content bytes(byte[] bytes) {
        return new Literal(bytes.clone());
    }

    /** The UTF-8 bytes of {@code text}. */
    static Content text(String text) {
        return new Literal(text.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code size} pseudo-random bytes determined by {@code seed}. */
    static Content seeded(long seed, long size) {
        return new Seeded(seed, size, List.of(new Extent(0, size)), false);
    }

    /**
     * A sparse file of logical {@code size}: seeded data (the bytes {@link #seeded} would have at
     * the same offsets) inside {@code extents}, zeros elsewhere.
     *
     * @throws IllegalArgumentException if extents overlap, are unsorted or end past {@code size}
     */
    static Content sparse(long seed, long size, Extent... extents) {
        List<Extent> list = List.of(extents);
        long end = 0;
        for (Extent e : list) {
            if (e.offset() < end || e.end() > size) {
                throw new IllegalArgumentException("extents must be sorted, disjoint and within " + size);
            }
            end = e.end();
        }
        return new Seeded(seed, size, list.stream().filter(e -> e.length() > 0).toList(), true);
    }

    /** Literal bytes. */
    record Literal(byte[] data) implements Content {
        @Override
        public long size() {
            return data.length;
        }

        @Override
        public List<Extent> extents() {
            return data.length == 0 ? List.of() : List.of(new Extent(0, data.length));
        }

        @Override
        public void write(long offset, long length, OutputStream out) throws IOException {
            Objects.checkFromIndexSize(offset, length, data.length);
            out.write(data, (int) offset, (int) length);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Literal l && Arrays.equals(data, l.data);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "Literal[" + data.length + " bytes]";
        }
    }

    /** Seeded data, dense or sparse. Byte {@code p} is byte {@code p % 8} of word {@code p / 8}. */
    record Seeded(long seed, long size, List<Extent> extents, boolean sparse) implements Content {
        private static final long GAMMA = 0x9E3779B97F4A7C15L;

        /** SplitMix64's output function: random access, so any range is cheap to produce. */
        static long word(long seed, long index) {
            long z = seed + (index + 1) * GAMMA;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            return z ^ (z >>> 31);
        }

        @Override
        public void write(long offset, long length, OutputStream out) throws IOException {
            Objects.checkFromIndexSize(offset, length, size);
            byte[] buf = new byte[64 * 1024];
            long pos = offset;
            long end = offset + length;
            while (pos < end) {
                int n = (int) Math.min(buf.length, end - pos);
                fill(pos, buf, n);
                out.write(buf, 0, n);
                pos += n;
            }
        }

        private void fill(long pos, byte[] buf, int n) {
            for (int i = 0; i < n; i++) {
                long p = pos + i;
                buf[i] = inData(p) ? (byte) (word(seed, p >>> 3) >>> ((p & 7) * 8)) : 0;
            }
        }

        private boolean inData(long p) {
            if (!sparse) {
                return true;
            }
            for (Extent e : extents) {
                if (p < e.offset()) {
                    return false;
                }
                if (p < e.end()) {
                    return true;
                }
            }
            return false;
        }
    }
}
