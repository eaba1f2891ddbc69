package io.lamina.testdata;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GenerateTest {

    @TempDir
    Path tmp;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Generate.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void writesAnOciLayoutAndSaysWhat() {
        assertThat(run("demo", tmp.toString(), "oci-layout", "zstd")).isZero();
        assertThat(Files.isRegularFile(tmp.resolve("demo/index.json"))).isTrue();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("image: " + tmp.resolve("demo"))
                .contains("manifest: sha256:").contains("tar+zstd");
    }

    @Test
    void writesArchives() {
        assertThat(run("demo", tmp.toString(), "oci-archive")).isZero();
        assertThat(run("demo", tmp.toString(), "docker-archive")).isZero();
        assertThat(tmp.resolve("demo-oci.tar")).isRegularFile();
        assertThat(tmp.resolve("demo-docker.tar")).isRegularFile();
    }

    @Test
    void badArgumentsExitTwoWithOneLine() {
        assertThat(run("nope", tmp.toString(), "oci-layout")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown example 'nope'");
        assertThat(run("demo", tmp.toString(), "zip")).isEqualTo(2);
        assertThat(run("demo", tmp.toString(), "oci-layout", "lz4")).isEqualTo(2);
        assertThat(run("demo")).isEqualTo(2);
        assertThat(run("--help")).isZero();
    }

    @Test
    void failureExitsOne() throws Exception {
        Files.createDirectories(tmp.resolve("demo"));
        assertThat(run("demo", tmp.toString(), "oci-layout")).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("generate: demo as oci-layout");
    }
}
