package io.lamina.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The one lock of the image layer: import, rm, record and gc of one store root run one at a time,
 * across threads (a ReentrantLock) and across processes (an exclusive lock on meta/images.lock).
 * Readers (get, list, inspect, export) take no lock: Chronicle Map entries are read atomically.
 * Why one coarse lock: gc must never see the layers an import has added but not yet recorded.
 */
final class WriteLock {
    private final Path file;
    private final ReentrantLock inProcess = new ReentrantLock();

    WriteLock(Path file) {
        this.file = file;
    }

    <T> T locked(Supplier<T> action) {
        inProcess.lock();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = ch.lock()) {
            return action.get();
        } catch (IOException e) {
            throw new StoreException(file + ": cannot lock (" + e.getMessage() + ")", e);
        } finally {
            inProcess.unlock();
        }
    }

    boolean heldByCurrentThread() {
        return inProcess.isHeldByCurrentThread();
    }
}
