package io.lamina.cli;

import io.lamina.fuse.MountTable;
import io.lamina.fuse.Unmount;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code lamina usage} and {@code lamina diff} on a real mount (the default transport, so file
 * writes may go through FUSE passthrough without reaching the engine): what they print after
 * changes made through the mount point, and again after a remount that reuses the saved state.
 */
class UsageDiffTest {
    private Path dir, lower, upper, mnt;

    @BeforeEach
    void setUp() throws IOException {
        Cli.requireRootAndFuse();
        dir = Cli.tempDir("usage");
        lower = Files.createDirectories(dir.resolve("lower"));
        Files.createDirectories(lower.resolve("etc"));
        Files.createDirectories(lower.resolve("usr/share/doc"));
        Files.createDirectories(lower.resolve("var/log"));
        Files.writeString(lower.resolve("etc/hostname"), "lower-host\n");
        Files.writeString(lower.resolve("etc/motd"), "welcome\n");
        Files.writeString(lower.resolve("usr/share/doc/README"), "r".repeat(5000));
        upper = Files.createDirectories(dir.resolve("upper"));
        mnt = Files.createDirectories(dir.resolve("mnt"));
    }

    @AfterEach
    void tearDown() {
        if (mnt != null && MountTable.at(mnt).isPresent()) {
            Cli.run("umount", mnt.toString());
            if (MountTable.at(mnt).isPresent()) Unmount.unmountQuietly(mnt);
        }
        if (mnt != null) assertThat(MountTable.at(mnt)).isEmpty();
    }

    /** The journal follows the mount a few microseconds behind: ask until it has caught up. */
    private static String eventually(Supplier<Cli.Result> run, String expected) throws InterruptedException {
        Cli.Result r = null;
        for (int i = 0; i < 200; i++) {
            r = run.get();
            assertThat(r.err()).isEmpty();
            assertThat(r.exitCode()).isZero();
            if (r.out().equals(expected)) return r.out();
            Thread.sleep(25);
        }
        return r.out();
    }

    @Test
    void usageAndDiffFollowTheMount() throws Exception {
        Cli.Result m = Cli.run("mount", "--lower", lower.toString(), "--upper", upper.toString(), mnt.toString());
        assertThat(m.err()).isEmpty();
        assertThat(m.exitCode()).isZero();

        Files.writeString(mnt.resolve("new.txt"), "n".repeat(1234));
        Files.writeString(mnt.resolve("etc/hostname"), "container-host-name\n");
        Files.delete(mnt.resolve("etc/motd"));
        Files.createDirectory(mnt.resolve("tmpdir"));
        Files.setPosixFilePermissions(mnt.resolve("usr/share/doc/README"), PosixFilePermissions.fromString("rw-------"));
        Files.createSymbolicLink(mnt.resolve("link"), Path.of("etc/hostname"));

        String diff = String.join("\n", List.of("C /etc", "C /etc/hostname", "D /etc/motd", "A /link", "A /new.txt",
                "A /tmpdir", "C /usr", "C /usr/share", "C /usr/share/doc", "C /usr/share/doc/README")) + "\n";
        assertThat(eventually(() -> Cli.run("diff", mnt.toString()), diff)).isEqualTo(diff);
        // new.txt + hostname + the symlink's target; README is a metadata-only copy (0 bytes).
        long bytes = 1234 + 20 + 12;
        long lowerBytes = 11 + 8 + 5000;
        String exact = "diff " + bytes + " virtual " + (bytes + lowerBytes) + " lower " + lowerBytes
                + " inodes 10 changes 10\n";
        assertThat(eventually(() -> Cli.run("usage", "--bytes", mnt.toString()), exact)).isEqualTo(exact);
        assertThat(Cli.run("usage", mnt.toString()).out()).isEqualTo("1.27kB (virtual 6.29kB)\n");

        assertThat(Cli.run("umount", mnt.toString()).exitCode()).isZero();
        assertThat(Cli.run("mount", "--lower", lower.toString(), "--upper", upper.toString(), mnt.toString()).exitCode()).isZero();
        assertThat(Cli.run("diff", mnt.toString()).out()).as("state kept over a clean remount").isEqualTo(diff);
        Files.delete(mnt.resolve("new.txt"));
        String less = "diff " + (bytes - 1234) + " virtual " + (bytes - 1234 + lowerBytes) + " lower " + lowerBytes
                + " inodes 9 changes 9\n";
        assertThat(eventually(() -> Cli.run("usage", "--bytes", mnt.toString()), less)).isEqualTo(less);
    }

    @Test
    void oneLineErrorsForWhatIsNotALaminaMount() {
        Cli.Result r = Cli.run("usage", dir.toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.errLines()).containsExactly("lamina usage: " + dir + " is not mounted");
        Cli.Result d = Cli.run("diff", "/proc");
        assertThat(d.exitCode()).isEqualTo(1);
        assertThat(d.errLines()).containsExactly("lamina diff: /proc is not a lamina mount (it is proc)");
    }
}
