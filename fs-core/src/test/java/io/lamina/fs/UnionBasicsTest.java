package io.lamina.fs;

import io.lamina.fs.TestLayers.View;
import io.lamina.sys.Posix;
import io.lamina.sys.Stat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The union rules on a small two-layer stack, checked against the engine's inode API. */
class UnionBasicsTest {
    Path top, bottom, upper, work;
    InodeFs fs;
    View v;

    @BeforeEach
    void setUp() throws Exception {
        TestLayers.requireRoot();
        Path dir = TestLayers.tempDir("basics");
        top = dir.resolve("top");
        bottom = dir.resolve("bottom");
        upper = dir.resolve("upper");
        work = dir.resolve("work");
        for (Path p : List.of(top, bottom, upper, work)) Files.createDirectories(p);
        TestLayers.write(bottom.resolve("a.txt"), "bottom a");
        TestLayers.write(bottom.resolve("gone.txt"), "hidden");
        TestLayers.write(bottom.resolve("d/x"), "x");
        TestLayers.write(bottom.resolve("d/y"), "y");
        TestLayers.write(bottom.resolve("opq/old"), "old");
        TestLayers.write(top.resolve("d/z"), "z");
        TestLayers.whiteout(top.resolve("gone.txt"));
        TestLayers.write(top.resolve(".wh.y"), "");
        Files.move(top.resolve(".wh.y"), top.resolve("d/.wh.y"));
        TestLayers.write(top.resolve("opq/new"), "new");
        TestLayers.xattr(top.resolve("opq"), "trusted.overlay.opaque", "y");
        Files.createLink(bottom.resolve("h1"), Files.writeString(bottom.resolve("h2"), "linked"));
        fs = UnionFs.open(UnionSpec.ofDirs(List.of(top, bottom), upper, work));
        v = new View(fs);
    }

    @AfterEach
    void tearDown() {
        if (fs != null) fs.close();
    }

    @Test
    void mergesDirectoriesAndHonoursWhiteoutsAndOpaque() {
        assertThat(v.list("/")).containsExactly("a.txt", "d", "h1", "h2", "opq");
        assertThat(v.list("/d")).containsExactly("x", "z");
        assertThat(v.list("/opq")).containsExactly("new");
        assertThat(v.exists("/gone.txt")).isFalse();
        assertThat(v.read("/a.txt")).isEqualTo("bottom a");
    }

    /** The descriptors the engine keeps (upper directories of live nodes, lower directories) go with it. */
    @Test
    void closeReleasesEveryDescriptorItKept() throws Exception {
        Path dir = TestLayers.tempDir("fds");
        Path upper2 = Files.createDirectories(dir.resolve("upper"));
        Path work2 = Files.createDirectories(dir.resolve("work"));
        long before = openDescriptors();
        InodeFs other = UnionFs.open(UnionSpec.ofDirs(List.of(top, bottom), upper2, work2));
        try {
            View w = new View(other);
            long made = other.mkdir(InodeFs.ROOT, "made", 0755, Caller.ROOT).nodeId();
            other.mkdir(made, "inner", 0755, Caller.ROOT);
            long fh = other.create(made, "f", 0644, Posix.O_WRONLY, Caller.ROOT).fh();
            other.release(fh);
            w.write("/d/x", 0, "copied up");
            assertThat(w.list("/d")).containsExactly("x", "z");
            assertThat(w.exists("/d/nothing")).isFalse();
            assertThat(openDescriptors()).isGreaterThan(before);
        } finally {
            other.close();
        }
        assertThat(openDescriptors()).isEqualTo(before);
    }

    private static long openDescriptors() throws Exception {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }

    @Test
    void writeCopiesUpAndKeepsInode() throws Exception {
        long ino = v.stat("/a.txt").ino();
        v.write("/a.txt", 0, "TOP");
        assertThat(v.read("/a.txt")).isEqualTo("TOP" + "tom a");
        assertThat(Files.readString(upper.resolve("a.txt"))).isEqualTo("TOPtom a");
        assertThat(Files.readString(bottom.resolve("a.txt"))).isEqualTo("bottom a");
        assertThat(v.stat("/a.txt").ino()).isEqualTo(ino);
    }

