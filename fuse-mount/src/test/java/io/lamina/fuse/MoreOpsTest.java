package io.lamina.fuse;

import io.lamina.fs.Errno;
import io.lamina.fs.FsException;
import io.lamina.sys.Posix;
import io.lamina.sys.Stat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Opcodes java.nio cannot reach, driven with {@link Posix} on a real mount of {@link MemFs}. */
class MoreOpsTest {
    private Path mp;
    private MemFs fs;
    private NativeFuseTransport.NativeMount mount;
    private int dirFd = -1;

    @BeforeEach
    void setUp() throws IOException {
        FusePrerequisites.require();
        mp = Files.createDirectory(FusePrerequisites.tempDir("fuse-ops").resolve("mnt"));
        fs = new MemFs();
        fs.addFile(MemFs.ROOT, "a", "AAAA".getBytes(StandardCharsets.UTF_8));
        fs.addFile(MemFs.ROOT, "b", "BB".getBytes(StandardCharsets.UTF_8));
    }

    private void mount(MountOptions o) {
        mount = new NativeFuseTransport().mount(fs, mp, o);
        dirFd = Posix.openat(Posix.AT_FDCWD, mp.toString(), Posix.O_RDONLY | Posix.O_DIRECTORY, 0);
    }

    @AfterEach
    void tearDown() throws IOException {
        try {
            if (dirFd >= 0) Posix.closeQuietly(dirFd);
            if (mount != null) mount.close();
        } finally {
            if (mp != null) FusePrerequisites.forceUnmount(mp);
        }
    }

    @Test
    void rename2FlagsAreHonoured() throws IOException {
        mount(MountOptions.defaults());
        assertThatThrownBy(() -> Posix.renameat2(dirFd, "a", dirFd, "b", Posix.RENAME_NOREPLACE))
                .isInstanceOfSatisfying(FsException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EEXIST));
        Posix.renameat2(dirFd, "a", dirFd, "b", Posix.RENAME_EXCHANGE);
        assertThat(Files.readString(mp.resolve("a"))).isEqualTo("BB");
        assertThat(Files.readString(mp.resolve("b"))).isEqualTo("AAAA");
        assertThat(mount.counters().get("RENAME2")).isPositive();
    }

    @Test
    void mknodFifoAndDevice() {
        mount(MountOptions.defaults());
        Posix.mknodat(dirFd, "fifo", Stat.S_IFIFO | 0640, 0);
        Stat s = Posix.fstatat(dirFd, "fifo", Posix.AT_SYMLINK_NOFOLLOW);
        assertThat(s.type()).isEqualTo(Stat.S_IFIFO);
        assertThat(s.mode() & 0777).isEqualTo(0640 & ~umaskOf0022());
        Posix.mknodat(dirFd, "null", Stat.S_IFCHR | 0666, Posix.makedev(1, 3));
        Stat d = Posix.fstatat(dirFd, "null", Posix.AT_SYMLINK_NOFOLLOW);
        assertThat(Posix.major(d.rdev())).isEqualTo(1);
        assertThat(Posix.minor(d.rdev())).isEqualTo(3);
        // a whiteout-style 0/0 char device, as overlayfs uppers carry
        Posix.mknodat(dirFd, "wh", Stat.S_IFCHR, 0);
        assertThat(Posix.fstatat(dirFd, "wh", Posix.AT_SYMLINK_NOFOLLOW).isCharDevice00()).isTrue();
    }

    private static int umaskOf0022() {
        return 0; // 0640 has no bits a 022 umask would clear
    }

    @Test
    void lseekCopyFileRangeAndFallocate() throws IOException {
        mount(MountOptions.defaults().withPassthrough(false));
        int in = Posix.openat(dirFd, "a", Posix.O_RDONLY, 0);
        int out = Posix.openat(dirFd, "c", Posix.O_WRONLY | Posix.O_CREAT, 0644);
        try {
            assertThat(Posix.lseek(in, 1, Posix.SEEK_DATA)).isEqualTo(1);
            assertThat(Posix.lseek(in, 0, Posix.SEEK_HOLE)).isEqualTo(4);
            assertThat(Posix.copyFileRange(in, 1, out, 0, 3)).isEqualTo(3);
            assertThatThrownBy(() -> Posix.fallocate(out, 0, 0, 100))
                    .isInstanceOfSatisfying(FsException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EOPNOTSUPP));
        } finally {
            Posix.close(in);
            Posix.close(out);
        }
        assertThat(Files.readString(mp.resolve("c"))).isEqualTo("AAA");
    }

    @Test
    void overwriteTruncatesAtOpen() throws IOException {
        mount(MountOptions.defaults());
        Files.writeString(mp.resolve("a"), "z");
        assertThat(Files.readString(mp.resolve("a"))).isEqualTo("z");
        assertThat(Files.size(mp.resolve("a"))).isEqualTo(1);
    }

    @Test
    void writebackCacheMountReadsBackWrites() throws IOException {
        mount(MountOptions.defaults().withPassthrough(false).withWritebackCache(true));
        assertThat(mount.writebackCache()).isTrue();
        Path f = mp.resolve("wb");
        byte[] data = new byte[3 * 1024 * 1024 + 5];
        for (int i = 0; i < data.length; i++) data[i] = (byte) (i * 31);
        Files.write(f, data);
        Files.write(mp.resolve("a"), "tail".getBytes(StandardCharsets.UTF_8), java.nio.file.StandardOpenOption.APPEND);
        assertThat(Files.readAllBytes(f)).isEqualTo(data);
        assertThat(Files.readString(mp.resolve("a"))).isEqualTo("AAAAtail");
    }

    @Test
    void passthroughIsNeverCombinedWithWritebackCache() {
        mount(MountOptions.defaults().withPassthrough(true).withWritebackCache(true));
        assertThat(mount.passthrough() && mount.writebackCache()).isFalse();
    }

    @Test
    void readOnlyMountRefusesWrites() {
        mount(MountOptions.defaults().withReadOnly(true));
        assertThatThrownBy(() -> Files.writeString(mp.resolve("x"), "x"))
                .isInstanceOf(IOException.class).hasMessageContaining("Read-only file system");
        assertThat(mount.counters().get("CREATE")).isZero();
    }
}
