package io.lamina.cli;

import io.lamina.fuse.Launcher;
import io.lamina.fuse.MountTable;
import io.lamina.store.ImageImport;
import io.lamina.store.Images;
import io.lamina.store.Store;
import io.lamina.testdata.Compression;
import io.lamina.testdata.Examples;
import io.lamina.testdata.ImageConfig;
import io.lamina.testdata.ImageSpec;
import io.lamina.testdata.OciImages;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code lamina run}, {@code ps}, {@code rm} and {@code commit --snapshot} with real containers:
 * the busybox test image in a store of its own, runc, the native FUSE transport. Each command runs
 * in a child JVM (its output is the container's). Needs root, /dev/fuse, runc and busybox-static.
 */
class RunTest {
    private static final Path RUNC_STATE = Path.of("/run/lamina/runc");
    private static final List<String> UNPRIVILEGED = List.of("/usr/bin/setpriv",
            "--bounding-set=-sys_admin,-dac_override,-dac_read_search,-fowner", "--");

    private Path dir;
    private Path root;

    record Result(int exitCode, String out, String err) {
    }

    @BeforeEach
    void setUp() throws IOException {
        Cli.requireRootAndFuse();
        Cli.require(Files.isExecutable(Path.of("/usr/sbin/runc")) || Files.isExecutable(Path.of("/usr/bin/runc")), "needs runc");
        Cli.require(Files.isRegularFile(Examples.BUSYBOX), "needs busybox-static (/bin/busybox)");
        dir = Cli.tempDir("run");
        root = dir.resolve("root");
        importImage(Examples.busybox(), "busybox");
    }

    @AfterEach
    void nothingLeftMounted() {
        if (root == null) return;
        List<MountTable.Mount> left = MountTable.read(MountTable.SELF).stream()
                .filter(m -> m.mountpoint().startsWith(root)).toList();
        left.forEach(m -> io.lamina.fuse.Unmount.unmountQuietly(m.mountpoint()));
        assertThat(left).as("mounts left under the store").isEmpty();
    }

    @Test
    void runsTheCommandAndThrowsItsChangesAway() throws Exception {
        Result r = lamina("run", "busybox", "--", "/bin/sh", "-c",
                "cat /etc/lamina-release; test ! -e /etc/motd; echo hi > /tmp/x; exit 3");
        assertThat(r.exitCode()).as(r.err()).isEqualTo(3);
        assertThat(r.out()).isEqualTo("lamina busybox test image\n");

        Result second = lamina("run", "busybox", "--", "/bin/sh", "-c", "test ! -e /tmp/x && ls /var/cache/app");
        assertThat(second.exitCode()).as(second.err()).isZero();
        assertThat(second.out()).isEqualTo("fresh\n");
        assertThat(runsLeft()).isEmpty();
        assertThat(lamina("ps", "-q").out()).isEmpty();
        assertThat(holders()).as("gc may take the image's layers again").isEmpty();
    }

    @Test
    void aTmpfsUpperIsPrivateAndCapped() throws Exception {
        Result r = lamina("run", "--upper", "tmpfs:size=8m", "busybox", "--", "/bin/sh", "-c",
                "echo data > /tmp/y && cat /tmp/y && ! dd if=/dev/zero of=/fill bs=1M count=16 2>/dev/null");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("data\n");
        assertThat(runsLeft()).isEmpty();
    }

    @Test
    void keepKeepsTheDiffForPsAndCommit() throws Exception {
        Result r = lamina("run", "--keep", "--name", "keeper", "busybox", "--", "/bin/sh", "-c",
                "echo kept > /tmp/x; rm /etc/hostname; hostname");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("keeper\n");

        Result ps = lamina("ps", "--bytes");
        assertThat(ps.exitCode()).as(ps.err()).isZero();
        List<String> lines = ps.out().lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).startsWith("ID").contains("DIFF SIZE", "VIRTUAL SIZE");
        String[] f = lines.get(1).split(" {2,}");
        assertThat(f[0]).isEqualTo("keeper");
        assertThat(f[1]).isEqualTo("busybox");
        assertThat(f[2]).isEqualTo("exited (0)");
        assertThat(Long.parseLong(f[3])).isEqualTo("kept\n".length());
        assertThat(Long.parseLong(f[4])).isGreaterThan(Files.size(Examples.BUSYBOX));

        Result busy = lamina("run", "--name", "keeper", "busybox", "--", "/bin/true");
        assertThat(busy.exitCode()).isEqualTo(125);
        assertThat(busy.err().strip()).isEqualTo("lamina run: name 'keeper' is in use by a kept snapshot (lamina rm keeper removes it)");

        assertThat(holders()).containsExactly("run/keeper");
        Result commit = lamina("commit", "--snapshot", "keeper", "--name", "kept-image");
        assertThat(commit.exitCode()).as(commit.err()).isZero();
        Result onIt = lamina("run", "kept-image", "--", "/bin/sh", "-c", "cat /tmp/x; test ! -e /etc/hostname");
        assertThat(onIt.exitCode()).as(onIt.err()).isZero();
        assertThat(onIt.out()).isEqualTo("kept\n");

        assertThat(lamina("rm", "keeper").exitCode()).isZero();
        assertThat(lamina("ps", "-q").out()).isEmpty();
        assertThat(runsLeft()).isEmpty();
        assertThat(holders()).isEmpty();
    }

    @Test
    void envWorkdirAndUserComeFromTheImageConfig() throws Exception {
        ImageSpec bb = Examples.busybox();
        ImageConfig config = bb.config().withEnv(ImageConfig.DEFAULT_PATH, "GREETING=hello from the config")
                .withWorkingDir("/home/user").withUser("user").withCmd("/bin/sh", "-c", "echo default cmd");
        importImage(new ImageSpec("lamina/busybox-user:latest", config, bb.layers()), "bb-user");

        Result dflt = lamina("run", "bb-user");
        assertThat(dflt.exitCode()).as(dflt.err()).isZero();
        assertThat(dflt.out()).isEqualTo("default cmd\n");

        Result r = lamina("run", "bb-user", "--", "/bin/sh", "-c",
                "echo $GREETING; pwd; id -u; id -g; echo $HOME; cat /etc/lamina-release; ls /bin/busybox >/dev/null; "
                        + "echo mine > /home/user/f && cat /home/user/f; ! touch /root/no 2>/dev/null && echo denied");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("hello from the config\n/home/user\n1000\n1000\n/home/user\n"
                + "lamina busybox test image\nmine\ndenied\n");

        importImage(new ImageSpec("lamina/busybox-uid:latest", bb.config().withUser("1000:65534"), bb.layers()), "bb-uid");
        Result numeric = lamina("run", "bb-uid", "--", "/bin/sh", "-c", "id -u; id -g; cat /etc/lamina-release");
        assertThat(numeric.exitCode()).as(numeric.err()).isZero();
        assertThat(numeric.out()).isEqualTo("1000\n65534\nlamina busybox test image\n");
    }

    @Test
    void errorsAreOneLine() throws Exception {
        assertRefused(lamina("run", "nosuch", "--", "/bin/true"), "lamina run: image 'nosuch': no such image");
        assertRefused(lamina("run", "--name", "a/b", "busybox", "--", "/bin/true"),
                "lamina run: invalid name 'a/b': use 1-64 of [a-zA-Z0-9_.-], starting with a letter or digit");
        assertRefused(lamina("run", "--runtime", "podman", "busybox"), "lamina run: unknown runtime 'podman' (choose from: runc, crun)");
        if (!Files.exists(Path.of("/usr/bin/crun")) && !Files.exists(Path.of("/usr/sbin/crun"))) {
            assertRefused(lamina("run", "--runtime", "crun", "busybox"), "lamina run: crun is not installed (not found on $PATH; apt-get install crun)");
        }
        importImage(new ImageSpec("lamina/busybox-nocmd:latest", ImageConfig.defaults(), Examples.busybox().layers()), "nocmd");
        assertRefused(lamina("run", "nocmd"), "lamina run: image 'nocmd' has no Entrypoint or Cmd: give a command after --");
        assertRefused(lamina("run", "--keep", "--upper", "tmpfs:size=1m", "busybox"),
                "lamina run: --keep needs an upper on disk: a tmpfs upper goes away with the container");
        if (Files.isExecutable(Path.of("/usr/bin/setpriv"))) {
            assertRefused(run(UNPRIVILEGED, "run", "busybox", "--", "/bin/true"),
                    "lamina run: needs root: it mounts the snapshot and starts the container");
        }
        assertThat(runsLeft()).isEmpty();
    }

    @Test
    void sigtermKillsTheContainerAndCleansUp() throws Exception {
        Path out = dir.resolve("sig.out"), err = dir.resolve("sig.err");
        List<String> cmd = new ArrayList<>(Launcher.currentJvm(Lamina.class.getName()));
        cmd.addAll(List.of("--root", root.toString(), "run", "--name", "sig", "busybox", "--",
                "/bin/sh", "-c", "echo started; exec sleep 600"));
        Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!Files.readString(out).contains("started") && p.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(Files.readString(out)).as(Files.readString(err)).contains("started");
            assertThat(lamina("ps").out()).contains("sig", "running");
            p.destroy(); // SIGTERM
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            if (p.isAlive()) {
                p.destroyForcibly();
                p.waitFor();
            }
        }
        assertThat(p.exitValue()).isNotZero();
        assertThat(runsLeft()).isEmpty();
        assertThat(holders()).isEmpty();
        assertThat(RUNC_STATE.resolve("lamina-sig")).doesNotExist();
    }

    // ---- helpers

    private void importImage(ImageSpec spec, String name) throws IOException {
        Path layout = dir.resolve("layout-" + name);
        OciImages.writeLayout(spec, layout, Compression.NONE);
        try (Store store = Store.open(root); Images images = Images.open(store)) {
            ImageImport.run(images, layout, name, new ImageImport.Progress() {
                @Override
                public void phase(String label, long totalBytes) {
                }

                @Override
                public void advance(long doneBytes) {
                }

                @Override
                public void finish() {
                }
            });
        }
    }

    private java.util.Set<String> holders() {
        try (Store store = Store.open(root); Images images = Images.open(store)) {
            return images.holds().keySet();
        }
    }

    private List<Path> runsLeft() throws IOException {
        Path runs = root.resolve("runs");
        if (!Files.isDirectory(runs)) return List.of();
        try (var s = Files.list(runs)) {
            return s.toList();
        }
    }

    private static void assertRefused(Result r, String line) {
        assertThat(r.exitCode()).as(r.err()).isNotZero();
        assertThat(r.err().lines().filter(l -> !l.isBlank()).toList()).containsExactly(line);
    }

    private Result lamina(String... args) throws IOException, InterruptedException {
        return run(List.of(), args);
    }

    /** {@code prefix} then lamina --root ROOT ARGS in a new JVM; stdin from /dev/null. */
    private Result run(List<String> prefix, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(Launcher.currentJvm(Lamina.class.getName()));
        cmd.add("--root");
        cmd.add(root.toString());
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "out", ".txt"), err = Files.createTempFile(dir, "err", ".txt");
        Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor();
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }
}
