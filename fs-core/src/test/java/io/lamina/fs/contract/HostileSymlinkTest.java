package io.lamina.fs.contract;

import io.lamina.fs.Caller;
import io.lamina.fs.Entry;
import io.lamina.fs.FsException;
import io.lamina.fs.InodeFs;
import io.lamina.fs.SetAttr;
import io.lamina.fs.UnionFs;
import io.lamina.fs.UnionSpec;
import io.lamina.sys.DirEnt;
import io.lamina.sys.Posix;
import io.lamina.sys.Stat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * lamina's engine never follows a symlink it finds in the upper, the work dir or a lower layer, and
 * never climbs above its root: symlinks pointing at an "outside" directory (a stand-in for /etc)
 * are planted before the mount and behind a live mount's back, every kind of call is made through
 * them, and the outside directory must be byte-for-byte unchanged. Whether a call fails or
 * succeeds is not the point (no oracle here); only that nothing outside moves.
 */
class HostileSymlinkTest {
    private Path base, lower, upper, work, outside;
    private InodeFs fs;
    private Map<String, String> outsideBefore;

    @BeforeEach
    void setUp() {
        Prerequisites.require(Prerequisites.isRoot() ? null : "not root: the engine's upper handling needs root");
        base = Prerequisites.tempDir("hostile-");
        lower = base.resolve("lower");
        upper = base.resolve("upper");
        work = base.resolve("work");
        outside = base.resolve("outside");
        new LayerWriter(outside, LayerForm.OVERLAY)
                .file("passwd", "root:x:0:0:root:/root:/bin/sh\n", 0644, 0, 0)
                .dir("sub", 0755, 0, 0).file("sub/shadow", "secret\n", 0600, 0, 0)
                .xattr("passwd", "user.mark", "outside")
                .finish(LayerWriter.MTIME_SEC);
        new LayerWriter(lower, LayerForm.OVERLAY)
                .file("file", "lower file\n", 0644, 0, 0)
                .dir("dir", 0755, 0, 0).file("dir/a", "a\n", 0644, 0, 0).file("dir/passwd", "lower passwd\n", 0644, 0, 0)
                .dir("dir/sub", 0755, 0, 0).file("dir/sub/shadow", "lower shadow\n", 0644, 0, 0)
                .symlink("evil-abs", outside.toString(), 0, 0)
                .symlink("evil-rel", "../outside", 0, 0)
                .symlink("evil-file", outside + "/passwd", 0, 0)
                .finish(LayerWriter.MTIME_SEC);
        Posix.mkdirat(Posix.AT_FDCWD, upper.toString(), 0755);
        Posix.mkdirat(Posix.AT_FDCWD, work.toString(), 0755);
        outsideBefore = snapshot(outside.toString());
    }

    @AfterEach
    void tearDown() {
        try {
            if (fs != null) fs.close();
        } finally {
            if (base != null) UnionContract.removeTree(base.toString());
        }
    }

    private void open() {
        fs = UnionFs.open(UnionSpec.ofDirs(List.of(lower), upper, work));
    }

    private void plant(Path dir, String name, String target) {
        Posix.symlinkat(target, Posix.AT_FDCWD, dir + "/" + name);
    }

    private void assertOutsideUnchanged() {
        assertThat(snapshot(outside.toString())).as("the outside directory").isEqualTo(outsideBefore);
    }

    /** Every operation a user can aim at {@code dir} and the names below it. */
    private static void everything(UserFs u, String dir) {
        u.create(dir + "/new", 0644);
        u.mkdir(dir + "/newdir", 0755);
        u.mknod(dir + "/fifo", Stat.S_IFIFO | 0644, 0);
        u.symlink("x", dir + "/lnk");
        u.link("file", dir + "/hard");
        u.pwrite(dir + "/passwd", 0, "pwned".getBytes(StandardCharsets.UTF_8));
        u.truncate(dir + "/passwd", 0);
        u.chmod(dir + "/passwd", 0777);
        u.chown(dir + "/passwd", 4242, 4242);
        u.utimes(dir + "/passwd", new UserFs.Time(1, 0), new UserFs.Time(1, 0));
        u.setxattr(dir + "/passwd", "user.pwned", new byte[]{1}, 0);
        u.setxattr(dir + "/passwd", "trusted.pwned", new byte[]{1}, 0);
        u.removexattr(dir + "/passwd", "user.mark");
        u.fallocate(dir + "/passwd", 0, 0, 1 << 20);
        u.rename("file", dir + "/moved", 0);
        u.rename(dir + "/passwd", "stolen", 0);
        u.rename(dir + "/sub", "stolen-sub", Posix.RENAME_EXCHANGE);
        u.unlink(dir + "/passwd");
        u.unlink(dir + "/sub/shadow");
        u.rmdir(dir + "/sub");
        u.chmod(dir, 0777);
        u.chown(dir, 4242, 4242);
        u.setxattr(dir, "trusted.pwned", new byte[]{1}, 0);
        u.utimes(dir, UserFs.Time.NOW, UserFs.Time.NOW);
        u.readdir(dir);
        u.contentHash(dir + "/passwd");
    }

