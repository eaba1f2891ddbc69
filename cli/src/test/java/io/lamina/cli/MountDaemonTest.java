package io.lamina.cli;

import io.lamina.fuse.MountTable;
import io.lamina.fuse.Unmount;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code lamina mount} leaves a daemon serving the union through jnr-fuse; {@code lamina umount}
 * takes it away and the daemon exits. Daemons are found by the pid files they write and stopped
 * by pid; every mount is taken away in {@code finally}.
 */
class MountDaemonTest {
    private Path dir, l1, l2, upper, work, mnt;
    private final List<Path> mounted = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        Cli.requireRootAndFuse();
        Cli.require(Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/libfuse.so.2")), "needs libfuse2");
        dir = Cli.tempDir("daemon");
        l1 = Files.createDirectory(dir.resolve("l1"));
        l2 = Files.createDirectory(dir.resolve("l2"));
        Files.writeString(l1.resolve("top"), "from l1");
        Files.writeString(l2.resolve("top"), "from l2");
        Files.writeString(l2.resolve("bottom"), "only in l2");
        upper = Files.createDirectory(dir.resolve("upper"));
        work = Files.createDirectory(dir.resolve("work"));
        mnt = Files.createDirectory(dir.resolve("mnt"));
    }

    @AfterEach
    void tearDown() throws Exception {
        for (Path mp : mounted) {
            Optional<ProcessHandle> daemon = daemonOf(mp);
            if (MountTable.at(mp).isPresent()) Unmount.unmountQuietly(mp);
            daemon.ifPresent(p -> {
                p.destroy();
                p.onExit().join();
            });
            assertThat(MountTable.at(mp)).as("nothing left mounted at " + mp).isEmpty();
        }
        try (Stream<Path> left = Files.list(Path.of(System.getenv("LAMINA_RUN_DIR"), "mounts"))) {
            assertThat(left.filter(p -> p.toString().contains(dir.getFileName().toString())))
                    .as("daemons clean up their pid files and logs").isEmpty();
        } catch (java.nio.file.NoSuchFileException none) {
            // no daemon ever started
        }
    }

    private Cli.Result mount(Path mp, String... args) {
        mounted.add(mp);
        List<String> all = new ArrayList<>(List.of("mount", "--transport", "jnr"));
        all.addAll(List.of(args));
        all.add(mp.toString());
        return Cli.run(all.toArray(String[]::new));
    }

    /** The daemon recorded for a mount point (any live pid file whose name ends with its escaped path). */
    private static Optional<ProcessHandle> daemonOf(Path mp) throws IOException {
        Path mounts = Path.of(System.getenv("LAMINA_RUN_DIR"), "mounts");
        Path pid = mounts.resolve(mp.toString().replace("%", "%25").replace("/", "%2F") + ".pid");
        if (!Files.exists(pid)) return Optional.empty();
        return ProcessHandle.of(Long.parseLong(Files.readString(pid).trim().split(" ")[0]));
    }

    @Test
    void overlayStyleRoundTrip() throws Exception {
        Cli.Result r = mount(mnt, "-o", "lowerdir=" + l1 + ":" + l2 + ",upperdir=" + upper + ",workdir=" + work);
        assertThat(r.err()).isEmpty();
        assertThat(r.exitCode()).isZero();
        MountTable.Mount m = MountTable.at(mnt).orElseThrow();
        assertThat(m.fsType()).isEqualTo("fuse.lamina");
        ProcessHandle daemon = daemonOf(mnt).orElseThrow();
        assertThat(daemon.isAlive()).isTrue();
        assertThat(daemon.pid()).isNotEqualTo(ProcessHandle.current().pid());

        assertThat(Files.readString(mnt.resolve("top"))).isEqualTo("from l1");
        assertThat(Files.readString(mnt.resolve("bottom"))).isEqualTo("only in l2");
        Files.writeString(mnt.resolve("new"), "written");
        try (Stream<Path> s = Files.list(mnt)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("top", "bottom", "new");
        }

        Cli.Result u = Cli.run("umount", mnt.toString());
        assertThat(u.err()).isEmpty();
        assertThat(u.exitCode()).isZero();
        assertThat(MountTable.at(mnt)).isEmpty();
        assertThat(daemon.isAlive()).as("umount waits for the daemon").isFalse();
        assertThat(daemonOf(mnt)).isEmpty();
        assertThat(Files.readString(upper.resolve("new"))).isEqualTo("written");
    }

    @Test
    void theDefaultTransportIsNativeAndServesTheSameUnion() throws Exception {
        mounted.add(mnt);
        Cli.Result r = Cli.run("mount", "-o", "lowerdir=" + l1 + ":" + l2 + ",upperdir=" + upper + ",workdir=" + work, mnt.toString());
        assertThat(r.err()).isEmpty();
        assertThat(r.exitCode()).isZero();
        assertThat(Files.readString(mnt.resolve("top"))).isEqualTo("from l1");
        assertThat(Files.readString(mnt.resolve("bottom"))).isEqualTo("only in l2");
        Files.writeString(mnt.resolve("bottom"), "copied up");
        ProcessHandle daemon = daemonOf(mnt).orElseThrow();
        assertThat(Cli.run("umount", mnt.toString()).exitCode()).isZero();
        assertThat(daemon.isAlive()).isFalse();
        assertThat(Files.readString(upper.resolve("bottom"))).isEqualTo("copied up");
        assertThat(Files.readString(l2.resolve("bottom"))).isEqualTo("only in l2");
    }

