package io.lamina.fs.contract;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How the kernel is asked to be the oracle. lamina's union semantics match Linux overlayfs (6.18)
 * mounted with {@link #OPTIONS}:
 * <ul>
 * <li>{@code redirect_dir=on}: renaming a lower (or merged) directory works, recorded as
 *     trusted.overlay.redirect, never EXDEV; redirects in lower layers are followed.</li>
 * <li>{@code index=on}: hard links of a lower file stay one inode after copy-up of either name,
 *     and nlink counts the union's names.</li>
 * <li>{@code metacopy=on}: chmod, chown, utimes and setxattr of a lower file copy up metadata
 *     only (trusted.overlay.metacopy); data is copied at the first write or truncate.</li>
 * <li>{@code xino=auto}: st_ino of every path is unique within the mount and does not change on
 *     copy-up (the fixtures' layers and upper share one filesystem, so the kernel passes through
 *     the real inode numbers of the origin).</li>
 * </ul>
 * What lamina deliberately does differently is listed, with reasons, in
 * {@link IntendedDifferences}.
 */
public final class KernelOracle {
    /** The overlay mount options that make the kernel behave as lamina does. */
    public static final String OPTIONS = "redirect_dir=on,index=on,metacopy=on,xino=auto";

    private KernelOracle() {
    }

    /** Null when kernel overlayfs can be mounted here, else why not. */
    static String unavailableReason() {
        if (!Prerequisites.isRoot()) return "not root: mounting kernel overlayfs needs CAP_SYS_ADMIN";
        try {
            if (Files.readString(Path.of("/proc/filesystems")).contains("\toverlay\n")) return null;
        } catch (IOException e) {
            return "cannot read /proc/filesystems: " + e.getMessage();
        }
        // overlay may be a module that loads on first mount
        return Files.exists(Path.of("/sys/module/overlay")) || modprobe() ? null
                : "kernel overlayfs is not available (no 'overlay' in /proc/filesystems)";
    }

    private static boolean modprobe() {
        try {
            Process p = new ProcessBuilder("modprobe", "overlay").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
