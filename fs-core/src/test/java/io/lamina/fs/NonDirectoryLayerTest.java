package io.lamina.fs;

import io.lamina.fs.TestLayers.View;
import io.lamina.sys.Posix;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The engine reads lower layers only through {@link LowerLayer}: a stack whose top lower layer is
 * an in-memory tree ({@link MemoryLayer}, no directory behind it) over a directory layer merges,
 * hides, reads, copies up and keeps hardlinks as with directories.
 */
class NonDirectoryLayerTest {
    Path bottom, upper, work;
    MemoryLayer mem;
    InodeFs fs;
    View v;

    @BeforeEach
    void setUp() throws Exception {
        TestLayers.requireRoot();
        Path dir = TestLayers.tempDir("memlayer");
        bottom = Files.createDirectories(dir.resolve("bottom"));
        upper = Files.createDirectories(dir.resolve("upper"));
        work = Files.createDirectories(dir.resolve("work"));
        TestLayers.write(bottom.resolve("a.txt"), "bottom a");
        TestLayers.write(bottom.resolve("gone.txt"), "hidden");
        TestLayers.write(bottom.resolve("d/x"), "x");
        TestLayers.write(bottom.resolve("d/y"), "y");
        TestLayers.write(bottom.resolve("opq/old"), "old");
        mem = new MemoryLayer(Files.createDirectories(dir.resolve("objects")))
                .file("f", 0640, 7, "memory data")
                .xattr("f", "user.note", "kept")
                .symlink("l", "f")
                .file("d/z", 0644, 0, "z")
                .whiteout("d/y")
                .whiteout("gone.txt")
                .dir("opq").opaque("opq").file("opq/new", 0644, 0, "new")
                .file("h1", 0644, 0, "linked")
                .hardlink("h2", "h1");
        fs = UnionFs.open(UnionSpec.ofLayers(List.of(mem, LowerLayer.ofDirectory(bottom)), upper, work));
        v = new View(fs);
    }

    @AfterEach
    void tearDown() {
        if (fs != null) fs.close();
    }

    @Test
    void mergesHidesAndReadsThroughTheInterface() {
        assertThat(v.list("/")).containsExactly("a.txt", "d", "f", "h1", "h2", "l", "opq");
        assertThat(v.list("/d")).containsExactly("x", "z");
        assertThat(v.list("/opq")).containsExactly("new");
        assertThat(v.exists("/gone.txt")).isFalse();
        assertThat(v.exists("/d/y")).isFalse();
        assertThat(v.read("/f")).isEqualTo("memory data");
        assertThat(v.read("/a.txt")).isEqualTo("bottom a");
        assertThat(fs.readlink(v.node("/l"))).isEqualTo("f");
        Attr a = v.stat("/f");
        assertThat(a.permissions()).isEqualTo(0640);
        assertThat(a.uid()).isEqualTo(7);
        assertThat(a.size()).isEqualTo("memory data".length());
        assertThat(fs.listxattr(v.node("/f"))).containsExactly("user.note");
        assertThat(fs.getxattr(v.node("/f"), "user.note")).asString().isEqualTo("kept");
        assertThat(mem.calls("probe")).isPositive();
        assertThat(mem.calls("list")).isPositive();
        assertThat(mem.calls("openData")).isPositive();
    }

    @Test
    void inodeNumbersComeFromTheLayerAndSurviveCopyUp() {
        long f = v.stat("/f").ino();
        long z = v.stat("/d/z").ino();
        assertThat(f).isNotEqualTo(z);
        assertThat(v.stat("/h1").ino()).isEqualTo(v.stat("/h2").ino());
        v.write("/f", 0, "MEMORY");
        assertThat(v.stat("/f").ino()).isEqualTo(f);
    }

    @Test
    void copyUpTakesDataMetadataAndXattrsFromTheInterface() throws Exception {
        v.write("/f", 0, "MEMORY");
        assertThat(v.read("/f")).isEqualTo("MEMORY data");
        assertThat(Files.readString(upper.resolve("f"))).isEqualTo("MEMORY data");
        assertThat(Posix.lgetxattr(upper.resolve("f").toString(), "user.note")).asString().isEqualTo("kept");
        Attr a = v.stat("/f");
        assertThat(a.permissions()).isEqualTo(0640);
        assertThat(a.uid()).isEqualTo(7);
        fs.setattr(v.node("/l"), SetAttr.none().withOwner(5, 5), -1, Caller.ROOT);
        assertThat(Files.readSymbolicLink(upper.resolve("l")).toString()).isEqualTo("f");
    }

    @Test
    void metadataOnlyCopyUpKeepsReadingLowerData() {
        fs.setattr(v.node("/f"), SetAttr.none().withMode(0600), -1, Caller.ROOT);
        int before = mem.calls("openData");
        assertThat(v.read("/f")).isEqualTo("memory data");
        assertThat(mem.calls("openData")).isGreaterThan(before);
        assertThat(v.stat("/f").permissions()).isEqualTo(0600);
        v.write("/f", 0, "M");
        assertThat(v.read("/f")).isEqualTo("Memory data");
    }

    @Test
    void hardlinkedFilesStayLinkedAfterCopyUp() {
        v.write("/h1", 0, "L");
        assertThat(v.read("/h2")).isEqualTo("Linked");
        assertThat(v.stat("/h1").nlink()).isEqualTo(2);
        assertThat(v.stat("/h2").nlink()).isEqualTo(2);
    }

    @Test
    void renamedLowerDirectoryKeepsItsContentAndRemovalsLeaveWhiteouts() {
        fs.rename(InodeFs.ROOT, "opq", InodeFs.ROOT, "moved", 0);
        assertThat(v.list("/moved")).containsExactly("new");
        assertThat(v.read("/moved/new")).isEqualTo("new");
        assertThat(v.exists("/opq")).isFalse();
        fs.unlink(v.node("/d"), "z");
        assertThat(v.list("/d")).containsExactly("x");
        assertThat(v.list("/")).containsExactly("a.txt", "d", "f", "h1", "h2", "l", "moved");
    }

    @Test
    void lowerFilesHaveABackingDescriptor() {
        long fh = fs.open(v.node("/f"), Posix.O_RDONLY);
        try {
            OptionalInt fd = fs.backingFd(fh);
            assertThat(fd).isPresent();
            ByteBuffer buf = ByteBuffer.allocate(64);
            int n = Posix.pread(fd.getAsInt(), buf, 0);
            assertThat(new String(buf.array(), 0, n, StandardCharsets.UTF_8)).isEqualTo("memory data");
        } finally {
            fs.release(fh);
        }
    }

    @Test
    void theUnionClosesItsLayers() {
        fs.close();
        fs = null;
        assertThat(mem.closed).isTrue();
    }

    @Test
    void aFailedOpenClosesTheLayersItWasGiven() throws Exception {
        MemoryLayer other = new MemoryLayer(Files.createDirectories(work.resolveSibling("objects2")));
        assertThatThrownBy(() -> UnionFs.open(UnionSpec.ofLayers(List.of(other), upper.resolveSibling("nope"), work)))
                .isInstanceOfSatisfying(FsException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENOENT));
        assertThat(other.closed).isTrue();
    }
}
