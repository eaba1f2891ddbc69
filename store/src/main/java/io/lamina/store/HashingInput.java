package io.lamina.store;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.LongConsumer;

/**
 * Reads a stream through its own 1 MiB buffers while hashing it (the layer's diff-id, on a
 * {@link BackgroundDigest}), counting its bytes, telling progress now and then, remembering how
 * many zero bytes it ended with so far (to tell an end-of-archive marker from a stream cut short),
 * and, on demand, keeping a copy of what is read (one entry's raw headers). skip() reads, so
 * skipped bytes are hashed too. Not thread-safe.
 */
final class HashingInput extends InputStream implements AutoCloseable {

    private static final long PROGRESS_STEP = 4 << 20;

    private final InputStream in;
    private final BackgroundDigest sha = new BackgroundDigest();
    private final LongConsumer progress;
    private byte[] buf;
    private int pos;
    private int lim;
    private boolean eof;
    private long count;
    private long nextProgress = PROGRESS_STEP;
    private long zeroRun;
    private byte[] scratch;
    private ByteArrayOutputStream capture;
    private long captureStart;

    HashingInput(InputStream in, LongConsumer progress) {
        this.in = in;
        this.progress = progress;
    }

    /** Refills the buffer (handing the consumed one to the hasher); false at the end of the stream. */
    private boolean fill() throws IOException {
        if (eof) {
            return false;
        }
        if (buf != null) {
            sha.submit(buf, lim);
        }
        buf = sha.take();
        pos = 0;
        lim = 0;
        // Fill the buffer whole (or to the end): the hasher is fed big chunks whatever the source.
        while (lim < buf.length) {
            int n = in.read(buf, lim, buf.length - lim);
            if (n < 0) {
                eof = true;
                break;
            }
            lim += n;
        }
        return lim > 0;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (pos == lim && !fill()) {
            return -1;
        }
        int n = Math.min(len, lim - pos);
        System.arraycopy(buf, pos, b, off, n);
        if (capture != null) {
            capture.write(buf, pos, n);
        }
        int k = n;
        while (k > 0 && buf[pos + k - 1] == 0) {
            k--;
        }
        zeroRun = k == 0 ? zeroRun + n : n - k;
        pos += n;
        count += n;
        if (count >= nextProgress) {
            progress.accept(count);
            nextProgress = count + PROGRESS_STEP;
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

    /** Starts keeping a copy of the bytes read from now on (the headers of one tar entry). */
    void startCapture() {
        capture = new ByteArrayOutputStream(2048);
        captureStart = count;
    }

    /** Stops capturing; returns the bytes kept since {@link #startCapture}. */
    byte[] stopCapture() {
        byte[] b = capture.toByteArray();
        capture = null;
        return b;
    }

    /** The stream offset at which the last capture started. */
    long captureStart() {
        return captureStart;
    }

    long count() {
        return count;
    }

    long zeroRun() {
        return zeroRun;
    }

    /** The sha256 of the whole stream; call after {@link #drain}. */
    byte[] digest() {
        if (buf != null) {
            sha.submit(buf, lim);
            buf = null;
        }
        progress.accept(count);
        return sha.digest();
    }

    /** Stops the hashing thread; the source stream is the caller's. */
    @Override
    public void close() {
        sha.close();
    }
}
