package io.lamina.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lamina.fs.LowerLayer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The image config, user resolution and config.json of lamina run, without root or a runtime. */
class BundleConfigTest {
    private Path dir;

    @BeforeEach
    void setUp() throws IOException {
        String base = System.getenv("LAMINA_TEST_TMP");
        Path tmp = Files.createDirectories(Path.of(base != null ? base : System.getProperty("java.io.tmpdir")));
        dir = Files.createTempDirectory(tmp, "bundle");
    }

    @Test
    void argsFollowDockerRun() {
        ImageConfig c = ImageConfig.parse("""
                {"config":{"Env":["A=1"],"Entrypoint":["/init"],"Cmd":["serve","--port","80"],"WorkingDir":"/app","User":"app"}}
                """.getBytes(StandardCharsets.UTF_8));
        assertThat(c.args(List.of())).containsExactly("/init", "serve", "--port", "80");
        assertThat(c.args(List.of("sh"))).containsExactly("/init", "sh");
        assertThat(c.env()).containsExactly("A=1");
        assertThat(c.workingDir()).isEqualTo("/app");
        assertThat(c.user()).isEqualTo("app");
        ImageConfig empty = ImageConfig.parse("{}".getBytes(StandardCharsets.UTF_8));
        assertThat(empty.args(List.of())).isEmpty();
        assertThatThrownBy(() -> ImageConfig.parse("{".getBytes(StandardCharsets.UTF_8))).isInstanceOf(RunException.class);
    }

    @Test
    void usersResolveThroughTheImagesOwnFiles() throws IOException {
        Path rootfs = Files.createDirectories(dir.resolve("rootfs/etc"));
        Files.writeString(rootfs.resolve("passwd"), """
                root:x:0:0:root:/root:/bin/sh
                app:x:1000:1001:app:/home/app:/bin/sh
                """);
        Files.writeString(rootfs.resolve("group"), """
                root:x:0:
                app:x:1001:
                video:x:44:app,other
                staff:x:50:
                """);
        try (LowerLayer image = LowerLayer.ofDirectory(dir.resolve("rootfs"))) {
            assertThat(ImageUser.resolve("", image)).isEqualTo(new ImageUser(0, 0, List.of(), "/root"));
            assertThat(ImageUser.resolve("app", image)).isEqualTo(new ImageUser(1000, 1001, List.of(44), "/home/app"));
            assertThat(ImageUser.resolve("1000", image)).isEqualTo(new ImageUser(1000, 1001, List.of(44), "/home/app"));
            assertThat(ImageUser.resolve("app:staff", image)).isEqualTo(new ImageUser(1000, 50, List.of(), "/home/app"));
            assertThat(ImageUser.resolve("4242:7", image)).isEqualTo(new ImageUser(4242, 7, List.of(), "/"));
            assertThatThrownBy(() -> ImageUser.resolve("nobody", image))
                    .isInstanceOf(RunException.class).hasMessage("user 'nobody' is not in the image's /etc/passwd");
            assertThatThrownBy(() -> ImageUser.resolve("app:wheel", image))
                    .isInstanceOf(RunException.class).hasMessage("group 'wheel' is not in the image's /etc/group");
        }
    }

    @Test
    void aSymlinkedPasswdIsNotFollowed() throws IOException {
        Path etc = Files.createDirectories(dir.resolve("rootfs/etc"));
        Files.createSymbolicLink(etc.resolve("passwd"), Path.of("/etc/passwd"));
        try (LowerLayer image = LowerLayer.ofDirectory(dir.resolve("rootfs"))) {
            assertThatThrownBy(() -> ImageUser.resolve("root", image)).isInstanceOf(RunException.class);
            assertThat(ImageUser.resolve("0", image)).isEqualTo(new ImageUser(0, 0, List.of(), "/"));
        }
    }

    @Test
    void configJsonHasTheProcessNamespacesAndMounts() throws IOException {
        ImageConfig c = ImageConfig.parse("{\"config\":{\"Env\":[\"X=y\"],\"Cmd\":[\"/bin/sh\"]}}".getBytes(StandardCharsets.UTF_8));
        OciBundle.Process p = OciBundle.process(c, c.args(List.of()), new ImageUser(1000, 1000, List.of(44), "/home/u"), "box", false);
        OciBundle.write(dir, dir.resolve("mnt"), "box", p);
        JsonNode j = new ObjectMapper().readTree(dir.resolve("config.json").toFile());
        assertThat(j.at("/process/terminal").asBoolean()).isFalse();
        assertThat(j.at("/process/user/uid").asInt()).isEqualTo(1000);
        assertThat(j.at("/process/user/additionalGids/0").asInt()).isEqualTo(44);
        assertThat(j.at("/process/args").toString()).isEqualTo("[\"/bin/sh\"]");
        assertThat(j.at("/process/env").toString()).contains("X=y", "PATH=", "HOSTNAME=box", "HOME=/home/u");
        assertThat(j.at("/process/cwd").asText()).isEqualTo("/");
        assertThat(j.at("/process/capabilities/effective")).isEmpty();
        assertThat(j.at("/root/path").asText()).isEqualTo(dir.resolve("mnt").toAbsolutePath().toString());
        assertThat(j.at("/hostname").asText()).isEqualTo("box");
        assertThat(j.at("/linux/namespaces").findValuesAsText("type")).containsExactlyInAnyOrder("pid", "network", "ipc", "uts", "mount");
        assertThat(j.at("/mounts").findValuesAsText("destination"))
                .contains("/proc", "/dev", "/dev/pts", "/dev/shm", "/sys");
        assertThatThrownBy(() -> OciBundle.process(ImageConfig.parse("{\"config\":{\"WorkingDir\":\"app\"}}".getBytes(StandardCharsets.UTF_8)),
                List.of("x"), new ImageUser(0, 0, List.of(), "/"), "h", false)).isInstanceOf(RunException.class);
    }
}
