package io.lamina.cli;

import io.lamina.fuse.MountTable;
import io.lamina.fuse.Unmount;
import io.lamina.sys.Posix;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each refused mount: exactly one line naming what and why, a non-zero exit, nothing mounted.
 */
class MountErrorsTest {
    private Path dir, lower, upper, work, mnt;
    private final List<Path> tmpfsMounts = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        Cli.requireRootAndFuse();
        dir = Cli.tempDir("mount-errors");
        lower = Files.createDirectory(dir.resolve("lower"));
        upper = Files.createDirectory(dir.resolve("upper"));
        work = Files.createDirectory(dir.resolve("work"));
        mnt = Files.createDirectory(dir.resolve("mnt"));
    }

    @AfterEach
    void tearDown() {
        for (Path p : tmpfsMounts) Unmount.unmountQuietly(p);
        if (mnt != null) assertThat(MountTable.at(mnt)).as("nothing left mounted").isEmpty();
    }

    private Path tmpfs(String name) throws Exception {
        Path p = Files.createDirectory(dir.resolve(name));
        Posix.mount("tmpfs", p.toString(), "tmpfs", 0, "size=1m");
        tmpfsMounts.add(p);
        return p;
    }

    private String[] mount(Path lowerDir, Path upperDir, Path workDir, Path mp) {
        return new String[] {"mount", "--transport", "jnr", "-o",
                "lowerdir=" + lowerDir + ",upperdir=" + upperDir + ",workdir=" + workDir, mp.toString()};
    }

    private static void assertRefused(Cli.Result r, int code, String line) {
        assertThat(r.errLines()).containsExactly(line);
        assertThat(r.exitCode()).isEqualTo(code);
    }

    @Test
    void mountpointMissing() {
        Path nope = dir.resolve("nope");
        assertRefused(Cli.run(mount(lower, upper, work, nope)), 1, "lamina mount: mount point " + nope + " does not exist");
    }

    @Test
    void mountpointNotADirectory() throws Exception {
        Path file = Files.writeString(dir.resolve("file"), "x");
        assertRefused(Cli.run(mount(lower, upper, work, file)), 1, "lamina mount: mount point " + file + " is not a directory");
    }

    @Test
    void mountpointAlreadyAMount() throws Exception {
        Path busy = tmpfs("busy");
        assertRefused(Cli.run(mount(lower, upper, work, busy)), 1,
                "lamina mount: " + busy + " is already a mount point (umount it first)");
        assertThat(MountTable.at(busy).orElseThrow().fsType()).isEqualTo("tmpfs");
    }

    @Test
    void lowerMissing() {
        Path gone = dir.resolve("gone");
        Cli.Result r = Cli.run("mount", "--transport", "jnr", "--lower", lower.toString(), "--lower", gone.toString(),
                "--upper", "tmpfs:size=1m", mnt.toString());
        assertRefused(r, 1, "lamina mount: lower layer " + gone + " does not exist");
    }

    @Test
    void upperAndWorkOnDifferentFilesystems() throws Exception {
        Path otherWork = tmpfs("other");
        assertRefused(Cli.run(mount(lower, upper, otherWork, mnt)), 1,
                "lamina mount: upperdir " + upper + " and workdir " + otherWork + " are on different filesystems");
    }

    @Test
    void tmpfsSizeUnparsable() {
        Cli.Result r = Cli.run("mount", "--lower", lower.toString(), "--upper", "tmpfs:size=lots", mnt.toString());
        assertRefused(r, 2, "lamina mount: tmpfs size 'lots' is not a size (examples: 512m, 2g, 1048576)");
    }

    @Test
    void noFuseDevice() throws Exception {
        Path missing = dir.resolve("no-such-fuse");
        Cli.Result r = Cli.runInChild(List.of(), Map.of("LAMINA_FUSE_DEVICE", missing.toString()), mount(lower, upper, work, mnt));
        assertRefused(r, 1, "lamina mount: " + missing + " is missing: load the fuse kernel module (modprobe fuse)");
    }

    /** Still uid 0 (so the class path stays readable) but without the capabilities that make root. */
    private static final List<String> UNPRIVILEGED = List.of("/usr/bin/setpriv",
            "--bounding-set=-sys_admin,-dac_override,-dac_read_search,-fowner", "--");

    @Test
    void noPermissionOnTheFuseDevice() throws Exception {
        Cli.require(Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs setpriv (util-linux)");
        Path dev = Files.writeString(dir.resolve("fuse-of-someone-else"), "");
        Files.setPosixFilePermissions(dev, java.util.Set.of());
        Files.setAttribute(dev, "unix:uid", 65534);
        Cli.Result r = Cli.runInChild(UNPRIVILEGED, Map.of("LAMINA_FUSE_DEVICE", dev.toString()), mount(lower, upper, work, mnt));
        assertRefused(r, 1, "lamina mount: permission denied: " + dev + " needs root or read-write access");
    }

    @Test
    void noPermissionForATmpfsUpper() throws Exception {
        Cli.require(Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs setpriv (util-linux)");
        Cli.Result r = Cli.runInChild(UNPRIVILEGED, Map.of(), "mount", "--lower", lower.toString(),
                "--upper", "tmpfs:size=1m", mnt.toString());
        assertRefused(r, 1, "lamina mount: permission denied: a tmpfs upper needs root (CAP_SYS_ADMIN)");
    }

    @Test
    void umountOfSomethingNotMounted() {
        assertRefused(Cli.run("umount", mnt.toString()), 1, "lamina umount: " + mnt + " is not mounted");
    }

    @Test
    void umountLeavesOtherFilesystemsAlone() throws Exception {
        Path other = tmpfs("not-lamina");
        assertRefused(Cli.run("umount", other.toString()), 1, "lamina umount: " + other + " is not a lamina mount (it is tmpfs)");
        assertThat(MountTable.at(other)).isPresent();
    }
}
