package io.lamina.cli;

import io.lamina.sys.Posix;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's first command: the demo mounts, shows what it says, and leaves nothing behind. */
class DemoTest {
    @Test
    void demoShowsWhiteoutOpaqueAndCopyUpThenCleansUp() throws Exception {
        boolean ready = Posix.getuid() == 0 && Files.exists(Path.of("/dev/fuse"));
        if (!ready && "true".equals(System.getenv("CI"))) throw new AssertionError("CI=true but not root or no /dev/fuse");
        Assumptions.assumeTrue(ready, "the demo mounts through FUSE: needs root and /dev/fuse");
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream old = System.out;
        int exit;
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            exit = new CommandLine(new Lamina()).execute("demo");
        } finally {
            System.setOut(old);
        }
        String out = buf.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(out).isZero();
        assertThat(out).contains("merged has etc/motd:   false", "merged  usr/share/doc/lamina: [README]",
                "upper after:   [home/user/notes.txt]", "upper etc/hostname: character device 0/0", "unmounted ",
                "imported lamina/demo:latest", "image lamina/demo:committed");
        String dir = out.lines().filter(l -> l.startsWith("unmounted ")).reduce((a, b) -> b).orElseThrow().substring(10);
        assertThat(Path.of(dir).getParent()).doesNotExist();
        assertThat(Files.readString(Path.of("/proc/self/mounts"))).doesNotContain(dir);
    }
}
