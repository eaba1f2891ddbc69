package io.lamina.fuse;

import io.lamina.fs.Errno;
import io.lamina.fs.FsException;
import io.lamina.sys.Posix;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Mounting without root, through the setuid helper fusermount3: it opens /dev/fuse, mounts, and
 * hands the descriptor back over a unix socket named by {@code _FUSE_COMMFD}. Unmounting goes
 * through {@code fusermount3 -u} (lazily with {@code -z} when busy).
 */
final class Fusermount {
    private Fusermount() {
    }

    private static final List<Path> CANDIDATES = List.of(Path.of("/usr/bin/fusermount3"), Path.of("/bin/fusermount3"),
            Path.of("/usr/local/bin/fusermount3"));

    static Path binary() {
        for (Path p : CANDIDATES) {
            if (Files.isExecutable(p)) return p;
        }
        throw new FsException(Errno.EPERM, "mounting without root needs fusermount3, which is not installed");
    }

    /**
     * Mounts at {@code mountpoint} with the fusermount3 at {@code bin} and returns the /dev/fuse
     * descriptor it hands over. EPERM when it refuses (it says why on stderr).
     */
    static int mount(Path bin, Path mountpoint, String options) {
        int[] pair = FuseSys.socketpair();
        try {
            List<String> env = new ArrayList<>();
            for (Map.Entry<String, String> e : System.getenv().entrySet()) {
                if (!e.getKey().equals("_FUSE_COMMFD")) env.add(e.getKey() + "=" + e.getValue());
            }
            env.add("_FUSE_COMMFD=" + pair[1]);
            int pid = FuseSys.spawn(bin.toString(),
                    List.of("fusermount3", "-o", options, "--", mountpoint.toString()), env);
            Posix.closeQuietly(pair[1]); // the child has its copy; EOF on ours when it exits
            pair[1] = -1;
            int fd;
            try {
                fd = FuseSys.recvFd(pair[0]);
            } finally {
                int status = FuseSys.waitpid(pid);
                if (status != 0) {
                    throw new FsException(Errno.EPERM, "fusermount3 failed (exit " + status + ") mounting " + mountpoint);
                }
            }
            return fd;
        } finally {
            Posix.closeQuietly(pair[0]);
            if (pair[1] >= 0) Posix.closeQuietly(pair[1]);
        }
    }

    /** fusermount3 -u, then -u -z if the mount is busy. Quiet when nothing is mounted there. */
    static void unmount(Path mountpoint) {
        String bin = binary().toString();
        if (run(List.of(bin, "-u", "-q", mountpoint.toString())) != 0) {
            run(List.of(bin, "-u", "-q", "-z", mountpoint.toString()));
        }
    }

    private static int run(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
