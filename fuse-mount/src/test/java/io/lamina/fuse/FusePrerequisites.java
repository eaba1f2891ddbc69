package io.lamina.fuse;

import io.lamina.sys.Posix;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.fail;

/** Skips a test that needs root and /dev/fuse when they are missing, except under CI=true. */
final class FusePrerequisites {
    private FusePrerequisites() {
    }

    static void require() {
        String missing = null;
        if (!Files.exists(Path.of("/dev/fuse"))) missing = "/dev/fuse is missing";
        else if (FuseSys.geteuid() != 0) missing = "mounting FUSE needs root";
        if (missing == null) return;
        if ("true".equals(System.getenv("CI"))) fail(missing + " (CI=true: prerequisites are required)");
        Assumptions.assumeTrue(false, missing);
    }

    static Path tempDir(String prefix) throws IOException {
        String base = System.getenv("LAMINA_TEST_TMP");
        Path root = base != null ? Path.of(base) : Path.of(System.getProperty("java.io.tmpdir"));
        Files.createDirectories(root);
        return Files.createTempDirectory(root, prefix);
    }

    /** True while {@code mountpoint} appears in /proc/mounts. */
    static boolean mounted(Path mountpoint) throws IOException {
        String mp = mountpoint.toAbsolutePath().normalize().toString();
        for (String line : Files.readAllLines(Path.of("/proc/mounts"))) {
            String[] f = line.split(" ");
            if (f.length > 1 && f[1].equals(mp)) return true;
        }
        return false;
    }

    /** Last resort after a test: detach whatever is still mounted there. */
    static void forceUnmount(Path mountpoint) throws IOException {
        if (mounted(mountpoint)) Posix.umount2(mountpoint.toAbsolutePath().normalize().toString(), Posix.MNT_DETACH);
    }
}
