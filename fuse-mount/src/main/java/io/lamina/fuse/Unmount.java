package io.lamina.fuse;

import io.lamina.fs.Errno;
import io.lamina.fs.FsException;
import io.lamina.sys.Posix;

import java.nio.file.Path;

/** Takes a mount away with umount2(2). */
public final class Unmount {
    private Unmount() {
    }

    /**
     * Unmounts {@code mountpoint}; with {@code lazy} detaches it (MNT_DETACH) so that it goes away
     * once no longer busy. Errors as umount2(2): EBUSY while in use (not lazy), EINVAL when it is
     * not a mount point, EPERM without CAP_SYS_ADMIN.
     */
    public static void unmount(Path mountpoint, boolean lazy) {
        Posix.umount2(mountpoint.toString(), lazy ? Posix.MNT_DETACH : 0);
    }

    /**
     * Best effort for clean-up paths: a plain unmount, and a lazy one only as the last resort when
     * the mount is busy. Returns false when nothing could be unmounted (for example, not mounted).
     */
    public static boolean unmountQuietly(Path mountpoint) {
        try {
            unmount(mountpoint, false);
            return true;
        } catch (FsException e) {
            if (e.errno() != Errno.EBUSY) return false;
        }
        try {
            unmount(mountpoint, true);
            return true;
        } catch (FsException e) {
            return false;
        }
    }
}
