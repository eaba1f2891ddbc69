package io.lamina.fs;

import io.lamina.fs.TestLayers.View;
import io.lamina.sys.Posix;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The upper as a private size-capped tmpfs, volatile uppers, and upper/work checks at open. */
class UpperKindsTest {

    @Test
    void tmpfsUpperIsPrivateCappedAndNeverInTheMountTable() throws Exception {
        TestLayers.requireRoot();
        Path lower = TestLayers.tempDir("tmpfs-lower");
        TestLayers.write(lower.resolve("f"), "lower");
        List<String> before = tmpfsUppers();
        InodeFs fs = UnionFs.open(UnionSpec.ofTmpfs(List.of(lower), 1 << 20));
        // Detached at once: nothing to leak if the process dies.
        assertThat(tmpfsUppers()).isEqualTo(before);
        try {
            View v = new View(fs);
            v.write("/f", 0, "UPPER");
            assertThat(v.read("/f")).isEqualTo("UPPER");
            assertThat(Files.readString(lower.resolve("f"))).isEqualTo("lower");
            assertThat(fs.statfs().blocks() * fs.statfs().blockSize()).isEqualTo(1 << 20);
            Created big = fs.create(InodeFs.ROOT, "big", 0644, Posix.O_RDWR, Caller.ROOT);
            try {
                ByteBuffer mib = ByteBuffer.allocate(1 << 20);
                assertThatThrownBy(() -> {
                    for (long off = 0; off < 4L << 20; off += 1 << 20) fs.write(big.fh(), off, mib.clear());
                }).isInstanceOfSatisfying(FsException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENOSPC));
            } finally {
                fs.release(big.fh());
            }
        } finally {
            fs.close();
        }
        assertThat(tmpfsUppers()).isEqualTo(before);
    }

    /** Mount points of lamina's private tmpfs uppers now mounted. */
    private static List<String> tmpfsUppers() throws java.io.IOException {
        return Files.readAllLines(Path.of("/proc/self/mounts")).stream().map(l -> l.split(" ")[1])
                .filter(p -> p.contains("lamina-tmpfs-")).toList();
    }

    @Test
    void volatileUpperWorksWithoutSync() throws Exception {
        TestLayers.requireRoot();
        Path dir = TestLayers.tempDir("volatile");
        Path lower = Files.createDirectories(dir.resolve("lower"));
        TestLayers.write(lower.resolve("f"), "lower");
        UnionSpec spec = UnionSpec.ofDirs(List.of(lower), Files.createDirectories(dir.resolve("upper")),
                Files.createDirectories(dir.resolve("work"))).asVolatile();
        try (InodeFs fs = UnionFs.open(spec)) {
            long fh = fs.open(new View(fs).node("/f"), Posix.O_RDWR);
            fs.write(fh, 0, ByteBuffer.wrap("V".getBytes()));
            fs.fsync(fh, false);
            fs.release(fh);
            assertThat(new View(fs).read("/f")).isEqualTo("Vower");
        }
    }

    @Test
    void missingLayerAndSplitUpperAreRefused() throws Exception {
        TestLayers.requireRoot();
        Path dir = TestLayers.tempDir("refused");
        Path upper = Files.createDirectories(dir.resolve("upper"));
        Path work = Files.createDirectories(dir.resolve("work"));
        assertThatThrownBy(() -> UnionFs.open(UnionSpec.ofDirs(List.of(dir.resolve("nope")), upper, work)))
                .isInstanceOfSatisfying(FsException.class, e -> {
                    assertThat(e.errno()).isEqualTo(Errno.ENOENT);
                    assertThat(e.getMessage()).contains("lower layer").contains("nope");
                });
        // /dev/shm is a tmpfs: never the filesystem of a test's temp dir.
        Path otherFs = Files.createTempDirectory(Path.of("/dev/shm"), "lamina-work");
        try {
            assertThatThrownBy(() -> UnionFs.open(UnionSpec.ofDirs(List.of(upper), Files.createDirectories(dir.resolve("u2")), otherFs)))
                    .isInstanceOfSatisfying(FsException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EXDEV));
        } finally {
            Files.walk(otherFs).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
