package io.lamina.fuse;

import io.lamina.fs.Errno;
import io.lamina.fs.FsException;
import io.lamina.sys.Posix;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The jnr-fuse transport over a real mount of {@link CountingMemFs}, driven through java.nio. */
class JnrFuseTransportTest {
    private CountingMemFs fs;
    private Path mnt;
    private FuseTransport.Mounted mounted;

    @BeforeEach
    void mount() throws IOException {
        FusePrereqs.requireLibfuse2();
        fs = new CountingMemFs();
        mnt = Files.createDirectory(FusePrereqs.tempDir("jnr").resolve("mnt"));
        mounted = new JnrFuseTransport().mount(fs, mnt, new MountOptions("lamina-test", false, 4, false));
    }

    @AfterEach
    void unmount() {
        if (mounted == null) return;
        try {
            mounted.close();
        } finally {
            if (MountTable.at(mnt).isPresent()) Unmount.unmountQuietly(mnt);
        }
        assertThat(MountTable.at(mnt)).isEmpty();
        assertThat(fs.outstandingLookups()).as("lookup counts given back").isZero();
        assertThat(fs.openHandles()).as("handles released").isZero();
    }

    @Test
    void showsAsFuseLaminaWithItsName() {
        MountTable.Mount m = MountTable.at(mnt).orElseThrow();
        assertThat(m.fsType()).isEqualTo("fuse.lamina");
        assertThat(m.source()).isEqualTo("lamina-test");
    }

