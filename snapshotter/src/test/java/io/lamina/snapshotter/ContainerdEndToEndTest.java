package io.lamina.snapshotter;

import io.lamina.fuse.Transports;
import io.lamina.testdata.Compression;
import io.lamina.testdata.Examples;
import io.lamina.testdata.ImageSpec;
import io.lamina.testdata.OciImages;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Real containers on lamina: a private containerd (own root, state, socket and config, CRI off)
 * with lamina as its proxy snapshotter, the busybox test image imported through it, and runc
 * containers whose root file systems are lamina mounts. Needs root, /dev/fuse, containerd, ctr,
 * runc and /bin/busybox (Debian: containerd runc busybox-static).
 */
class ContainerdEndToEndTest {
    private static final String NS = "lamina-e2e";
    private static final String IMAGE = "docker.io/lamina/busybox:latest";
    private static final String USER_IMAGE = "docker.io/lamina/busybox-user:latest";
    /** Bound on each command; a hung container fails the test rather than the build. */
    private static final long COMMAND_SECONDS = 120;

    @Test
    void containersRunOnLaminaAndGarbageCollectionRemovesTheirSnapshots() throws Exception {
        requireTools();
        Path dir = Prereqs.tempDir("ctd-");
        Path sock = dir.resolve("containerd.sock");
        SnapshotterServer lamina = SnapshotterServer.start(dir.resolve("lamina"), dir.resolve("lamina.sock"), null,
                Transports.byName("native"));
        Process containerd = null;
        try (Client snapshots = new Client(lamina.socket())) {
            Files.writeString(dir.resolve("config.toml"), """
                    version = 2
                    root = "%s"
                    state = "%s"
                    disabled_plugins = ["io.containerd.grpc.v1.cri"]
                    [grpc]
                      address = "%s"
                    [proxy_plugins]
                      [proxy_plugins.lamina]
                        type = "snapshot"
                        address = "%s"
                    """.formatted(dir.resolve("root"), dir.resolve("state"), sock, lamina.socket()));
            containerd = new ProcessBuilder("containerd", "--config", dir.resolve("config.toml").toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("containerd.log").toFile()).start();
            awaitContainerd(sock, containerd, dir);

            ImageSpec busybox = Examples.busybox();
            OciImages.writeOciArchive(busybox, dir.resolve("busybox.tar"), Compression.GZIP);
            OciImages.writeOciArchive(ImageSpec.of("lamina/busybox-user:latest", busybox.config().withUser("1000:1000"),
                    busybox.layers().toArray(io.lamina.testdata.LayerSpec[]::new)), dir.resolve("busybox-user.tar"), Compression.GZIP);
            ctr(sock, "images", "import", "--snapshotter", "lamina", dir.resolve("busybox.tar").toString());
            ctr(sock, "images", "import", "--snapshotter", "lamina", dir.resolve("busybox-user.tar").toString());
            assertThat(ctr(sock, "images", "ls", "-q")).contains(IMAGE, USER_IMAGE);
            // Two image layers, unpacked through lamina and committed: shared by both images.
            assertThat(snapshots.list("kind==committed")).hasSize(2);

            String out = ctr(sock, "run", "--rm", "--snapshotter", "lamina", IMAGE, "c-layers", "/bin/sh", "-c",
                    "test -e /etc/motd && echo motd-present || echo motd-gone;"
                            + " echo app: $(ls /var/cache/app);"
                            + " cat /etc/lamina-release");
            assertThat(out).contains("motd-gone").contains("app: fresh\n").contains("lamina busybox test image");

            // A container keeps its writes to itself: the first one is kept (not --rm) while the second runs.
            out = ctr(sock, "run", "--snapshotter", "lamina", IMAGE, "c-writer", "/bin/sh", "-c",
                    "echo changed > /etc/hostname && echo new > /root/new && rm /etc/passwd && cat /etc/hostname /root/new"
                            + " && test ! -e /etc/passwd && echo passwd-gone");
            assertThat(out).contains("changed\nnew\npasswd-gone");
            out = ctr(sock, "run", "--rm", "--snapshotter", "lamina", IMAGE, "c-reader", "/bin/sh", "-c",
                    "cat /etc/hostname; test -e /root/new && echo new-present || echo new-absent; head -1 /etc/passwd");
            assertThat(out).contains("lamina\n").contains("new-absent").contains("root:x:0:0");
            ctr(sock, "containers", "rm", "c-writer");

            out = ctr(sock, "run", "--rm", "--snapshotter", "lamina", USER_IMAGE, "c-user", "/bin/sh", "-c",
                    "id -u; cat /etc/group | head -1; ls /bin | wc -l; cat /home/user/.profile > /dev/null && echo home-ok;"
                            + " echo mine > /home/user/x && cat /home/user/x; touch /etc/x 2>/dev/null || echo etc-denied");
            assertThat(out).contains("1000\n").contains("root:x:0:").contains("home-ok").contains("mine").contains("etc-denied");

            ctr(sock, "images", "rm", "--sync", IMAGE, USER_IMAGE);
            assertThat(snapshots.list()).as("snapshots after containerd's garbage collection").isEmpty();
        } finally {
            try {
                if (containerd != null) stop(containerd);
            } finally {
                lamina.close();
            }
            assertThat(Prereqs.mountsUnder(dir)).as("mounts left behind").isEmpty();
            SnapshotDirs.deleteTree(dir);
        }
    }

