package io.lamina.snapshotter;

import io.lamina.fuse.Launcher;
import io.lamina.fuse.Transports;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A snapshotter killed with SIGKILL: its metadata survives, its committed snapshots still serve as
 * parents, and an active snapshot whose FUSE mount died with it (ENOTCONN) is mounted again when
 * a new snapshotter is asked for its mounts.
 */
class SnapshotterCrashTest {
    @Test
    void aKilledSnapshotterLeavesNothingThatARestartCannotServe() throws Exception {
        Prereqs.requireRootAndFuse();
        Path dir = Prereqs.tempDir("snap-crash-");
        Path root = dir.resolve("root"), sock = dir.resolve("s.sock");
        Path bind = Files.createDirectories(dir.resolve("bind"));
        List<String> cmd = new ArrayList<>(Launcher.currentJvm(SnapshotterMain.class.getName()));
        cmd.addAll(List.of(root.toString(), sock.toString()));
        Process child = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
        SnapshotterServer again = null;
        try {
            try (Client c = awaitServing(sock, child, dir)) {
                Prereqs.mount(c.prepare("base-a", "").get(0), bind);
                Files.writeString(bind.resolve("lower"), "committed before the crash");
                Prereqs.unmount(bind);
                c.commit("base", "base-a");
                Prereqs.mount(c.prepare("active", "base").get(0), bind);
                Files.writeString(bind.resolve("upper"), "written before the crash");
                Prereqs.unmount(bind);
            }
            child.destroyForcibly(); // SIGKILL to its pid
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();

            again = SnapshotterServer.start(root, sock, null, Transports.byName("native"));
            try (Client c = new Client(sock)) {
                assertThat(c.stat("active").getParent()).isEqualTo("base");
                Prereqs.mount(c.mounts("active").get(0), bind);
                try {
                    assertThat(Files.readString(bind.resolve("lower"))).isEqualTo("committed before the crash");
                    assertThat(Files.readString(bind.resolve("upper"))).isEqualTo("written before the crash");
                } finally {
                    Prereqs.unmount(bind);
                }
                c.prepare("child", "base");
                c.remove("child");
                c.remove("active");
                c.remove("base");
                assertThat(c.list()).isEmpty();
            }
        } finally {
            if (child.isAlive()) {
                child.destroyForcibly();
                child.waitFor(30, TimeUnit.SECONDS);
            }
            if (again != null) again.close();
            for (String mp : Prereqs.mountsUnder(dir)) io.lamina.fuse.Unmount.unmountQuietly(Path.of(mp));
            assertThat(Prereqs.mountsUnder(dir)).as("mounts left behind").isEmpty();
            SnapshotDirs.deleteTree(dir);
        }
    }

    private static Client awaitServing(Path sock, Process child, Path dir) throws Exception {
        for (int i = 0; i < 600; i++) {
            if (!child.isAlive()) fail("the snapshotter exited: " + Files.readString(dir.resolve("child.log")));
            if (Files.exists(sock)) {
                Client c = new Client(sock);
                try {
                    c.list();
                    return c;
                } catch (RuntimeException notYet) {
                    c.close();
                }
            }
            Thread.sleep(100);
        }
        fail("the snapshotter did not come up: " + Files.readString(dir.resolve("child.log")));
        return null;
    }
}
