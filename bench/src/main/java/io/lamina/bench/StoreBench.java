package io.lamina.bench;

import io.lamina.fs.Entry;
import io.lamina.fs.InodeFs;
import io.lamina.fs.LowerLayer;
import io.lamina.fs.UnionFs;
import io.lamina.fs.UnionSpec;
import io.lamina.store.Store;
import io.lamina.store.journal.Journal;
import io.lamina.store.journal.JournalView;
import io.lamina.store.journal.LowerImage;
import io.lamina.testdata.Compression;
import io.lamina.testdata.Content;
import io.lamina.testdata.LayerSpec;
import io.lamina.testdata.LayerTar;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The store and snapshotter issues' targets, measured in the harness's run after the mount
 * workloads, in this JVM (no FUSE): import against {@code tar -x}, chain index build, lookup
 * through the engine at chain depth 1000 against depth 1, usage and diff answer time, and
 * container start through containerd (see {@link ContainerStart}). A part that fails is recorded
 * as skipped with the error; the run goes on.
 */
final class StoreBench {
    /** How big the store part is: the full run's sizes or the CI smoke's. */
    record Scale(int importMib, int importRounds, int lookupFiles, int deepLayers, int buildEntries, int upperFiles, int ctrRuns,
                 int containers, int sharedMib) {
        static final Scale FULL = new Scale(200, 3, 50_000, 1000, 100_000, 100_000, 10, 50, 64);
        static final Scale QUICK = new Scale(30, 1, 10_000, 1000, 20_000, 10_000, 2, 3, 8);
    }

    static final String IMPORT = "import-vs-tar-x";
    static final String BUILD = "chain-build";
    static final String LOOKUP = "lookup-depth-1000";
    static final String USAGE = "usage-diff";
    static final String UNPACK = "unpack-vs-overlayfs";
    static final String CTR = "ctr-run-rm";
    static final String RSS = "containers-rss";
    static final String CACHE = "containers-page-cache";

    /** The targets in report order, with the text the report shows. */
    static final Map<String, String> GOALS = goals();

    private static Map<String, String> goals() {
        Map<String, String> g = new LinkedHashMap<>();
        g.put(IMPORT, "store: import ≥ 0.8× the throughput of `tar -x` of the same uncompressed layer");
        g.put(BUILD, "store: chain index build for 100k entries < 2 s");
        g.put(LOOKUP, "store: lookup at chain depth 1000 within 1.2× of depth 1");
        g.put(USAGE, "store: `lamina usage` and `lamina diff` answer < 100 ms for an upper of 1M files");
        g.put(CTR, "snapshotter: `ctr run --rm` within 1.5× of containerd's overlayfs");
        g.put(RSS, "snapshotter: 50 containers of one image, snapshotter RSS < 512 MiB");
        g.put(CACHE, "snapshotter: 50 containers of one image, page cache for a file all read < 1.1× of one copy");
        g.put(UNPACK, "snapshotter: unpacking a layer ≥ 0.6× containerd's overlayfs unpack");
        return g;
    }

    private final Scale scale;
    private final Path work;
    private final Progress progress;

    StoreBench(Scale scale, Path work, Progress progress) {
        this.scale = scale;
        this.work = work;
        this.progress = progress;
    }

