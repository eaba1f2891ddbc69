package io.lamina.fuse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The machine facts a mount depends on, read once: the FUSE device ({@code $LAMINA_FUSE_DEVICE},
 * default {@code /dev/fuse}), the mount table, whether we may mount ({@code root}: CAP_SYS_ADMIN
 * in the effective set, which is what mount(2) asks for), and the directory where running mounts
 * record their daemons ({@code $LAMINA_RUN_DIR}, default {@code /run/lamina}).
 */
public record Host(Path fuseDevice, Path mountInfo, boolean root, Path runDir) {

    private static final int CAP_SYS_ADMIN = 21;

    public static Host current() {
        return new Host(Path.of(env("LAMINA_FUSE_DEVICE", "/dev/fuse")), MountTable.SELF, hasSysAdmin(),
                Path.of(env("LAMINA_RUN_DIR", "/run/lamina")));
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v != null && !v.isEmpty() ? v : fallback;
    }

    /** CapEff of /proc/self/status has CAP_SYS_ADMIN. */
    private static boolean hasSysAdmin() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) {
                    long caps = Long.parseUnsignedLong(line.substring(7).trim(), 16);
                    return (caps & (1L << CAP_SYS_ADMIN)) != 0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // treated as unprivileged
        }
        return false;
    }

    /** Where the daemons of mounts are recorded, one pid file (and one log) per mount point. */
    Path mountsDir() {
        return runDir.resolve("mounts");
    }

    public Host withFuseDevice(Path dev) {
        return new Host(dev, mountInfo, root, runDir);
    }

    public Host withRoot(boolean isRoot) {
        return new Host(fuseDevice, mountInfo, isRoot, runDir);
    }
}
