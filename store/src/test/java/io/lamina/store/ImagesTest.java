package io.lamina.store;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The registry alone: records of any config size, lookups by name and id prefix, counts. */
class ImagesTest {
    @AfterEach
    void deleteTempDirs() {
        Fixture.deleteAll();
    }

    private static ImageRecord record(String name, String idHex, int configBytes, String... diffIds) {
        List<ImageRecord.Layer> layers = java.util.Arrays.stream(diffIds)
                .map(d -> new ImageRecord.Layer(d, d, LayerCompression.NONE.mediaType(), "none", 10, 10)).toList();
        byte[] config = ("{\"pad\":\"" + "x".repeat(configBytes) + "\"}").getBytes(StandardCharsets.UTF_8);
        return new ImageRecord(name, "sha256:" + idHex, Sha256.of(config), layers, config, Instant.parse("2024-01-01T00:00:00Z"));
    }

    private static String hex(char c) {
        return String.valueOf(c).repeat(64);
    }

    @Test
    void recordsSurviveReopenWhateverTheirConfigSize() throws IOException {
        Path root = Fixture.tempDir("images-").resolve("root");
        ImageRecord small = record("a:1", hex('a'), 10, "sha256:" + hex('1'));
        ImageRecord big = record("b:1", "ab" + hex('b').substring(2), 1 << 20, "sha256:" + hex('1'), "sha256:" + hex('2'));
        try (Store store = Store.open(root); Images images = Images.open(store)) {
            images.record(small);
            images.record(big);
        }
        try (Store store = Store.open(root); Images images = Images.open(store)) {
            assertThat(images.list()).containsExactly(small, big);
            assertThat(images.get("b:1").orElseThrow().configJson()).hasSize((1 << 20) + 10);
            assertThat(images.get("abb")).contains(big);
            assertThat(images.get("sha256:aaa")).contains(small);
            assertThatThrownBy(() -> images.get("a")).isInstanceOf(StoreException.class).hasMessageContaining("matches 2 images");
            assertThat(images.get("c")).isEmpty();
            assertThat(images.refCount("sha256:" + hex('1'))).isEqualTo(2);
            assertThat(images.refCount("sha256:" + hex('2'))).isEqualTo(1);
            images.remove("b:1");
            assertThat(images.refCounts()).containsExactly(java.util.Map.entry("sha256:" + hex('1'), 1L));
        }
    }

    @Test
    void namesWithBlanksAreRefused() throws IOException {
        try (Store store = Store.open(Fixture.tempDir("images-").resolve("root")); Images images = Images.open(store)) {
            assertThatThrownBy(() -> images.record(record("a b", hex('a'), 1))).isInstanceOf(StoreException.class)
                    .hasMessage("image name 'a b': must be 1 to 255 characters without blanks");
        }
    }
}