    /** Runs every part under {@code work} (deleted after) and returns one figure per target, in {@link #GOALS} order. */
    List<StoreFigure> run() throws IOException {
        List<StoreFigure> out = new ArrayList<>();
        Cleanup.deleteTree(work);
        try {
            out.add(part(IMPORT, "import", this::importVsTar));
            out.add(part(BUILD, "chain index build", this::chainBuild));
            out.add(part(LOOKUP, "lookup at depth 1 and 1000", this::lookupDepth));
            out.add(part(USAGE, "usage and diff", this::usageDiff));
            progress.show("store · container start");
            List<StoreFigure> ctr;
            try {
                ctr = new ContainerStart(work.resolve("ctr"), scale.ctrRuns(), scale.containers(), scale.sharedMib(), progress).run();
            } catch (Exception e) {
                String why = "failed: " + e.getClass().getSimpleName() + ": " + e.getMessage();
                ctr = List.of(StoreFigure.skipped(UNPACK, GOALS.get(UNPACK), why), StoreFigure.skipped(CTR, GOALS.get(CTR), why),
                        StoreFigure.skipped(RSS, GOALS.get(RSS), why), StoreFigure.skipped(CACHE, GOALS.get(CACHE), why));
            }
            // In the order of GOALS.
            for (String k : List.of(CTR, RSS, CACHE, UNPACK)) {
                out.add(ctr.stream().filter(f -> f.key().equals(k)).findFirst()
                        .orElse(StoreFigure.skipped(k, GOALS.get(k), "not measured: the container runs failed before it")));
            }
        } finally {
            Cleanup.deleteTree(work);
        }
        return out;
    }

    interface Part {
        StoreFigure measure() throws Exception;
    }

