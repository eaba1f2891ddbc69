package io.lamina.fuse;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Real mounts of the in-memory {@link MemFs} through {@link NativeFuseTransport}. */
class NativeFuseMountTest {
    private Path dir;
    private Path mp;
    private MemFs fs;
    private NativeFuseTransport.NativeMount mount;

    @BeforeEach
    void setUp() throws IOException {
        FusePrerequisites.require();
        dir = FusePrerequisites.tempDir("fuse-test");
        mp = Files.createDirectory(dir.resolve("mnt"));
        fs = new MemFs();
        long etc = fs.addDir(MemFs.ROOT, "etc");
        fs.addFile(etc, "hostname", "lamina\n".getBytes(StandardCharsets.UTF_8));
        fs.addFile(MemFs.ROOT, "hello.txt", "hello, world\n".getBytes(StandardCharsets.UTF_8));
    }

    private void mount(MountOptions o) {
        mount = new NativeFuseTransport().mount(fs, mp, o);
    }

    private void mount() {
        mount(MountOptions.defaults().withWorkers(3));
    }

    @AfterEach
    void tearDown() throws IOException {
        try {
            if (mount != null) mount.close();
        } finally {
            if (mp != null) FusePrerequisites.forceUnmount(mp);
        }
        if (mp != null) assertThat(FusePrerequisites.mounted(mp)).isFalse();
    }

    @Test
    void readOnlyBasics() throws IOException {
        mount();
        assertThat(Files.readString(mp.resolve("hello.txt"))).isEqualTo("hello, world\n");
        assertThat(Files.readString(mp.resolve("etc/hostname"))).isEqualTo("lamina\n");
        assertThat(Files.isDirectory(mp.resolve("etc"))).isTrue();
        assertThat(Files.size(mp.resolve("hello.txt"))).isEqualTo(13);
        assertThat(Files.exists(mp.resolve("missing"))).isFalse();
        assertThat(names(mp)).containsExactly("etc", "hello.txt");
        assertThat(mount.counters().get("INIT")).isEqualTo(1);
        assertThat(mount.counters().get("LOOKUP")).isPositive();
        assertThat(mount.protocolMinor()).isGreaterThanOrEqualTo(31);
    }

