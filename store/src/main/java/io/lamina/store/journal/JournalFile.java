package io.lamina.store.journal;

import net.openhft.chronicle.map.ChronicleMap;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BiConsumer;

/**
 * The journal's state on disk: one Chronicle Map file per mount, changed path to a small fixed
 * record ({@link Rec}), plus a few meta records under keys that start with '/' (no path does).
 * Written by the mount's daemon, read by any other process at the same time.
 */
final class JournalFile implements AutoCloseable {
    static final String BYTES = "/bytes", INODES = "/inodes", LOWER_BYTES = "/lower-bytes",
            CHANGES = "/changes", IDENTITY = "/identity";
    private static final int VALUE_SIZE = 18;
    private static final long MIN_ENTRIES = 1 << 17;

    /**
     * One changed path: its docker-diff status ('A', 'C' or 'D'), its type ({@link #WHITEOUT} or
     * a {@link io.lamina.fs.FileType} ordinal), its inode number and the bytes it counts for.
     */
    record Rec(byte status, byte type, long ino, long bytes) {
        static final byte WHITEOUT = 100;
    }

    private final ChronicleMap<String, byte[]> map;

    private JournalFile(ChronicleMap<String, byte[]> map) {
        this.map = map;
    }

    /** Creates a new, empty file sized for about {@code expected} paths (it can grow beyond). */
    static JournalFile create(Path file, long expected) {
        try {
            Files.deleteIfExists(file);
            Files.createDirectories(file.getParent());
            return new JournalFile(builder(Math.max(MIN_ENTRIES, expected * 2)).createPersistedTo(file.toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the journal " + file, e);
        }
    }

    /** Opens an existing file. */
    static JournalFile open(Path file) {
        if (!Files.isRegularFile(file)) throw new UncheckedIOException(new java.io.FileNotFoundException(file.toString()));
        try {
            return new JournalFile(builder(MIN_ENTRIES).createPersistedTo(file.toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the journal " + file, e);
        }
    }

    private static net.openhft.chronicle.map.ChronicleMapBuilder<String, byte[]> builder(long entries) {
        // Growth past the declared entries adds tiers (slower, still correct): allow a lot of it.
        return ChronicleMap.of(String.class, byte[].class).name("lamina-journal").entries(entries)
                .averageKeySize(48).constantValueSizeBySample(new byte[VALUE_SIZE]).maxBloatFactor(100);
    }

    void put(String path, Rec r) {
        map.put(path, encode(r));
    }

    void remove(String path) {
        map.remove(path);
    }

    /** The changed paths, in the map's order (not sorted). */
    void forEach(BiConsumer<String, Rec> action) {
        map.forEach((k, v) -> {
            if (!k.startsWith("/")) action.accept(k, decode(v));
        });
    }

    long meta(String key) {
        byte[] v = map.get(key);
        return v == null ? -1 : ByteBuffer.wrap(v).getLong(10);
    }

    void putMeta(String key, long value) {
        map.put(key, encode(new Rec((byte) 0, (byte) 0, 0, value)));
    }

    /** A 64-bit digest of {@code s}, for meta records that must only match the same text. */
    static long digest(String s) {
        try {
            return ByteBuffer.wrap(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(StandardCharsets.UTF_8))).getLong();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] encode(Rec r) {
        return ByteBuffer.allocate(VALUE_SIZE).put(r.status()).put(r.type()).putLong(r.ino()).putLong(r.bytes()).array();
    }

    private static Rec decode(byte[] v) {
        ByteBuffer b = ByteBuffer.wrap(v);
        return new Rec(b.get(), b.get(), b.getLong(), b.getLong());
    }

    @Override
    public void close() {
        map.close();
    }
}