    @Test
    void writesReadsAndStats() throws IOException {
        Path f = mnt.resolve("a.txt");
        Files.writeString(f, "hello");
        assertThat(Files.readString(f)).isEqualTo("hello");
        assertThat(Files.size(f)).isEqualTo(5);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r-----"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-r-----");
        long ino = (Long) Files.getAttribute(f, "unix:ino");
        assertThat(ino).as("st_ino is the engine's").isEqualTo(fs.lookupIno("a.txt"));
        java.nio.file.attribute.FileTime t = java.nio.file.attribute.FileTime.fromMillis(1_500_000_000_123L);
        Files.setLastModifiedTime(f, t);
        assertThat(Files.getLastModifiedTime(f)).isEqualTo(t);
        Files.writeString(f, "!", StandardOpenOption.APPEND);
        assertThat(Files.readString(f)).isEqualTo("hello!");
        Files.write(f, new byte[0], StandardOpenOption.TRUNCATE_EXISTING);
        assertThat(Files.size(f)).isZero();
    }

    @Test
    void largeFilesRoundTrip() throws IOException {
        byte[] data = new byte[3 * 1024 * 1024 + 17];
        new Random(42).nextBytes(data);
        Path f = mnt.resolve("big.bin");
        Files.write(f, data);
        assertThat(Files.readAllBytes(f)).isEqualTo(data);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(100);
            ch.read(b, 2_000_000);
            assertThat(b.array()).isEqualTo(java.util.Arrays.copyOfRange(data, 2_000_000, 2_000_100));
        }
    }

    @Test
    void directoriesListAndRename() throws IOException {
        Files.createDirectories(mnt.resolve("d/e"));
        Files.writeString(mnt.resolve("d/e/f"), "x");
        Files.writeString(mnt.resolve("d/g"), "y");
        assertThat(list(mnt.resolve("d"))).containsExactly("e", "g");
        Files.move(mnt.resolve("d"), mnt.resolve("moved"));
        assertThat(Files.exists(mnt.resolve("d"))).isFalse();
        assertThat(Files.readString(mnt.resolve("moved/e/f"))).isEqualTo("x");
        assertThatThrownBy(() -> Files.readString(mnt.resolve("d/e/f"))).isInstanceOf(NoSuchFileException.class);
        Files.delete(mnt.resolve("moved/e/f"));
        Files.delete(mnt.resolve("moved/e"));
        assertThat(list(mnt.resolve("moved"))).containsExactly("g");
        assertThatThrownBy(() -> Files.delete(mnt.resolve("moved")))
                .isInstanceOf(java.nio.file.DirectoryNotEmptyException.class);
    }

    @Test
    void manyEntriesListInFull() throws IOException {
        Path d = Files.createDirectory(mnt.resolve("many"));
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 700; i++) {
            String n = "file-with-a-longish-name-" + String.format("%04d", i);
            Files.createFile(d.resolve(n));
            names.add(n);
        }
        assertThat(list(d)).containsExactlyElementsOf(names);
    }

    @Test
    void symlinksAreData() throws IOException {
        Files.createSymbolicLink(mnt.resolve("link"), Path.of("../elsewhere/target"));
        assertThat(Files.readSymbolicLink(mnt.resolve("link"))).isEqualTo(Path.of("../elsewhere/target"));
        assertThat(Files.isSymbolicLink(mnt.resolve("link"))).isTrue();
        Files.createLink(mnt.resolve("hard"), Files.writeString(mnt.resolve("orig"), "same"));
        assertThat(Files.readString(mnt.resolve("hard"))).isEqualTo("same");
        assertThat(Files.getAttribute(mnt.resolve("orig"), "unix:nlink")).isEqualTo(2);
    }

    @Test
    void extendedAttributes() throws IOException {
        Path f = Files.writeString(mnt.resolve("x"), "");
        UserDefinedFileAttributeView v = Files.getFileAttributeView(f, UserDefinedFileAttributeView.class);
        v.write("color", StandardCharsets.UTF_8.encode("blue"));
        v.write("empty", ByteBuffer.allocate(0));
        assertThat(v.list()).containsExactlyInAnyOrder("color", "empty");
        ByteBuffer b = ByteBuffer.allocate(v.size("color"));
        v.read("color", b);
        assertThat(new String(b.array(), StandardCharsets.UTF_8)).isEqualTo("blue");
        v.delete("color");
        assertThat(v.list()).containsExactly("empty");
        assertThatThrownBy(() -> v.size("color")).isInstanceOf(IOException.class);
    }

    @Test
    void anOpenFileOutlivesItsName() throws IOException {
        Path f = Files.writeString(mnt.resolve("gone"), "still here");
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            Files.delete(f);
            assertThat(Files.exists(f)).isFalse();
            ByteBuffer b = ByteBuffer.allocate(64);
            ch.read(b, 0);
            assertThat(new String(b.array(), 0, b.position(), StandardCharsets.UTF_8)).isEqualTo("still here");
            // Not checked: fstat of the unlinked file. The kernel asks GETATTR by inode without a
            // handle, and libfuse2's path-based API has no path left for it (ENOENT); that is the
            // price of hard_remove, which keeps .fuse_hidden files out of the upper layer.
        }
    }

    /**
     * libfuse2 cannot pass renameat2 flags, so the kernel refuses them with EINVAL; only
     * RENAME_NOREPLACE onto an existing name is answered by the VFS itself (EEXIST).
     */
    @Test
    void renameat2FlagsOverLibfuse2() throws IOException {
        Files.writeString(mnt.resolve("a"), "a");
        Files.writeString(mnt.resolve("b"), "b");
        assertThat(renameat2("a", "b", Posix.RENAME_EXCHANGE)).isEqualTo(Errno.EINVAL);
        assertThat(renameat2("a", "b", Posix.RENAME_NOREPLACE)).isEqualTo(Errno.EEXIST);
        assertThat(renameat2("a", "c", Posix.RENAME_NOREPLACE)).isEqualTo(Errno.EINVAL);
        assertThat(Files.readString(mnt.resolve("a"))).isEqualTo("a");
    }

    private Errno renameat2(String from, String to, int flags) {
        try {
            Posix.renameat2(Posix.AT_FDCWD, mnt.resolve(from).toString(), Posix.AT_FDCWD, mnt.resolve(to).toString(), flags);
            return null;
        } catch (FsException e) {
            return e.errno();
        }
    }

    @Test
    void errorsArriveAsErrno() {
        assertThatThrownBy(() -> Files.readString(mnt.resolve("missing"))).isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> Files.createDirectory(mnt)).isInstanceOf(java.nio.file.FileAlreadyExistsException.class);
    }

    @Test
    void concurrentChangesKeepPathsAndCountsStraight() throws Exception {
        int threads = 4, rounds = 60;
        var pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        try {
            List<java.util.concurrent.Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Path own = Files.createDirectory(mnt.resolve("t" + t));
                done.add(pool.submit(() -> {
                    for (int i = 0; i < rounds; i++) {
                        Path d = Files.createDirectories(own.resolve("d" + i + "/sub"));
                        Files.writeString(d.resolve("f"), "round " + i);
                        Path moved = own.resolve("m" + i);
                        Files.move(own.resolve("d" + i), moved);
                        if (!Files.readString(moved.resolve("sub/f")).equals("round " + i)) throw new AssertionError(moved);
                        if (Files.exists(own.resolve("d" + i + "/sub/f"))) throw new AssertionError("stale " + i);
                        Files.delete(moved.resolve("sub/f"));
                        Files.delete(moved.resolve("sub"));
                        Files.delete(moved);
                        list(mnt);
                    }
                    return null;
                }));
            }
            for (var f : done) f.get();
        } finally {
            pool.shutdownNow();
        }
        for (int t = 0; t < threads; t++) assertThat(list(mnt.resolve("t" + t))).isEmpty();
    }

    @Test
    void unmountFromOutsideEndsTheMount() throws Exception {
        Unmount.unmount(mnt, false);
        mounted.awaitUnmount();
        assertThat(MountTable.at(mnt)).isEmpty();
    }

    private static List<String> list(Path dir) throws IOException {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            s.forEach(p -> names.add(p.getFileName().toString()));
        }
        names.sort(null);
        return names;
    }
}
