package io.lamina.fuse;

import io.lamina.sys.Posix;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Skips a test that needs a real FUSE mount when the machine cannot give one; under CI=true, fails it. */
final class FusePrereqs {
    private FusePrereqs() {
    }

    static void requireRootAndFuse() {
        require(Posix.getuid() == 0, "needs root");
        require(Files.exists(Path.of("/dev/fuse")), "needs /dev/fuse");
    }

    static void requireLibfuse2() {
        requireRootAndFuse();
        boolean found = Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/libfuse.so.2"))
                || Files.exists(Path.of("/usr/lib/aarch64-linux-gnu/libfuse.so.2"))
                || Files.exists(Path.of("/lib/x86_64-linux-gnu/libfuse.so.2"))
                || Files.exists(Path.of("/usr/lib/libfuse.so.2"));
        require(found, "needs libfuse2 (apt-get install libfuse2)");
    }

    private static void require(boolean ok, String what) {
        if (ok) return;
        if ("true".equals(System.getenv("CI"))) fail("CI=true but the test " + what);
        assumeTrue(false, "skipped: " + what);
    }

    /** A fresh directory under the module's test-tmp dir (or /tmp). */
    static Path tempDir(String prefix) throws java.io.IOException {
        String base = System.getenv("LAMINA_TEST_TMP");
        Path parent = Path.of(base != null ? base : System.getProperty("java.io.tmpdir"));
        Files.createDirectories(parent);
        return Files.createTempDirectory(parent, prefix);
    }
}
