package io.lamina.fuse;

import io.lamina.fs.InodeFs;
import io.lamina.fs.UnionFs;
import io.lamina.fs.UnionSpec;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many threads at once through one mount of the real engine with several workers: each thread
 * works in its own directory (create, write, read back, rename, copy up a lower file, list,
 * delete), and at the end everything it did is exactly what is visible.
 */
class ConcurrentMountTest {
    @Test
    void threadsWorkingSideBySideSeeTheirOwnResults() throws Exception {
        FusePrerequisites.require();
        Path dir = FusePrerequisites.tempDir("fuse-conc");
        Path lower = dir.resolve("lower"), upper = dir.resolve("upper"), work = dir.resolve("work"), mp = dir.resolve("mnt");
        int threads = 6;
        for (Path p : List.of(lower, upper, work, mp)) Files.createDirectories(p);
        for (int t = 0; t < threads; t++) {
            Files.createDirectories(lower.resolve("t" + t));
            Files.writeString(lower.resolve("t" + t + "/base"), "base-" + t);
        }
        InodeFs fs = UnionFs.open(UnionSpec.ofDirs(List.of(lower), upper, work));
        var m = new NativeFuseTransport().mount(fs, mp, MountOptions.defaults().withWorkers(4));
        ExecutorService ex = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                futures.add(ex.submit(() -> {
                    Path d = mp.resolve("t" + id);
                    for (int i = 0; i < 60; i++) {
                        Path f = d.resolve("f" + i);
                        String content = "thread " + id + " file " + i + " " + "x".repeat(i * 37);
                        Files.writeString(f, content);
                        assertThat(Files.readString(f)).isEqualTo(content);
                        if (i % 3 == 0) Files.move(f, d.resolve("r" + i));
                        if (i % 5 == 0) Files.delete(Files.exists(f) ? f : d.resolve("r" + i));
                    }
                    Files.writeString(d.resolve("base"), "changed", java.nio.file.StandardOpenOption.APPEND);
                    return null;
                }));
            }
            for (Future<?> f : futures) f.get();
            for (int t = 0; t < threads; t++) {
                List<String> expected = new ArrayList<>();
                expected.add("base");
                for (int i = 0; i < 60; i++) {
                    if (i % 5 == 0) continue;
                    expected.add((i % 3 == 0 ? "r" : "f") + i);
                }
                expected.sort(null);
                assertThat(NativeFuseMountTest.names(mp.resolve("t" + t))).containsExactlyElementsOf(expected);
                assertThat(Files.readString(mp.resolve("t" + t + "/base"), StandardCharsets.UTF_8)).isEqualTo("base-" + t + "changed");
                assertThat(Files.readString(lower.resolve("t" + t + "/base"))).isEqualTo("base-" + t);
            }
            assertThat(m.counters().unexpectedFailures()).isZero();
        } finally {
            ex.shutdownNow();
            m.close();
            FusePrerequisites.forceUnmount(mp);
            fs.close();
        }
    }
}
