package io.lamina.fuse;

import io.lamina.fs.Errno;
import io.lamina.fs.FsException;
import io.lamina.fs.InodeFs;
import io.lamina.sys.Posix;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Serves an {@link InodeFs} through jnr-fuse and libfuse2 (libfuse.so.2 must be installed):
 * path-based, multithreaded, 128 KiB writes ({@code big_writes}), no passthrough. Kept for
 * compatibility and as the benchmark baseline for the native transport.
 *
 * <p>Limits of libfuse2's path-based API that the native transport does not have: renameat2
 * flags are refused (EINVAL; RENAME_NOREPLACE onto an existing name is EEXIST from the VFS);
 * lseek SEEK_DATA/SEEK_HOLE see no holes; fstat of an open file whose last name was unlinked is
 * ENOENT (no path is left to ask about); writes come in at most 128 KiB.
 *
 * <p>libfuse runs with {@code use_ino,readdir_ino} (users see the engine's st_ino),
 * {@code hard_remove} (no {@code .fuse_hidden} files), {@code default_permissions,allow_other}
 * (the kernel checks modes; the engine runs with the mounter's rights), {@code nonempty}
 * (overlay mounts cover existing directories), {@code attr_timeout=0} (libfuse2 gives each name
 * of a hard-linked file its own kernel inode, so a cached stat of one name would miss a chmod
 * through another), {@code suid,dev} as root (libfuse2 would add
 * nosuid,nodev) and {@code subtype=lamina}, so the mount shows as {@code fuse.lamina}.
 */
public final class JnrFuseTransport implements FuseTransport {
    /** How long {@link #mount} waits for the kernel to list the mount before giving up. */
    private static final long MOUNT_WAIT_MS = 60_000;
    /** How long closing waits for libfuse's loop to end after the unmount. */
    private static final long CLOSE_WAIT_MS = 30_000;

    @Override
    public Mounted mount(InodeFs fs, Path mountpoint, MountOptions options) {
        Path mp = mountpoint.toAbsolutePath().normalize();
        JnrFs adapter = new JnrFs(fs);
        LibfuseLoop loop = new LibfuseLoop(adapter, args(mp, options));
        loop.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(MOUNT_WAIT_MS);
            while (MountTable.at(mp).filter(m -> m.fsType().startsWith("fuse")).isEmpty()) {
                if (loop.awaitEnd(20)) {
                    adapter.releaseAll();
                    throw new FsException(Errno.EIO, "libfuse could not mount " + mp + " (exit code " + loop.exitCode + ")");
                }
                if (System.nanoTime() > deadline) throw new FsException(Errno.EIO, "libfuse did not mount " + mp + " in time");
            }
        } catch (RuntimeException e) {
            if (loop.thread.isAlive()) new JnrMount(mp, adapter, loop).close();
            throw e;
        }
        return new JnrMount(mp, adapter, loop);
    }

    /** libfuse2's command line: always foreground, single-threaded only when asked for one worker. */
    static String[] args(Path mp, MountOptions options) {
        List<String> a = new ArrayList<>(List.of(options.fsName(), "-f"));
        if (options.workers() <= 1) a.add("-s");
        a.add(mp.toString());
        // libfuse2 splits -o on commas; a comma in the name would start a new option.
        String opts = "fsname=" + options.fsName().replace(',', '_') + ",subtype=lamina,big_writes,"
                + "use_ino,readdir_ino,hard_remove,default_permissions,allow_other,nonempty,attr_timeout=0"
                // libfuse2 adds nosuid,nodev unless told otherwise; as root, mount like overlayfs does.
                + (Posix.getuid() == 0 ? ",suid,dev" : "")
                + (options.readOnly() ? ",ro" : "");
        a.add("-o");
        a.add(opts);
        return a.toArray(String[]::new);
    }

    /** The thread that runs libfuse's loop until the file system is unmounted. */
    private static final class LibfuseLoop {
        final Thread thread;
        final CountDownLatch ended = new CountDownLatch(1);
        volatile int exitCode;

        LibfuseLoop(JnrFs adapter, String[] args) {
            thread = Thread.ofPlatform().name("jnr-fuse " + args[args.length - 3]).daemon().unstarted(() -> {
                try {
                    exitCode = adapter.serve(args);
                } finally {
                    ended.countDown();
                }
            });
        }

        void start() {
            thread.start();
        }

        boolean awaitEnd(long ms) {
            try {
                return ended.await(ms, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new FsException(Errno.EINTR, "interrupted while mounting");
            }
        }
    }

    private static final class JnrMount implements Mounted {
        private final Path mountpoint;
        private final JnrFs adapter;
        private final LibfuseLoop loop;
        private final AtomicBoolean closed = new AtomicBoolean();

        JnrMount(Path mountpoint, JnrFs adapter, LibfuseLoop loop) {
            this.mountpoint = mountpoint;
            this.adapter = adapter;
            this.loop = loop;
        }

        @Override
        public Path mountpoint() {
            return mountpoint;
        }

        @Override
        public void awaitUnmount() throws InterruptedException {
            loop.ended.await();
        }

        /** Unmounts (lazily only if busy) and waits for libfuse's loop to end; idempotent. */
        @Override
        public void close() {
            if (!closed.compareAndSet(false, true)) return;
            if (loop.ended.getCount() > 0) {
                Unmount.unmountQuietly(mountpoint);
                // The loop ends when /dev/fuse reports the unmount; a lazily detached mount that is
                // still in use keeps it serving, and then its counts are left as they are.
                try {
                    if (!loop.ended.await(CLOSE_WAIT_MS, TimeUnit.MILLISECONDS)) return;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            adapter.releaseAll();
        }
    }
}
