package io.lamina.store;

import io.lamina.testdata.Content;
import io.lamina.testdata.LayerSpec;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** Imports racing on one store (same layers, shared contents) all succeed and leave one copy of each. */
class ConcurrentImportTest {

    @Test
    void racingImportsOfOverlappingLayers() throws Exception {
        Path root = StoreTesting.tempDir("race-");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (Store store = Store.open(root)) {
            List<byte[]> tars = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                tars.add(StoreTesting.tar(LayerSpec.builder()
                        .file("shared/big", Content.seeded(99, 300_000))
                        .file("own/f" + i, Content.seeded(i, 10_000 + i))
                        .build()));
            }
            List<Future<LayerRecord>> results = new ArrayList<>();
            for (int round = 0; round < 3; round++) {
                for (byte[] t : tars) {
                    results.add(pool.submit(() -> StoreTesting.importBytes(store, t)));
                }
            }
            Set<String> ids = new HashSet<>();
            for (Future<LayerRecord> f : results) {
                ids.add(f.get().diffId());
            }
            assertThat(ids).hasSize(4);
            assertThat(store.layers()).hasSize(4);
            assertThat(store.objectStats().count()).isEqualTo(5);
            try (var s = Files.list(root.resolve("tmp"))) {
                assertThat(s.toList()).isEmpty();
            }
        } finally {
            pool.shutdownNow();
            Store.deleteTree(root);
        }
    }
}
