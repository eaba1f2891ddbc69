package io.lamina.store;

import io.lamina.testdata.Compression;
import io.lamina.testdata.Content;
import io.lamina.testdata.Entry;
import io.lamina.testdata.EntryType;
import io.lamina.testdata.Examples;
import io.lamina.testdata.ImageConfig;
import io.lamina.testdata.ImageSpec;
import io.lamina.testdata.LayerSpec;
import io.lamina.testdata.OciImages;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two images sharing a base: the second grows the object store by its unshared part only, usage
 * shows the shared bytes, and gc after removing it frees exactly what it alone used.
 */
class DedupGcTest {

    @org.junit.jupiter.api.AfterEach
    void deleteTempDirs() {
        Fixture.deleteAll();
    }
    private static final LayerSpec BASE = Examples.demoStack().layers().getFirst();
    private static final String SEEDED = "b/seeded.bin";
    private static final String TEXT = "b/two.txt";

    /** The demo's base layer plus a layer of two new contents and one copy of a base content. */
    static ImageSpec sharing() {
        LayerSpec top = LayerSpec.builder().createdBy("b: on the demo base")
                .file(SEEDED, Content.seeded(7, 3000))
                .text(TEXT, "only in image b\n")
                .text("b/copy-of-hostname", "lamina-demo\n")
                .build();
        return ImageSpec.of("lamina/b:latest", ImageConfig.defaults(), BASE, top);
    }

    /** Distinct contents of a layer's regular files: sha256 to size. */
    static Map<String, Long> contents(LayerSpec layer) {
        Map<String, Long> out = new HashMap<>();
        for (Entry e : layer.entries()) {
            if (e.type() == EntryType.FILE) {
                out.put(Sha256.of(e.content().toBytes()), e.content().size());
            }
        }
        return out;
    }

    @Test
    void secondImageGrowsObjectsByItsUnsharedPartOnly() throws IOException {
        Path dir = Fixture.tempDir("dedup-");
        try (Store store = Store.open(dir.resolve("root")); Images images = Images.open(store)) {
            ImageImport.run(images, OciImages.writeLayout(Examples.demoStack(), dir.resolve("a"), Compression.GZIP).path(),
                    null, ImageImport.Progress.NONE);
            ObjectStats before = store.objectStats();
            ImageImport.run(images, OciImages.writeOciArchive(sharing(), dir.resolve("b.tar"), Compression.ZSTD).path(),
                    null, ImageImport.Progress.NONE);
            ObjectStats after = store.objectStats();

            long unshared = Content.seeded(7, 3000).size() + "only in image b\n".length();
            assertThat(after.count() - before.count()).isEqualTo(2);
            assertThat(after.bytes() - before.bytes()).isEqualTo(unshared);

            long baseBytes = contents(BASE).values().stream().mapToLong(Long::longValue).sum();
            Map<String, ImageUsage.Usage> usage = ImageUsage.of(store, images.list());
            assertThat(usage.get("lamina/b:latest").shared()).isEqualTo(baseBytes);
            assertThat(usage.get("lamina/b:latest").size()).isEqualTo(baseBytes + unshared);
            assertThat(usage.get("lamina/demo:latest").shared()).isEqualTo(baseBytes);
            assertThat(images.refCount(images.require("lamina/b:latest").diffIds().getFirst()))
                    .isEqualTo(2);
        }
    }