    /** setattr/xattr calls straight on a symlink node, which the VFS would refuse before asking. */
    private void directOnSymlinkNode(long parent, String name) {
        Entry e = fs.lookup(parent, name);
        if (e == null) return;
        try {
            quietly(n -> fs.setattr(n, SetAttr.none().withMode(0777), -1, Caller.ROOT), e.nodeId());
            quietly(n -> fs.setattr(n, SetAttr.none().withOwner(4242, 4242), -1, Caller.ROOT), e.nodeId());
            quietly(n -> fs.setattr(n, SetAttr.none().withSize(0), -1, Caller.ROOT), e.nodeId());
            quietly(n -> fs.setattr(n, SetAttr.none().withTimes(1_000_000_000L, 1_000_000_000L), -1, Caller.ROOT), e.nodeId());
            quietly(n -> fs.setxattr(n, "user.pwned", new byte[]{1}, 0), e.nodeId());
            quietly(n -> fs.setxattr(n, "trusted.pwned", new byte[]{1}, 0), e.nodeId());
            quietly(n -> fs.removexattr(n, "user.mark"), e.nodeId());
            quietly(n -> fs.mkdir(n, "newdir", 0755, Caller.ROOT), e.nodeId());
            quietly(n -> fs.create(n, "new", 0100644, Posix.O_CREAT | Posix.O_WRONLY, Caller.ROOT), e.nodeId());
            quietly(n -> fs.unlink(n, "passwd"), e.nodeId());
            quietly(n -> fs.open(n, Posix.O_WRONLY | Posix.O_TRUNC), e.nodeId());
        } finally {
            fs.forget(e.nodeId(), 1);
        }
    }

    private static void quietly(Consumer<Long> call, long node) {
        try {
            call.accept(node);
        } catch (FsException expected) {
            // refusing is fine; following is not
        }
    }

    @Test
    void symlinkPlantedInUpperBeforeMountIsNeverFollowed() {
        plant(upper, "dir", outside.toString());
        open();
        everything(new EngineUserFs(fs), "dir");
        directOnSymlinkNode(InodeFs.ROOT, "dir");
        assertOutsideUnchanged();
    }

    @Test
    void symlinkPlantedBehindALiveMountIsNeverFollowedByCopyUp() {
        open();
        EngineUserFs u = new EngineUserFs(fs);
        assertThat(u.readdir("dir").orThrow("readdir")).contains("a", "passwd", "sub");
        // the engine has seen dir as a lower directory; now the upper name becomes a trap
        plant(upper, "dir", outside.toString());
        everything(u, "dir");
        assertOutsideUnchanged();
    }

    @Test
    void symlinkPlantedForANestedCopyUpIsNeverFollowed() {
        open();
        EngineUserFs u = new EngineUserFs(fs);
        u.chmod("dir", 0750); // dir is now in the upper
        u.lstat("dir/sub/shadow");
        plant(upper.resolve("dir"), "sub", outside.toString());
        everything(u, "dir/sub");
        u.chmod("dir/sub/shadow", 0777);
        u.pwrite("dir/sub/shadow", 0, "pwned".getBytes(StandardCharsets.UTF_8));
        assertOutsideUnchanged();
    }

    @Test
    void lowerSymlinksToTheHostAreCopiedAsLinksNotFollowed() {
        open();
        EngineUserFs u = new EngineUserFs(fs);
        for (String l : List.of("evil-abs", "evil-rel", "evil-file")) {
            u.chown(l, 4242, 4242);
            u.utimes(l, UserFs.Time.NOW, UserFs.Time.NOW);
            u.setxattr(l, "trusted.pwned", new byte[]{1}, 0);
            u.rename(l, l + "-moved", 0);
            u.link(l + "-moved", l + "-hard");
            everything(u, l + "-moved");
            directOnSymlinkNode(InodeFs.ROOT, l + "-moved");
            assertThat(u.readlink(l + "-moved").isOk() || u.lstat(l + "-moved").errno() != null).isTrue();
        }
        assertOutsideUnchanged();
    }

    @Test
    void symlinkPlantedAsTheWorkTempDirIsNeverFollowed() {
        plant(work, "work", outside.toString());
        try {
            open();
        } catch (FsException refused) {
            assertOutsideUnchanged();
            return;
        }
        EngineUserFs u = new EngineUserFs(fs);
        u.chmod("file", 0600);
        u.pwrite("file", 0, "copied".getBytes(StandardCharsets.UTF_8));
        u.pwrite("dir/a", 0, "copied".getBytes(StandardCharsets.UTF_8));
        u.unlink("dir/passwd");
        u.rmdir("dir/sub");
        assertOutsideUnchanged();
    }

