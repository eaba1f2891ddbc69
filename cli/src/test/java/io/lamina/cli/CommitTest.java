package io.lamina.cli;

import io.lamina.fuse.MountTable;
import io.lamina.fuse.Unmount;
import io.lamina.store.Commit;
import io.lamina.store.EntryKind;
import io.lamina.store.ImageRecord;
import io.lamina.store.Images;
import io.lamina.store.IndexEntry;
import io.lamina.store.LayerIndex;
import io.lamina.store.Store;
import io.lamina.sys.Posix;
import io.lamina.testdata.Examples;
import io.lamina.testdata.OverlayDirs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code lamina commit} end to end: the demo stack mounted through FUSE, every kind of change made
 * through the mount point, committed into a store; the layer's index says what each change
 * became, and the layer tar applied over the original layers by the kernel's overlayfs shows the
 * tree the lamina mount showed.
 */
class CommitTest {
    private Path dir, upper, mnt, oracle, root;
    private List<Path> lowersBottomFirst;

    @BeforeEach
    void setUp() throws IOException {
        Cli.requireRootAndFuse();
        dir = Cli.tempDir("commit");
        lowersBottomFirst = OverlayDirs.writeAll(Examples.demoStack().layers(), dir.resolve("layers"));
        upper = Files.createDirectories(dir.resolve("upper"));
        mnt = Files.createDirectories(dir.resolve("mnt"));
        oracle = Files.createDirectories(dir.resolve("oracle"));
        root = dir.resolve("store");
    }

    @AfterEach
    void tearDown() {
        if (mnt != null && MountTable.at(mnt).isPresent()) {
            Cli.run("umount", mnt.toString());
            if (MountTable.at(mnt).isPresent()) Unmount.unmountQuietly(mnt);
        }
        if (oracle != null && MountTable.at(oracle).isPresent()) Unmount.unmountQuietly(oracle);
        assertThat(MountTable.read(MountTable.SELF)).noneMatch(m -> dir != null && m.mountpoint().startsWith(dir));
    }

