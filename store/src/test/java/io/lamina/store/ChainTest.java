package io.lamina.store;

import io.lamina.fs.Errno;
import io.lamina.fs.FsException;
import io.lamina.fs.LowerDirEntry;
import io.lamina.fs.LowerEntry;
import io.lamina.fs.LowerLayer;
import io.lamina.sys.Posix;
import io.lamina.testdata.Examples;
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

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChainTest {

    private Path root;
    private Store store;

    @BeforeEach
    void open() {
        root = StoreTesting.tempDir("chain-");
        store = Store.open(root);
    }

    @AfterEach
    void close() {
        store.close();
        Store.deleteTree(root);
    }

    private List<String> importAll(List<LayerSpec> layers) {
        List<String> ids = new ArrayList<>();
        for (LayerSpec l : layers) {
            ids.add(StoreTesting.importBytes(store, StoreTesting.tar(l)).diffId());
        }
        return ids;
    }

    @Test
    void chainIdIsTheOciOneAndItsIndexIsBuiltOnceAndShared() throws Exception {
        List<String> ids = importAll(Examples.demoStack().layers());
        String c2 = "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest((ids.get(0) + " " + ids.get(1)).getBytes(StandardCharsets.US_ASCII)));
        String c3 = "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest((c2 + " " + ids.get(2)).getBytes(StandardCharsets.US_ASCII)));
        assertThat(Store.chainId(ids)).isEqualTo(c3);
        assertThat(Store.chainId(ids.subList(0, 1))).isEqualTo(ids.get(0));

        long ino;
        long dev;
        try (LowerLayer a = store.openChain(ids); LowerLayer b = store.openChain(ids)) {
            ino = a.probe("etc/issue").stat().ino();
            dev = a.probe("etc/issue").stat().dev();
            assertThat(b.probe("etc/issue").stat().ino()).isEqualTo(ino);
        }
        Path file = store.chainIndexPath(c3);
        assertThat(file).isRegularFile();
        Object fileKey = Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
        store.close();
        store = Store.open(root);
        try (LowerLayer again = store.openChain(ids)) {
            assertThat(again.probe("etc/issue").stat().ino()).isEqualTo(ino);
            assertThat(again.probe("etc/issue").stat().dev()).isEqualTo(dev);
        }
        assertThat(Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class).fileKey())
                .as("reopened, not rebuilt").isEqualTo(fileKey);
        try (var s = Files.list(root.resolve("tmp"))) {
            assertThat(s.toList()).isEmpty();
        }
    }

    @Test
    void whiteoutsOpaqueDirsAndHardlinksResolveInsideTheChain() {
        List<String> ids = importAll(Examples.tricky().layers());
        try (LowerLayer c = store.openChain(ids)) {
            assertThat(c.probe("del/remove-me")).isNull();
            assertThat(c.probe("gone/sub/file")).isNull();
            assertThat(c.probe("gone/new")).isNotNull();
            assertThat(c.probe("never-existed")).isNull();
            assertThat(names(c.list("opq"))).containsExactly("c");
            assertThat(names(c.list("gone"))).containsExactly("new");
            assertThat(c.probe("replace/file-to-dir").stat().isDir()).isTrue();
            assertThat(c.probe("replace/dir-to-file").stat().isRegular()).isTrue();
            assertThat(c.probe("replace/dir-to-file/child")).isNull();
            assertThat(c.list("replace/dir-to-file")).isEmpty();

            LowerEntry small = c.probe("data/small.txt");
            LowerEntry hard1 = c.probe("links/hard1");
            assertThat(hard1.stat().ino()).isEqualTo(small.stat().ino());
            assertThat(small.stat().nlink()).as("hard2 is whited out by layer 2").isEqualTo(2);
            assertThat(c.probe("data/large.bin").stat().nlink()).isEqualTo(2);
            assertThat(c.probe("data/empty").stat().nlink()).isEqualTo(1);
            assertThat(c.probe("data/empty").stat().ino()).isNotEqualTo(small.stat().ino());
            assertThat(c.probe("").stat().isDir()).isTrue();
            assertThat(small.stat().blocks()).isEqualTo(1);
            assertThat(small.stat().blksize()).isEqualTo(4096);
            assertThat(c.probe("opq").opaque()).isTrue();

            for (LowerDirEntry d : c.list("links")) {
                assertThat(d.ino()).isEqualTo(c.probe("links/" + d.name()).stat().ino());
            }
            assertThat(c.readlink("links/relative")).isEqualTo("../data/small.txt");
            assertThatThrownBy(() -> c.readlink("data/small.txt"))
                    .isInstanceOfSatisfying(FsException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL));
            assertThat(c.xattrNames("xattrs/dir")).containsExactly("user.lamina.dir");
            assertThat(new String(c.xattr("xattrs/dir", "user.lamina.dir"), StandardCharsets.UTF_8))
                    .isEqualTo("on a directory");
            assertThat(c.xattr("xattrs/dir", "user.none")).isNull();
            int fd = c.openData("data/small.txt");
            try {
                var buf = java.nio.ByteBuffer.allocate(64);
                int n = Posix.pread(fd, buf, 0);
                assertThat(new String(buf.array(), 0, n, StandardCharsets.UTF_8)).isEqualTo("small file\n");
            } finally {
                Posix.close(fd);
            }
        }
    }

    @Test
    void aDeepChainAnswersFromTheRightLayer() {
        List<LayerSpec> layers = new ArrayList<>();
        for (int k = 0; k < 300; k++) {
            LayerSpec.Builder b = LayerSpec.builder().text("f/" + k, "layer " + k + "\n")
                    .text("same", "from layer " + k + "\n");
            if (k > 0 && k % 2 == 0) {
                b.whiteout("f/" + (k - 1));
            }
            if (k == 150) {
                b.opaqueDir("f");
            }
            layers.add(b.build());
        }
        List<String> ids = importAll(layers);
        try (LowerLayer c = store.openChain(ids)) {
            List<String> names = names(c.list("f"));
            List<String> expected = new ArrayList<>();
            for (int k = 150; k < 300; k++) {
                if (k % 2 == 0 || k == 299) {
                    expected.add(Integer.toString(k));
                }
            }
            assertThat(names).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(c.probe("f/149")).isNull();
            assertThat(c.probe("f/298").stat().size()).isEqualTo("layer 298\n".length());
            assertThat(c.probe("same").stat().size()).isEqualTo("from layer 299\n".length());
        }
    }

    @Test
    void aThousandLayersEachAddingOneNameToOneDirectory() {
        List<String> ids = new ArrayList<>();
        for (int k = 0; k < 1000; k++) {
            ids.add(StoreTesting.importBytes(store, new RawTar().dir("a/").file("a/f" + k, "" + k).end()).diffId());
        }
        try (LowerLayer c = store.openChain(ids)) {
            assertThat(c.list("a")).hasSize(1000);
            assertThat(c.probe("a/f0").stat().size()).isEqualTo(1);
            assertThat(c.probe("a/f999").stat().size()).isEqualTo(3);
            assertThat(c.probe("a").stat().mtimeSec()).isEqualTo(1_700_000_000L);
        }
    }

    @Test
    void aChainOfUnknownLayersIsRefused() {
        assertThatThrownBy(() -> store.openChain(List.of("sha256:" + "0".repeat(64))))
                .isInstanceOf(StoreException.class).hasMessageContaining("not in the store");
        assertThatThrownBy(() -> store.openChain(List.of("nope"))).isInstanceOf(StoreException.class);
    }

    @Test
    void rootOpaqueHidesEverythingBelow() {
        List<String> ids = importAll(List.of(
                LayerSpec.builder().text("old", "x").build(),
                LayerSpec.builder().text("new", "y").build()));
        byte[] opaqueRoot = new RawTar().file(".wh..wh..opq", "").file("top", "z").end();
        ids.add(StoreTesting.importBytes(store, opaqueRoot).diffId());
        try (LowerLayer c = store.openChain(ids)) {
            assertThat(names(c.list(""))).containsExactly("top");
            assertThat(c.probe("old")).isNull();
        }
    }

    static List<String> names(List<LowerDirEntry> list) {
        return list.stream().map(LowerDirEntry::name).sorted().toList();
    }
}
