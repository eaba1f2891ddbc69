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
 * <li>{@code xino=auto}: st_ino unique within the mount and unchanged by copy-up even when the
 *     layers live on different filesystems. The fixtures share one filesystem, where the kernel
 *     passes the origin's inode numbers through anyway, so xino=off gives the same results.</li>
 * </ul>
 *
 * <p>Found by experiment: {@code KernelVsEngineContractTest} run on the depth-2 overlay-form stack
 * (1126 scenarios, kernel 6.18, 2026-11-28) with other options
 * ({@code -Dlamina.contract.kernelOptions=... -Dlamina.contract.only=depth2-overlay}):
 * <ul>
 * <li>{@link #OPTIONS}: 0 differences (7 scenarios skipped as known engine mismatches).</li>
 * <li>no options (this kernel's defaults): 310 differ: rename of a lower directory fails with
 *     EXDEV (lamina renames it), a copied-up hardlink loses its partner (ino shared no more,
 *     nlink wrong).</li>
 * <li>without index: 46 differ: after copy-up of one name of a hardlink pair the two names are
 *     different inodes (kernel: "ino /hl1 is new", nlink stays 2 on both); lamina keeps them one.</li>
 * <li>without metacopy: 206 differ: chmod/chown/utimes/setxattr copy the data into the upper.</li>
 * <li>redirect_dir=off (index=on, metacopy=off): 282 differ: EXDEV on directory renames and the
 *     metacopy differences.</li>
 * <li>xino=off: 0 differences (see above).</li>
 * </ul>
 * What lamina deliberately does differently is listed, with reasons, in
 * {@link IntendedDifferences}; open engine mismatches in {@link KnownEngineMismatches}.
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