    private StoreFigure part(String key, String what, Part p) {
        progress.show("store · " + what);
        try {
            return p.measure();
        } catch (Exception e) {
            return StoreFigure.skipped(key, GOALS.get(key), "failed: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /** Store.importLayer of one uncompressed layer into a fresh store against tar -x of the same tar, interleaved, page cache warm. */
    private StoreFigure importVsTar() throws Exception {
        Path dir = Files.createDirectories(work.resolve("import"));
        Path tar = dir.resolve("layer.tar");
        try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(tar), 1 << 16)) {
            LayerTar.write(ImportThroughput.layer(scale.importMib()), o, Compression.NONE);
        }
        long bytes = Files.size(tar);
        try (InputStream in = Files.newInputStream(tar)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        List<Double> tarX = new ArrayList<>(), imp = new ArrayList<>();
        for (int round = 0; round < scale.importRounds(); round++) {
            Path x = Files.createDirectories(dir.resolve("tar-x"));
            Proc.run(List.of("sync"), null);
            long t0 = System.nanoTime();
            Proc.run(List.of("tar", "-xf", tar.toString(), "-C", x.toString()), null);
            tarX.add(bytes / 1e6 / ((System.nanoTime() - t0) / 1e9));
            Cleanup.deleteTree(x);
            Path root = dir.resolve("store");
            try (Store store = Store.open(root)) {
                Proc.run(List.of("sync"), null);
                t0 = System.nanoTime();
                try (InputStream in = new BufferedInputStream(Files.newInputStream(tar), 1 << 16)) {
                    store.importLayer(in, n -> { });
                }
                imp.add(bytes / 1e6 / ((System.nanoTime() - t0) / 1e9));
            }
            Cleanup.deleteTree(root);
        }
        double t = Stats.of(tarX).median(), i = Stats.of(imp).median();
        Map<String, Double> f = new LinkedHashMap<>();
        f.put("import_mb_s", i);
        f.put("tar_x_mb_s", t);
        f.put("layer_mb", bytes / 1e6);
        return new StoreFigure(IMPORT, GOALS.get(IMPORT), String.format(Locale.ROOT, "%.0f MB layer, median of %d", bytes / 1e6,
                scale.importRounds()), i / t, "×", 0.8, true, String.format(Locale.ROOT, "Store.importLayer %s MB/s, tar -x %s MB/s",
                Report.fmt(i), Report.fmt(t)), f, null);
    }

    /** Opening a one-layer chain of {@code buildEntries} files with no index on disk: the index build. Median of 3. */
    private StoreFigure chainBuild() throws Exception {
        Path root = work.resolve("build-store");
        String diffId;
        try (Store store = Store.open(root)) {
            LayerSpec.Builder b = LayerSpec.builder();
            for (int i = 0; i < scale.buildEntries(); i++) b.file("d" + (i / 1000) + "/f" + i, Content.empty());
            diffId = store.importLayer(new ByteArrayInputStream(tar(b.build())), n -> { }).diffId();
        }
        List<Double> ms = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            try (Store store = Store.open(root)) {
                Files.deleteIfExists(store.chainIndexPath(Store.chainId(List.of(diffId))));
                long t0 = System.nanoTime();
                try (LowerLayer chain = store.openChain(List.of(diffId))) {
                    chain.probe("");
                }
                ms.add((System.nanoTime() - t0) / 1e6);
            }
        }
        Cleanup.deleteTree(root);
        double m = Stats.of(ms).median();
        return new StoreFigure(BUILD, GOALS.get(BUILD), String.format(Locale.ROOT, "%,d entries, median of 3", scale.buildEntries()),
                m, "ms", 2000, false, "", Map.of("build_ms", m, "entries", (double) scale.buildEntries()), null);
    }

    /**
     * The same {@code lookupFiles} files stored as one layer and spread over {@code deepLayers} layers;
     * each pass looks every file up (path walk + getattr) through a fresh engine over the chain, so
     * nothing is cached in the engine; the chain's index is built in the first pass, which is not
     * measured. Time per file, median of 5 passes, leaving out what a mount pays once: opening the
     * chain and the first file of each layer's directory.
     */
    private StoreFigure lookupDepth() throws Exception {
        Path root = work.resolve("lookup-store");
        int n = scale.lookupFiles(), depth = scale.deepLayers(), per = Math.max(1, n / depth);
        List<String> paths = new ArrayList<>();
        for (int k = 0; k < depth; k++) for (int j = 0; j < per; j++) paths.add("usr/share/l" + k + "/f" + j);
        try (Store store = Store.open(root)) {
            LayerSpec.Builder flat = LayerSpec.builder();
            paths.forEach(p -> flat.file(p, Content.empty()));
            List<String> one = List.of(store.importLayer(new ByteArrayInputStream(tar(flat.build())), x -> { }).diffId());
            List<String> deep = new ArrayList<>();
            for (int k = 0; k < depth; k++) {
                LayerSpec.Builder b = LayerSpec.builder();
                for (int j = 0; j < per; j++) b.file("usr/share/l" + k + "/f" + j, Content.empty());
                deep.add(store.importLayer(new ByteArrayInputStream(tar(b.build())), x -> { }).diffId());
            }
            List<Double> shallow = new ArrayList<>(), deepNs = new ArrayList<>();
            for (int pass = 0; pass < 6; pass++) {
                double a = pass(store, one, paths), b = pass(store, deep, paths);
                if (pass > 0) {
                    shallow.add(a);
                    deepNs.add(b);
                }
            }
            double s = Stats.of(shallow).median(), d = Stats.of(deepNs).median();
            double ps = probe(store, one, paths), pd = probe(store, deep, paths);
            Map<String, Double> f = new LinkedHashMap<>();
            f.put("depth_1_ns_per_file", s);
            f.put("depth_" + depth + "_ns_per_file", d);
            f.put("probe_depth_1_ns", ps);
            f.put("probe_depth_" + depth + "_ns", pd);
            f.put("files", (double) paths.size());
            return new StoreFigure(LOOKUP, GOALS.get(LOOKUP), String.format(Locale.ROOT, "%,d files, depth %d vs 1, in-process engine, median of 5",
                    paths.size(), depth), d / s, "× of depth 1", 1.2, false, String.format(Locale.ROOT, "engine lookup + getattr: depth 1 %s µs/file, depth %d %s µs/file; "
                    + "chain index probe alone: %s µs, %s µs", Report.fmt(s / 1000), depth, Report.fmt(d / 1000), Report.fmt(ps / 1000),
                    Report.fmt(pd / 1000)), f, null);
        } finally {
            Cleanup.deleteTree(root);
        }
    }

    /** Nanoseconds per file to look up and stat every path through a fresh engine over the chain {@code diffIds}. */
    private double pass(Store store, List<String> diffIds, List<String> paths) throws IOException {
        Path dir = Files.createDirectories(work.resolve("lookup-upper"));
        long t0;
        try (InodeFs fs = UnionFs.open(UnionSpec.ofLayers(List.of(store.openChain(diffIds)), Files.createDirectories(dir.resolve("upper")),
                Files.createDirectories(dir.resolve("work"))))) {
            // Opening the chain, and each layer's first use (f0 of every directory), are left out: a mount pays them once.
            for (String p : paths) if (p.endsWith("/f0")) stat(fs, p);
            t0 = System.nanoTime();
            for (String p : paths) if (!p.endsWith("/f0")) stat(fs, p);
            t0 = System.nanoTime() - t0;
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
        double ns = t0 / (double) paths.stream().filter(p -> !p.endsWith("/f0")).count();
        Cleanup.deleteTree(dir);
        return ns;
    }

    /** Nanoseconds per path of the chain index's own probe (no engine), median of 5 passes after one. */
    private static double probe(Store store, List<String> diffIds, List<String> paths) {
        List<Double> ns = new ArrayList<>();
        try (LowerLayer chain = store.openChain(diffIds)) {
            for (int pass = 0; pass < 6; pass++) {
                long t0 = System.nanoTime();
                for (String p : paths) if (chain.probe(p) == null) throw new IllegalStateException("probe of " + p + " found nothing");
                if (pass > 0) ns.add((System.nanoTime() - t0) / (double) paths.size());
            }
        }
        return Stats.of(ns).median();
    }

    /** Looks {@code path} up component by component from the root, then stats it. */
    private static void stat(InodeFs fs, String path) throws IOException {
        long node = InodeFs.ROOT;
        for (String name : path.split("/")) {
            Entry e = fs.lookup(node, name);
            if (e == null) throw new IOException("lookup of " + path + " found nothing at " + name);
            node = e.nodeId();
        }
        fs.getattr(node);
    }

    /** An upper of {@code upperFiles} files taken in by one journal rebuild; then open + usage and open + diff, median of 3 after one. */
    private StoreFigure usageDiff() throws Exception {
        Path dir = work.resolve("journal");
        Path lower = Files.createDirectories(dir.resolve("lower"));
        Path upper = Files.createDirectories(dir.resolve("upper"));
        Files.writeString(lower.resolve("base"), "x");
        byte[] data = new byte[10];
        int files = scale.upperFiles();
        for (int d = 0; d * 1000 < files; d++) {
            Path sub = Files.createDirectory(upper.resolve("d" + d));
            for (int f = 0; f < 1000 && d * 1000 + f < files; f++) Files.write(sub.resolve("f" + f), data);
        }
        Path state = dir.resolve("state/journal.cm");
        Files.createDirectories(state.getParent());
        Journal.open(state, upper, LowerImage.ofDirs(List.of(lower))).close();
        List<Double> usage = new ArrayList<>(), diff = new ArrayList<>();
        long paths = 0;
        for (int i = 0; i < 4; i++) {
            long t0 = System.nanoTime();
            JournalView.readUsage(state);
            double u = (System.nanoTime() - t0) / 1e6;
            t0 = System.nanoTime();
            try (JournalView v = JournalView.open(state)) {
                paths = v.diff().size();
            }
            double df = (System.nanoTime() - t0) / 1e6;
            if (i > 0) {
                usage.add(u);
                diff.add(df);
            }
        }
        Cleanup.deleteTree(dir);
        double u = Stats.of(usage).median(), d = Stats.of(diff).median();
        Map<String, Double> f = new LinkedHashMap<>();
        f.put("usage_ms", u);
        f.put("diff_ms", d);
        f.put("upper_files", (double) files);
        f.put("diff_paths", (double) paths);
        return new StoreFigure(USAGE, GOALS.get(USAGE), String.format(Locale.ROOT, "measured at %,d files, in-process, median of 3", files),
                Math.max(u, d), "ms (slower of the two)", 100, false, String.format(Locale.ROOT, "usage %s ms, diff %s ms (%,d paths)",
                Report.fmt(u), Report.fmt(d), paths), f, null);
    }

    private static byte[] tar(LayerSpec layer) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LayerTar.write(layer, out);
        return out.toByteArray();
    }
}
