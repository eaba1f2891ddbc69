package io.lamina.testdata;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/** Skips a test whose prerequisite is missing, or fails it under CI=true, where nothing may be missing. */
final class Prerequisites {
    private Prerequisites() {}

    static boolean ci() {
        return "true".equals(System.getenv("CI"));
    }

    static void require(boolean present, String what) {
        if (present) {
            return;
        }
        if (ci()) {
            Assertions.fail("CI=true but " + what);
        }
        Assumptions.abort(what);
    }

    static void requireRoot() {
        require(uid() == 0, "needs root (mknod, chown, trusted.* xattrs)");
        require(Files.isExecutable(Path.of("/usr/bin/setfattr")) || Files.isExecutable(Path.of("/bin/setfattr")),
                "needs setfattr (apt-get install -y attr)");
    }

    static void requireBusybox() {
        require(Files.isRegularFile(Examples.BUSYBOX), "needs /bin/busybox (apt-get install -y busybox-static)");
    }

    private static int uid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException e) {
            return -1;
        }
    }
}