    @Test
    void mutations() throws IOException {
        mount();
        Path d = Files.createDirectory(mp.resolve("d"));
        Path f = d.resolve("f");
        Files.writeString(f, "0123456789");
        assertThat(Files.readString(f)).isEqualTo("0123456789");
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap("AB".getBytes(StandardCharsets.UTF_8)), 4);
            ch.force(true);
            ch.truncate(8);
        }
        assertThat(Files.readString(f)).isEqualTo("0123AB67");
        Files.writeString(f, "xy", StandardOpenOption.APPEND);
        assertThat(Files.readString(f)).isEqualTo("0123AB67xy");

        Path g = Files.move(f, d.resolve("g"));
        assertThat(Files.exists(f)).isFalse();
        assertThat(Files.readString(g)).isEqualTo("0123AB67xy");
        Files.writeString(d.resolve("h"), "h");
        Files.move(d.resolve("h"), g, StandardCopyOption.REPLACE_EXISTING);
        assertThat(Files.readString(g)).isEqualTo("h");

        Path link = Files.createSymbolicLink(mp.resolve("link"), Path.of("d/g"));
        assertThat(Files.readSymbolicLink(link)).isEqualTo(Path.of("d/g"));
        assertThat(Files.readString(link)).isEqualTo("h");
        assertThat(Files.isSymbolicLink(link)).isTrue();

        Path hard = Files.createLink(mp.resolve("hard"), g);
        assertThat(Files.getAttribute(hard, "unix:nlink")).isEqualTo(2);
        assertThat(Files.getAttribute(hard, "unix:ino")).isEqualTo(Files.getAttribute(g, "unix:ino"));

        Files.setPosixFilePermissions(g, PosixFilePermissions.fromString("rwx------"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(g))).isEqualTo("rwx------");
        FileTime t = FileTime.fromMillis(1_000_000_000_000L);
        Files.setLastModifiedTime(g, t);
        assertThat(Files.getLastModifiedTime(g)).isEqualTo(t);

        UserDefinedFileAttributeView x = Files.getFileAttributeView(g, UserDefinedFileAttributeView.class);
        x.write("color", ByteBuffer.wrap("blue".getBytes(StandardCharsets.UTF_8)));
        assertThat(x.list()).containsExactly("color");
        ByteBuffer v = ByteBuffer.allocate(x.size("color"));
        x.read("color", v);
        assertThat(new String(v.array(), StandardCharsets.UTF_8)).isEqualTo("blue");
        x.delete("color");
        assertThat(x.list()).isEmpty();

        assertThatThrownBy(() -> Files.delete(d)).isInstanceOf(java.nio.file.DirectoryNotEmptyException.class);
        Files.delete(g);
        Files.delete(hard);
        Files.delete(link);
        Files.delete(d);
        assertThat(names(mp)).containsExactly("etc", "hello.txt");
        assertThatThrownBy(() -> Files.delete(mp.resolve("nothing"))).isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void largeReadAndWriteThroughTheNormalPath() throws IOException {
        mount(MountOptions.defaults().withWorkers(2).withPassthrough(false));
        byte[] data = new byte[5 * 1024 * 1024 + 123];
        new Random(7).nextBytes(data);
        Path f = mp.resolve("big");
        Files.write(f, data);
        assertThat(Files.readAllBytes(f)).isEqualTo(data);
        assertThat(mount.counters().get("WRITE")).isPositive();
    }

    @Test
    void readdirOfTenThousandEntries() throws IOException {
        mount();
        Path d = Files.createDirectory(mp.resolve("many"));
        for (int i = 0; i < 10_000; i++) Files.createFile(d.resolve("file-" + i));
        List<String> seen = names(d);
        assertThat(seen).hasSize(10_000).doesNotHaveDuplicates();
        assertThat(Files.getAttribute(d.resolve("file-9999"), "size")).isEqualTo(0L);
        assertThat(mount.counters().get("READDIRPLUS") + mount.counters().get("READDIR")).isPositive();
    }

    @Test
    void engineExceptionIsAnsweredEioAndWorkersSurvive() throws IOException {
        mount(MountOptions.defaults().withWorkers(2));
        for (int i = 0; i < 5; i++) {
            assertThatThrownBy(() -> Files.readAttributes(mp.resolve(MemFs.BOOM), "size"))
                    .isInstanceOf(IOException.class).hasMessageContaining("Input/output error");
        }
        assertThat(mount.counters().unexpectedFailures()).isEqualTo(5);
        assertThat(Files.readString(mp.resolve("hello.txt"))).isEqualTo("hello, world\n");
        assertThat(names(mp)).contains("etc");
    }

    @Test
    void statfsAndFsync() throws IOException {
        mount();
        assertThat(Files.getFileStore(mp).getTotalSpace()).isEqualTo((1L << 20) * 4096);
        try (FileChannel ch = FileChannel.open(mp.resolve("s"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
            ch.force(false);
            ch.force(true);
        }
        assertThat(mount.counters().get("FSYNC")).isPositive();
        assertThat(Files.readAllBytes(mp.resolve("s"))).containsExactly(1, 2, 3);
    }

    @Test
    void closeUnmountsAndAwaitReturns() throws Exception {
        mount();
        assertThat(FusePrerequisites.mounted(mp)).isTrue();
        mount.close();
        mount.awaitUnmount();
        assertThat(FusePrerequisites.mounted(mp)).isFalse();
        assertThat(Files.exists(mp.resolve("hello.txt"), LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(openFuseDescriptors()).as("/dev/fuse descriptors left open").isZero();
    }

    private static long openFuseDescriptors() throws IOException {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return s.filter(p -> {
                try {
                    return Files.readSymbolicLink(p).toString().equals("/dev/fuse");
                } catch (IOException e) {
                    return false; // the descriptor closed while we looked
                }
            }).count();
        }
    }

    static List<String> names(Path d) throws IOException {
        List<String> l = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(d)) {
            for (Path p : s) l.add(p.getFileName().toString());
        }
        l.sort(null);
        return l;
    }
}
