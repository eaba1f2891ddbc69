package io.lamina.testdata;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Generating an example twice gives byte-identical files; another seed gives other bytes. */
class DeterminismTest {

    @TempDir
    Path tmp;

    static List<Arguments> cases() {
        return List.of(
                Arguments.of("demo", "oci-layout", Compression.GZIP),
                Arguments.of("demo", "docker-archive", Compression.NONE),
                Arguments.of("tricky", "oci-layout", Compression.NONE),
                Arguments.of("tricky", "oci-layout", Compression.GZIP),
                Arguments.of("tricky", "oci-archive", Compression.ZSTD),
                Arguments.of("tricky", "docker-archive", Compression.NONE),
                Arguments.of("busybox", "oci-archive", Compression.GZIP));
    }

    @ParameterizedTest(name = "{0} as {1} ({2})")
    @MethodSource("cases")
    void twiceGivesTheSameBytes(String example, String format, Compression compression) throws IOException {
        if (example.equals("busybox")) {
            Prerequisites.requireBusybox();
        }
        Map<String, String> first = Util.hashTree(write(example, format, compression, tmp.resolve("a")));
        Map<String, String> second = Util.hashTree(write(example, format, compression, tmp.resolve("b")));
        assertThat(first).isNotEmpty().isEqualTo(second);
    }

    @Test
    void anotherSeedGivesOtherLayers() {
        byte[] a = LayerTar.bytes(Examples.tricky(1).layers().get(0), Compression.NONE);
        byte[] b = LayerTar.bytes(Examples.tricky(2).layers().get(0), Compression.NONE);
        byte[] a2 = LayerTar.bytes(Examples.tricky(1).layers().get(0), Compression.NONE);
        assertThat(Digests.sha256(a)).isEqualTo(Digests.sha256(a2)).isNotEqualTo(Digests.sha256(b));
    }

    /**
     * Pinned diff-ids: the uncompressed layers must not change between runs, JVMs or machines.
     * If you change an example on purpose, update these (and tell the modules that pin digests).
     */
    @Test
    void diffIdsArePinned() {
        assertThat(diffIds(Examples.demoStack())).containsExactly(
                "sha256:781c885328fb65f8d75acb26ad1eff7a90136900ac7c0c966a9fa4e218d2eadf",
                "sha256:56acce08879461642fcf5f8448e2dbba588a61f0135df579eb884e4d6e5b5cde",
                "sha256:eda376236ca923fb1501339f5f2ac05faa1e1da7e3760969ed2c79ebcf0f0e4c");
        assertThat(diffIds(Examples.tricky())).containsExactly(
                "sha256:73296629b0f7e2f6a9632950714fed7d59e4366a8b680fba0cd6199da9bb0e77",
                "sha256:1add08345297afcc7a5bc7af3dac974295281eee7bf576fd2210c0213389a272",
                "sha256:4b23807676ce8d13cb76daecf6ce0712e584b40f0e5bed17b3803e9c0b95f94a");
    }

    private static List<String> diffIds(ImageSpec image) {
        return image.layers().stream().map(l -> Digests.sha256(LayerTar.bytes(l, Compression.NONE))).toList();
    }

    private static Path write(String example, String format, Compression c, Path out) throws IOException {
        ImageSpec image = Examples.named(example);
        return switch (format) {
            case "oci-layout" -> OciImages.writeLayout(image, out, c).path();
            case "oci-archive" -> OciImages.writeOciArchive(image, out.resolve("x.tar"), c).path();
            case "docker-archive" -> OciImages.writeDockerArchive(image, out.resolve("x.tar")).path();
            default -> throw new IllegalArgumentException(format);
        };
    }
}