    @Test
    void chmodCopiesMetadataOnly() throws Exception {
        fs.setattr(v.node("/a.txt"), SetAttr.none().withMode(0600), -1, Caller.ROOT);
        assertThat(v.stat("/a.txt").permissions()).isEqualTo(0600);
        assertThat(Posix.lgetxattr(upper.resolve("a.txt").toString(), "trusted.overlay.metacopy")).isNotNull();
        int fd = Posix.openat(Posix.AT_FDCWD, upper.resolve("a.txt").toString(), Posix.O_RDONLY, 0);
        try {
            assertThatThrownBy(() -> Posix.lseek(fd, 0, Posix.SEEK_DATA)).isInstanceOf(FsException.class);
        } finally {
            Posix.close(fd);
        }
        assertThat(v.read("/a.txt")).isEqualTo("bottom a");
        v.write("/a.txt", 0, "B");
        assertThat(v.read("/a.txt")).isEqualTo("Bottom a");
    }

    @Test
    void unlinkOfLowerLeavesWhiteout() throws Exception {
        fs.unlink(InodeFs.ROOT, "a.txt");
        assertThat(v.exists("/a.txt")).isFalse();
        Stat st = Posix.fstatat(Posix.AT_FDCWD, upper.resolve("a.txt").toString(), Posix.AT_SYMLINK_NOFOLLOW);
        assertThat(st.isCharDevice00()).isTrue();
        assertThat(v.list("/")).doesNotContain("a.txt");
    }

    @Test
    void renameOfLowerDirectoryKeepsContents() {
        fs.rename(InodeFs.ROOT, "d", InodeFs.ROOT, "e", 0);
        assertThat(v.exists("/d")).isFalse();
        assertThat(v.list("/e")).containsExactly("x", "z");
        assertThat(v.read("/e/x")).isEqualTo("x");
    }

    @Test
    void rmdirNeedsEmptyMergedDirectory() {
        assertThatThrownBy(() -> fs.rmdir(InodeFs.ROOT, "d")).isInstanceOfSatisfying(FsException.class,
                e -> assertThat(e.errno()).isEqualTo(Errno.ENOTEMPTY));
        long d = v.node("/d");
        fs.unlink(d, "x");
        fs.unlink(d, "z");
        fs.rmdir(InodeFs.ROOT, "d");
        assertThat(v.exists("/d")).isFalse();
        fs.mkdir(InodeFs.ROOT, "d", 0755, Caller.ROOT);
        assertThat(v.list("/d")).isEmpty();
    }

    @Test
    void hardlinksStayLinkedAfterCopyUp() {
        assertThat(v.stat("/h1").nlink()).isEqualTo(2);
        v.write("/h1", 0, "L");
        assertThat(v.read("/h2")).isEqualTo("Linked");
        assertThat(v.stat("/h1").nlink()).isEqualTo(2);
        assertThat(v.stat("/h2").nlink()).isEqualTo(2);
        assertThat(v.stat("/h1").ino()).isEqualTo(v.stat("/h2").ino());
        fs.unlink(InodeFs.ROOT, "h2");
        assertThat(v.stat("/h1").nlink()).isEqualTo(1);
    }

    @Test
    void unlinkedOpenFileStaysUsable() {
        long fh = fs.open(v.node("/a.txt"), Posix.O_RDWR);
        try {
            fs.unlink(InodeFs.ROOT, "a.txt");
            fs.write(fh, 0, ByteBuffer.wrap("XY".getBytes()));
            ByteBuffer buf = ByteBuffer.allocate(64);
            int n = fs.read(fh, 0, buf);
            assertThat(new String(buf.array(), 0, n)).isEqualTo("XYttom a");
        } finally {
            fs.release(fh);
        }
    }

    @Test
    void createOverWhiteout() {
        Created c = fs.create(InodeFs.ROOT, "gone.txt", 0644, Posix.O_RDWR, Caller.ROOT);
        fs.write(c.fh(), 0, ByteBuffer.wrap("new".getBytes()));
        fs.release(c.fh());
        assertThat(v.read("/gone.txt")).isEqualTo("new");
    }
}
