package io.lamina.fs.contract;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The one place that decides whether a test lacking root, overlayfs or FUSE skips or fails:
 * it skips with the reason, except when the environment variable CI is "true", where a missing
 * prerequisite fails the test (CI must run everything).
 */
public final class Prerequisites {
    private Prerequisites() {
    }

    public static boolean isRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** Skips (or under CI=true fails) the calling test when {@code reason} is not null. */
    public static void require(String reason) {
        if (reason == null) return;
        if ("true".equals(System.getenv("CI"))) {
            throw new AssertionError("prerequisite missing under CI=true: " + reason);
        }
        Assumptions.abort(reason);
    }

    /** A fresh directory under LAMINA_TEST_TMP (surefire sets it to target/test-tmp), else /tmp. */
    public static Path tempDir(String prefix) {
        try {
            String base = System.getenv("LAMINA_TEST_TMP");
            Path dir = Path.of(base != null ? base : System.getProperty("java.io.tmpdir"));
            Files.createDirectories(dir);
            return Files.createTempDirectory(dir, prefix);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
