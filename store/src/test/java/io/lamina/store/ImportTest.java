package io.lamina.store;

import io.lamina.testdata.Examples;
import io.lamina.testdata.ImageSpec;
import io.lamina.testdata.LayerSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static io.lamina.store.StoreTesting.importBytes;
import static io.lamina.store.StoreTesting.tar;
import static org.assertj.core.api.Assertions.assertThat;

class ImportTest {

    private Path root;
    private Store store;

    @BeforeEach
    void open() {
        root = StoreTesting.tempDir("import-");
        store = Store.open(root);
    }

    @AfterEach
    void close() {
        store.close();
        Store.deleteTree(root);
    }

    @Test
    void importsTheTrickyLayersWithDiffIdIndexAndObjects() throws Exception {
        ImageSpec image = Examples.tricky();
        byte[] t1 = tar(image.layers().get(0));
        LayerRecord r = importBytes(store, t1);
        String hex = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(t1));
        assertThat(r.diffId()).isEqualTo("sha256:" + hex);
        assertThat(r.tarBytes()).isEqualTo(t1.length);
        assertThat(store.layer(r.diffId())).contains(r);
        assertThat(store.layers()).containsExactly(r);
        assertThat(Files.exists(root.resolve("layers").resolve(hex).resolve("index"))).isTrue();
        try (java.util.stream.Stream<Path> s = Files.list(root.resolve("tmp"))) {
            assertThat(s.count()).isZero();
        }