    @Test
    void commitRoundTripsThroughKernelOverlayfs() throws Exception {
        List<String> args = new ArrayList<>(List.of("mount"));
        for (Path l : lowersBottomFirst.reversed()) args.addAll(List.of("--lower", l.toString()));
        args.addAll(List.of("--upper", upper.toString(), mnt.toString()));
        Cli.Result m = Cli.run(args.toArray(String[]::new));
        assertThat(m.err()).isEmpty();
        assertThat(m.exitCode()).isZero();

        // every kind of change, through the mount point
        Files.createDirectories(mnt.resolve("new/dir"));
        Files.writeString(mnt.resolve("new/dir/file.txt"), "a new file\n");
        Files.createLink(mnt.resolve("new/hard"), mnt.resolve("new/dir/file.txt"));
        Files.createSymbolicLink(mnt.resolve("new/link"), Path.of("dir/file.txt"));
        Files.writeString(mnt.resolve("home/user/notes.txt"), "one more line\n", StandardOpenOption.APPEND);
        Files.setPosixFilePermissions(mnt.resolve("etc/os-release"), PosixFilePermissions.fromString("rw-------"));
        Files.delete(mnt.resolve("etc/hostname"));
        Files.delete(mnt.resolve("var/log"));
        Files.delete(mnt.resolve("var"));
        Files.createDirectory(mnt.resolve("var"));
        Files.writeString(mnt.resolve("var/fresh"), "in an opaque dir\n");
        Files.move(mnt.resolve("home/user"), mnt.resolve("home/alice"));
        Files.move(mnt.resolve("usr/share/doc/lamina"), mnt.resolve("usr/share/lamina-doc"));
        Map<String, String> seen = TreeSnapshot.of(mnt);
        assertThat(Posix.lgetxattr(upper.resolve("etc/os-release").toString(), "trusted.overlay.metacopy"))
                .as("chmod copied metadata only").isNotNull();

        Cli.Result c = Cli.run("--root", root.toString(), "commit", mnt.toString());
        assertThat(c.err()).isEmpty();
        assertThat(c.exitCode()).isZero();
        String diffId = c.out().strip();
        assertThat(diffId).startsWith("sha256:");

        // The same upper gives the same tar: its sha256 is the diff-id.
        Path tar = dir.resolve("layer.tar");
        try (OutputStream out = Files.newOutputStream(tar)) {
            Commit.writeLayer(upper, mnt, out);
        }
        assertThat("sha256:" + sha256(Files.readAllBytes(tar))).isEqualTo(diffId);

        try (Store store = Store.open(root); LayerIndex index = store.openIndex(diffId)) {
            assertThat(kind(index, "etc/hostname")).isEqualTo(EntryKind.WHITEOUT);
            IndexEntry osRelease = index.find("etc/os-release");
            assertThat(osRelease.mode()).isEqualTo(0600);
            byte[] lowerData = Files.readAllBytes(lowersBottomFirst.get(0).resolve("etc/os-release"));
            assertThat(osRelease.size()).isEqualTo(lowerData.length);
            assertThat(osRelease.digest()).as("a metacopy file carries its data").isEqualTo(sha256(lowerData));
            assertThat(kind(index, "home/user")).isEqualTo(EntryKind.WHITEOUT);
            assertThat(index.find("home/alice").opaque()).isTrue();
            assertThat(index.find("home/alice/notes.txt").size()).isEqualTo(Files.size(mnt.resolve("home/alice/notes.txt")));
            assertThat(kind(index, "usr/share/doc/lamina")).isEqualTo(EntryKind.WHITEOUT);
            assertThat(index.find("usr/share/lamina-doc").opaque()).isTrue();
            assertThat(kind(index, "usr/share/lamina-doc/README")).isEqualTo(EntryKind.REGULAR);
            assertThat(index.find("var").opaque()).isTrue();
            assertThat(index.find("var/log")).isNull();
            assertThat(index.find("new/hard").linkGroup()).isPositive().isEqualTo(index.find("new/dir/file.txt").linkGroup());
            assertThat(index.find("new/link").linkTarget()).isEqualTo("dir/file.txt");
        }

        // --name: an image of the lower directories (as layers, bottom first) plus the new layer.
        Cli.Result named = Cli.run("--root", root.toString(), "commit", "--name", "demo:committed", mnt.toString());
        assertThat(named.err()).isEmpty();
        assertThat(named.exitCode()).isZero();
        try (Store store = Store.open(root); Images images = Images.open(store)) {
            ImageRecord image = images.require("demo:committed");
            assertThat(image.id()).isEqualTo(named.out().strip());
            assertThat(image.diffIds()).hasSize(lowersBottomFirst.size() + 1).last().isEqualTo(diffId);
            for (String d : image.diffIds()) assertThat(store.layer(d)).isPresent();
        }
        Path exported = dir.resolve("exported.tar");
        Cli.Result export = Cli.run("--root", root.toString(), "image", "export", "demo:committed", exported.toString());
        assertThat(export.err()).isEmpty();
        assertThat(export.exitCode()).isZero();

        // Apply the layer over the original layers with the kernel's overlayfs: the same tree.
        Path extracted = dir.resolve("extracted");
        OverlayExtract.extract(tar, extracted);
        StringBuilder lowerdir = new StringBuilder(extracted.toString());
        for (Path l : lowersBottomFirst.reversed()) lowerdir.append(':').append(l);
        Posix.mount("overlay", oracle.toString(), "overlay", Posix.MS_RDONLY, "lowerdir=" + lowerdir);
        try {
            assertThat(TreeSnapshot.of(oracle)).isEqualTo(seen);
            assertThat(Files.getAttribute(oracle.resolve("new/hard"), "unix:ino"))
                    .isEqualTo(Files.getAttribute(oracle.resolve("new/dir/file.txt"), "unix:ino"));
        } finally {
            Posix.umount2(oracle.toString(), 0);
        }
    }

    private static EntryKind kind(LayerIndex index, String path) {
        IndexEntry e = index.find(path);
        assertThat(e).as(path).isNotNull();
        return e.kind();
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }
}
