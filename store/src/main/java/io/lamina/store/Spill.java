package io.lamina.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A growable scratch area backed by a file and mapped in fixed chunks, so an import keeps a
 * million records without holding them on the heap (the page cache holds them, and may write
 * them out). Callers place items so that none crosses a chunk boundary. Single-threaded.
 */
final class Spill implements AutoCloseable {

    private final FileChannel channel;
    private final Arena arena = Arena.ofConfined();
    private final long chunk;
    private final List<MemorySegment> chunks = new ArrayList<>();

    Spill(Path file, long chunk) {
        this.chunk = chunk;
        try {
            this.channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    long chunkSize() {
        return chunk;
    }

    /** The segment holding {@code [pos, pos + len)}, which lies within one chunk; mapped on demand. */
    MemorySegment at(long pos) {
        int c = (int) (pos / chunk);
        while (chunks.size() <= c) {
            try {
                chunks.add(channel.map(FileChannel.MapMode.READ_WRITE, (long) chunks.size() * chunk, chunk, arena));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return chunks.get(c);
    }

    long offsetInChunk(long pos) {
        return pos % chunk;
    }

    @Override
    public void close() {
        arena.close();
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
