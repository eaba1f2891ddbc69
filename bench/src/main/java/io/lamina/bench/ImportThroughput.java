package io.lamina.bench;

import io.lamina.store.ImageImport;
import io.lamina.store.Images;
import io.lamina.store.Store;
import io.lamina.testdata.Compression;
import io.lamina.testdata.Content;
import io.lamina.testdata.ImageConfig;
import io.lamina.testdata.ImageSpec;
import io.lamina.testdata.LayerSpec;
import io.lamina.testdata.LayerTar;
import io.lamina.testdata.OciImages;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Import throughput against {@code tar -x} of the same uncompressed layer into a directory, in one
 * run (issue 4: import must reach 0.8x tar -x). Not a test: prints MB/s of three runs of each, in
 * turn, page cache warm for all. Usage: {@code java -cp lamina-bench.jar io.lamina.bench.ImportThroughput [DIR] [MIB]}
 * (needs the JVM flags of bin/lamina for Chronicle Map).
 */
public final class ImportThroughput {
    private ImportThroughput() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "/tmp/lamina-import-bench");
        int mib = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        deleteTree(dir);
        Files.createDirectories(dir);
        LayerSpec layer = layer(mib);
        Path tar = dir.resolve("layer.tar");
        try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(tar), 1 << 16)) {
            LayerTar.write(layer, out, Compression.NONE);
        }
        Path layout = dir.resolve("layout");
        OciImages.writeLayout(ImageSpec.of("bench/import:1", ImageConfig.defaults(), layer), layout, Compression.NONE);
        long bytes = Files.size(tar);
        try (InputStream in = Files.newInputStream(tar)) {
            in.transferTo(OutputStream.nullOutputStream());   // warm the page cache
        }
        System.out.printf(Locale.ROOT, "layer: %d entries, %.1f MB uncompressed tar, in %s%n",
                layer.entries().size(), bytes / 1e6, dir);
        List<Double> tarX = new ArrayList<>(), storeImport = new ArrayList<>(), imageImport = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            Path out = Files.createDirectories(dir.resolve("tar-x"));
            sync();
            long t0 = System.nanoTime();
            Process p = new ProcessBuilder("tar", "-xf", tar.toString(), "-C", out.toString()).inheritIO().start();
            if (p.waitFor() != 0) {
                throw new IllegalStateException("tar -x failed");
            }
            tarX.add(mbps(bytes, System.nanoTime() - t0));
            deleteTree(out);

            Path root = dir.resolve("store");
            try (Store store = Store.open(root)) {
                sync();
                t0 = System.nanoTime();
                try (InputStream in = new BufferedInputStream(Files.newInputStream(tar), 1 << 16)) {
                    store.importLayer(in, n -> { });
                }
                storeImport.add(mbps(bytes, System.nanoTime() - t0));
            }
            deleteTree(root);

            try (Store store = Store.open(root); Images images = Images.open(store)) {
                sync();
                t0 = System.nanoTime();
                ImageImport.run(images, layout, null, ImageImport.Progress.NONE);
                imageImport.add(mbps(bytes, System.nanoTime() - t0));
            }
            deleteTree(root);
        }
        report("tar -x into a directory", tarX);
        report("Store.importLayer (objects + index)", storeImport);
        report("lamina image import (verify + blob + layer)", imageImport);
        System.out.printf(Locale.ROOT, "ratio (median): importLayer / tar -x = %.2f, image import / tar -x = %.2f%n",
                median(storeImport) / median(tarX), median(imageImport) / median(tarX));
        deleteTree(dir);
    }

    /** ~{@code mib} MiB: 85% in 160 KiB files, the rest in 4 KiB files, every content distinct. */
    static LayerSpec layer(int mib) {
        LayerSpec.Builder b = LayerSpec.builder().createdBy("bench: import throughput");
        long big = (long) mib * 85 / 100 * 1024 / 160;
        long small = (long) mib * 15 / 100 * 1024 / 4;
        for (long i = 0; i < big; i++) {
            b.file("big/" + (i % 64) + "/f" + i, Content.seeded(1_000_000 + i, 160 * 1024));
        }
        for (long i = 0; i < small; i++) {
            b.file("small/" + (i % 256) + "/s" + i, Content.seeded(2_000_000 + i, 4096));
        }
        return b.build();
    }

    /** Each run starts with no dirty pages of the one before (writeback would land in the next timing). */
    private static void sync() throws IOException, InterruptedException {
        new ProcessBuilder("sync").inheritIO().start().waitFor();
    }

    private static double mbps(long bytes, long nanos) {
        return bytes / 1e6 / (nanos / 1e9);
    }

    private static double median(List<Double> xs) {
        List<Double> s = xs.stream().sorted().toList();
        return s.get(s.size() / 2);
    }

    private static void report(String what, List<Double> xs) {
        System.out.printf(Locale.ROOT, "%-45s median %7.1f MB/s  (runs: %s)%n", what, median(xs),
                xs.stream().map(x -> String.format(Locale.ROOT, "%.1f", x)).toList());
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(x);
            }
        }
    }
}
