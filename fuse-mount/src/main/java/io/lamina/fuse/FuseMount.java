package io.lamina.fuse;

import io.lamina.fs.Errno;
import io.lamina.fs.FsException;
import io.lamina.sys.Posix;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The kernel side of one mount's life: opening /dev/fuse, mount(2) with the {@code fd=} options,
 * raising the read-ahead, and unmounting (umount2, then MNT_DETACH if the mount is busy).
 * Every live mount is also unmounted by one JVM shutdown hook, which the JVM runs on SIGTERM and
 * SIGINT as well as on a normal exit, so a mount never outlives its process.
 */
final class FuseMount {
    private static final System.Logger LOG = System.getLogger(FuseMount.class.getName());
    private static final Set<FuseMount> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(() -> {
            for (FuseMount m : LIVE) m.unmount();
        }));
    }

    private final Path mountpoint;
    private final int fd;
    private final boolean asRoot;
    private volatile boolean mounted;

    private FuseMount(Path mountpoint, int fd, boolean asRoot) {
        this.mountpoint = mountpoint;
        this.fd = fd;
        this.asRoot = asRoot;
    }

    /**
     * Mounts a new FUSE file system at {@code mountpoint} and returns with the session's device
     * descriptor: with mount(2) as root, else through fusermount3. EPERM when fusermount3 is
     * missing or refuses; ENOTDIR for a bad mount point; ENODEV/ENOENT without /dev/fuse.
     */
    static FuseMount mount(Path mountpoint, MountOptions options, int rootMode) {
        if (!Files.isDirectory(mountpoint)) throw new FsException(Errno.ENOTDIR, mountpoint + " is not a directory");
        boolean root = FuseSys.geteuid() == 0;
        int fd;
        if (root) {
            fd = FuseSys.openDevice();
            String data = "fd=" + fd + ",rootmode=" + Integer.toOctalString(rootMode & 0170000) + ",user_id=0,group_id=0"
                    + ",allow_other,default_permissions,max_read=" + Init.MAX_WRITE;
            long flags = options.readOnly() ? Posix.MS_RDONLY : 0;
            try {
                Posix.mount(options.fsName(), mountpoint.toString(), "fuse.lamina", flags, data);
            } catch (FsException e) {
                Posix.closeQuietly(fd);
                throw e;
            }
        } else {
            // fusermount3 adds fd=, rootmode=, user_id= and group_id= itself; allow_other needs
            // user_allow_other in /etc/fuse.conf, so a user's mount is the user's alone.
            String opts = "default_permissions,fsname=" + options.fsName() + ",subtype=lamina"
                    + (options.readOnly() ? ",ro" : ",rw");
            return viaHelper(Fusermount.binary(), mountpoint, opts);
        }
        return live(new FuseMount(mountpoint, fd, true));
    }

    /** Mounts through the fusermount3-compatible helper {@code helper} (a seam for tests). */
    static FuseMount viaHelper(Path helper, Path mountpoint, String fusermountOptions) {
        return live(new FuseMount(mountpoint, Fusermount.mount(helper, mountpoint, fusermountOptions), false));
    }

    private static FuseMount live(FuseMount m) {
        m.mounted = true;
        LIVE.add(m);
        return m;
    }

    int fd() {
        return fd;
    }

    Path mountpoint() {
        return mountpoint;
    }

    /**
     * Unmounts; a busy mount is detached (it goes away when its last user leaves). Idempotent,
     * and quiet when the mount is already gone (unmounted from outside).
     */
    void unmount() {
        if (!mounted) return;
        mounted = false;
        LIVE.remove(this);
        if (!asRoot) {
            Fusermount.unmount(mountpoint);
            return;
        }
        try {
            Posix.umount2(mountpoint.toString(), 0);
        } catch (FsException e) {
            if (e.errno() == Errno.EINVAL || e.errno() == Errno.ENOENT) return; // not mounted any more
            try {
                Posix.umount2(mountpoint.toString(), Posix.MNT_DETACH);
            } catch (FsException e2) {
                if (e2.errno() != Errno.EINVAL) {
                    LOG.log(System.Logger.Level.WARNING, "cannot unmount " + mountpoint + ": " + e2.getMessage());
                }
            }
        }
    }

    /**
     * Raises the mount's read-ahead to at least {@code kb} KiB (/sys/class/bdi/MAJ:MIN/read_ahead_kb),
     * so sequential reads reach us in 1 MiB requests. Needs the mount to answer GETATTR. Best effort:
     * a failure is logged, not thrown.
     */
    void raiseReadahead(int kb) {
        try {
            long dev = (Long) Files.getAttribute(mountpoint, "unix:dev");
            int major = (int) (((dev >>> 32) & 0xfffff000L) | ((dev >>> 8) & 0xfffL));
            int minor = (int) (((dev >>> 12) & 0xffffff00L) | (dev & 0xffL));
            Path ra = Path.of("/sys/class/bdi/" + major + ":" + minor + "/read_ahead_kb");
            int now = Integer.parseInt(Files.readString(ra).trim());
            if (now < kb) Files.writeString(ra, Integer.toString(kb));
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot raise read-ahead of " + mountpoint + ": " + e);
        }
    }
}