    @Test
    void tmpfsUpperRoundTripLeavesNothing() throws Exception {
        Cli.Result r = mount(mnt, "--lower", l1.toString(), "--lower", l2.toString(), "--upper", "tmpfs:size=16m", "--volatile");
        assertThat(r.err()).isEmpty();
        assertThat(r.exitCode()).isZero();
        Files.writeString(mnt.resolve("scratch"), "gone after umount");
        assertThat(Files.readString(mnt.resolve("scratch"))).isEqualTo("gone after umount");
        assertThat(Cli.run("umount", mnt.toString()).exitCode()).isZero();
        assertThat(MountTable.read(MountTable.SELF)).noneMatch(x -> x.mountpoint().startsWith(dir));
        assertThat(Files.exists(mnt.resolve("scratch"))).isFalse();
    }

    @Test
    void aSecondMountOnTheSamePointIsRefused() {
        assertThat(mount(mnt, "--lower", l1.toString(), "--upper", "tmpfs:size=1m").exitCode()).isZero();
        Cli.Result again = Cli.run("mount", "--transport", "jnr", "--lower", l1.toString(), "--upper", "tmpfs:size=1m", mnt.toString());
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.errLines()).containsExactly("lamina mount: " + mnt + " is already a mount point (umount it first)");
    }

    @Test
    void umountClearsTheMountOfADeadDaemon() throws Exception {
        assertThat(mount(mnt, "--lower", l1.toString(), "--upper", "tmpfs:size=1m").exitCode()).isZero();
        ProcessHandle daemon = daemonOf(mnt).orElseThrow();
        daemon.destroyForcibly();
        daemon.onExit().join();
        assertThatThrownBy(() -> Files.readString(mnt.resolve("top"))).isInstanceOf(IOException.class);
        Cli.Result u = Cli.run("umount", mnt.toString());
        assertThat(u.err()).isEmpty();
        assertThat(u.exitCode()).isZero();
        assertThat(MountTable.at(mnt)).isEmpty();
    }

    @Test
    void mountHelperFormNamesTheSource() throws Exception {
        mounted.add(mnt);
        Cli.Result r = Cli.run("mount.fuse.lamina", "myimage", mnt.toString(), "-o",
                "rw,nosuid,nodev,relatime,lowerdir=" + l1 + ",upperdir=" + upper + ",workdir=" + work, "--transport", "jnr");
        assertThat(r.err()).isEmpty();
        assertThat(r.exitCode()).isZero();
        assertThat(MountTable.at(mnt).orElseThrow().source()).isEqualTo("myimage");
        assertThat(Files.readString(mnt.resolve("top"))).isEqualTo("from l1");
        assertThat(Cli.run("umount", mnt.toString()).exitCode()).isZero();
    }

    @Test
    void aForegroundMountEndsOnSigterm() throws Exception {
        mounted.add(mnt);
        for (String transport : List.of("jnr", "native")) {
            List<String> cmd = new ArrayList<>(io.lamina.fuse.Launcher.currentJvm(Lamina.class.getName()));
            cmd.addAll(List.of("mount", "--foreground", "--transport", transport, "--lower", l1.toString(),
                    "--upper", "tmpfs:size=1m", mnt.toString()));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("foreground-" + transport + ".log").toFile()).start();
            try {
                // The daemon records itself right after the mount appears: wait for both.
                for (int i = 0; i < 3000 && (MountTable.at(mnt).isEmpty() || daemonOf(mnt).isEmpty()) && p.isAlive(); i++) {
                    Thread.sleep(20);
                }
                assertThat(MountTable.at(mnt)).as("mounted by " + transport).isPresent();
                assertThat(Files.readString(mnt.resolve("top"))).isEqualTo("from l1");
                assertThat(daemonOf(mnt).map(ProcessHandle::pid)).contains(p.pid());
                p.destroy();
                p.waitFor();
                assertThat(MountTable.at(mnt)).as("SIGTERM unmounts").isEmpty();
                assertThat(daemonOf(mnt)).isEmpty();
            } finally {
                if (p.isAlive()) {
                    p.destroyForcibly();
                    p.waitFor();
                }
                if (MountTable.at(mnt).isPresent()) Unmount.unmountQuietly(mnt);
            }
        }
    }

    @Test
    @SuppressWarnings("try") // the open channel is what keeps the mount busy
    void busyMountNeedsLazy() throws Exception {
        assertThat(mount(mnt, "--lower", l1.toString(), "--upper", "tmpfs:size=1m").exitCode()).isZero();
        ProcessHandle daemon = daemonOf(mnt).orElseThrow();
        try (var ch = java.nio.channels.FileChannel.open(mnt.resolve("top"))) {
            Cli.Result busy = Cli.run("umount", mnt.toString());
            assertThat(busy.exitCode()).isEqualTo(1);
            assertThat(busy.errLines()).containsExactly("lamina umount: " + mnt + " is busy: close what uses it, or umount --lazy");
            assertThat(Cli.run("umount", "--lazy", mnt.toString()).exitCode()).isZero();
            assertThat(MountTable.at(mnt)).isEmpty();
        }
        // Once the last user is gone the detached mount ends and so does its daemon.
        daemon.onExit().join();
    }
}
