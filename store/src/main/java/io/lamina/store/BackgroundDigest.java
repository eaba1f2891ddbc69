package io.lamina.store;

import java.security.MessageDigest;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * A sha256 computed on its own thread: the bytes are copied into a few 1 MiB buffers handed over
 * a queue, so hashing a layer's whole tar (its diff-id) overlaps with parsing it and hashing and
 * writing its files. Used by one producer thread.
 */
final class BackgroundDigest implements AutoCloseable {

    private static final int SIZE = 1 << 20;
    private static final int BUFFERS = 4;

    private record Chunk(byte[] bytes, int length) {
    }

    private static final Chunk END = new Chunk(new byte[0], -1);

    private final MessageDigest sha = Digests.sha256();
    private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(BUFFERS);
    private final BlockingQueue<Chunk> full = new ArrayBlockingQueue<>(BUFFERS + 1);
    private final Thread worker;
    private byte[] current;
    private int fill;
    private boolean ended;

    BackgroundDigest() {
        for (int i = 0; i < BUFFERS - 1; i++) {
            free.add(new byte[SIZE]);
        }
        current = new byte[SIZE];
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

    void update(byte[] b, int off, int len) {
        while (len > 0) {
            int n = Math.min(len, SIZE - fill);
            System.arraycopy(b, off, current, fill, n);
            fill += n;
            off += n;
            len -= n;
            if (fill == SIZE) {
                handOver();
            }
        }
    }

    private void handOver() {
        try {
            full.put(new Chunk(current, fill));
            current = free.take();
            fill = 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while hashing the layer", e);
        }
    }

    /** The sha256 of everything given; call once. */
    byte[] digest() {
        try {
            if (fill > 0) {
                full.put(new Chunk(current, fill));
            }
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
