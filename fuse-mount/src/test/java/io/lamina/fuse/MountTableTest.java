package io.lamina.fuse;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class MountTableTest {
    @Test
    void readsMountinfoAndDecodesOctalEscapes() throws Exception {
        Path info = Files.createTempFile(FusePrereqs.tempDir("mountinfo"), "mountinfo", "");
        Files.writeString(info, """
                22 1 0:21 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
                40 22 0:40 / /mnt/with\\040space rw,nosuid - fuse.lamina my\\040image rw,user_id=0
                41 22 0:41 / /mnt/x rw - tmpfs tmpfs rw
                42 41 0:42 / /mnt/x rw master:3 unbindable - fuse.lamina lamina rw
                """);
        assertThat(MountTable.read(info)).hasSize(4);
        MountTable.Mount spaced = MountTable.at(info, Path.of("/mnt/with space")).orElseThrow();
        assertThat(spaced.fsType()).isEqualTo("fuse.lamina");
        assertThat(spaced.source()).isEqualTo("my image");
        assertThat(MountTable.at(info, Path.of("/mnt/x")).orElseThrow().fsType()).as("the topmost").isEqualTo("fuse.lamina");
        assertThat(MountTable.at(info, Path.of("/mnt"))).isEmpty();
    }

    @Test
    void unescapeLeavesOtherBackslashesAlone() {
        assertThat(MountTable.unescape("a\\134b\\011c\\x")).isEqualTo("a\\b\tc\\x");
    }
}
