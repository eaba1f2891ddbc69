package io.lamina.store.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The usage totals beside the state file, in a 48-byte memory-mapped file, so that
 * {@code lamina usage} reads four numbers without loading Chronicle Map (which costs a fresh JVM
 * about a second). A sequence number written before and after each update (odd while it is
 * under way) lets a reader in another process retry a torn read.
 */
final class UsageFile implements AutoCloseable {
    private static final int SIZE = 48;
    private static final int SEQ = 0, BYTES = 8, INODES = 16, LOWER = 24, CHANGES = 32, SEQ_END = 40;
    private static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());

    private final FileChannel channel;
    private final MappedByteBuffer map;

    private UsageFile(FileChannel channel, MappedByteBuffer map) {
        this.channel = channel;
        this.map = map;
    }

    static Path of(Path stateFile) {
        return stateFile.resolveSibling(stateFile.getFileName() + ".usage");
    }

    static UsageFile openForWriting(Path stateFile) {
        try {
            FileChannel ch = FileChannel.open(of(stateFile), StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            return new UsageFile(ch, ch.map(FileChannel.MapMode.READ_WRITE, 0, SIZE));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + of(stateFile), e);
        }
    }

    void write(long bytes, long inodes, long lower, long changes) {
        long seq = (long) LONG.getAcquire(map, SEQ) + 1;
        LONG.setRelease(map, SEQ, seq);
        LONG.setRelease(map, BYTES, bytes);
        LONG.setRelease(map, INODES, inodes);
        LONG.setRelease(map, LOWER, lower);
        LONG.setRelease(map, CHANGES, changes);
        LONG.setRelease(map, SEQ_END, seq + 1);
        LONG.setRelease(map, SEQ, seq + 1);
    }

    /** The totals, or null when the file is missing or was never completely written. */
    static Usage read(Path stateFile) {
        try (FileChannel ch = FileChannel.open(of(stateFile), StandardOpenOption.READ)) {
            if (ch.size() < SIZE) return null;
            MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_ONLY, 0, SIZE);
            for (int attempt = 0; attempt < 1000; attempt++) {
                long seq = (long) LONG.getAcquire(m, SEQ);
                Usage u = new Usage((long) LONG.getAcquire(m, BYTES), (long) LONG.getAcquire(m, INODES),
                        (long) LONG.getAcquire(m, LOWER), (long) LONG.getAcquire(m, CHANGES));
                if (seq != 0 && (seq & 1) == 0 && (long) LONG.getAcquire(m, SEQ_END) == seq && (long) LONG.getAcquire(m, SEQ) == seq) {
                    return u;
                }
                Thread.onSpinWait();
            }
            return null;
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // nothing was pending: the mapping is written through
        }
    }
}
