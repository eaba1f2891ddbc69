package io.lamina.store;

import io.lamina.fs.InodeFs;
import io.lamina.fs.LowerLayer;
import io.lamina.fs.UnionFs;
import io.lamina.fs.UnionSpec;
import io.lamina.sys.Posix;
import io.lamina.testdata.Examples;
import io.lamina.testdata.ImageSpec;
import io.lamina.testdata.LayerSpec;
import io.lamina.testdata.OverlayDirs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine (fs-core's union) over a store chain shows what kernel overlayfs shows over the same
 * layers; a write copies a chain file up into the upper and leaves its object untouched.
 */
class EngineOverChainTest {

    private Path dir;
    private Store store;

    @BeforeEach
    void open() {
        dir = StoreTesting.tempDir("engine-");
        store = Store.open(dir.resolve("store"));
    }

    @AfterEach
    void close() {
        store.close();
        Store.deleteTree(dir);
    }

    @ParameterizedTest
    @ValueSource(strings = {"tricky", "busybox"})
    void engineOverAChainMatchesKernelOverlayfs(String name) throws Exception {
        StoreTesting.require(Posix.getuid() == 0, "needs root to write overlay dirs and mount overlayfs");
        StoreTesting.require(Files.readString(Path.of("/proc/filesystems")).contains("overlay"), "needs kernel overlayfs");
        if (name.equals("busybox")) {
            StoreTesting.require(Files.isRegularFile(Examples.BUSYBOX), "needs /bin/busybox (busybox-static)");
        }
        ImageSpec image = Examples.named(name);
        List<String> ids = new ArrayList<>();
        for (LayerSpec l : image.layers()) {
            ids.add(StoreTesting.importBytes(store, StoreTesting.tar(l)).diffId());
        }
        List<Path> lowers = OverlayDirs.writeAll(image.layers(), dir.resolve("layers"));
        Path mnt = Files.createDirectories(dir.resolve("mnt"));
        TreeView kernel;
        Posix.mount("overlay", mnt.toString(), "overlay", Posix.MS_RDONLY, "lowerdir=" + OverlayDirs.lowerdir(lowers));
        try {
            kernel = TreeView.ofDirectory(mnt.toString());
        } finally {
            Posix.umount2(mnt.toString(), 0);
        }
        Path upper = Files.createDirectories(dir.resolve("upper"));
        Path work = Files.createDirectories(dir.resolve("work"));
        try (InodeFs fs = UnionFs.open(UnionSpec.ofLayers(List.of(store.openChain(ids)), upper, work))) {
            TreeView engine = TreeView.ofUnion(fs);
            assertThat(engine.entries()).containsExactlyEntriesOf(kernel.entries());
            assertThat(engine.hardlinks()).isEqualTo(kernel.hardlinks());

            String file = name.equals("busybox") ? "etc/hostname" : "data/small.txt";
            long parent = InodeFs.ROOT;
            String[] parts = file.split("/");
            for (int i = 0; i < parts.length - 1; i++) {
                parent = fs.lookup(parent, parts[i]).nodeId();
            }
            long node = fs.lookup(parent, parts[parts.length - 1]).nodeId();
            long ino = fs.getattr(node).ino();
            long fh = fs.open(node, Posix.O_WRONLY);
            try {
                fs.write(fh, 0, ByteBuffer.wrap("XY".getBytes(StandardCharsets.UTF_8)));
            } finally {
                fs.release(fh);
            }
            assertThat(fs.getattr(node).ino()).as("st_ino survives copy-up").isEqualTo(ino);
            assertThat(Files.readString(upper.resolve(file))).startsWith("XY");
        }
        try (LowerLayer again = store.openChain(ids)) {
            String expected = name.equals("busybox") ? "lamina\n" : "small file\n";
            int fd = again.openData(name.equals("busybox") ? "etc/hostname" : "data/small.txt");
            try {
                ByteBuffer b = ByteBuffer.allocate(64);
                int n = Posix.pread(fd, b, 0);
                assertThat(new String(b.array(), 0, n, StandardCharsets.UTF_8)).as("the object is untouched")
                        .isEqualTo(expected);
            } finally {
                Posix.close(fd);
            }
        }
    }
}
