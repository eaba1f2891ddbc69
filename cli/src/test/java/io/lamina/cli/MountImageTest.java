package io.lamina.cli;

import io.lamina.fuse.MountTable;
import io.lamina.fuse.Unmount;
import io.lamina.sys.Posix;
import io.lamina.testdata.Compression;
import io.lamina.testdata.Examples;
import io.lamina.testdata.ImageSpec;
import io.lamina.testdata.OciImages;
import io.lamina.testdata.OverlayDirs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code lamina mount --image}: an imported image mounted by name shows what kernel overlayfs shows
 * over the same layers; changes made through it, committed, exported, re-imported and mounted
 * again give the same tree (the round trip).
 */
class MountImageTest {
    private Path dir, root, mnt, oracle;

    @BeforeEach
    void setUp() throws IOException {
        Cli.requireRootAndFuse();
        dir = Cli.tempDir("mount-image");
        root = dir.resolve("store");
        mnt = Files.createDirectories(dir.resolve("mnt"));
        oracle = Files.createDirectories(dir.resolve("oracle"));
    }

    @AfterEach
    void tearDown() {
        for (Path p : new Path[] {mnt, oracle}) {
            if (p != null && MountTable.at(p).isPresent()) Unmount.unmountQuietly(p);
        }
        assertThat(MountTable.read(MountTable.SELF)).noneMatch(m -> dir != null && m.mountpoint().startsWith(dir));
    }

    @Test
    void importedImageMountedByNameMatchesKernelOverlayfsAndRoundTrips() throws Exception {
        ImageSpec tricky = Examples.tricky();
        OciImages.writeLayout(tricky, dir.resolve("layout"), Compression.GZIP);
        ok(lamina("image", "import", dir.resolve("layout").toString(), "--name", "tricky:1"));

        Map<String, String> kernel = kernelView(tricky);
        Files.createDirectories(dir.resolve("upper"));
        ok(lamina("mount", "--image", "tricky:1", "--upper", dir.resolve("upper").toString(), mnt.toString()));
        assertThat(TreeSnapshot.of(mnt)).isEqualTo(kernel);

        // (not data/small.txt: its lower hardlink links/hard1 would show the write, and commit
        // walks the upper only, so that name keeps the old data in the committed image)
        Files.writeString(mnt.resolve("layer2.txt"), "appended\n", StandardOpenOption.APPEND);
        Files.setPosixFilePermissions(mnt.resolve("xattrs/file"), PosixFilePermissions.fromString("rw-------"));
        Files.delete(mnt.resolve("del/keep"));
        Files.createDirectories(mnt.resolve("fresh/dir"));
        Files.writeString(mnt.resolve("fresh/dir/new.txt"), "new\n");
        Files.move(mnt.resolve("unicode"), mnt.resolve("unicode-moved"));
        Map<String, String> changed = TreeSnapshot.of(mnt);

        Cli.Result usage = lamina("usage", mnt.toString());
        ok(usage);
        assertThat(usage.out()).contains("virtual");
        Cli.Result diff = lamina("diff", mnt.toString());
        ok(diff);
        assertThat(diff.out()).contains("D /del/keep", "A /fresh/dir/new.txt", "C /layer2.txt");

        ok(lamina("commit", "--name", "tricky:changed", mnt.toString()));
        ok(lamina("umount", mnt.toString()));

        Path exported = dir.resolve("changed.tar");
        ok(lamina("image", "export", "tricky:changed", exported.toString(), "--format", "oci", "--compression", "zstd"));
        ok(lamina("image", "import", exported.toString(), "--name", "tricky:again"));
        ok(lamina("mount", "--image", "tricky:again", "--upper", "tmpfs:size=16m", mnt.toString()));
        assertThat(TreeSnapshot.of(mnt)).isEqualTo(changed);
    }

    @Test
    void unknownImageIsOneLineAndMountsNothing() throws Exception {
        Files.createDirectories(root);
        Cli.Result r = lamina("mount", "--image", "no/such:image", "--upper", "tmpfs:size=1m", mnt.toString());
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.err().strip()).doesNotContain("\n").contains("no image no/such:image");
        assertThat(MountTable.at(mnt)).isEmpty();

        Cli.Result both = lamina("mount", "--image", "x", "--lower", dir.toString(), "--upper", "tmpfs:size=1m", mnt.toString());
        assertThat(both.exitCode()).isNotZero();
        assertThat(both.err()).contains("lower layers given twice");
    }

    /** What kernel overlayfs shows, read-only, over the image's layers written as overlay-form directories. */
    private Map<String, String> kernelView(ImageSpec image) throws Exception {
        List<Path> bottomFirst = OverlayDirs.writeAll(image.layers(), dir.resolve("layers"));
        StringBuilder lowerdir = new StringBuilder();
        for (Path l : bottomFirst.reversed()) lowerdir.append(lowerdir.isEmpty() ? "" : ":").append(l);
        Posix.mount("overlay", oracle.toString(), "overlay", Posix.MS_RDONLY, "lowerdir=" + lowerdir);
        try {
            return TreeSnapshot.of(oracle);
        } finally {
            Posix.umount2(oracle.toString(), 0);
        }
    }

    private Cli.Result lamina(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--root";
        all[1] = root.toString();
        System.arraycopy(args, 0, all, 2, args.length);
        return Cli.run(all);
    }

    private static void ok(Cli.Result r) {
        assertThat(r.err()).as("stderr").isEmpty();
        assertThat(r.exitCode()).as("exit code").isZero();
    }
}
