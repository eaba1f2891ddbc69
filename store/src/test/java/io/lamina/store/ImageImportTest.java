package io.lamina.store;

import io.lamina.testdata.Compression;
import io.lamina.testdata.Examples;
import io.lamina.testdata.ImageSpec;
import io.lamina.testdata.WrittenImage;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Every example image, in every format and compression, imports and is recorded with its layers. */
class ImageImportTest {

    @org.junit.jupiter.api.AfterEach
    void deleteTempDirs() {
        Fixture.deleteAll();
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (String image : Examples.NAMES) {
            for (Fixture.Format f : Fixture.Format.values()) {
                for (Compression c : f == Fixture.Format.DOCKER_ARCHIVE ? List.of(Compression.NONE) : List.of(Compression.values())) {
                    out.add(Arguments.of(image, f, c));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("cases")
    void importsAndRecords(String example, Fixture.Format format, Compression compression) throws Exception {
        if (example.equals("busybox")) {
            Fixture.requireBusybox();
        }
        Path dir = Fixture.tempDir("import-");
        ImageSpec spec = Examples.named(example);
        WrittenImage written = Fixture.write(spec, dir, format, compression);
        try (Store store = Store.open(dir.resolve("root")); Images images = Images.open(store)) {
            ImageRecord r = ImageImport.run(images, written.path(), null, ImageImport.Progress.NONE);

            assertThat(r.name()).isEqualTo(spec.reference());
            assertThat(r.diffIds()).isEqualTo(written.diffIds());
            assertThat(r.configDigest()).isEqualTo(written.configDigest());
            if (format != Fixture.Format.DOCKER_ARCHIVE) {
                assertThat(r.id()).isEqualTo(written.manifestDigest());
            }
            assertThat(images.get(spec.reference())).contains(r);
            assertThat(images.get(r.shortId())).contains(r);
            assertThat(images.list()).containsExactly(r);
            Compression stored = format == Fixture.Format.DOCKER_ARCHIVE ? Compression.NONE : compression;
            for (int i = 0; i < r.layers().size(); i++) {
                ImageRecord.Layer l = r.layers().get(i);
                WrittenImage.Layer w = written.layers().get(i);
                assertThat(l.blobDigest()).isEqualTo(w.digest());
                assertThat(l.blobSize()).isEqualTo(w.size());
                assertThat(l.compression()).isEqualTo(stored.name().toLowerCase());
                assertThat(images.refCount(l.diffId())).isEqualTo(1);
                LayerRecord layer = store.layer(l.diffId()).orElseThrow();
                assertThat(layer.tarBytes()).isEqualTo(l.tarSize());
                assertThat(layer.entries()).isPositive();
                assertThat(new Blobs(store.root()).path(l.blobDigest())).isRegularFile().hasSize(w.size());
            }
            Blobs blobs = new Blobs(store.root());
            assertThat(Sha256.of(Files.readAllBytes(blobs.path(r.id())))).isEqualTo(r.id());
            assertThat(Files.readAllBytes(blobs.path(r.configDigest()))).isEqualTo(r.configJson());
            assertThat(Fixture.listing(store.root().resolve("tmp"))).containsOnlyKeys("");
        }
    }
}
