package io.lamina.cli;

import io.lamina.fs.Errno;
import io.lamina.fs.FsException;
import io.lamina.fuse.Launcher;
import io.lamina.fuse.MountTable;
import io.lamina.fuse.Unmount;
import io.lamina.sys.Posix;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/**
 * A mount daemon that dies: kill -9 of the daemon (by its recorded pid) leaves the mount point
 * answering ENOTCONN; {@code lamina umount} clears it; a remount with the same upper shows
 * everything that was fsync'ed. And a daemon with a 256 MiB heap serves {@code find} over
 * 200,000 entries.
 */
class DaemonCrashTest {
    private static final int BIG_DIRS = 200, BIG_FILES = 1000;

    private Path dir, lower, upper, work, mnt;
    private final List<ProcessHandle> daemons = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        Cli.requireRootAndFuse();
        dir = Cli.tempDir("crash");
        lower = Files.createDirectory(dir.resolve("lower"));
        upper = Files.createDirectory(dir.resolve("upper"));
        work = Files.createDirectory(dir.resolve("work"));
        mnt = Files.createDirectory(dir.resolve("mnt"));
    }

    @AfterEach
    void tearDown() {
        try {
            if (MountTable.at(mnt).isPresent()) Unmount.unmountQuietly(mnt);
            if (MountTable.at(mnt).isPresent()) Posix.umount2(mnt.toString(), Posix.MNT_DETACH);
        } finally {
            for (ProcessHandle d : daemons) {
                if (d.isAlive()) {
                    d.destroy();
                    d.onExit().join();
                }
            }
            if (MountTable.at(lower).isPresent()) Posix.umount2(lower.toString(), Posix.MNT_DETACH);
        }
        assertThat(MountTable.read(MountTable.SELF)).noneMatch(m -> m.mountpoint().startsWith(dir));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"native", "jnr"})
    void fsyncedDataSurvivesKill9AndTheDeadMountIsClearedByUmount(String transport) throws Exception {
        if (transport.equals("jnr")) Cli.require(Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/libfuse.so.2")), "needs libfuse2");
        Files.writeString(lower.resolve("lower.txt"), "from the lower layer\n");
        Files.writeString(lower.resolve("doomed.txt"), "deleted through the mount\n");
        mount(transport);
        ProcessHandle daemon = daemonOf(mnt).orElseThrow();

        byte[] data = new byte[3 * 1024 * 1024 + 17];
        new Random(7).nextBytes(data);
        try (FileChannel ch = FileChannel.open(mnt.resolve("durable.bin"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(data));
            ch.force(true);
        }
        Files.createDirectories(mnt.resolve("dir/sub"));
        try (FileChannel ch = FileChannel.open(mnt.resolve("lower.txt"), StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ch.write(ByteBuffer.wrap("appended\n".getBytes(StandardCharsets.UTF_8)));   // copy-up
            ch.force(true);
        }
        Files.delete(mnt.resolve("doomed.txt"));
        // Still open while the daemon dies: written and fsync'ed, never closed.
        FileChannel open = FileChannel.open(mnt.resolve("dir/sub/open.txt"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        try {
            open.write(ByteBuffer.wrap("fsync'ed, then the daemon died\n".getBytes(StandardCharsets.UTF_8)));
            open.force(true);

            assertThat(daemon.destroyForcibly()).isTrue();                                   // SIGKILL, by pid
            daemon.onExit().join();

            // A name never looked up: the kernel must ask the (dead) daemon, not its caches.
            assertThatThrownBy(() -> Posix.fstatat(Posix.AT_FDCWD, mnt.resolve("never-looked-up").toString(), 0))
                    .isInstanceOfSatisfying(FsException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENOTCONN));
            assertThatThrownBy(() -> Files.readString(mnt.resolve("lower.txt")))
                    .isInstanceOf(IOException.class).hasMessageContaining("Transport endpoint is not connected");
            assertThat(MountTable.at(mnt)).as("the dead mount stays until someone unmounts it").isPresent();
        } finally {
            try {
                open.close();
            } catch (IOException expected) {
                // the flush of a dead mount fails; the data was fsync'ed before
            }
        }

        Cli.Result u = Cli.run("umount", mnt.toString());
        assertThat(u.err()).isEmpty();
        assertThat(u.exitCode()).isZero();
        assertThat(MountTable.at(mnt)).isEmpty();

        mount(transport);                                                                 // same upper and work
        assertThat(Files.readAllBytes(mnt.resolve("durable.bin"))).isEqualTo(data);
        assertThat(Files.readString(mnt.resolve("lower.txt"))).isEqualTo("from the lower layer\nappended\n");
        assertThat(Files.readString(mnt.resolve("dir/sub/open.txt"))).isEqualTo("fsync'ed, then the daemon died\n");
        assertThat(Files.exists(mnt.resolve("doomed.txt"))).as("the whiteout is in the upper").isFalse();
        assertThat(Files.readString(lower.resolve("lower.txt"))).isEqualTo("from the lower layer\n");
        assertThat(Files.readString(lower.resolve("doomed.txt"))).isEqualTo("deleted through the mount\n");
        assertThat(Cli.run("umount", mnt.toString()).exitCode()).isZero();
        assertThat(MountTable.at(mnt)).isEmpty();
    }

    /**
     * 200,000 plain files in one lower layer, served by a daemon JVM with -Xmx256m: find lists them
     * all and the daemon is still alive after. No timing is asserted.
     */
    @Test
    void findOver200kEntriesWithA256MiBHeap() throws Exception {
        // On a tmpfs of its own: quick to fill, and gone at once when the test unmounts it.
        Posix.mount("tmpfs", lower.toString(), "tmpfs", 0, "size=64m,nr_inodes=400k,mode=755");
        for (int d = 0; d < BIG_DIRS; d++) {
            Path sub = Files.createDirectory(lower.resolve("d" + d));
            for (int f = 0; f < BIG_FILES; f++) Files.createFile(sub.resolve("file-with-a-longish-name-" + f));
        }
        List<String> cmd = new ArrayList<>(Launcher.currentJvm(Lamina.class.getName()));
        cmd.add(cmd.indexOf("-cp"), "-Xmx256m");   // after the test JVM's own -Xmx, so it wins
        cmd.addAll(List.of("mount", "--lower", lower.toString(), "--upper", "tmpfs:size=16m", mnt.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("mount.log").toFile()).start();
        assertThat(p.waitFor()).as("lamina mount: " + dir.resolve("mount.log")).isZero();
        ProcessHandle daemon = daemonOf(mnt).orElseThrow();
        daemons.add(daemon);
        // /proc/PID/cmdline, not ProcessHandle.Info: the JDK gives no arguments for a command line
        // as long as this classpath (the snapshotter's gRPC and netty jars made it so).
        List<String> args = List.of(Files.readString(Path.of("/proc/" + daemon.pid() + "/cmdline")).split("\0"));
        assertThat(args.stream().filter(a -> a.startsWith("-Xmx")).toList().getLast()).isEqualTo("-Xmx256m");

        String count = sh("find " + mnt + " | wc -l").trim();
        assertThat(Long.parseLong(count)).isEqualTo(1L + BIG_DIRS + (long) BIG_DIRS * BIG_FILES);
        assertThat(daemon.isAlive()).as("the daemon survived the walk").isTrue();
        assertThat(Cli.run("umount", mnt.toString()).exitCode()).isZero();
        assertThat(daemon.onExit().get(1, TimeUnit.MINUTES).isAlive()).isFalse();
    }

    private void mount(String transport) throws IOException {
        Cli.Result r = Cli.run("mount", "--transport", transport, "-o", "lowerdir=" + lower + ",upperdir=" + upper + ",workdir=" + work, mnt.toString());
        assertThat(r.err()).isEmpty();
        assertThat(r.exitCode()).isZero();
        daemonOf(mnt).ifPresent(daemons::add);
    }

    /** The daemon recorded for a mount point, from its pid file. */
    private static Optional<ProcessHandle> daemonOf(Path mp) throws IOException {
        Path pid = Path.of(System.getenv("LAMINA_RUN_DIR"), "mounts", mp.toString().replace("%", "%25").replace("/", "%2F") + ".pid");
        if (!Files.exists(pid)) return Optional.empty();
        return ProcessHandle.of(Long.parseLong(Files.readString(pid).trim().split(" ")[0]));
    }

    private static String sh(String script) throws IOException, InterruptedException {
        Path out = Files.createTempFile(Cli.tmp(), "sh", ".out");
        Process p = new ProcessBuilder("sh", "-c", script).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {   // a hang guard, not a timing assertion
            p.destroyForcibly();
            p.waitFor();
            fail(script + " hung");
        }
        String s = Files.readString(out);
        Files.delete(out);
        assertThat(p.exitValue()).as(script + ": " + s).isZero();
        return s;
    }
}
