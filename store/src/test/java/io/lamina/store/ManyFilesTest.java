package io.lamina.store;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A layer of a million empty files imports in a JVM whose heap is capped at 256 MiB: the entries
 * are kept in file-backed spill areas, not on the heap.
 */
class ManyFilesTest {

    @Test
    void aMillionEmptyFilesImportWithA256MiBHeap() throws Exception {
        int dirs = 1000, files = 1000;
        Path root = StoreTesting.tempDir("million-");
        try {
            List<String> cmd = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m"));
            for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
                if (a.startsWith("--add-") || a.startsWith("--enable-native-access") || a.startsWith("--sun-misc")
                        || a.startsWith("-Dchronicle")) {
                    cmd.add(a);
                }
            }
            String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            cmd.addAll(List.of("-cp", cp, ManyEmptyFiles.class.getName(), root.toString(),
                    Integer.toString(dirs), Integer.toString(files)));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out;
            try {
                out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(p.waitFor(10, TimeUnit.MINUTES)).isTrue();
            } finally {
                p.destroyForcibly();
            }
            assertThat(p.exitValue()).as(out).isZero();
            assertThat(out).contains("entries=" + ManyEmptyFiles.entries(dirs, files));
            try (Store store = Store.open(root)) {
                LayerRecord r = store.layers().getFirst();
                try (LayerIndex idx = store.openIndex(r.diffId())) {
                    assertThat(idx.size()).isEqualTo(ManyEmptyFiles.entries(dirs, files));
                    assertThat(idx.find("d00999/f999").kind()).isEqualTo(EntryKind.REGULAR);
                    assertThat(idx.entry(0).path()).isEqualTo("d00000");
                }
                assertThat(store.objectStats()).isEqualTo(new ObjectStats(1, 0));
            }
        } finally {
            Store.deleteTree(root);
        }
    }
}
