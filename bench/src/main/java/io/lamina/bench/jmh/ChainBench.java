package io.lamina.bench.jmh;

import io.lamina.fs.LowerLayer;
import io.lamina.store.Store;
import io.lamina.testdata.Content;
import io.lamina.testdata.LayerSpec;
import io.lamina.testdata.LayerTar;
import net.openhft.chronicle.map.ChronicleMap;
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

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The store's chain index: building it (10k and 100k entries), a probe through the flattened
 * chain at stack depth 1, 10, 100 and 1000 (the cost must not grow with depth), and the lookup
 * structure itself, Chronicle Map (off-heap, shared between processes) against an on-heap
 * HashMap holding the same keys and values.
 *
 * <p>Run with {@code bin/lamina bench jmh [JMH options] ChainBench}.
 */
public class ChainBench {

    private static final int ENTRIES = 10_000;

    /** A store holding one stack of {@code depth} layers with {@link #ENTRIES} files spread over them. */
    @State(Scope.Benchmark)
    public static class Stack {
        @Param({"1", "10", "100", "1000"})
        public int depth;

        Path tmp;
        Store store;
        LowerLayer chain;
        String[] hits;
        int next;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            tmp = Files.createTempDirectory("lamina-chain-jmh");
            store = Store.open(tmp.resolve("store"));
            List<String> ids = new ArrayList<>();
            int perLayer = ENTRIES / depth;
            for (int k = 0; k < depth; k++) {
                LayerSpec.Builder b = LayerSpec.builder();
                for (int j = 0; j < perLayer; j++) {
                    b.file("usr/share/l" + k + "/f" + j, Content.empty());
                }
                b.text("usr/lib/pkg/f" + k, "layer " + k);
                if (k == 0) {
                    b.file("usr/lib/pkg/deep.so", Content.seeded(1, 4096));
                }
                ids.add(store.importLayer(new ByteArrayInputStream(tar(b.build())), n -> { }).diffId());
            }
            chain = store.openChain(ids);
            hits = new String[1024];
            for (int i = 0; i < hits.length; i++) {
                int k = (i * 7919) % depth;
                hits[i] = "usr/share/l" + k + "/f" + (i * 104729) % perLayer;
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            chain.close();
            store.close();
            deleteTree(tmp);
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @Warmup(iterations = 3, time = 1)
    @Measurement(iterations = 5, time = 1)
    @Fork(1)
    public Object probeBottomFile(Stack s) {
        return s.chain.probe("usr/lib/pkg/deep.so");
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @Warmup(iterations = 3, time = 1)
    @Measurement(iterations = 5, time = 1)
    @Fork(1)
    public Object probeSpread(Stack s) {
        String p = s.hits[s.next++ & (s.hits.length - 1)];
        return s.chain.probe(p);
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @Warmup(iterations = 3, time = 1)
    @Measurement(iterations = 5, time = 1)
    @Fork(1)
    public Object probeMiss(Stack s) {
        return s.chain.probe("usr/lib/pkg/missing");
    }

    /** One layer of {@code entries} empty files, whose chain index each invocation builds afresh. */
    @State(Scope.Benchmark)
    public static class Build {
        @Param({"10000", "100000"})
        public int entries;

        Path tmp;
        Store store;
        String diffId;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            tmp = Files.createTempDirectory("lamina-chain-build-jmh");
            store = Store.open(tmp.resolve("store"));
            LayerSpec.Builder b = LayerSpec.builder();
            for (int i = 0; i < entries; i++) {
                b.file("d" + (i / 1000) + "/f" + i, Content.empty());
            }
            diffId = store.importLayer(new ByteArrayInputStream(tar(b.build())), n -> { }).diffId();
        }

        @Setup(Level.Invocation)
        public void dropIndex() throws IOException {
            Files.deleteIfExists(store.chainIndexPath(diffId));
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            store.close();
            deleteTree(tmp);
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 2)
    @Measurement(iterations = 5)
    @Fork(1)
    public void buildChainIndex(Build b) {
        try (LowerLayer chain = b.store.openChain(List.of(b.diffId))) {
            chain.probe("");
        }
    }

    /** 100k path keys with chain-index-sized values, in a Chronicle Map file and in a HashMap. */
    @State(Scope.Benchmark)
    public static class Maps {
        Path tmp;
        ChronicleMap<String, byte[]> chronicle;
        Map<String, byte[]> heap;
        String[] keys;
        int next;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            tmp = Files.createTempDirectory("lamina-map-jmh");
            int n = 100_000;
            chronicle = ChronicleMap.of(String.class, byte[].class).name("bench").entries(n)
                    .averageKeySize(24).averageValueSize(15).createPersistedTo(tmp.resolve("m.cm").toFile());
            heap = new HashMap<>();
            keys = new String[4096];
            for (int i = 0; i < n; i++) {
                String k = "usr/share/d" + (i / 1000) + "/f" + i;
                byte[] v = new byte[15];
                v[0] = (byte) i;
                chronicle.put(k, v);
                heap.put(k, v);
                if (i % (n / keys.length) == 0 && i / (n / keys.length) < keys.length) {
                    keys[i / (n / keys.length)] = k;
                }
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            chronicle.close();
            deleteTree(tmp);
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @Warmup(iterations = 3, time = 1)
    @Measurement(iterations = 5, time = 1)
    @Fork(1)
    public byte[] chronicleGet(Maps m) {
        return m.chronicle.get(m.keys[m.next++ & (m.keys.length - 1)]);
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @Warmup(iterations = 3, time = 1)
    @Measurement(iterations = 5, time = 1)
    @Fork(1)
    public byte[] hashMapGet(Maps m) {
        return m.heap.get(m.keys[m.next++ & (m.keys.length - 1)]);
    }

    static byte[] tar(LayerSpec layer) throws IOException {
        var out = new ByteArrayOutputStream();
        LayerTar.write(layer, out);
        return out.toByteArray();
    }

    static void deleteTree(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
