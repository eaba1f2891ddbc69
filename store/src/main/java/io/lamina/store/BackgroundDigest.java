package io.lamina.store;

import java.security.MessageDigest;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * A sha256 computed on its own thread over buffers handed to it whole: the reader fills a buffer
 * from {@link #take}, serves it, then {@link #submit}s it, and the buffer comes back to the pool
 * once hashed. So hashing a layer's whole tar (its diff-id) overlaps with parsing it and with
 * hashing and writing its files, without copying the bytes. One reader thread.
 */
final class BackgroundDigest implements AutoCloseable {

    static final int SIZE = 1 << 20;
    private static final int BUFFERS = 4;

    private record Chunk(byte[] bytes, int length) {
    }

    private static final Chunk END = new Chunk(new byte[0], -1);

    private final MessageDigest sha = Digests.sha256();
    private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(BUFFERS);
    private final BlockingQueue<Chunk> full = new ArrayBlockingQueue<>(BUFFERS + 1);
    private final Thread worker;
    private boolean ended;

    BackgroundDigest() {
        for (int i = 0; i < BUFFERS; i++) {
            free.add(new byte[SIZE]);
        }
        worker = Thread.ofPlatform().daemon().name("lamina-diffid").start(this::run);
    }

    private void run() {
        try {
            while (true) {
                Chunk c = full.take();
                if (c.length() < 0) {
                    return;
                }
                sha.update(c.bytes(), 0, c.length());
                free.put(c.bytes());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A buffer of {@link #SIZE} bytes to fill; waits while all are being hashed. */
    byte[] take() {
        try {
            return free.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while hashing the layer", e);
        }
    }

    /** Hands {@code b[0, length)} over to be hashed next; the caller no longer touches {@code b}. */
    void submit(byte[] b, int length) {
        try {
            full.put(new Chunk(b, length));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while hashing the layer", e);
        }
    }

    /** The sha256 of everything submitted; call once. */
    byte[] digest() {
        try {
            ended = true;
            full.put(END);
            worker.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while hashing the layer", e);
        }
        return sha.digest();
    }

    @Override
    public void close() {
        if (!ended) {
            ended = true;
            worker.interrupt();
        }
    }
}
