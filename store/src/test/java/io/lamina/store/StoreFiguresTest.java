package io.lamina.store;

import io.lamina.fs.LowerLayer;
import io.lamina.testdata.Content;
import io.lamina.testdata.LayerSpec;
import io.lamina.testdata.LayerTar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Measured figures, not assertions (the machine is shared and noisy): import throughput against
 * {@code tar -x} of the same ~200 MB layer into a directory, in the same run, and the chain index
 * build time for 100k entries. Run with {@code LAMINA_FIGURES=1} (and {@code LAMINA_FIGURES_DIR=/dev/shm}
 * to take the disk out of both); prints one line per figure.
 */
@EnabledIfEnvironmentVariable(named = "LAMINA_FIGURES", matches = "1")
class StoreFiguresTest {

    @Test
    void importVersusTarAndChainBuild() throws Exception {
        String base = System.getenv("LAMINA_FIGURES_DIR");
        Path dir = base == null ? StoreTesting.tempDir("figures-") : Files.createTempDirectory(Path.of(base), "figures-");
        try {
            LayerSpec.Builder b = LayerSpec.builder();
            for (int i = 0; i < 2000; i++) {
                b.file("small/" + (i % 40) + "/f" + i, Content.seeded(i, 1024 + (i * 7919L) % 15000));
            }
            for (int i = 0; i < 150; i++) {
                b.file("medium/m" + i, Content.seeded(10_000 + i, 256 * 1024 + (i * 104729L) % (512 * 1024)));
            }
            for (int i = 0; i < 6; i++) {
                b.file("large/l" + i, Content.seeded(20_000 + i, 18L << 20));
            }
            Path tar = dir.resolve("layer.tar");
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tar), 1 << 20)) {
                LayerTar.write(b.build(), out);
            }
            long size = Files.size(tar);
            List<Double> tarRates = new ArrayList<>(), importRates = new ArrayList<>();
            List<Double> tarCpu = new ArrayList<>(), importCpu = new ArrayList<>();
            double cold = importRate(dir.resolve("cold"), tar, size); // the first import of a fresh JVM: JIT warm-up
            for (int i = 0; i < 2; i++) {
                importRate(dir.resolve("warmup"), tar, size);
            }
            for (int round = 0; round < 5; round++) {
                Path x = Files.createDirectories(dir.resolve("x" + round));
                long t0 = System.nanoTime();
                Path times = dir.resolve("times");
                // /usr/bin/time reports tar's CPU (user + system): on a shared machine, wall time
                // mostly measures the neighbours.
                Process p = new ProcessBuilder("/usr/bin/time", "-o", times.toString(), "-f", "%U %S",
                        "tar", "-xf", tar.toString(), "-C", x.toString()).inheritIO().start();
                if (p.waitFor() != 0) {
                    throw new AssertionError("tar -x failed");
                }
                tarRates.add(size / 1e6 / ((System.nanoTime() - t0) / 1e9));
                String[] cpu = Files.readString(times).trim().split("\\s+");
                tarCpu.add(Double.parseDouble(cpu[0]) + Double.parseDouble(cpu[1]));
                Store.deleteTree(x);

                long c0 = processCpuNanos();
                importRates.add(importRate(dir.resolve("store" + round), tar, size));
                importCpu.add((processCpuNanos() - c0) / 1e9);
            }
            System.out.printf("FIGURE CPU seconds per import of the layer (user + system): tar -x %s, import %s%n",
                    fmt2(tarCpu), fmt2(importCpu));
            System.out.printf("FIGURE in %s, layer %.1f MB: tar -x %s MB/s, import %s MB/s (median import/median tar"
                            + " = %.2f); first import in a fresh JVM %.0f MB/s%n",
                    dir.getParent(), size / 1e6, fmt(tarRates), fmt(importRates), median(importRates) / median(tarRates),
                    cold);

            Path root = dir.resolve("chain");
            try (Store store = Store.open(root)) {
                String id = store.importLayer(new ManyEmptyFiles(100, 1000), n -> { }).diffId();
                long t0 = System.nanoTime();
                try (LowerLayer c = store.openChain(List.of(id))) {
                    long built = System.nanoTime() - t0;
                    System.out.printf("FIGURE chain index build, %d entries: %.0f ms%n",
                            ManyEmptyFiles.entries(100, 1000), built / 1e6);
                }
            }
        } finally {
            Store.deleteTree(dir);
        }
    }

    private static double importRate(Path root, Path tar, long size) throws Exception {
        try (Store store = Store.open(root); InputStream in = new BufferedInputStream(Files.newInputStream(tar), 1 << 20)) {
            long t = System.nanoTime();
            store.importLayer(in, n -> { });
            return size / 1e6 / ((System.nanoTime() - t) / 1e9);
        } finally {
            Store.deleteTree(root);
        }
    }

    private static double median(List<Double> xs) {
        return xs.stream().sorted().toList().get(xs.size() / 2);
    }

    /** CPU time of this whole JVM (all threads, user + system). */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static String fmt2(List<Double> xs) {
        return xs.stream().map(r -> String.format("%.2f", r)).toList().toString();
    }

    private static String fmt(List<Double> rates) {
        return rates.stream().map(r -> String.format("%.0f", r)).toList().toString();
    }
}