    @Test
    void symlinkPlantedAsTheHardlinkIndexIsNeverFollowed() {
        plant(work, "lamina-index", outside.toString());
        try {
            open();
        } catch (FsException refused) {
            assertOutsideUnchanged();
            return;
        }
        EngineUserFs u = new EngineUserFs(fs);
        u.link("file", "file2");
        u.chmod("file", 0600);
        u.pwrite("file2", 0, "x".getBytes(StandardCharsets.UTF_8));
        assertOutsideUnchanged();
    }

    @Test
    void dotDotNeverClimbsAboveTheRoot() {
        open();
        long rootIno = fs.getattr(InodeFs.ROOT).ino();
        for (String name : List.of("..", ".", "../outside", "../../outside/passwd", "dir/../../outside")) {
            Entry e;
            try {
                e = fs.lookup(InodeFs.ROOT, name);
            } catch (FsException refused) {
                continue;
            }
            if (e == null) continue;
            try {
                assertThat(e.attr().ino()).as("lookup(ROOT, %s) may only find the root", name).isEqualTo(rootIno);
            } finally {
                if (e.nodeId() != InodeFs.ROOT) fs.forget(e.nodeId(), 1);
            }
        }
        Entry dir = fs.lookup(InodeFs.ROOT, "dir");
        try {
            Entry up;
            try {
                up = fs.lookup(dir.nodeId(), "..");
            } catch (FsException refused) {
                up = null;
            }
            if (up != null) {
                assertThat(up.attr().ino()).isEqualTo(rootIno);
                if (up.nodeId() != InodeFs.ROOT) fs.forget(up.nodeId(), 1);
            }
            for (String evil : List.of("..", "../outside", "../../outside/new")) {
                quietly(n -> fs.mkdir(n, evil, 0755, Caller.ROOT), dir.nodeId());
                quietly(n -> fs.create(n, evil, 0100644, Posix.O_CREAT | Posix.O_WRONLY, Caller.ROOT), dir.nodeId());
                quietly(n -> fs.symlink(n, evil, "/etc", Caller.ROOT), dir.nodeId());
                quietly(n -> fs.rename(n, "a", InodeFs.ROOT, evil, 0), dir.nodeId());
                quietly(n -> fs.unlink(n, evil), dir.nodeId());
                quietly(n -> fs.rmdir(n, evil), dir.nodeId());
            }
        } finally {
            fs.forget(dir.nodeId(), 1);
        }
        assertOutsideUnchanged();
        assertThat(Posix.fstatatOrNull(Posix.AT_FDCWD, base + "/new", Posix.AT_SYMLINK_NOFOLLOW)).isNull();
        assertThat(Posix.fstatatOrNull(Posix.AT_FDCWD, outside + "/new", Posix.AT_SYMLINK_NOFOLLOW)).isNull();
    }

    /** path to type, mode, owner, size, mtime, content and xattrs of everything under {@code root}. */
    static Map<String, String> snapshot(String root) {
        Map<String, String> out = new TreeMap<>();
        snapshot(root, "", out);
        return out;
    }

    private static void snapshot(String abs, String rel, Map<String, String> out) {
        Stat st = Posix.fstatat(Posix.AT_FDCWD, abs, Posix.AT_SYMLINK_NOFOLLOW);
        StringBuilder b = new StringBuilder(Integer.toOctalString(st.mode())).append(' ').append(st.uid()).append(':')
                .append(st.gid()).append(" size=").append(st.size()).append(" mtime=").append(st.mtimeSec())
                .append('.').append(st.mtimeNsec()).append(" nlink=").append(st.nlink());
        if (st.isRegular()) {
            int fd = Posix.openat(Posix.AT_FDCWD, abs, Posix.O_RDONLY | Posix.O_NOFOLLOW, 0);
            try {
                ByteBuffer buf = ByteBuffer.allocate((int) st.size());
                Posix.pread(fd, buf, 0);
                b.append(" data=").append(new String(buf.array(), StandardCharsets.UTF_8));
            } finally {
                Posix.close(fd);
            }
        }
        if (st.isSymlink()) b.append(" -> ").append(Posix.readlinkat(Posix.AT_FDCWD, abs));
        for (String x : Posix.llistxattr(abs)) b.append(' ').append(x);
        out.put("/" + rel, b.toString());
        if (!st.isDir()) return;
        int fd = Posix.openat(Posix.AT_FDCWD, abs, Posix.O_RDONLY | Posix.O_DIRECTORY, 0);
        List<DirEnt> children;
        try {
            children = Posix.readDir(fd);
        } finally {
            Posix.close(fd);
        }
        for (DirEnt c : children) snapshot(abs + "/" + c.name(), rel.isEmpty() ? c.name() : rel + "/" + c.name(), out);
    }
}
