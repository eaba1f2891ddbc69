package io.lamina.fuse;

import io.lamina.sys.Posix;
import io.lamina.fs.FsException;
import io.lamina.fs.InodeFs;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/**
 * The default transport: speaks the FUSE protocol on /dev/fuse directly, through the FFM API.
 * See {@link Init} for what is negotiated, {@link BackingRegistry} for passthrough,
 * {@link Workers} for threading and {@link Dispatcher} for the request mapping.
 */
public final class NativeFuseTransport implements FuseTransport {
    /** Read-ahead the mount gets after mounting, in KiB. */
    static final int READAHEAD_KB = 1024;

    @Override
    public NativeMount mount(InodeFs fs, Path mountpoint, MountOptions options) {
        Path mp = mountpoint.toAbsolutePath().normalize();
        int rootMode = fs.getattr(InodeFs.ROOT).mode();
        return serve(fs, FuseMount.mount(mp, options, rootMode), options);
    }

    /** Serves {@code fs} on an already mounted {@code kernel} connection; unmounts it on failure. */
    NativeMount serve(InodeFs fs, FuseMount kernel, MountOptions options) {
        NativeMount m;
        try {
            Init.Negotiated agreed = negotiate(kernel.fd(), options);
            RequestCounters counters = new RequestCounters();
            counters.count(Opcode.INIT);
            BackingRegistry backing = new BackingRegistry(kernel.fd(), agreed.passthrough());
            m = new NativeMount(kernel, agreed, counters, backing);
            Dispatcher d = new Dispatcher(fs, backing, counters, agreed.writebackCache(), m::destroyed);
            m.workers = new Workers(kernel.fd(), options.workers(), d, options.fsName());
        } catch (RuntimeException e) {
            kernel.unmount();
            Posix.closeQuietly(kernel.fd());
            throw e;
        }
        m.workers.start(); // from here on the workers own the descriptors
        kernel.raiseReadahead(READAHEAD_KB);
        return m;
    }

    /** Reads and answers INIT on the calling thread, before any worker runs. */
    private static Init.Negotiated negotiate(int fd, MountOptions options) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment in = a.allocate(Init.READ_BUFFER, 4096);
            MemorySegment out = a.allocate(4096, 8);
            Request rq = new Request(in);
            Reply rp = new Reply(out, fd);
            while (true) {
                long n = FuseSys.readRaw(fd, in, in.byteSize());
                if (n == -FuseSys.EINTR) continue;
                if (n < 0) throw FsException.ofRaw((int) -n, "reading INIT from /dev/fuse");
                rq.load((int) n);
                rp.start(rq.unique);
                return Init.answer(rq, rp, options);
            }
        }
    }

    /** A live native mount. Closing it unmounts and stops its workers; the InodeFs stays open. */
    public static final class NativeMount implements Mounted {
        private final FuseMount kernel;
        private final Init.Negotiated agreed;
        private final RequestCounters counters;
        private final BackingRegistry backing;
        private Workers workers;
        private boolean closed;

        private NativeMount(FuseMount kernel, Init.Negotiated agreed, RequestCounters counters, BackingRegistry backing) {
            this.kernel = kernel;
            this.agreed = agreed;
            this.counters = counters;
            this.backing = backing;
        }

        @Override
        public Path mountpoint() {
            return kernel.mountpoint();
        }

        /** Per-opcode request counts of this mount. */
        public RequestCounters counters() {
            return counters;
        }

        /** True when the kernel granted FUSE passthrough and it has not been turned off since. */
        public boolean passthrough() {
            return backing.enabled();
        }

        /** True when the kernel's writeback cache is on for this mount. */
        public boolean writebackCache() {
            return agreed.writebackCache();
        }

        /** The FUSE protocol minor version both sides speak. */
        public int protocolMinor() {
            return agreed.minor();
        }

        /** Backing files registered for passthrough so far. */
        public long backingOpens() {
            return backing.backingOpens();
        }

        @Override
        public void awaitUnmount() throws InterruptedException {
            workers.awaitExit();
        }

        void destroyed() {
            workers.stopping();
        }

        @Override
        public synchronized void close() {
            if (closed) return;
            closed = true;
            workers.stopping();
            kernel.unmount();
            try {
                // A plain unmount ends the connection at once; a detached busy one only when its
                // last open file closes, so the workers go on serving those files until then
                // (and close their descriptors when it ends).
                workers.awaitExit(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
