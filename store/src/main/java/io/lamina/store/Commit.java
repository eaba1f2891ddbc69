package io.lamina.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;

/**
 * Turns an upper (kernel overlayfs format) into a content-addressed layer: its OCI layer tar (see
 * {@link #writeLayer} for what is in it), streamed into {@link Store#importLayer} through a pipe,
 * never written whole anywhere. The data of regular files is read through the merged view (the
 * mount point), so metadata-only copies, whose data is still in a lower layer, carry their data.
 * Changes made while a commit runs may or may not be in it; one that makes a file shorter than
 * its size fails the commit (nothing is stored then).
 */
public final class Commit {
    private Commit() {
    }

    /**
     * Writes the uncompressed OCI layer tar of {@code upper} to {@code out} (not closed).
     * Deterministic: the same upper and merged view give the same bytes.
     */
    public static void writeLayer(Path upper, Path merged, OutputStream out) throws IOException {
        UpperTar.write(upper, merged, out);
    }

    /**
     * Commits {@code upper} (with data read under {@code merged}) into {@code store}; returns the
     * stored layer (the existing one when the same layer is stored already).
     *
     * @throws StoreException when the tar cannot be written (a file changed under the commit…) or stored
     */
    public static LayerRecord commit(Store store, Path upper, Path merged, LongConsumer progress) {
        AtomicReference<Throwable> writerFailure = new AtomicReference<>();
        PipedInputStream in = new PipedInputStream(1 << 20);
        PipedOutputStream pipe;
        try {
            pipe = new PipedOutputStream(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread writer = Thread.ofPlatform().name("lamina commit " + upper).daemon().start(() -> {
            try (OutputStream out = pipe) {
                UpperTar.write(upper, merged, out);
            } catch (Throwable t) {
                writerFailure.set(t);
            }
        });
        // Closing the pipe (try-with-resources, before the catch runs) unblocks a writer the importer left.
        try (InputStream tar = in) {
            return store.importLayer(tar, progress);
        } catch (RuntimeException e) {
            Throwable w = failureOf(writer, writerFailure);
            // A failed writer cuts the tar short: its reason is the one to tell.
            if (w != null) throw new StoreException("commit of " + upper + ": " + message(w), e);
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            joinQuietly(writer);
        }
    }

    /**
     * Records the image {@code name}: the layers of {@code base} (null for none) and then
     * {@code added} (bottom first, each with the history line in {@code createdBy}), replacing
     * any image of that name, as {@code docker commit} does.
     */
    public static ImageRecord recordImage(Images images, String name, ImageRecord base, List<LayerRecord> added,
                                          List<String> createdBy) {
        if (added.size() != createdBy.size()) throw new IllegalArgumentException("one history line per added layer");
        return CommittedImage.record(images, name, base, added, createdBy);
    }

    private static Throwable failureOf(Thread writer, AtomicReference<Throwable> failure) {
        joinQuietly(writer);
        Throwable w = failure.get();
        if (w instanceof IOException && ("Pipe closed".equals(w.getMessage()) || "Read end dead".equals(w.getMessage()))) return null;
        return w;
    }

    private static void joinQuietly(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String message(Throwable t) {
        return t.getMessage() != null ? t.getMessage() : t.toString();
    }
}