    private static void requireTools() {
        Prereqs.requireRootAndFuse();
        List<String> missing = new ArrayList<>();
        for (String tool : List.of("containerd", "ctr", "runc")) if (which(tool) == null) missing.add(tool);
        if (!Files.isRegularFile(Examples.BUSYBOX)) missing.add("/bin/busybox (busybox-static)");
        if (missing.isEmpty()) return;
        if ("true".equals(System.getenv("CI"))) fail("CI=true but missing: " + missing);
        assumeTrue(false, "missing: " + missing + " (apt-get install -y containerd runc busybox-static)");
    }

    private static Path which(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/usr/sbin").split(":")) {
            Path p = Path.of(d, tool);
            if (Files.isExecutable(p)) return p;
        }
        for (String d : List.of("/usr/sbin", "/sbin", "/usr/bin")) {
            if (Files.isExecutable(Path.of(d, tool))) return Path.of(d, tool);
        }
        return null;
    }

    private static void awaitContainerd(Path sock, Process containerd, Path dir) throws Exception {
        for (int i = 0; i < 300; i++) {
            if (!containerd.isAlive()) fail("containerd exited: " + Files.readString(dir.resolve("containerd.log")));
            if (Files.exists(sock) && run(List.of("ctr", "-a", sock.toString(), "version")).exit == 0) return;
            Thread.sleep(100);
        }
        fail("containerd did not come up: " + Files.readString(dir.resolve("containerd.log")));
    }

    /** Runs ctr against the private containerd in the test namespace; fails on a non-zero exit. */
    private static String ctr(Path sock, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(which("ctr").toString(), "-a", sock.toString(), "-n", NS));
        cmd.addAll(List.of(args));
        Result r = run(cmd);
        assertThat(r.exit).as("%s\n%s", String.join(" ", cmd), r.output).isZero();
        return r.output;
    }

    private record Result(int exit, String output) {
    }

    private static Result run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        byte[][] out = new byte[1][];
        Thread reader = Thread.ofPlatform().start(() -> {
            try {
                out[0] = p.getInputStream().readAllBytes();
            } catch (IOException e) {
                out[0] = new byte[0];
            }
        });
        if (!p.waitFor(COMMAND_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            fail("timed out: " + String.join(" ", cmd));
        }
        reader.join(10_000);
        return new Result(p.exitValue(), out[0] == null ? "" : new String(out[0]));
    }

    /** SIGTERM to containerd's pid, then SIGKILL if it does not go. */
    private static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
