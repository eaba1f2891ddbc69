package io.lamina.bench.jmh;

import io.lamina.fs.DirEntry;
import io.lamina.fs.Entry;
import io.lamina.fs.InodeFs;
import io.lamina.fs.UnionFs;
import io.lamina.fs.UnionSpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Micro-benchmarks of the engine alone (fs-core's {@link InodeFs}, no FUSE): the hot paths a
 * transport calls, over a stack of {@code layers} lower directories, to show that a lookup costs
 * the same at depth 1 and at depth 128. The layers are plain directories made here (no
 * whiteouts, so no root needed); the file the lookups find lives in the lowest layer.
 *
 * <p>Run with {@code bin/lamina bench jmh [JMH options]}, e.g. {@code bin/lamina bench jmh -f 1 EngineBench.lookup}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class EngineBench {
    private static final int WIDE = 10_000;

    @Param({"1", "32", "128"})
    public int layers;

    private Path tmp;
    private InodeFs fs;
    private long pkg;
    private long deep;
    private long wide;
    private final ByteBuffer buf = ByteBuffer.allocateDirect(4096);

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        tmp = Files.createTempDirectory("lamina-jmh");
        List<Path> topFirst = new ArrayList<>();
        for (int i = 0; i < layers; i++) {
            Path layer = Files.createDirectories(tmp.resolve("layers/" + i));
            Files.createDirectories(layer.resolve("usr/lib/pkg"));
            Files.writeString(layer.resolve("usr/lib/pkg/f" + i), "layer " + i);
            Files.createDirectories(layer.resolve("wide"));
            topFirst.addFirst(layer);
        }
        Path lowest = topFirst.getLast();
        Files.write(lowest.resolve("usr/lib/pkg/deep.so"), new byte[4096]);
        // The wide directory's names are spread over all layers, so its listing is a real merge.
        for (int i = 0; i < WIDE; i++) {
            Files.writeString(topFirst.get(i % layers).resolve("wide/e" + i), "");
        }
        fs = UnionFs.open(UnionSpec.ofDirs(topFirst, Files.createDirectories(tmp.resolve("upper")),
                Files.createDirectories(tmp.resolve("work"))));
        long usr = fs.lookup(InodeFs.ROOT, "usr").nodeId();
        long lib = fs.lookup(usr, "lib").nodeId();
        pkg = fs.lookup(lib, "pkg").nodeId();
        deep = fs.lookup(pkg, "deep.so").nodeId();
        wide = fs.lookup(InodeFs.ROOT, "wide").nodeId();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        fs.close();
        try (Stream<Path> all = Files.walk(tmp)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    /** A hit: the name answers from the lowest layer, under every other one. */
    @Benchmark
    public long lookupHit() {
        Entry e = fs.lookup(pkg, "deep.so");
        fs.forget(e.nodeId(), 1);
        return e.nodeId();
    }

    /** A miss in a directory present in every layer: the case overlayfs pays a lookup per layer for. */
    @Benchmark
    public Entry lookupMiss() {
        return fs.lookup(pkg, "missing");
    }

    @Benchmark
    public Object getattr() {
        return fs.getattr(deep);
    }

    /** open, one 4 KiB read, release of a lower file. */
    @Benchmark
    public int read4k() {
        long fh = fs.open(deep, 0);
        try {
            buf.clear();
            return fs.read(fh, 0, buf);
        } finally {
            fs.release(fh);
        }
    }

    /** The whole merged listing of a 10k-entry directory: opendir, readdir in pages, releasedir. */
    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public int readdirWide() {
        long dh = fs.opendir(wide);
        int n = 0;
        try {
            long off = 0;
            for (List<DirEntry> page; !(page = fs.readdir(dh, off, 1024)).isEmpty(); ) {
                n += page.size();
                off = page.getLast().nextOffset();
            }
        } finally {
            fs.releasedir(dh);
        }
        return n;
    }
}
