package io.lamina.store;

import java.io.IOException;
import java.io.InputStream;
import java.util.function.LongConsumer;

/**
 * Passes a stream through while hashing it (the layer's diff-id), counting its bytes, telling
 * progress now and then, and remembering how many zero bytes it ended with so far (to tell an
 * end-of-archive marker from a stream cut short). skip() reads, so skipped bytes are hashed too.
 */
final class HashingInput extends InputStream implements AutoCloseable {

    private static final long PROGRESS_STEP = 4 << 20;

    private final InputStream in;
    private final BackgroundDigest sha = new BackgroundDigest();
    private final LongConsumer progress;
    private long count;
    private long nextProgress = PROGRESS_STEP;
    private long zeroRun;
    private byte[] scratch;

    HashingInput(InputStream in, LongConsumer progress) {
        this.in = in;
        this.progress = progress;
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b >= 0) {
            sha.update(new byte[] {(byte) b}, 0, 1);
            count++;
            zeroRun = b == 0 ? zeroRun + 1 : 0;
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n > 0) {
            sha.update(b, off, n);
            int k = n;
            while (k > 0 && b[off + k - 1] == 0) {
                k--;
            }
            zeroRun = k == 0 ? zeroRun + n : n - k;
            count += n;
            if (count >= nextProgress) {
                progress.accept(count);
                nextProgress = count + PROGRESS_STEP;
            }
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        if (scratch == null) {
            scratch = new byte[8192];
        }
        long done = 0;
        while (done < n) {
            int r = read(scratch, 0, (int) Math.min(scratch.length, n - done));
            if (r < 0) {
                break;
            }
            done += r;
        }
        return done;
    }

    /** Reads the rest of the stream (padding after the end-of-archive marker), hashing it. */
    void drain() throws IOException {
        while (skip(1 << 20) > 0) {
            // hashed by skip
        }
    }

    long count() {
        return count;
    }

    long zeroRun() {
        return zeroRun;
    }

    byte[] digest() {
        progress.accept(count);
        return sha.digest();
    }

    /** Stops the hashing thread; the source stream is the caller's. */
    @Override
    public void close() {
        sha.close();
    }
}
