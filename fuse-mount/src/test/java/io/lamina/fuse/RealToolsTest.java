package io.lamina.fuse;

import io.lamina.fs.InodeFs;
import io.lamina.fs.UnionFs;
import io.lamina.fs.UnionSpec;
import io.lamina.fs.contract.KernelOracle;
import io.lamina.sys.Posix;
import io.lamina.testdata.Examples;
import io.lamina.testdata.LayerSpec;
import io.lamina.testdata.OverlayDirs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real tools run as child processes inside a lamina mount served by this JVM ({@link UnionFs}
 * over {@link Examples#tricky()} plus a generated tree), compared where it makes sense with the
 * same tool on a kernel overlayfs mount of the same layers: the kernel is the oracle.
 *
 * <p>tar, cp and find run over both transports; git, gcc and the Java mmap test over the native
 * one. Each test has its own upper; the lower layers are written once for the class.
 */
class RealToolsTest {
    /** Directories and files per directory of the generated layer. */
    private static final int GEN_DIRS = 30, GEN_FILES = 60;
    private static final FileTime FIXED = FileTime.from(LayerSpec.DEFAULT_MTIME);

    private static List<Path> lowersTopFirst;

    private Path dir;
    private final Deque<AutoCloseable> open = new ArrayDeque<>();
    private final List<Path> mountpoints = new ArrayList<>();

    @BeforeAll
    static void writeLayers() throws IOException {
        FusePrerequisites.require();
        Path root = FusePrerequisites.tempDir("realtools-layers");
        List<Path> tricky = OverlayDirs.writeAll(Examples.tricky().layers(), root.resolve("tricky"));
        Path gen = root.resolve("gen");
        for (int d = 0; d < GEN_DIRS; d++) {
            Path sub = Files.createDirectories(gen.resolve("gen/d" + d + "/nested"));
            for (int f = 0; f < GEN_FILES; f++) {
                Files.writeString(sub.getParent().resolve("f" + f + ".txt"), ("line " + f + " of dir " + d + "\n").repeat(f));
            }
            Files.writeString(sub.resolve("deep"), "deep " + d);
        }
        List<Path> top = new ArrayList<>(List.of(gen));
        top.addAll(tricky.reversed());
        lowersTopFirst = List.copyOf(top);
    }

    @BeforeEach
    void setUp() throws IOException {
        dir = FusePrerequisites.tempDir("realtools");
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            while (!open.isEmpty()) open.pop().close();
        } finally {
            for (Path mp : mountpoints) FusePrerequisites.forceUnmount(mp);
        }
        for (Path mp : mountpoints) assertThat(FusePrerequisites.mounted(mp)).as("left mounted: " + mp).isFalse();
    }

    // ---- the tools ----------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"native", "jnr"})
    void tarOfTheMountListsAsTarOfTheKernelOverlay(String transport) throws Exception {
        Path lamina = lamina(transport, "l", MountOptions.defaults());
        Path kernel = kernelOverlay("k");
        Path la = dir.resolve("lamina.tar"), ka = dir.resolve("kernel.tar");
        Tools.run(dir, "tar", "-c", "--sort=name", "-f", la.toString(), "-C", lamina.toString(), ".");
        Tools.run(dir, "tar", "-c", "--sort=name", "-f", ka.toString(), "-C", kernel.toString(), ".");
        String laminaListing = Tools.run(dir, "tar", "-tv", "--full-time", "-f", la.toString());
        assertSameLines("tar -tv of lamina vs kernel", laminaListing,
                Tools.run(dir, "tar", "-tv", "--full-time", "-f", ka.toString()));
        assertThat(laminaListing).contains("./data/large.bin", "./links/hard1 link to", "./dev/fifo", "./gen/d29/nested/deep");
        assertThat(sha256(la)).as("the archives are byte for byte the same").isEqualTo(sha256(ka));

        // Round trip: extract into the mount, archive again, same listing below the new root.
        Path restore = Files.createDirectory(lamina.resolve("restore"));
        Tools.run(dir, "tar", "-x", "-f", ka.toString(), "-C", restore.toString());
        Path again = dir.resolve("again.tar");
        Tools.run(dir, "tar", "-c", "--sort=name", "-f", again.toString(), "-C", restore.toString(), ".");
        assertSameLines("tar -tv after tar -x into lamina", dropRoot(Tools.run(dir, "tar", "-tv", "--full-time", "-f", again.toString())),
                dropRoot(Tools.run(dir, "tar", "-tv", "--full-time", "-f", ka.toString())));
        Tools.run(restore, "cmp", "data/large.bin", kernel.resolve("data/large.bin").toString());
        Tools.run(restore, "cmp", "sparse/holes.img", kernel.resolve("sparse/holes.img").toString());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"native", "jnr"})
    void cpArchiveInsideTheMountCopiesAsOnTheKernelOverlay(String transport) throws Exception {
        Path lamina = lamina(transport, "l", MountOptions.defaults());
        Path kernel = kernelOverlay("k");
        String copy = "mkdir copy && cp -a data links dev xattrs perms sparse unicode owners long gen times replace opq gone del copy/";
        Tools.sh(lamina, copy);
        Tools.sh(kernel, copy);
        assertSameLines("find -printf of the copy", findListing(lamina.resolve("copy")), findListing(kernel.resolve("copy")));
        String sums = "find . -type f -print0 | sort -z | xargs -0 md5sum";
        assertSameLines("md5sum of the copy", Tools.sh(lamina.resolve("copy"), sums), Tools.sh(kernel.resolve("copy"), sums));
        String xattrs = "find . -print0 | sort -z | xargs -0 getfattr -h -d -m '^user\\.'";
        String laminaXattrs = Tools.sh(lamina.resolve("copy"), xattrs);
        assertThat(laminaXattrs).contains("user.lamina.big", "user.lamina.dir");
        assertSameLines("user xattrs of the copy", laminaXattrs, Tools.sh(kernel.resolve("copy"), xattrs));
        String du = "du -s --apparent-size -B1 copy/gen copy/data copy/sparse | cut -f1";
        assertThat(Tools.sh(lamina, du)).isEqualTo(Tools.sh(kernel, du));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"native", "jnr"})
    void findAndDuSeeWhatTheyDoOnTheKernelOverlay(String transport) throws Exception {
        Path lamina = lamina(transport, "l", MountOptions.defaults());
        Path kernel = kernelOverlay("k");
        String laminaFind = findListing(lamina);
        assertThat(laminaFind.lines().count()).isGreaterThan(GEN_DIRS * (GEN_FILES + 2L));
        assertSameLines("find -printf of the whole mount", laminaFind, findListing(kernel));
        assertSameLines("find | sort", Tools.sh(lamina, "find . | sort"), Tools.sh(kernel, "find . | sort"));
        String du = "du -s --apparent-size -B1 . | cut -f1";
        assertThat(Tools.sh(lamina, du)).as("du -s --apparent-size").isEqualTo(Tools.sh(kernel, du));
        // -l: count every name of a hardlinked file, so the result does not depend on readdir order.
        String duFiles = "du -a -l --apparent-size -B1 . | sort -k2";
        assertSameLines("du -a --apparent-size", Tools.sh(lamina, duFiles), Tools.sh(kernel, duFiles));
    }

    @Test
    void gitInitAddCommitAndFsck() throws Exception {
        Path lamina = lamina("native", "l", MountOptions.defaults());
        String git = "git -c user.name=lamina -c user.email=lamina@example.invalid -c init.defaultBranch=main ";
        Tools.sh(lamina, "git init -q repo && cp -a gen/d3 data/small.txt repo/");
        Path repo = lamina.resolve("repo");
        Tools.sh(repo, git + "add -A && " + git + "commit -q -m first");
        Files.writeString(repo.resolve("small.txt"), "changed in the work tree\n", StandardOpenOption.APPEND);
        Files.delete(repo.resolve("d3/f7.txt"));
        Tools.sh(repo, git + "commit -q -a -m second");
        Tools.run(repo, "git", "fsck", "--full", "--strict");
        assertThat(Tools.run(repo, "git", "status", "--porcelain")).isEmpty();
        assertThat(Tools.run(repo, "git", "log", "--format=%s")).isEqualTo("second\nfirst\n");
        assertThat(Tools.run(repo, "git", "show", "HEAD~1:small.txt")).isEqualTo("small file\n");
        assertThat(Tools.run(repo, "git", "ls-files").lines()).hasSize(1 + GEN_FILES);
        // The repository lives in the upper only; the lower file stays as it was.
        assertThat(Files.isDirectory(dir.resolve("l-upper/repo/.git/objects"))).isTrue();
        assertThat(Files.readString(lowersTopFirst.getLast().resolve("data/small.txt"))).isEqualTo("small file\n");
    }

    @Test
    void gccCompilesAndTheBinaryRunsFromTheMount() throws Exception {
        Path lamina = lamina("native", "l", MountOptions.defaults());
        Files.createDirectory(lamina.resolve("src"));
        Files.writeString(lamina.resolve("src/answer.h"), "#define ANSWER 42\n");
        Files.writeString(lamina.resolve("src/hello.c"), """
                #include <stdio.h>
                #include "answer.h"
                int main(void) {
                    char line[64] = {0};
                    FILE *f = fopen("../data/small.txt", "r");
                    if (!f || !fgets(line, sizeof line, f)) return 2;
                    printf("answer %d, lower says: %s", ANSWER, line);
                    return fclose(f);
                }
                """);
        Tools.run(lamina.resolve("src"), "gcc", "-O2", "-Wall", "-Werror", "-c", "hello.c", "-o", "hello.o");
        Tools.run(lamina.resolve("src"), "gcc", "hello.o", "-o", "hello");
        assertThat(Tools.run(lamina.resolve("src"), "./hello")).isEqualTo("answer 42, lower says: small file\n");
        assertThat(Files.isExecutable(dir.resolve("l-upper/src/hello"))).isTrue();
    }

    @ParameterizedTest(name = "passthrough={0}")
    @ValueSource(booleans = {true, false})
    void mappedByteBufferReadsAndWritesThroughTheMount(boolean passthrough) throws Exception {
        Path lamina = lamina("native", "l", MountOptions.defaults().withPassthrough(passthrough));
        Path lowerLarge = lowersTopFirst.getLast().resolve("data/large.bin");
        byte[] expected = Files.readAllBytes(lowerLarge);

        try (FileChannel ch = FileChannel.open(lamina.resolve("data/large.bin")); Arena arena = Arena.ofConfined()) {
            MappedByteBuffer m = map(ch, FileChannel.MapMode.READ_ONLY, ch.size(), arena);
            byte[] got = new byte[expected.length];
            m.get(got);
            assertThat(got).as("mmap read of a lower file").isEqualTo(expected);
        }

        int page = 4096;
        try (FileChannel ch = FileChannel.open(lamina.resolve("data/large.bin"), StandardOpenOption.READ, StandardOpenOption.WRITE);
             Arena arena = Arena.ofConfined()) {
            MappedByteBuffer m = map(ch, FileChannel.MapMode.READ_WRITE, ch.size(), arena);
            for (int i = 0; i < expected.length; i += page) {
                m.put(i, (byte) ~expected[i]);
                expected[i] = (byte) ~expected[i];
            }
            m.force();
        }
        assertThat(Files.readAllBytes(lamina.resolve("data/large.bin"))).as("read(2) after mmap writes").isEqualTo(expected);
        assertThat(Files.readAllBytes(dir.resolve("l-upper/data/large.bin"))).as("the upper copy").isEqualTo(expected);
        assertThat(Files.readAllBytes(lowerLarge)).as("the lower file is untouched").isNotEqualTo(expected);

        Path fresh = lamina.resolve("fresh.bin");
        try (FileChannel ch = FileChannel.open(fresh, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
             Arena arena = Arena.ofConfined()) {
            MappedByteBuffer m = map(ch, FileChannel.MapMode.READ_WRITE, 3L * page + 5, arena);
            for (int i = 0; i < m.capacity(); i++) m.put(i, (byte) (i * 31));
            m.force();
            assertThat(ch.size()).isEqualTo(3L * page + 5);
            ByteBuffer viaRead = ByteBuffer.allocate(m.capacity());
            ch.read(viaRead, 0);
            assertThat(viaRead.flip()).isEqualTo(m.rewind());
        }
        byte[] freshBytes = Files.readAllBytes(dir.resolve("l-upper/fresh.bin"));
        for (int i = 0; i < freshBytes.length; i++) assertThat(freshBytes[i]).isEqualTo((byte) (i * 31));
    }

    /**
     * A MappedByteBuffer whose mapping ends with {@code arena}: a buffer from
     * {@link FileChannel#map(FileChannel.MapMode, long, long)} stays mapped until it is garbage
     * collected, and an open mapping keeps the FUSE file open, so the unmount would wait for it.
     */
    private static MappedByteBuffer map(FileChannel ch, FileChannel.MapMode mode, long size, Arena arena) throws IOException {
        MemorySegment segment = ch.map(mode, 0, size, arena);
        return (MappedByteBuffer) segment.asByteBuffer();
    }

    // ---- mounts -------------------------------------------------------------------------------

    /** A lamina mount at {@code dir/<name>-mnt} over the class's layers with a fresh upper. */
    private Path lamina(String transport, String name, MountOptions options) throws IOException {
        if (transport.equals("jnr")) FusePrereqs.requireLibfuse2();
        Path upper = freshUpper(name), work = Files.createDirectory(dir.resolve(name + "-work"));
        Path mnt = Files.createDirectory(dir.resolve(name + "-mnt"));
        InodeFs fs = UnionFs.open(UnionSpec.ofDirs(lowersTopFirst, upper, work));
        open.push(fs);
        mountpoints.add(mnt);
        open.push(Transports.byName(transport).mount(fs, mnt, options));
        return mnt;
    }

    /** The oracle: kernel overlayfs at {@code dir/<name>-mnt} over the same layers. */
    private Path kernelOverlay(String name) throws IOException {
        requireOverlay();
        Path upper = freshUpper(name), work = Files.createDirectory(dir.resolve(name + "-work"));
        Path mnt = Files.createDirectory(dir.resolve(name + "-mnt"));
        String lowerdir = String.join(":", lowersTopFirst.stream().map(Path::toString).toList());
        mountpoints.add(mnt);
        Posix.mount("overlay", mnt.toString(), "overlay", 0,
                "lowerdir=" + lowerdir + ",upperdir=" + upper + ",workdir=" + work + "," + KernelOracle.OPTIONS);
        open.push(() -> Posix.umount2(mnt.toString(), 0));
        return mnt;
    }

    /** An empty upper with a fixed mtime, so the merged root looks the same on both mounts. */
    private Path freshUpper(String name) throws IOException {
        Path upper = Files.createDirectory(dir.resolve(name + "-upper"));
        Files.setLastModifiedTime(upper, FIXED);
        return upper;
    }

    private static void requireOverlay() throws IOException {
        if (Files.readString(Path.of("/proc/filesystems")).contains("\toverlay\n")) return;
        if ("true".equals(System.getenv("CI"))) throw new AssertionError("kernel overlayfs is missing (CI=true: required)");
        org.junit.jupiter.api.Assumptions.abort("kernel overlayfs is missing (modprobe overlay)");
    }

    // ---- comparing ----------------------------------------------------------------------------

    /**
     * One line per entry below {@code root}: path, type, mode, owner, links, size (not for
     * directories, whose st_size is the backing filesystem's business), mtime, symlink target.
     */
    private static String findListing(Path root) throws Exception {
        String out = Tools.run(root, "find", ".", "-mindepth", "1", "-printf", "%P\\t%y\\t%m\\t%u:%g\\t%n\\t%s\\t%T@\\t%l\\n");
        StringBuilder sb = new StringBuilder();
        out.lines().map(l -> {
            String[] f = l.split("\t", -1);
            if (f[1].equals("d")) f[5] = "-";
            return String.join("\t", f);
        }).sorted().forEach(l -> sb.append(l).append('\n'));
        return sb.toString();
    }

    /** Equal line sets, reporting only the lines that differ (listings run to thousands of lines). */
    private static void assertSameLines(String what, String lamina, String kernel) {
        TreeSet<String> onlyLamina = new TreeSet<>(lamina.lines().toList()), onlyKernel = new TreeSet<>(kernel.lines().toList());
        onlyLamina.removeAll(kernel.lines().toList());
        onlyKernel.removeAll(lamina.lines().toList());
        assertThat(String.join("\n", onlyLamina) + "\n-- kernel has instead --\n" + String.join("\n", onlyKernel))
                .as(what + ": lines only on lamina, then only on the kernel")
                .isEqualTo("\n-- kernel has instead --\n");
        assertThat(lamina.lines().count()).as(what + ": line count").isEqualTo(kernel.lines().count());
        assertThat(lamina).as(what).isNotBlank();
    }

    /** A tar listing without its "./" line (the root's mtime is when it was extracted). */
    private static String dropRoot(String listing) {
        return String.join("\n", listing.lines().filter(l -> !l.endsWith(" ./")).toList());
    }

    private static String sha256(Path p) throws Exception {
        return Tools.run(p.getParent(), "sha256sum", p.toString()).split(" ")[0];
    }
}
