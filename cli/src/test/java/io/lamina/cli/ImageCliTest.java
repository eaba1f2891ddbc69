package io.lamina.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lamina.testdata.Compression;
import io.lamina.testdata.Examples;
import io.lamina.testdata.ImageConfig;
import io.lamina.testdata.ImageSpec;
import io.lamina.testdata.LayerSpec;
import io.lamina.testdata.OciImages;
import io.lamina.testdata.WrittenImage;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code lamina image ...} and {@code lamina gc} through picocli, output captured. */
class ImageCliTest {
    private final java.util.List<Path> dirs = new java.util.ArrayList<>();

    private Path tempDir() throws java.io.IOException {
        Path d = Cli.tempDir("image-cli-");
        dirs.add(d);
        return d;
    }

    @org.junit.jupiter.api.AfterEach
    void deleteTempDirs() throws java.io.IOException {
        for (Path d : dirs) {
            try (var walk = Files.walk(d)) {
                for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    @Test
    void importListInspectRemoveGc() throws Exception {
        Path dir = tempDir();
        String root = dir.resolve("root").toString();
        WrittenImage demo = OciImages.writeLayout(Examples.demoStack(), dir.resolve("demo"), Compression.GZIP);

        Cli.Result imported = Cli.run("--root", root, "image", "import", demo.path().toString());
        assertThat(imported.exitCode()).as(imported.err()).isZero();
        assertThat(imported.out()).contains("imported lamina/demo:latest " + demo.manifestDigest().substring(7, 19));

        Cli.Result ls = Cli.run("--root", root, "image", "ls");
        assertThat(ls.exitCode()).isZero();
        List<String> lines = ls.out().lines().toList();
        assertThat(lines.get(0)).containsSubsequence("NAME", "ID", "LAYERS", "SIZE", "SHARED");
        assertThat(lines.get(1)).startsWith("lamina/demo:latest").contains(demo.manifestDigest().substring(7, 19))
                .containsSubsequence(" 3 ", " B", "0 B");

        Cli.Result inspect = Cli.run("image", "inspect", "--root", root, demo.manifestDigest().substring(7, 15));
        assertThat(inspect.exitCode()).as(inspect.err()).isZero();
        JsonNode doc = new ObjectMapper().readTree(inspect.out());
        assertThat(doc.path("name").asText()).isEqualTo("lamina/demo:latest");
        assertThat(doc.path("id").asText()).isEqualTo(demo.manifestDigest());
        assertThat(doc.path("layers")).hasSize(3);
        assertThat(doc.path("layers").get(0).path("diffId").asText()).isEqualTo(demo.diffIds().get(0));
        assertThat(doc.path("layers").get(0).path("compression").asText()).isEqualTo("gzip");
        assertThat(doc.path("config").path("rootfs").path("diff_ids")).hasSize(3);

        Cli.Result dry = Cli.run("--root", root, "gc", "--dry-run");
        assertThat(dry.out()).startsWith("would free 0 B");

        assertThat(Cli.run("--root", root, "image", "rm", "lamina/demo:latest").out()).startsWith("removed lamina/demo:latest");
        assertThat(Cli.run("--root", root, "image", "ls").out().lines().count()).isEqualTo(1);
        Cli.Result gc = Cli.run("--root", root, "gc");
        assertThat(gc.exitCode()).isZero();
        assertThat(gc.out()).startsWith("freed ").contains("3 layers", "5 blobs", "8 objects");
        try (var objects = Files.list(dir.resolve("root/objects"))) {
            assertThat(objects).isEmpty();
        }
    }

    @Test
    void sharedSizeShowsInLs() throws Exception {
        Path dir = tempDir();
        String root = dir.resolve("root").toString();
        LayerSpec base = LayerSpec.builder().text("etc/shared.txt", "x".repeat(2048)).build();
        ImageSpec a = ImageSpec.of("x/a:1", ImageConfig.defaults(), base,
                LayerSpec.builder().text("a.txt", "a".repeat(1000)).build());
        ImageSpec b = ImageSpec.of("x/b:1", ImageConfig.defaults(), base,
                LayerSpec.builder().text("b.txt", "b".repeat(512)).build());
        assertThat(Cli.run("--root", root, "image", "import", OciImages.writeOciArchive(a, dir.resolve("a.tar"), Compression.ZSTD).path().toString()).exitCode()).isZero();
        assertThat(Cli.run("--root", root, "image", "import", OciImages.writeDockerArchive(b, dir.resolve("b.tar")).path().toString()).exitCode()).isZero();
        List<String> lines = Cli.run("--root", root, "image", "ls").out().lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(1)).startsWith("x/a:1").endsWith("3.0 KiB     2.0 KiB");
        assertThat(lines.get(2)).startsWith("x/b:1").endsWith("2.5 KiB     2.0 KiB");
    }

    @Test
    void exportThenImportUnderANewName() throws Exception {
        Path dir = tempDir();
        String root = dir.resolve("root").toString();
        WrittenImage demo = OciImages.writeLayout(Examples.demoStack(), dir.resolve("demo"), Compression.NONE);
        assertThat(Cli.run("--root", root, "image", "import", "--name", "mine:1", demo.path().toString()).exitCode()).isZero();
        Path out = dir.resolve("out.tar");
        Cli.Result export = Cli.run("--root", root, "image", "export", "mine:1", out.toString(), "--format", "docker", "--compression", "zstd");
        assertThat(export.exitCode()).as(export.err()).isZero();
        assertThat(export.out()).contains("3 layers, 3 regenerated");
        Cli.Result again = Cli.run("--root", root, "image", "import", out.toString());
        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(again.out()).startsWith("imported mine:1 ");   // docker RepoTags carry the name
    }

    @Test
    void failuresAreOneLine() throws Exception {
        Path dir = tempDir();
        String root = dir.resolve("root").toString();
        Cli.Result missing = Cli.run("--root", root, "image", "import", dir.resolve("nope").toString());
        assertThat(missing.exitCode()).isNotZero();
        assertThat(missing.errLines()).containsExactly("lamina image import: " + dir.resolve("nope") + ": no such file or directory");

        Cli.Result unknown = Cli.run("--root", root, "image", "inspect", "no/such:image");
        assertThat(unknown.exitCode()).isNotZero();
        assertThat(unknown.errLines()).containsExactly("lamina image inspect: image 'no/such:image': no such image");

        Cli.Result rm = Cli.run("--root", root, "image", "rm", "no/such:image");
        assertThat(rm.errLines()).hasSize(1);

        Cli.Result badCompression = Cli.run("--root", root, "image", "export", "x", dir.resolve("f").toString(), "--compression", "lz4");
        assertThat(badCompression.exitCode()).isEqualTo(2);
        assertThat(badCompression.errLines()).hasSize(1).first().asString().contains("unknown compression 'lz4'");

        WrittenImage noName = OciImages.writeLayout(Examples.demoStack(), dir.resolve("layout"), Compression.GZIP);
        // Without the containerd annotation the layout names only a tag: --name is needed.
        Path index = noName.path().resolve("index.json");
        Files.writeString(index, Files.readString(index).replaceAll("\"io.containerd.image.name\":\"[^\"]*\",", ""));
        Cli.Result unnamed = Cli.run("--root", root, "image", "import", noName.path().toString());
        assertThat(unnamed.exitCode()).isNotZero();
        assertThat(unnamed.errLines()).hasSize(1).first().asString().contains("--name");
    }
}
