package io.lamina.store;

import io.lamina.fs.LowerLayer;
import io.lamina.sys.Posix;
import io.lamina.testdata.Examples;
import io.lamina.testdata.ImageSpec;
import io.lamina.testdata.LayerSpec;
import io.lamina.testdata.OverlayDirs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The flattened chain of an imported image shows exactly what kernel overlayfs shows when the
 * same layers (written as overlay directories) are mounted read-only as its lowerdirs.
 */
class ChainOracleTest {

    private Path dir;
    private Store store;

    @BeforeEach
    void open() {
        dir = StoreTesting.tempDir("oracle-");
        store = Store.open(dir.resolve("store"));
    }

    @AfterEach
    void close() {
        store.close();
        Store.deleteTree(dir);
    }

    @ParameterizedTest
    @ValueSource(strings = {"tricky", "demo", "busybox"})
    void chainMatchesKernelOverlayfs(String name) throws Exception {
        StoreTesting.require(Posix.getuid() == 0, "needs root to write overlay dirs and mount overlayfs");
        StoreTesting.require(Files.readString(Path.of("/proc/filesystems")).contains("overlay"),
                "needs kernel overlayfs");
        if (name.equals("busybox")) {
            StoreTesting.require(Files.isRegularFile(Examples.BUSYBOX), "needs /bin/busybox (busybox-static)");
        }
        ImageSpec image = Examples.named(name);
        List<String> diffIds = new ArrayList<>();
        for (LayerSpec l : image.layers()) {
            diffIds.add(StoreTesting.importBytes(store, StoreTesting.tar(l)).diffId());
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
        TreeView chain;
        try (LowerLayer layer = store.openChain(diffIds)) {
            chain = TreeView.ofLayer(layer);
        }
        assertThat(kernel.entries()).hasSizeGreaterThan(image.layers().getFirst().entries().size() / 2);
        assertThat(kernel.hardlinks()).as("the kernel sees hardlinks").hasSize(name.equals("demo") ? 0 : name.equals("busybox") ? 1 : 3);
        assertThat(chain.entries()).containsExactlyEntriesOf(kernel.entries());
        assertThat(chain.hardlinks()).isEqualTo(kernel.hardlinks());
    }
}