        try (LayerIndex idx = store.openIndex(r.diffId())) {
            assertThat(idx.size()).isEqualTo(r.entries());
            List<String> paths = new ArrayList<>();
            for (int i = 0; i < idx.size(); i++) {
                paths.add(idx.entry(i).path());
            }
            List<String> expected = image.layers().get(0).entries().stream().map(e -> e.path()).toList();
            assertThat(paths).containsExactlyElementsOf(expected);

            IndexEntry small = idx.find("data/small.txt");
            assertThat(small.kind()).isEqualTo(EntryKind.REGULAR);
            assertThat(small.size()).isEqualTo(11);
            assertThat(small.mtimeNsec()).isEqualTo(123456789);
            assertThat(Files.readString(store.objectPath(small.digest()))).isEqualTo("small file\n");
            assertThat(small.linkGroup()).isPositive();
            assertThat(idx.find("links/hard1").linkGroup()).isEqualTo(small.linkGroup());
            assertThat(idx.find("links/hard1").digest()).isEqualTo(small.digest());

            IndexEntry holes = idx.find("sparse/holes.img");
            assertThat(holes.size()).isEqualTo(16L << 20);
            Path object = store.objectPath(holes.digest());
            assertThat(Files.size(object)).isEqualTo(16L << 20);
            assertThat(io.lamina.sys.Posix.fstatat(io.lamina.sys.Posix.AT_FDCWD, object.toString(), 0).blocks() * 512).as("holes stay holes")
                    .isLessThan(1 << 20);
            assertThat(Files.size(store.objectPath(idx.find("sparse/all-hole.img").digest()))).isEqualTo(1 << 20);

            IndexEntry x = idx.find("xattrs/file");
            assertThat(new String(x.xattrs().get("user.lamina.text"), StandardCharsets.UTF_8)).isEqualTo("hello");
            assertThat(new String(x.xattrs().get("user.lamina.unicode"), StandardCharsets.UTF_8))
                    .isEqualTo("wert ✓ ünïcödé");
            assertThat(idx.find("links/long-target").linkTarget()).isEqualTo("../" + "t".repeat(147));
            assertThat(idx.find("dev/null").kind()).isEqualTo(EntryKind.CHAR_DEVICE);
            assertThat(idx.find("dev/null").rdev()).isEqualTo(io.lamina.sys.Posix.makedev(1, 3));
            assertThat(idx.find("owners/big-id").uid()).isEqualTo(70_000_000);
            assertThat(idx.find("perms/setuid").mode()).isEqualTo(04755);
            assertThat(idx.find("nope")).isNull();
        }
    }

    @Test
    void whiteoutsAndOpaqueMarkersBecomeEntryKindsAndFlags() {
        ImageSpec image = Examples.tricky();
        LayerRecord l2 = importBytes(store, tar(image.layers().get(1)));
        LayerRecord l3 = importBytes(store, tar(image.layers().get(2)));
        try (LayerIndex i2 = store.openIndex(l2.diffId()); LayerIndex i3 = store.openIndex(l3.diffId())) {
            assertThat(i2.find("gone").kind()).isEqualTo(EntryKind.WHITEOUT);
            assertThat(i2.find("del/remove-me").kind()).isEqualTo(EntryKind.WHITEOUT);
            assertThat(i3.find("opq").opaque()).isTrue();
            assertThat(i3.find("opq/c").kind()).isEqualTo(EntryKind.REGULAR);
            assertThat(i3.find("never-existed").kind()).isEqualTo(EntryKind.WHITEOUT);
            assertThat(i3.find("gone").opaque()).isFalse();
        }
    }

    @Test
    void missingParentsGetImplicitDirectoriesAndTheSameTarTwiceIsOneLayer() {
        LayerSpec layer = LayerSpec.builder().text("a/b/c.txt", "x").build();
        byte[] t = tar(layer);
        LayerRecord r = importBytes(store, t);
        assertThat(importBytes(store, t)).isEqualTo(r);
        try (LayerIndex idx = store.openIndex(r.diffId())) {
            assertThat(idx.find("a").kind()).isEqualTo(EntryKind.DIRECTORY);
        }
        assertThat(store.objectStats()).isEqualTo(new ObjectStats(1, 1));
    }

    @Test
    void pathsSortComponentByComponentAndFindUsesThatOrder() {
        byte[] t = new RawTar().file("a-b", "1").file("a/b", "2").file("a.c", "3").file("a/a", "4").file("b", "5").end();
        LayerRecord r = importBytes(store, t);
        try (LayerIndex idx = store.openIndex(r.diffId())) {
            List<String> paths = new ArrayList<>();
            for (int i = 0; i < idx.size(); i++) {
                paths.add(idx.entry(i).path());
                assertThat(idx.find(idx.entry(i).path())).isEqualTo(idx.entry(i));
            }
            assertThat(paths).containsExactly("a", "a/a", "a/b", "a-b", "a.c", "b");
        }
    }

    @Test
    void aDirectoryEntryAfterItsChildrenGivesTheImplicitDirectoryItsMetadata() {
        byte[] t = new RawTar().file("./x/y", "1").dir("./x/").dir("./").end();
        LayerRecord r = importBytes(store, t);
        try (LayerIndex idx = store.openIndex(r.diffId())) {
            assertThat(idx.size()).isEqualTo(2);
            assertThat(idx.find("x").mode()).isEqualTo(0644);
            assertThat(idx.find("x").mtimeSec()).isEqualTo(1_700_000_000L);
        }
    }

    @Test
    void gnuLongNamesAndChainedHardlinks() throws Exception {
        String longName = "dir/" + "n".repeat(150);
        var out = new java.io.ByteArrayOutputStream();
        try (var tar = new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(out)) {
            tar.setLongFileMode(org.apache.commons.compress.archivers.tar.TarArchiveOutputStream.LONGFILE_GNU);
            var e = new org.apache.commons.compress.archivers.tar.TarArchiveEntry(longName);
            e.setSize(3);
            tar.putArchiveEntry(e);
            tar.write("abc".getBytes(StandardCharsets.UTF_8));
            tar.closeArchiveEntry();
            var h1 = new org.apache.commons.compress.archivers.tar.TarArchiveEntry("h1",
                    org.apache.commons.compress.archivers.tar.TarConstants.LF_LINK);
            h1.setLinkName(longName);
            tar.putArchiveEntry(h1);
            tar.closeArchiveEntry();
            var h2 = new org.apache.commons.compress.archivers.tar.TarArchiveEntry("h2",
                    org.apache.commons.compress.archivers.tar.TarConstants.LF_LINK);
            h2.setLinkName("h1");
            tar.putArchiveEntry(h2);
            tar.closeArchiveEntry();
        }
        LayerRecord r = importBytes(store, out.toByteArray());
        try (LayerIndex idx = store.openIndex(r.diffId())) {
            IndexEntry f = idx.find(longName);
            assertThat(f.size()).isEqualTo(3);
            assertThat(idx.find("h2").digest()).isEqualTo(f.digest());
            assertThat(idx.find("h2").linkGroup()).isEqualTo(f.linkGroup()).isPositive();
            assertThat(idx.find("h1").linkGroup()).isEqualTo(f.linkGroup());
        }
    }

    @Test
    void binaryXattrValuesKeepTheirBytes() {
        byte[] cap = {1, 0, 0, 2, (byte) 0xff, (byte) 0x80, 0, 0, (byte) 0xc3, 0x28, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        byte[] t = new RawTar()
                .pax("SCHILY.xattr.security.capability", cap).file("bin/ping", "ping")
                .pax("SCHILY.xattr.user.text", "plain ✓".getBytes(StandardCharsets.UTF_8)).file("bin/other", "o")
                .end();
        LayerRecord r = importBytes(store, t);
        try (LayerIndex idx = store.openIndex(r.diffId())) {
            assertThat(idx.find("bin/ping").xattrs().get("security.capability")).isEqualTo(cap);
            assertThat(new String(idx.find("bin/other").xattrs().get("user.text"), StandardCharsets.UTF_8))
                    .isEqualTo("plain ✓");
            assertThat(idx.find("bin/other").xattrs()).doesNotContainKey("security.capability");
        }
    }
}
