package io.lamina.testdata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The OCI layout, oci-archive and docker-archive are valid and agree with each other. */
class OciImagesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @ParameterizedTest
    @EnumSource(Compression.class)
    void layoutIsValid(Compression compression) throws IOException {
        ImageSpec image = Examples.tricky();
        Path dir = tmp.resolve("layout");
        WrittenImage w = OciImages.writeLayout(image, dir, compression);
        checkLayout(dir, image, compression, w);
    }

    /** Checks every digest, size, media type and diff_id of the layout at {@code dir}. */
    static void checkLayout(Path dir, ImageSpec image, Compression compression, WrittenImage w) throws IOException {
        assertThat(JSON.readTree(dir.resolve("oci-layout").toFile()).get("imageLayoutVersion").asText())
                .isEqualTo("1.0.0");
        try (var blobs = Files.list(dir.resolve("blobs/sha256"))) {
            for (Path blob : blobs.toList()) {
                assertThat(Digests.sha256(Files.readAllBytes(blob)))
                        .as("digest of " + blob.getFileName()).isEqualTo("sha256:" + blob.getFileName());
            }
        }
        JsonNode index = JSON.readTree(dir.resolve("index.json").toFile());
        assertThat(index.get("schemaVersion").asInt()).isEqualTo(2);
        assertThat(index.get("mediaType").asText()).isEqualTo(OciImages.INDEX_TYPE);
        assertThat(index.get("manifests")).hasSize(1);
        JsonNode desc = index.get("manifests").get(0);
        assertThat(desc.get("mediaType").asText()).isEqualTo(OciImages.MANIFEST_TYPE);
        assertThat(desc.get("digest").asText()).isEqualTo(w.manifestDigest());
        assertThat(desc.get("annotations").get("org.opencontainers.image.ref.name").asText()).isEqualTo(image.tag());
        assertThat(desc.get("annotations").get("io.containerd.image.name").asText())
                .isEqualTo("docker.io/" + image.reference());
        Path manifestFile = blob(dir, desc.get("digest").asText());
        assertThat(Files.size(manifestFile)).isEqualTo(desc.get("size").asLong()).isEqualTo(w.manifestSize());

        JsonNode manifest = JSON.readTree(manifestFile.toFile());
        assertThat(manifest.get("schemaVersion").asInt()).isEqualTo(2);
        assertThat(manifest.get("mediaType").asText()).isEqualTo(OciImages.MANIFEST_TYPE);
        JsonNode cfgDesc = manifest.get("config");
        assertThat(cfgDesc.get("mediaType").asText()).isEqualTo(OciImages.CONFIG_TYPE);
        assertThat(cfgDesc.get("digest").asText()).isEqualTo(w.configDigest());
        assertThat(Files.size(blob(dir, cfgDesc.get("digest").asText()))).isEqualTo(cfgDesc.get("size").asLong());

        JsonNode config = JSON.readTree(blob(dir, cfgDesc.get("digest").asText()).toFile());
        assertThat(config.get("os").asText()).isEqualTo("linux");
        assertThat(config.get("architecture").asText()).isEqualTo("amd64");
        assertThat(config.get("rootfs").get("type").asText()).isEqualTo("layers");
        JsonNode diffIds = config.get("rootfs").get("diff_ids");
        JsonNode layers = manifest.get("layers");
        assertThat(layers).hasSize(image.layers().size());
        assertThat(diffIds).hasSize(image.layers().size());
        assertThat(config.get("history")).hasSize(image.layers().size());
        for (int i = 0; i < layers.size(); i++) {
            JsonNode l = layers.get(i);
            assertThat(l.get("mediaType").asText()).isEqualTo(compression.mediaType());
            byte[] blob = Files.readAllBytes(blob(dir, l.get("digest").asText()));
            assertThat((long) blob.length).isEqualTo(l.get("size").asLong());
            byte[] tar = Util.decompress(blob, compression);
            assertThat(Digests.sha256(tar)).isEqualTo(diffIds.get(i).asText()).isEqualTo(w.layers().get(i).diffId());
            assertThat(tar).isEqualTo(LayerTar.bytes(image.layers().get(i), Compression.NONE));
            assertThat(config.get("history").get(i).get("created_by").asText())
                    .isEqualTo(image.layers().get(i).createdBy());
        }
    }

    @Test
    void ociArchiveHoldsTheLayout() throws IOException {
        ImageSpec image = Examples.demoStack();
        WrittenImage layout = OciImages.writeLayout(image, tmp.resolve("layout"), Compression.GZIP);
        WrittenImage archive = OciImages.writeOciArchive(image, tmp.resolve("demo-oci.tar"), Compression.GZIP);
        assertThat(archive.manifestDigest()).isEqualTo(layout.manifestDigest());
        assertThat(archive.path()).isEqualTo(tmp.resolve("demo-oci.tar"));
        Map<String, Util.Member> members = Util.readTar(Files.readAllBytes(archive.path()));
        assertThat(members).containsKeys("oci-layout", "index.json", "blobs/", "blobs/sha256/");
        Map<String, String> layoutHashes = Util.hashTree(tmp.resolve("layout"));
        List<String> files = new ArrayList<>();
        members.forEach((name, m) -> {
            if (m.entry().isFile()) {
                files.add(name);
                assertThat(Digests.sha256(m.data())).as(name).isEqualTo(layoutHashes.get(name));
            }
        });
        assertThat(files).containsExactlyInAnyOrderElementsOf(layoutHashes.keySet());
        try (var siblings = Files.list(tmp)) {
            assertThat(siblings.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("layout", "demo-oci.tar");
        }
    }

    @Test
    void dockerArchiveIsWhatDockerSaveWrites() throws IOException {
        ImageSpec image = Examples.demoStack();
        WrittenImage w = OciImages.writeDockerArchive(image, tmp.resolve("demo-docker.tar"));
        Map<String, Util.Member> members = Util.readTar(Files.readAllBytes(w.path()));
        JsonNode manifest = JSON.readTree(members.get("manifest.json").data());
        assertThat(manifest).hasSize(1);
        JsonNode m = manifest.get(0);
        assertThat(m.get("RepoTags").get(0).asText()).isEqualTo("lamina/demo:latest");
        byte[] configBytes = members.get(m.get("Config").asText()).data();
        assertThat("sha256:" + m.get("Config").asText().replace(".json", "")).isEqualTo(Digests.sha256(configBytes))
                .isEqualTo(w.configDigest());
        JsonNode diffIds = JSON.readTree(configBytes).get("rootfs").get("diff_ids");
        assertThat(m.get("Layers")).hasSize(3);
        for (int i = 0; i < 3; i++) {
            byte[] tar = members.get(m.get("Layers").get(i).asText()).data();
            assertThat(Digests.sha256(tar)).isEqualTo(diffIds.get(i).asText());
            assertThat(tar).isEqualTo(LayerTar.bytes(image.layers().get(i), Compression.NONE));
        }
        JsonNode repos = JSON.readTree(members.get("repositories").data());
        assertThat(repos.get("lamina/demo").get("latest").asText()).isEqualTo(Digests.hex(diffIds.get(2).asText()));
    }

    @Test
    void busyboxConfigRunsAShell() throws IOException {
        Prerequisites.requireBusybox();
        ImageSpec image = Examples.busybox();
        WrittenImage w = OciImages.writeLayout(image, tmp.resolve("bb"), Compression.ZSTD);
        checkLayout(tmp.resolve("bb"), image, Compression.ZSTD, w);
        JsonNode config = JSON.readTree(blob(tmp.resolve("bb"), w.configDigest()).toFile()).get("config");
        assertThat(config.get("Cmd").get(0).asText()).isEqualTo("/bin/sh");
        assertThat(config.get("WorkingDir").asText()).isEqualTo("/");
        assertThat(config.get("Env").get(0).asText()).startsWith("PATH=");
        Map<String, Util.Member> base = Util.readTar(LayerTar.bytes(image.layers().get(0), Compression.NONE));
        assertThat(base.get("bin/busybox").data()).isEqualTo(Files.readAllBytes(Examples.BUSYBOX));
        assertThat(base.get("bin/sh").entry().getLinkName()).isEqualTo("busybox");
        assertThat(base.get("bin/ls").entry().isLink()).isTrue();
        assertThat(base.get("usr/bin/env").entry().getLinkName()).isEqualTo("/bin/busybox");
        assertThat(base.get("tmp/").entry().getMode() & 07777).isEqualTo(01777);
        assertThat(new String(base.get("etc/passwd").data())).contains("user:x:1000:1000:");
        Map<String, Util.Member> top = Util.readTar(LayerTar.bytes(image.layers().get(1), Compression.NONE));
        assertThat(top).containsKeys("etc/.wh.motd", "var/cache/app/.wh..wh..opq");
    }

    @Test
    void chainIdsFollowTheOciDefinition() throws IOException {
        WrittenImage w = OciImages.writeLayout(Examples.demoStack(), tmp.resolve("l"), Compression.NONE);
        List<String> chain = w.chainIds();
        assertThat(chain.get(0)).isEqualTo(w.diffIds().get(0));
        assertThat(chain.get(1)).isEqualTo(Digests.sha256(chain.get(0) + " " + w.diffIds().get(1)));
        assertThat(chain.get(2)).isEqualTo(Digests.sha256(chain.get(1) + " " + w.diffIds().get(2)));
    }

    @Test
    void refusesToOverwrite() throws IOException {
        Files.createDirectories(tmp.resolve("exists"));
        assertThatThrownBy(() -> OciImages.writeLayout(Examples.demoStack(), tmp.resolve("exists"), Compression.GZIP))
                .isInstanceOf(FileAlreadyExistsException.class);
    }

    private static Path blob(Path layout, String digest) {
        return layout.resolve("blobs/sha256").resolve(Digests.hex(digest));
    }
}
