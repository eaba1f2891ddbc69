package io.lamina.testdata;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The overlayfs directory form: needs root (skipped without it, failed under CI=true). The
 * kernel's overlayfs, mounted read-only over the written layers, proves the format right.
 */
class OverlayDirsTest {

    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

    /** Not JUnit's @TempDir: it warns about every symlink to an absolute path while deleting. */
    private Path tmp;

    @BeforeEach
    void root() throws IOException {
        Prerequisites.requireRoot();
        String base = System.getenv().getOrDefault("LAMINA_TEST_TMP", System.getProperty("java.io.tmpdir"));
        tmp = Files.createTempDirectory(Files.createDirectories(Path.of(base)), "overlay-dirs-");
    }

    @AfterEach
    void clean() throws IOException {
        if (tmp != null) {
            OciImages.deleteTree(tmp);
        }
    }

    @Test
    void trickyLayersOnDisk() throws IOException {
        List<Path> dirs = OverlayDirs.writeAll(Examples.tricky().layers(), tmp.resolve("layers"));
        assertThat(dirs).containsExactly(tmp.resolve("layers/1"), tmp.resolve("layers/2"), tmp.resolve("layers/3"));
        Path l1 = dirs.get(0);

        assertThat(mode(l1.resolve("perms/setuid"))).isEqualTo(0104755);
        assertThat(mode(l1.resolve("perms/setgid"))).isEqualTo(0102755);
        assertThat(mode(l1.resolve("perms/sticky"))).isEqualTo(041777);
        assertThat(mode(l1.resolve("perms/setgid-dir"))).isEqualTo(042775);
        assertThat(mode(l1.resolve("perms/setgid-dir/child"))).as("no inherited setgid").isEqualTo(040755);
        assertThat(mode(l1.resolve("perms/none"))).isEqualTo(0100000);
        assertThat(mode(l1.resolve("dev/fifo"))).isEqualTo(010644);
        assertThat(mode(l1.resolve("dev/null"))).isEqualTo(020666);
        assertThat(rdev(l1.resolve("dev/null"))).isEqualTo(makedev(1, 3));
        assertThat(mode(l1.resolve("dev/loop0"))).isEqualTo(060660);

        assertThat(attr(l1.resolve("owners/big-id"), "unix:uid")).isEqualTo(70_000_000);
        assertThat(attr(l1.resolve("owners/big-id"), "unix:gid")).isEqualTo(70_000_001);
        assertThat(attr(l1.resolve("owners/user-dir"), "unix:uid")).isEqualTo(1000);
        assertThat(attr(l1.resolve("perms/setgid"), "unix:gid")).isEqualTo(50);

        assertThat(Files.getLastModifiedTime(l1.resolve("data/small.txt")).toInstant())
                .isEqualTo(Instant.parse("2024-02-29T12:34:56.123456789Z"));
        assertThat(Files.getLastModifiedTime(l1.resolve("times")).toInstant())
                .isEqualTo(Instant.parse("2024-02-29T12:34:56.123456789Z"));
        assertThat(Files.getLastModifiedTime(l1.resolve("links/to-dir"), NOFOLLOW).toInstant())
                .isEqualTo(Instant.parse("2023-06-15T08:00:00.000001Z"));
        assertThat(Files.getLastModifiedTime(l1.resolve("data"), NOFOLLOW).toInstant())
                .isEqualTo(LayerSpec.DEFAULT_MTIME);

        assertThat(Files.readSymbolicLink(l1.resolve("links/absolute")).toString()).isEqualTo("/data/small.txt");
        assertThat(Files.readSymbolicLink(l1.resolve("links/self")).toString()).isEqualTo("self");
        assertThat(attr(l1.resolve("links/hard1"), "unix:ino")).isEqualTo(attr(l1.resolve("data/small.txt"), "unix:ino"));
        assertThat(attr(l1.resolve("a-hardlink-sorted-first"), "unix:nlink")).isEqualTo(2);

        Content holes = Examples.tricky().layers().get(0).entry("sparse/holes.img").orElseThrow().content();
        assertThat(Files.readAllBytes(l1.resolve("sparse/holes.img"))).isEqualTo(holes.toBytes());
        assertThat(blocks(l1.resolve("sparse/holes.img")) * 512).as("holes are not allocated").isLessThan(1 << 20);
        assertThat(Files.size(l1.resolve("sparse/all-hole.img"))).isEqualTo(1 << 20);

        UserDefinedFileAttributeView xv = Files.getFileAttributeView(l1.resolve("xattrs/file"),
                UserDefinedFileAttributeView.class);
        assertThat(xv.list()).contains("lamina.text", "lamina.empty", "lamina.big", "lamina.unicode");
        assertThat(xv.size("lamina.empty")).isZero();
        var buf = java.nio.ByteBuffer.allocate(xv.size("lamina.unicode"));
        xv.read("lamina.unicode", buf);
        assertThat(new String(buf.array(), StandardCharsets.UTF_8)).isEqualTo("wert ✓ ünïcödé");

        Path l2 = dirs.get(1);
        assertThat(mode(l2.resolve("gone"))).as("whiteout").isEqualTo(020000);
        assertThat(rdev(l2.resolve("gone"))).isZero();
        assertThat(mode(l2.resolve("del/remove-me"))).isEqualTo(020000);
        assertThat(getfattr(dirs.get(2).resolve("opq"), OverlayDirs.OPAQUE_XATTR)).isEqualTo("y");
        assertThat(Files.list(dirs.get(2).resolve("opq")).map(p -> p.getFileName().toString())).containsExactly("c");
    }

