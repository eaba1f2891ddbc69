package io.lamina.fuse;

import io.lamina.fs.InodeFs;
import io.lamina.fs.UnionFs;
import io.lamina.fs.UnionSpec;
import io.lamina.sys.Posix;
import io.lamina.sys.Stat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The real engine ({@link UnionFs}) on a small two-layer stack, served through a real mount. */
class UnionMountTest {
    private Path top, bottom, upper, work, mp;
    private byte[] big;
    private InodeFs fs;
    private NativeFuseTransport.NativeMount mount;

    @BeforeEach
    void setUp() throws IOException {
        FusePrerequisites.require();
        Path dir = FusePrerequisites.tempDir("fuse-union");
        top = dir.resolve("top");
        bottom = dir.resolve("bottom");
        upper = dir.resolve("upper");
        work = dir.resolve("work");
        mp = dir.resolve("mnt");
        for (Path p : List.of(top, bottom, upper, work, mp)) Files.createDirectories(p);
        Files.writeString(bottom.resolve("a.txt"), "bottom a");
        Files.writeString(bottom.resolve("gone.txt"), "bottom gone");
        Files.createDirectories(bottom.resolve("d"));
        Files.writeString(bottom.resolve("d/x"), "x");
        Files.createDirectories(top.resolve("d"));
        Files.writeString(top.resolve("d/z"), "z");
        Files.writeString(top.resolve("a.txt"), "top a");
        big = new byte[16 * 1024 * 1024 + 3];
        new Random(1).nextBytes(big);
        Files.write(bottom.resolve("big.bin"), big);
        fs = UnionFs.open(UnionSpec.ofDirs(List.of(top, bottom), upper, work));
    }

    @AfterEach
    void tearDown() throws IOException {
        try {
            if (mount != null) mount.close();
        } finally {
            if (mp != null) FusePrerequisites.forceUnmount(mp);
            if (fs != null) fs.close();
        }
    }

    private void mount(MountOptions o) {
        mount = new NativeFuseTransport().mount(fs, mp, o);
    }

    @Test
    void mergedViewCopyUpAndWhiteouts() throws IOException {
        mount(MountOptions.defaults());
        assertThat(NativeFuseMountTest.names(mp)).containsExactly("a.txt", "big.bin", "d", "gone.txt");
        assertThat(NativeFuseMountTest.names(mp.resolve("d"))).containsExactly("x", "z");
        assertThat(Files.readString(mp.resolve("a.txt"))).isEqualTo("top a");
        assertThat(Files.readAllBytes(mp.resolve("big.bin"))).isEqualTo(big);

        long ino = (Long) Files.getAttribute(mp.resolve("d/x"), "unix:ino");
        Files.writeString(mp.resolve("d/x"), "more", StandardOpenOption.APPEND);   // copy-up
        assertThat(Files.readString(mp.resolve("d/x"))).isEqualTo("xmore");
        assertThat(Files.getAttribute(mp.resolve("d/x"), "unix:ino")).isEqualTo(ino);
        assertThat(Files.readString(upper.resolve("d/x"))).isEqualTo("xmore");
        assertThat(Files.readString(bottom.resolve("d/x"))).isEqualTo("x");

        Files.delete(mp.resolve("gone.txt"));                                      // whiteout
        assertThat(Files.exists(mp.resolve("gone.txt"))).isFalse();
        Stat wh = Posix.fstatat(Posix.AT_FDCWD, upper.resolve("gone.txt").toString(), Posix.AT_SYMLINK_NOFOLLOW);
        assertThat(wh.isCharDevice00()).isTrue();

        Files.move(mp.resolve("d"), mp.resolve("e"));                              // lower dir rename
        assertThat(NativeFuseMountTest.names(mp.resolve("e"))).containsExactly("x", "z");
        Files.createDirectory(mp.resolve("new"));
        Files.writeString(mp.resolve("new/f"), "f");
        assertThat(Files.readString(upper.resolve("new/f"))).isEqualTo("f");
        assertThat(Files.readString(mp.resolve("e/z"))).isEqualTo("z");
    }

    @Test
    void writesAfterReadsOfALowerFileSeeTheCopy() throws IOException {
        mount(MountOptions.defaults());
        assertThat(Files.readString(mp.resolve("a.txt"))).isEqualTo("top a");
        Files.writeString(mp.resolve("a.txt"), "changed");
        assertThat(Files.readString(mp.resolve("a.txt"))).isEqualTo("changed");
        assertThat(Files.readString(top.resolve("a.txt"))).isEqualTo("top a");
        assertThat(new String(Files.readAllBytes(upper.resolve("a.txt")), StandardCharsets.UTF_8)).isEqualTo("changed");
    }

    @Test
    void largeLowerFileReadCountsReads() throws IOException {
        mount(MountOptions.defaults());
        Assumptions.assumeTrue(mount.passthrough(), "kernel did not grant FUSE passthrough");
        assertThat(Files.readAllBytes(mp.resolve("big.bin"))).isEqualTo(big);
        assertThat(mount.backingOpens()).isPositive();
        assertThat(mount.counters().get("READ")).isZero();
    }

    /**
     * A lower file held open for reading is in passthrough mode on the lower file; a writer (whose
     * data goes to the upper copy) cannot share that and gets ETXTBSY until the reader closes.
     */
    @Test
    void writerWaitsForPassthroughReadersOfTheLowerFile() throws Exception {
        mount(MountOptions.defaults());
        Assumptions.assumeTrue(mount.passthrough(), "kernel did not grant FUSE passthrough");
        Path a = mp.resolve("a.txt");
        try (FileChannel reader = FileChannel.open(a)) {
            assertThatThrownBy(() -> Files.writeString(a, "new", StandardOpenOption.APPEND))
                    .isInstanceOf(FileSystemException.class).hasMessageContaining("Text file busy");
            assertThat(reader.size()).isEqualTo(5);
        }
        // RELEASE reaches us a moment after close(2) returns: retry until it has.
        for (int i = 0; ; i++) {
            try {
                Files.writeString(a, "new", StandardOpenOption.APPEND);
                break;
            } catch (FileSystemException e) {
                if (i == 200) throw e;
                Thread.sleep(10);
            }
        }
        assertThat(Files.readString(a)).isEqualTo("top anew");
        assertThat(Files.readString(top.resolve("a.txt"))).isEqualTo("top a");
        assertThat(mount.counters().get("READ") + mount.counters().get("WRITE")).isZero();
    }
}
