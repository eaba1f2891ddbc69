package io.lamina.store;

import io.lamina.testdata.Content;
import io.lamina.testdata.LayerSpec;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** A second image sharing a base with the first grows the object store by its unshared part only. */
class DedupTest {

    @Test
    void secondImageGrowsTheStoreByItsUnsharedContentOnly() {
        Path root = StoreTesting.tempDir("dedup-");
        try (Store store = Store.open(root)) {
            LayerSpec base = LayerSpec.builder()
                    .file("usr/lib/a.so", Content.seeded(1, 1 << 20))
                    .file("usr/lib/b.so", Content.seeded(2, 2 << 20))
                    .text("etc/os-release", "base\n")
                    .build();
            LayerSpec topA = LayerSpec.builder().file("app/a.bin", Content.seeded(3, 500_000)).build();
            LayerSpec topB = LayerSpec.builder()
                    .file("app/b.bin", Content.seeded(4, 300_000))
                    .file("app/copy-of-a.so", Content.seeded(1, 1 << 20)) // same bytes as the base's a.so
                    .build();

            StoreTesting.importBytes(store, StoreTesting.tar(base));
            StoreTesting.importBytes(store, StoreTesting.tar(topA));
            ObjectStats afterA = store.objectStats();
            assertThat(afterA).isEqualTo(new ObjectStats(4, (1 << 20) + (2 << 20) + 5 + 500_000));

            LayerRecord again = StoreTesting.importBytes(store, StoreTesting.tar(base));
            assertThat(store.objectStats()).isEqualTo(afterA);
            LayerRecord b = StoreTesting.importBytes(store, StoreTesting.tar(topB));
            ObjectStats afterB = store.objectStats();
            assertThat(afterB.count() - afterA.count()).isEqualTo(1);
            assertThat(afterB.bytes() - afterA.bytes()).isEqualTo(300_000);
            assertThat(b.contentBytes()).isEqualTo(300_000 + (1 << 20));
            assertThat(store.layers()).hasSize(3).contains(again);
        } finally {
            Store.deleteTree(root);
        }
    }
}