    @Test
    void kernelOverlayAgrees() throws IOException {
        List<Path> dirs = OverlayDirs.writeAll(Examples.tricky().layers(), tmp.resolve("layers"));
        Path mnt = Files.createDirectories(tmp.resolve("mnt"));
        mount(dirs, mnt);
        try {
            assertThat(names(mnt.resolve("gone"))).containsExactly("new");
            assertThat(names(mnt.resolve("opq"))).containsExactly("c");
            assertThat(names(mnt.resolve("del"))).containsExactly("keep");
            assertThat(names(mnt.resolve("links"))).contains("hard1").doesNotContain("hard2");
            assertThat(names(mnt)).contains("layer2.txt").doesNotContain("never-existed");
            assertThat(Files.isRegularFile(mnt.resolve("replace/dir-to-file"))).isTrue();
            assertThat(names(mnt.resolve("replace/file-to-dir"))).containsExactly("child");
            assertThat(Files.readString(mnt.resolve("links/relative"))).isEqualTo("small file\n");
        } finally {
            Exec.run(List.of("umount", mnt.toString()));
        }
    }

    @Test
    void busyboxRunsFromTheOverlay() throws IOException, InterruptedException {
        Prerequisites.requireBusybox();
        List<Path> dirs = OverlayDirs.writeAll(Examples.busybox().layers(), tmp.resolve("layers"));
        Path mnt = Files.createDirectories(tmp.resolve("mnt"));
        mount(dirs, mnt);
        try {
            assertThat(run("chroot", mnt.toString(), "/bin/sh", "-c", "echo hello; ls /var/cache/app; cat /etc/motd"))
                    .startsWith("hello\nfresh\n").contains("No such file");
            assertThat(run("chroot", "--userspec=1000:1000", mnt.toString(), "/bin/sh", "-c", "id -un; pwd"))
                    .isEqualTo("user\n/\n");
        } finally {
            Exec.run(List.of("umount", mnt.toString()));
        }
    }

    @Test
    void refusesToOverwrite() throws IOException {
        Files.createDirectories(tmp.resolve("x"));
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> OverlayDirs.write(Examples.demoStack().layers().get(0), tmp.resolve("x")))
                .isInstanceOf(java.nio.file.FileAlreadyExistsException.class);
    }

    /** Mounts the layers read-only (lower dirs only): skipped without overlayfs unless CI=true. */
    private static void mount(List<Path> dirs, Path mnt) {
        try {
            Exec.run(List.of("mount", "-t", "overlay", "overlay", "-o", "ro,lowerdir=" + OverlayDirs.lowerdir(dirs),
                    mnt.toString()));
        } catch (IOException e) {
            Prerequisites.require(false, "kernel overlayfs mount failed: " + e.getMessage());
        }
    }

    private static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }

    private static List<String> names(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static int mode(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:mode", NOFOLLOW);
    }

    private static long rdev(Path p) throws IOException {
        return (Long) Files.getAttribute(p, "unix:rdev", NOFOLLOW);
    }

    private static Object attr(Path p, String name) throws IOException {
        return Files.getAttribute(p, name, NOFOLLOW);
    }

    private static long makedev(int major, int minor) {
        return ((long) major << 8) | minor;
    }

    private static long blocks(Path p) throws IOException {
        try {
            return Long.parseLong(run("stat", "-c", "%b", p.toString()).strip());
        } catch (InterruptedException e) {
            throw new IOException(e);
        }
    }

    private static String getfattr(Path p, String name) throws IOException {
        try {
            return run("getfattr", "--absolute-names", "--only-values", "-n", name, p.toString());
        } catch (InterruptedException e) {
            throw new IOException(e);
        }
    }
}