    @Test
    void gcAfterRmFreesWhatOnlyThatImageUsed() throws IOException {
        Path dir = Fixture.tempDir("gc-");
        Path a = OciImages.writeLayout(Examples.demoStack(), dir.resolve("a"), Compression.GZIP).path();
        Path b = OciImages.writeOciArchive(sharing(), dir.resolve("b.tar"), Compression.ZSTD).path();
        Map<String, String> onlyA;
        try (Store store = Store.open(dir.resolve("only-a")); Images images = Images.open(store)) {
            ImageImport.run(images, a, null, ImageImport.Progress.NONE);
            onlyA = Fixture.files(store.root());
        }
        try (Store store = Store.open(dir.resolve("both")); Images images = Images.open(store)) {
            ImageImport.run(images, a, null, ImageImport.Progress.NONE);
            Map<String, String> beforeB = Fixture.files(store.root());
            ObjectStats objectsBeforeB = store.objectStats();
            ImageImport.run(images, b, null, ImageImport.Progress.NONE);
            ObjectStats objectsWithB = store.objectStats();
            // A leftover of a crashed import, old enough for gc.
            Path leftover = Files.writeString(store.root().resolve("tmp").resolve("import-crashed"), "partial");
            Files.setLastModifiedTime(leftover, FileTime.from(Instant.now().minus(Gc.TMP_AGE).minusSeconds(60)));

            assertThat(images.remove("lamina/b:latest")).isPresent();
            Gc.Report dry = Gc.run(images, true);
            assertThat(Fixture.files(store.root())).containsKey("tmp/import-crashed");
            Gc.Report r = Gc.run(images, false);

            assertThat(r).isEqualTo(new Gc.Report(false, dry.layers(), dry.layerBytes(), dry.chains(), dry.chainBytes(),
                    dry.blobs(), dry.blobBytes(), dry.objects(), dry.objectBytes(), dry.tmp(), dry.tmpBytes()));
            assertThat(r.layers()).isEqualTo(1);        // b's top layer; the base stays for a
            // b's manifest, config, top layer blob, and its base layer blob (zstd; a's is gzip: same diff-id,
            // another blob).
            assertThat(r.blobs()).isEqualTo(4);
            assertThat(r.objects()).isEqualTo(2);
            assertThat(r.objectBytes()).isEqualTo(objectsWithB.bytes() - objectsBeforeB.bytes());
            assertThat(r.tmp()).isEqualTo(1);
            assertThat(store.objectStats()).isEqualTo(objectsBeforeB);
            assertThat(Fixture.files(store.root())).isEqualTo(beforeB);
            assertThat(Fixture.files(store.root()).keySet()).isEqualTo(onlyA.keySet());
            assertThat(images.list()).extracting(ImageRecord::name).containsExactly("lamina/demo:latest");

            assertThat(Gc.run(images, false).totalBytes()).isZero();
        }
    }

    @Test
    void reimportUnderAnExistingNameReplacesItAndMovesTheCounts() throws IOException {
        Path dir = Fixture.tempDir("rename-");
        try (Store store = Store.open(dir.resolve("root")); Images images = Images.open(store)) {
            ImageRecord demo = ImageImport.run(images, OciImages.writeLayout(Examples.demoStack(), dir.resolve("a"),
                    Compression.GZIP).path(), "x:1", ImageImport.Progress.NONE);
            ImageRecord b = ImageImport.run(images, OciImages.writeLayout(sharing(), dir.resolve("b"),
                    Compression.GZIP).path(), "x:1", ImageImport.Progress.NONE);
            assertThat(images.list()).containsExactly(b);
            assertThat(images.refCount(demo.diffIds().get(0))).isEqualTo(1);   // the shared base, now b's
            assertThat(images.refCount(demo.diffIds().get(1))).isZero();
            assertThat(images.refCount(demo.diffIds().get(2))).isZero();
            assertThat(images.refCount(b.diffIds().get(1))).isEqualTo(1);
            images.recount();
            assertThat(images.refCounts()).containsOnlyKeys(b.diffIds());
            Gc.Report r = Gc.run(images, false);
            assertThat(r.layers()).isEqualTo(2);
            assertThat(store.layers()).extracting(LayerRecord::diffId).containsExactlyInAnyOrderElementsOf(b.diffIds());
        }
    }

    @Test
    void heldLayersSurviveGcUntilReleased() throws IOException {
        Path dir = Fixture.tempDir("hold-");
        try (Store store = Store.open(dir.resolve("root")); Images images = Images.open(store)) {
            ImageRecord demo = ImageImport.run(images, OciImages.writeLayout(Examples.demoStack(), dir.resolve("a"),
                    Compression.GZIP).path(), null, ImageImport.Progress.NONE);
            java.util.List<String> two = demo.diffIds().subList(0, 2);
            images.hold("snapshot/7", two);
            store.openChain(two).close(); // builds the chain index
            images.remove(demo.name());
            assertThat(images.refCount(two.getFirst())).isEqualTo(1);
            Gc.Report r = Gc.run(images, false);
            assertThat(r.layers()).isEqualTo(1);
            assertThat(store.layers()).extracting(LayerRecord::diffId).containsExactlyInAnyOrderElementsOf(two);
            assertThat(Files.exists(store.chainIndexPath(Store.chainId(two)))).as("the held chain's index").isTrue();
            images.recount();
            assertThat(images.refCount(two.get(1))).isEqualTo(1);
            images.release("snapshot/7");
            assertThat(images.holds()).isEmpty();
            assertThat(Gc.run(images, false).layers()).isEqualTo(2);
            assertThat(store.layers()).isEmpty();
        }
    }
}
