package io.lamina.fuse;

import io.lamina.sys.Posix;
import io.lamina.fs.FsException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The request threads of one mount. Each worker reads from its own /dev/fuse descriptor (the
 * session's, or a clone made with FUSE_DEV_IOC_CLONE), handles the request and writes the answer
 * on that same descriptor; there is no hand-off between threads and no shared queue. The kernel
 * spreads requests over the readers.
 *
 * <p>Why cloned descriptors: measured on the 2-core test machine (MemFs, passthrough off, 4
 * readers of 64 MiB files and 4 threads stat-ing 20k names) against 4 workers sharing the one
 * session descriptor and against a single worker: 1.0 to 2.8 GB/s and 40k to 87k lookups/s for
 * all three, within the noise of a loaded machine. Clones win on the argument, then: each has its
 * own processing list in the kernel (no shared lock between readers), and a ring between one
 * reader and workers would add a thread hand-off per request on top of the shared variant, so it
 * was not built.
 *
 * <p>A worker ends when its device reports the mount gone (ENODEV, ECONNABORTED); no exception
 * ends it: the {@link Dispatcher} catches everything per request, and the loop catches anything
 * that still escapes and keeps going.
 */
final class Workers {
    private static final System.Logger LOG = System.getLogger(Workers.class.getName());

    private final int sessionFd;
    private final Dispatcher dispatcher;
    private final AtomicInteger alive;
    private final List<Thread> threads = new ArrayList<>();
    private final CountDownLatch done;
    private volatile boolean stopping;

    Workers(int sessionFd, int count, Dispatcher dispatcher, String name) {
        this.sessionFd = sessionFd;
        this.dispatcher = dispatcher;
        this.done = new CountDownLatch(count);
        this.alive = new AtomicInteger(count);
        List<Integer> fds = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                int fd = i == 0 ? sessionFd : cloneFd(sessionFd);
                fds.add(fd);
                threads.add(Thread.ofPlatform().daemon().name(name + "-fuse-" + i).unstarted(() -> loop(fd)));
            }
        } catch (RuntimeException e) {
            for (int fd : fds) if (fd != sessionFd) Posix.closeQuietly(fd);
            throw e;
        }
    }

    void start() {
        for (Thread t : threads) t.start();
    }

    /** A new descriptor on the same FUSE connection, with its own request queue position. */
    static int cloneFd(int sessionFd) {
        int fd = FuseSys.openDevice();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment arg = a.allocate(4);
            arg.set(Abi.I32, 0, sessionFd);
            Posix.ioctl(fd, Abi.DEV_IOC_CLONE, arg);
            return fd;
        } catch (RuntimeException e) {
            Posix.closeQuietly(fd);
            throw e;
        }
    }

    private void loop(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment in = arena.allocate(Init.READ_BUFFER, 4096);
            MemorySegment out = arena.allocate(Init.READ_BUFFER, 4096);
            Request rq = new Request(in);
            Reply rp = new Reply(out, fd);
            while (true) {
                long n = FuseSys.readRaw(fd, in, in.byteSize());
                if (n < 0) {
                    int err = (int) -n;
                    // EINTR: a signal; ENOENT: the request was interrupted before we got it; EAGAIN: spurious.
                    if (err == FuseSys.EINTR || err == FuseSys.ENOENT || err == FuseSys.EAGAIN) continue;
                    if (err != FuseSys.ENODEV && err != FuseSys.ECONNABORTED && !stopping) {
                        LOG.log(System.Logger.Level.ERROR, "reading /dev/fuse failed: errno " + err);
                    }
                    return;
                }
                if (n < Abi.IN_HEADER) continue;
                try {
                    rq.load((int) n);
                    dispatcher.dispatch(rq, rp);
                } catch (Throwable t) {
                    LOG.log(System.Logger.Level.ERROR, "request loop survived an unexpected failure", t);
                }
            }
        } finally {
            // Each worker closes its clone on its way out; the last one out closes the session
            // descriptor, which the passthrough registry uses for its ioctls until then.
            if (fd != sessionFd) Posix.closeQuietly(fd);
            if (alive.decrementAndGet() == 0) Posix.closeQuietly(sessionFd);
            done.countDown();
        }
    }

    /** Marks the pool as stopping, so that the end of the connection is not reported as an error. */
    void stopping() {
        stopping = true;
    }

    boolean awaitExit(long millis) throws InterruptedException {
        return done.await(millis, TimeUnit.MILLISECONDS);
    }

    void awaitExit() throws InterruptedException {
        done.await();
    }
}
