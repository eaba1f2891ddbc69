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
