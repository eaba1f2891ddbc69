package io.lamina.snapshotter;

import io.lamina.sys.Posix;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** What the snapshotter tests need: root (mount(2) for binds and FUSE) and /dev/fuse. */
final class Prereqs {
    private Prereqs() {
    }

    static void requireRootAndFuse() {
        String missing = null;
        if (!"root".equals(System.getProperty("user.name"))) missing = "needs root (mount(2))";
        else if (!Files.exists(Path.of("/dev/fuse"))) missing = "needs /dev/fuse";
        if (missing == null) return;
        if ("true".equals(System.getenv("CI"))) fail("CI=true but the test " + missing);
        assumeTrue(false, missing);
    }

    /** A fresh directory under the module's test tmp dir (or /tmp). */
    static Path tempDir(String prefix) throws java.io.IOException {
        String base = System.getenv("LAMINA_TEST_TMP");
        Path b = Path.of(base != null ? base : System.getProperty("java.io.tmpdir"));
        Files.createDirectories(b);
        return Files.createTempDirectory(b, prefix);
    }

    /** Bind-mounts what {@code m} describes at {@code target}, as containerd's mount.All does. */
    static void mount(io.lamina.snapshotter.proto.Mount m, Path target) {
        if (!m.getType().equals("bind")) throw new IllegalArgumentException("not a bind mount: " + m);
        Posix.mount(m.getSource(), target.toString(), null, Posix.MS_BIND | Posix.MS_REC, null);
        if (m.getOptionsList().contains("ro")) {
            Posix.mount(null, target.toString(), null, MS_REMOUNT | Posix.MS_BIND | Posix.MS_RDONLY, null);
        }
    }

    private static final long MS_REMOUNT = 32;

    static void unmount(Path target) {
        try {
            Posix.umount2(target.toString(), 0);
        } catch (RuntimeException e) {
            Posix.umount2(target.toString(), Posix.MNT_DETACH);
        }
    }

    /** The mount points in /proc/mounts under {@code dir}. */
    static java.util.List<String> mountsUnder(Path dir) throws java.io.IOException {
        String d = dir.toAbsolutePath().toString();
        return Files.readAllLines(Path.of("/proc/mounts")).stream()
                .map(l -> l.split(" ")[1].replace("\\040", " "))
                .filter(mp -> mp.startsWith(d))
                .toList();
    }
}
