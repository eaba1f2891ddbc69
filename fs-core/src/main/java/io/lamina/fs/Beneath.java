package io.lamina.fs;

import io.lamina.sys.Posix;
import io.lamina.sys.Stat;

/**
 * The only way the engine reaches into a layer or the upper: paths relative to a layer root,
 * resolved by openat2 beneath it with no symlink and no magic link followed, so nothing planted in
 * a layer can lead outside it. Final components are then used with *at calls that do not follow.
 */
final class Beneath {
    private Beneath() {
    }

    private static final long RESOLVE = Posix.RESOLVE_BENEATH | Posix.RESOLVE_NO_SYMLINKS
            | Posix.RESOLVE_NO_MAGICLINKS;

    /** An O_PATH descriptor of directory {@code rel} ("" = the root). */
    static int openDir(int root, String rel) {
        return Posix.openat2(root, RelPath.orDot(rel), Posix.O_PATH | Posix.O_DIRECTORY, 0, RESOLVE);
    }

    /** A readable descriptor of directory {@code rel}, for listing it. */
    static int openDirForReading(int root, String rel) {
        return Posix.openat2(root, RelPath.orDot(rel), Posix.O_RDONLY | Posix.O_DIRECTORY, 0, RESOLVE);
    }

    /** Opens {@code rel} with {@code flags}; never follows a symlink (ELOOP if it is one). */
    static int open(int root, String rel, int flags, int mode) {
        return Posix.openat2(root, RelPath.orDot(rel), flags | Posix.O_NOFOLLOW, mode, RESOLVE);
    }

    /**
     * Opens a lower file for reading without touching its atime: reading through the union must
     * not change a lower layer, not even its metadata. (O_NOATIME needs ownership or CAP_FOWNER;
     * without those the open falls back to a plain read-only one.)
     */
    static int openForReadingQuietly(int root, String rel) {
        try {
            return open(root, rel, Posix.O_RDONLY | Posix.O_NOATIME, 0);
        } catch (FsException e) {
            if (e.errno() != Errno.EPERM) throw e;
            return open(root, rel, Posix.O_RDONLY, 0);
        }
    }

    /** A path for the l*xattr calls naming {@code name} inside an open directory without following it. */
    static String procPath(int dirFd, String name) {
        return "/proc/self/fd/" + dirFd + "/" + (name.isEmpty() ? "." : name);
    }
}
