package io.lamina.sys;

import io.lamina.fs.Errno;
import io.lamina.fs.FsException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static io.lamina.sys.Posix.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Each system call against a fresh directory under target/test-tmp (or /tmp). */
class PosixTest {
    private static final long BENEATH = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
    private static final long TMPFS_MAGIC = 0x01021994L;

    private Path root;
    private int dir;

    @BeforeEach
    void setUp() throws IOException {
        String base = System.getenv("LAMINA_TEST_TMP");
        Path parent = Paths.get(base != null ? base : System.getProperty("java.io.tmpdir"));
        Files.createDirectories(parent);
        root = Files.createTempDirectory(parent, "posix");
        dir = openat(AT_FDCWD, root.toString(), O_RDONLY | O_DIRECTORY, 0);
    }

    @AfterEach
    void tearDown() throws IOException {
        closeQuietly(dir);
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    /** Root is required; skipped without it unless CI=true, where its absence is a failure. */
    private static void requireRoot() {
        boolean isRoot = getuid() == 0;
        if ("true".equals(System.getenv("CI")) && !isRoot) fail("CI=true but not running as root");
        assumeTrue(isRoot, "needs root (CAP_MKNOD / CAP_SYS_ADMIN / trusted.* xattrs)");
    }

    private static Errno errnoOf(Runnable r) {
        try {
            r.run();
        } catch (FsException e) {
            return e.errno();
        }
        throw new AssertionError("no FsException");
    }

    private int create(String name) {
        return openat2(dir, name, O_CREAT | O_EXCL | O_RDWR, 0644, BENEATH);
    }

    private void writeFile(String name, String content) {
        int fd = create(name);
        try {
            pwrite(fd, ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8)), 0);
        } finally {
            close(fd);
        }
    }

    private String readAll(int fd) {
        ByteBuffer b = ByteBuffer.allocate((int) fstat(fd).size());
        pread(fd, b, 0);
        return new String(b.array(), StandardCharsets.UTF_8);
    }

    @Test
    void openat2CreatesReadsAndWritesBeneath() {
        mkdirat(dir, "a", 0755);
        mkdirat(dir, "a/b", 0755);
        int fd = openat2(dir, "a/b/f", O_CREAT | O_RDWR, 0640, BENEATH);
        try {
            assertThat(pwrite(fd, ByteBuffer.wrap("hello".getBytes()), 0)).isEqualTo(5);
            Stat st = fstat(fd);
            assertThat(st.isRegular()).isTrue();
            assertThat(st.mode() & 07777).isEqualTo(0640 & ~umask());
            assertThat(st.size()).isEqualTo(5);
            assertThat(readAll(fd)).isEqualTo("hello");
        } finally {
            close(fd);
        }
        Stat viaPath = fstatat(dir, "a/b/f", AT_SYMLINK_NOFOLLOW);
        assertThat(viaPath.size()).isEqualTo(5);
        // Without O_CREAT the mode is ignored rather than refused.
        closeQuietly(openat2(dir, "a/b/f", O_RDONLY, 0644, BENEATH));
    }

    /** The process umask, read without changing it. */
    private static int umask() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Umask:")) return Integer.parseInt(line.substring(6).trim(), 8);
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("no Umask in /proc/self/status");
    }

    @Test
    void openat2RefusesSymlinkComponentAndEscapes() {
        mkdirat(dir, "d", 0755);
        writeFile("d/x", "x");
        symlinkat("d", dir, "link");
        assertThat(errnoOf(() -> openat2(dir, "link/x", O_RDONLY, 0, BENEATH))).isEqualTo(Errno.ELOOP);
        assertThat(errnoOf(() -> openat2(dir, "link", O_RDONLY, 0, BENEATH))).isEqualTo(Errno.ELOOP);
        assertThat(errnoOf(() -> openat2(dir, "d/../../x", O_RDONLY, 0, BENEATH))).isEqualTo(Errno.EXDEV);
        assertThat(errnoOf(() -> openat2(dir, "/etc/passwd", O_RDONLY, 0, BENEATH))).isEqualTo(Errno.EXDEV);
        // A harmless ".." that stays inside is fine.
        closeQuietly(openat2(dir, "d/../d/x", O_RDONLY, 0, BENEATH));
        // O_PATH|O_NOFOLLOW opens the symlink itself.
        int l = openat2(dir, "link", O_PATH | O_NOFOLLOW, 0, BENEATH);
        try {
            assertThat(fstatat(l, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW).isSymlink()).isTrue();
        } finally {
            close(l);
        }
    }

    @Test
    void errnoMapping() {
        FsException e = assertThrows(FsException.class,
                () -> openat(dir, "missing", O_RDONLY, 0));
        assertThat(e.errno()).isEqualTo(Errno.ENOENT);
        assertThat(e.code()).isEqualTo(2);
        assertThat(e.getMessage()).contains("openat").contains("missing");
        mkdirat(dir, "d", 0755);
        assertThat(errnoOf(() -> mkdirat(dir, "d", 0755))).isEqualTo(Errno.EEXIST);
        assertThat(errnoOf(() -> create("d"))).isEqualTo(Errno.EEXIST);
        assertThat(fstatatOrNull(dir, "missing", AT_SYMLINK_NOFOLLOW)).isNull();
        assertThat(fstatatOrNull(dir, "d", AT_SYMLINK_NOFOLLOW).isDir()).isTrue();
        assertThat(errnoOf(() -> fstatat(dir, "missing", 0))).isEqualTo(Errno.ENOENT);
        assertThat(errnoOf(() -> readlinkat(dir, "d"))).isEqualTo(Errno.EINVAL);
        assertThat(errnoOf(() -> unlinkat(dir, "d", 0))).isEqualTo(Errno.EISDIR);
        assertThat(errnoOf(() -> fstat(-1))).isEqualTo(Errno.EBADF);
        assertThat(errnoOf(() -> close(-1))).isEqualTo(Errno.EBADF);
        assertThat(errnoOf(() -> openat(dir, "a\0b", O_RDONLY, 0))).isEqualTo(Errno.EINVAL);
        closeQuietly(-1);
    }

    @Test
    void nonAsciiNames() {
        writeFile("grüße-日本", "u");
        assertThat(readDir(dir)).extracting(DirEnt::name).containsExactly("grüße-日本");
        symlinkat("zíl", dir, "ľink");
        assertThat(readlinkat(dir, "ľink")).isEqualTo("zíl");
    }

    @Test
    void mknodatMakesWhiteoutDeviceAndFifo() {
        mknodat(dir, "fifo", Stat.S_IFIFO | 0644, 0);
        assertThat(fstatat(dir, "fifo", AT_SYMLINK_NOFOLLOW).type()).isEqualTo(Stat.S_IFIFO);
        requireRoot();
        mknodat(dir, "wh", Stat.S_IFCHR | 0, makedev(0, 0));
        Stat st = fstatat(dir, "wh", AT_SYMLINK_NOFOLLOW);
        assertThat(st.isCharDevice00()).isTrue();
        mknodat(dir, "null", Stat.S_IFCHR | 0666, makedev(1, 3));
        Stat nul = fstatat(dir, "null", AT_SYMLINK_NOFOLLOW);
        assertThat(major(nul.rdev())).isEqualTo(1);
        assertThat(minor(nul.rdev())).isEqualTo(3);
    }

    @Test
    void makedevRoundTripsLargeNumbers() {
        long dev = makedev(0x12345, 0x6789ab);
        assertThat(major(dev)).isEqualTo(0x12345);
        assertThat(minor(dev)).isEqualTo(0x6789ab);
    }

    @Test
    void renameat2Flags() {
        writeFile("a", "A");
        writeFile("b", "B");
        assertThat(errnoOf(() -> renameat2(dir, "a", dir, "b", RENAME_NOREPLACE))).isEqualTo(Errno.EEXIST);
        renameat2(dir, "a", dir, "c", RENAME_NOREPLACE);
        assertThat(fstatatOrNull(dir, "a", AT_SYMLINK_NOFOLLOW)).isNull();

        long inoB = fstatat(dir, "b", AT_SYMLINK_NOFOLLOW).ino();
        long inoC = fstatat(dir, "c", AT_SYMLINK_NOFOLLOW).ino();
        renameat2(dir, "b", dir, "c", RENAME_EXCHANGE);
        assertThat(fstatat(dir, "b", AT_SYMLINK_NOFOLLOW).ino()).isEqualTo(inoC);
        assertThat(fstatat(dir, "c", AT_SYMLINK_NOFOLLOW).ino()).isEqualTo(inoB);
        assertThat(errnoOf(() -> renameat2(dir, "b", dir, "zz", RENAME_EXCHANGE))).isEqualTo(Errno.ENOENT);

        renameat2(dir, "b", dir, "plain", 0);
        assertThat(fstatat(dir, "plain", AT_SYMLINK_NOFOLLOW).ino()).isEqualTo(inoC);

        requireRoot();
        renameat2(dir, "plain", dir, "moved", RENAME_WHITEOUT);
        assertThat(fstatat(dir, "plain", AT_SYMLINK_NOFOLLOW).isCharDevice00()).isTrue();
        assertThat(fstatat(dir, "moved", AT_SYMLINK_NOFOLLOW).ino()).isEqualTo(inoC);
    }

    @Test
    void linkSymlinkUnlink() {
        writeFile("f", "data");
        linkat(dir, "f", dir, "g", 0);
        assertThat(fstatat(dir, "f", 0).nlink()).isEqualTo(2);
        String target = "t".repeat(300);
        symlinkat(target, dir, "s");
        assertThat(readlinkat(dir, "s")).isEqualTo(target);
        assertThat(fstatat(dir, "s", AT_SYMLINK_NOFOLLOW).size()).isEqualTo(300);
        unlinkat(dir, "g", 0);
        assertThat(fstatat(dir, "f", 0).nlink()).isEqualTo(1);
        mkdirat(dir, "d", 0700);
        assertThat(fstatat(dir, "d", 0).mode() & 07777).isEqualTo(0700);
        unlinkat(dir, "d", AT_REMOVEDIR);
        assertThat(fstatatOrNull(dir, "d", 0)).isNull();
    }

    @Test
    void xattrsByFd() {
        writeFile("f", "");
        int fd = openat2(dir, "f", O_RDONLY, 0, BENEATH);
        try {
            assertThat(fgetxattr(fd, "user.none")).isNull();
            fsetxattr(fd, "user.a", "1".getBytes(), 0);
            // Bigger than the first buffer; ext4 keeps all of a file's xattrs in one 4 KiB block.
            byte[] big = new byte[3000];
            for (int i = 0; i < big.length; i++) big[i] = (byte) i;
            fsetxattr(fd, "user.big", big, XATTR_CREATE);
            fsetxattr(fd, "user.empty", new byte[0], 0);
            assertThat(fgetxattr(fd, "user.a")).containsExactly('1');
            assertThat(fgetxattr(fd, "user.big")).isEqualTo(big);
            assertThat(fgetxattr(fd, "user.empty")).isEmpty();
            assertThat(errnoOf(() -> fsetxattr(fd, "user.a", new byte[]{2}, XATTR_CREATE)))
                    .isEqualTo(Errno.EEXIST);
            assertThat(errnoOf(() -> fsetxattr(fd, "user.zz", new byte[]{2}, XATTR_REPLACE)))
                    .isEqualTo(Errno.ENODATA);
            assertThat(flistxattr(fd)).contains("user.a", "user.big", "user.empty");
            fremovexattr(fd, "user.a");
            assertThat(fgetxattr(fd, "user.a")).isNull();
            assertThat(errnoOf(() -> fremovexattr(fd, "user.a"))).isEqualTo(Errno.ENODATA);

            requireRoot();
            fsetxattr(fd, "trusted.overlay.opaque", "y".getBytes(), 0);
            assertThat(fgetxattr(fd, "trusted.overlay.opaque")).containsExactly('y');
            assertThat(flistxattr(fd)).contains("trusted.overlay.opaque");
        } finally {
            close(fd);
        }
    }

    @Test
    void xattrsListGrowsPastFirstBuffer() {
        writeFile("f", "");
        int fd = openat2(dir, "f", O_RDONLY, 0, BENEATH);
        try {
            Set<String> names = new HashSet<>();
            for (int i = 0; i < 40; i++) {
                String n = "user.attribute-with-a-long-name-" + i;
                names.add(n);
                fsetxattr(fd, n, new byte[]{(byte) i}, 0);
            }
            assertThat(flistxattr(fd)).containsAll(names);
        } finally {
            close(fd);
        }
    }

    @Test
    void xattrsOnSymlinkByPath() {
        requireRoot();
        writeFile("target", "");
        symlinkat("target", dir, "s");
        String path = "/proc/self/fd/" + dir + "/s";
        assertThat(lgetxattr(path, "trusted.x")).isNull();
        lsetxattr(path, "trusted.x", "v".getBytes(), 0);
        assertThat(lgetxattr(path, "trusted.x")).containsExactly('v');
        assertThat(llistxattr(path)).contains("trusted.x");
        // It went on the link, not the target.
        int fd = openat2(dir, "target", O_RDONLY, 0, BENEATH);
        try {
            assertThat(fgetxattr(fd, "trusted.x")).isNull();
        } finally {
            close(fd);
        }
        lremovexattr(path, "trusted.x");
        assertThat(lgetxattr(path, "trusted.x")).isNull();
        assertThat(errnoOf(() -> lremovexattr(path, "trusted.x"))).isEqualTo(Errno.ENODATA);
        assertThat(errnoOf(() -> lgetxattr("/proc/self/fd/" + dir + "/missing", "trusted.x")))
                .isEqualTo(Errno.ENOENT);
    }

    @Test
    void punchHoleAndSeekDataHole() {
        int mib = 1 << 20;
        int fd = create("sparse");
        try {
            ByteBuffer data = ByteBuffer.allocateDirect(3 * mib);
            while (data.hasRemaining()) data.put((byte) 7);
            data.flip();
            pwrite(fd, data, 0);
            fsync(fd);
            fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, mib, mib);
            assertThat(fstat(fd).size()).isEqualTo(3L * mib);
            assertThat(lseek(fd, 0, SEEK_HOLE)).isEqualTo(mib);
            assertThat(lseek(fd, mib, SEEK_DATA)).isEqualTo(2L * mib);
            assertThat(errnoOf(() -> lseek(fd, 3L * mib, SEEK_DATA))).isEqualTo(Errno.ENXIO);
            ByteBuffer one = ByteBuffer.allocate(1);
            pread(fd, one, mib + 10);
            assertThat(one.get(0)).isEqualTo((byte) 0);
            fallocate(fd, 0, 0, 4L * mib);
            assertThat(fstat(fd).size()).isEqualTo(4L * mib);
        } finally {
            close(fd);
        }
    }

    @Test
    void fchmodatNoFollow() {
        writeFile("f", "");
        fchmodat(dir, "f", 0604, AT_SYMLINK_NOFOLLOW);
        assertThat(fstatat(dir, "f", 0).mode() & 07777).isEqualTo(0604);
        fchmodat(dir, "f", 0755, 0);
        assertThat(fstatat(dir, "f", 0).mode() & 07777).isEqualTo(0755);
        symlinkat("f", dir, "s");
        assertThat(errnoOf(() -> fchmodat(dir, "s", 0600, AT_SYMLINK_NOFOLLOW))).isEqualTo(Errno.EOPNOTSUPP);
        int fd = openat2(dir, "f", O_RDONLY, 0, BENEATH);
        try {
            fchmod(fd, 0640);
            assertThat(fstat(fd).mode() & 07777).isEqualTo(0640);
        } finally {
            close(fd);
        }
    }

    @Test
    void chownByNameAndFd() {
        requireRoot();
        writeFile("f", "");
        fchownat(dir, "f", 1234, 5678, AT_SYMLINK_NOFOLLOW);
        Stat st = fstatat(dir, "f", 0);
        assertThat(st.uid()).isEqualTo(1234);
        assertThat(st.gid()).isEqualTo(5678);
        symlinkat("f", dir, "s");
        fchownat(dir, "s", 42, 43, AT_SYMLINK_NOFOLLOW);
        assertThat(fstatat(dir, "s", AT_SYMLINK_NOFOLLOW).uid()).isEqualTo(42);
        assertThat(fstatat(dir, "f", 0).uid()).isEqualTo(1234);
        int fd = openat2(dir, "f", O_RDONLY, 0, BENEATH);
        try {
            fchown(fd, 7, -1);
            assertThat(fstat(fd).uid()).isEqualTo(7);
            assertThat(fstat(fd).gid()).isEqualTo(5678);
        } finally {
            close(fd);
        }
    }

    @Test
    void utimensatOmitAndFutimens() {
        writeFile("f", "");
        utimensat(dir, "f", 1000, 5, 2000, 6, 0);
        Stat st = fstatat(dir, "f", 0);
        assertThat(st.atimeSec()).isEqualTo(1000);
        assertThat(st.atimeNsec()).isEqualTo(5);
        assertThat(st.mtimeSec()).isEqualTo(2000);
        assertThat(st.mtimeNsec()).isEqualTo(6);
        utimensat(dir, "f", 0, UTIME_OMIT, 3000, 0, 0);
        st = fstatat(dir, "f", 0);
        assertThat(st.atimeSec()).isEqualTo(1000);
        assertThat(st.mtimeSec()).isEqualTo(3000);
        symlinkat("f", dir, "s");
        utimensat(dir, "s", 77, 0, 88, 0, AT_SYMLINK_NOFOLLOW);
        assertThat(fstatat(dir, "s", AT_SYMLINK_NOFOLLOW).mtimeSec()).isEqualTo(88);
        assertThat(fstatat(dir, "f", 0).mtimeSec()).isEqualTo(3000);
        int fd = openat2(dir, "f", O_RDONLY, 0, BENEATH);
        try {
            futimens(fd, 500, 0, 0, UTIME_OMIT);
            assertThat(fstat(fd).atimeSec()).isEqualTo(500);
            assertThat(fstat(fd).mtimeSec()).isEqualTo(3000);
        } finally {
            close(fd);
        }
    }

    @Test
    void preadPwriteHeapDirectAndSegments() {
        int fd = create("f");
        try {
            ByteBuffer heap = ByteBuffer.wrap("0123456789".getBytes());
            heap.position(2);
            assertThat(pwrite(fd, heap, 0)).isEqualTo(8);
            assertThat(heap.hasRemaining()).isFalse();
            ByteBuffer direct = ByteBuffer.allocateDirect(16);
            assertThat(pread(fd, direct, 3)).isEqualTo(5);
            assertThat(direct.position()).isEqualTo(5);
            direct.flip();
            byte[] got = new byte[5];
            direct.get(got);
            assertThat(new String(got)).isEqualTo("56789");
            assertThat(pread(fd, ByteBuffer.allocate(4), 100)).isZero();
            ByteBuffer slice = ByteBuffer.allocate(10).position(4).limit(7);
            assertThat(pread(fd, slice, 0)).isEqualTo(3);
            assertThat(new String(slice.array(), 4, 3)).isEqualTo("234");

            try (Arena a = Arena.ofConfined()) {
                MemorySegment seg = a.allocateFrom("xyz");
                assertThat(Posix.pwrite(fd, seg, 3, 8)).isEqualTo(3);
                MemorySegment back = a.allocate(12); // zeroed: the 12th byte ends the string
                assertThat(Posix.pread(fd, back, 11, 0)).isEqualTo(11);
                assertThat(back.getString(0)).startsWith("23456789xyz");
                assertThrows(IndexOutOfBoundsException.class,
                        () -> Posix.pread(fd, back, 13, 0));
            }
            ftruncate(fd, 4);
            assertThat(fstat(fd).size()).isEqualTo(4);
            fsync(fd);
            fdatasync(fd);
            syncfs(fd);
            int copy = dup(fd);
            try {
                assertThat(copy).isNotEqualTo(fd);
                assertThat(fstat(copy).ino()).isEqualTo(fstat(fd).ino());
            } finally {
                close(copy);
            }
        } finally {
            close(fd);
        }
    }

    @Test
    void readWriteAndIoctlOnFifo() {
        mknodat(dir, "p", Stat.S_IFIFO | 0600, 0);
        // O_RDWR on a fifo does not block on Linux.
        int fd = openat2(dir, "p", O_RDWR | O_NONBLOCK, 0, BENEATH);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment msg = a.allocateFrom("ping");
            assertThat(write(fd, msg, 4)).isEqualTo(4);
            MemorySegment avail = a.allocate(ValueLayout.JAVA_INT);
            ioctl(fd, 0x541BL /* FIONREAD */, avail);
            assertThat(avail.get(ValueLayout.JAVA_INT, 0)).isEqualTo(4);
            MemorySegment in = a.allocate(8);
            assertThat(read(fd, in, 8)).isEqualTo(4);
            assertThat(in.getString(0)).isEqualTo("ping");
            assertThat(errnoOf(() -> read(fd, in, 8))).isEqualTo(Errno.EAGAIN);
            assertThat(errnoOf(() -> ioctl(fd, 0x5401L /* TCGETS */, in))).isEqualTo(Errno.ENOTTY);
        } finally {
            close(fd);
        }
    }

    @Test
    void copyFileRangeLeavesFdOffsets() {
        writeFile("src", "abcdefghij");
        int in = openat2(dir, "src", O_RDONLY, 0, BENEATH);
        int out = create("dst");
        try {
            assertThat(copyFileRange(in, 2, out, 5, 4)).isEqualTo(4);
            assertThat(copyFileRange(in, 10, out, 0, 4)).isZero();
            assertThat(lseek(in, 0, SEEK_CUR)).isZero();
            assertThat(lseek(out, 0, SEEK_CUR)).isZero();
            ByteBuffer b = ByteBuffer.allocate(9);
            pread(out, b, 0);
            assertThat(new String(b.array(), 5, 4)).isEqualTo("cdef");
            assertThat(b.get(0)).isZero();
        } finally {
            close(in);
            close(out);
        }
    }

    @Test
    void readDirOverManyNames() {
        mkdirat(dir, "big", 0755);
        int d = openat2(dir, "big", O_RDONLY | O_DIRECTORY, 0, BENEATH);
        try {
            Set<String> expected = new HashSet<>();
            for (int i = 0; i < 1000; i++) {
                String name = "file-with-a-moderately-long-name-" + i;
                expected.add(name);
                closeQuietly(openat2(d, name, O_CREAT | O_WRONLY, 0644, BENEATH));
            }
            mkdirat(d, "sub", 0755);
            expected.add("sub");
            List<DirEnt> all = readDir(d);
            assertThat(all).hasSize(1001);
            assertThat(all).extracting(DirEnt::name).containsExactlyInAnyOrderElementsOf(expected);
            for (DirEnt e : all) {
                assertThat(e.type()).isEqualTo(e.name().equals("sub") ? DirEnt.DT_DIR : DirEnt.DT_REG);
                assertThat(e.ino()).isEqualTo(fstatat(d, e.name(), AT_SYMLINK_NOFOLLOW).ino());
            }
            // It rewinds: a second listing is complete too.
            assertThat(readDir(d)).hasSize(1001);
        } finally {
            close(d);
        }
        assertThat(readDir(dir)).extracting(DirEnt::name).containsExactly("big");
    }

    @Test
    void fstatfsAnswers() {
        StatFsInfo fs = fstatfs(dir);
        assertThat(fs.bsize()).isPositive();
        assertThat(fs.namelen()).isEqualTo(255);
        assertThat(fs.blocks()).isPositive();
        assertThat(fs.bavail()).isLessThanOrEqualTo(fs.bfree());
    }

    @Test
    void mountAndUnmountTmpfs() throws IOException {
        requireRoot();
        mkdirat(dir, "mnt", 0755);
        String target = root.resolve("mnt").toString();
        mount("lamina-test", target, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=0755");
        try {
            int fd = openat(AT_FDCWD, target, O_RDONLY | O_DIRECTORY, 0);
            try {
                StatFsInfo fs = fstatfs(fd);
                assertThat(fs.type()).isEqualTo(TMPFS_MAGIC);
                assertThat(fs.blocks() * fs.bsize()).isEqualTo(1L << 20);
            } finally {
                close(fd);
            }
            assertThat(Files.readString(Path.of("/proc/self/mounts"))).contains(target);
        } finally {
            umount2(target, 0);
        }
        assertThat(Files.readString(Path.of("/proc/self/mounts"))).doesNotContain(target);
        assertThat(errnoOf(() -> umount2(target, 0))).isEqualTo(Errno.EINVAL);
    }

    @Test
    void uidAndGid() {
        assertThat(getuid()).isGreaterThanOrEqualTo(0);
        assertThat(getgid()).isGreaterThanOrEqualTo(0);
    }

    @Test
    void tmpfileWithOpenat2() {
        int fd = openat2(dir, ".", O_TMPFILE | O_RDWR, 0600, BENEATH);
        try {
            assertThat(fstat(fd).nlink()).isZero();
            assertThat(fstat(fd).mode() & 07777).isEqualTo(0600);
        } finally {
            close(fd);
        }
    }

    @Test
    void oversizedArgumentsSpillOutOfTheScratchBlock() {
        String longName = "n".repeat(20_000);
        assertThat(errnoOf(() -> openat(dir, longName, O_RDONLY, 0))).isEqualTo(Errno.ENAMETOOLONG);
        // The scratch block is still usable afterwards.
        writeFile("f", "ok");
        assertThat(fstatat(dir, "f", 0).size()).isEqualTo(2);
        int fd = openat2(dir, "f", O_RDONLY, 0, BENEATH);
        try {
            ByteBuffer big = ByteBuffer.allocate(100_000);
            assertThat(pread(fd, big, 0)).isEqualTo(2);
        } finally {
            close(fd);
        }
    }

    @Test
    void concurrentCallsKeepTheirOwnScratch() throws Exception {
        int threads = 8;
        for (int i = 0; i < threads; i++) writeFile("f" + i, "x".repeat(i));
        List<Thread> all = new ArrayList<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int i = 0; i < threads; i++) {
            int n = i;
            all.add(Thread.ofPlatform().start(() -> {
                try {
                    for (int k = 0; k < 2000; k++) {
                        assertThat(fstatat(dir, "f" + n, 0).size()).isEqualTo(n);
                        assertThat(fstatatOrNull(dir, "missing" + n, 0)).isNull();
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }));
        }
        for (Thread t : all) t.join();
        assertThat(failure.get()).isNull();
    }
}
