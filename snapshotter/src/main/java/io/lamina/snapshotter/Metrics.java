package io.lamina.snapshotter;

import io.lamina.store.ObjectStats;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Supplier;

/**
 * Per-operation counts and latency histograms of the snapshotter's RPCs, and gauges read when
 * scraped, written in the Prometheus text format by {@link #render}.
 */
final class Metrics {
    /** Upper bounds of the latency buckets, in seconds. */
    private static final double[] BUCKETS = {0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10};

    /** Counts of one operation: [0..BUCKETS) bucket counts, then +Inf, ok, failed, nanos. */
    private static final class Op {
        final AtomicLongArray cells = new AtomicLongArray(BUCKETS.length + 4);
    }

    private final Map<String, Op> ops = new ConcurrentHashMap<>();
    /** What the FUSE mounts counted: requests by opcode and passthrough opens (totals since start). */
    record FuseTotals(Map<String, Long> requests, long passthroughOpens) {
    }

    private final Supplier<Map<Kind, Long>> byKind;
    private final Supplier<Integer> liveMounts;
    private final Supplier<FuseTotals> fuse;
    private final Supplier<ObjectStats> store;

    Metrics(Supplier<Map<Kind, Long>> byKind, Supplier<Integer> liveMounts, Supplier<FuseTotals> fuse) {
        this(byKind, liveMounts, fuse, null);
    }

    /** With {@code store} (null: none) giving the object count and bytes of the store when scraped. */
    Metrics(Supplier<Map<Kind, Long>> byKind, Supplier<Integer> liveMounts, Supplier<FuseTotals> fuse,
            Supplier<ObjectStats> store) {
        this.byKind = byKind;
        this.liveMounts = liveMounts;
        this.fuse = fuse;
        this.store = store;
    }

    void observe(String op, long nanos, boolean ok) {
        Op o = ops.computeIfAbsent(op, k -> new Op());
        double s = nanos / 1e9;
        int i = 0;
        while (i < BUCKETS.length && s > BUCKETS[i]) i++;
        o.cells.incrementAndGet(i);
        o.cells.incrementAndGet(BUCKETS.length + (ok ? 1 : 2));
        o.cells.addAndGet(BUCKETS.length + 3, nanos);
    }

    String render() {
        StringBuilder sb = new StringBuilder();
        sb.append("# HELP lamina_snapshotter_requests_total Snapshotter RPCs by operation and result.\n");
        sb.append("# TYPE lamina_snapshotter_requests_total counter\n");
        new java.util.TreeMap<>(ops).forEach((op, o) -> {
            sb.append("lamina_snapshotter_requests_total{op=\"").append(op).append("\",result=\"ok\"} ")
                    .append(o.cells.get(BUCKETS.length + 1)).append('\n');
            sb.append("lamina_snapshotter_requests_total{op=\"").append(op).append("\",result=\"error\"} ")
                    .append(o.cells.get(BUCKETS.length + 2)).append('\n');
        });
        sb.append("# HELP lamina_snapshotter_request_seconds Snapshotter RPC latency.\n");
        sb.append("# TYPE lamina_snapshotter_request_seconds histogram\n");
        new java.util.TreeMap<>(ops).forEach((op, o) -> {
            long cumulative = 0;
            for (int i = 0; i < BUCKETS.length; i++) {
                cumulative += o.cells.get(i);
                sb.append("lamina_snapshotter_request_seconds_bucket{op=\"").append(op).append("\",le=\"")
                        .append(BUCKETS[i]).append("\"} ").append(cumulative).append('\n');
            }
            cumulative += o.cells.get(BUCKETS.length);
            sb.append("lamina_snapshotter_request_seconds_bucket{op=\"").append(op).append("\",le=\"+Inf\"} ")
                    .append(cumulative).append('\n');
            sb.append("lamina_snapshotter_request_seconds_sum{op=\"").append(op).append("\"} ")
                    .append(o.cells.get(BUCKETS.length + 3) / 1e9).append('\n');
            sb.append("lamina_snapshotter_request_seconds_count{op=\"").append(op).append("\"} ")
                    .append(cumulative).append('\n');
        });
        sb.append("# HELP lamina_snapshots Snapshots by kind.\n# TYPE lamina_snapshots gauge\n");
        byKind.get().forEach((k, n) -> sb.append("lamina_snapshots{kind=\"").append(k.filterName()).append("\"} ")
                .append(n).append('\n'));
        sb.append("# HELP lamina_snapshot_mounts Live lamina FUSE mounts served by this process.\n"
                + "# TYPE lamina_snapshot_mounts gauge\n");
        sb.append("lamina_snapshot_mounts ").append(liveMounts.get()).append('\n');
        FuseTotals f = fuse.get();
        sb.append("# HELP lamina_fuse_requests_total FUSE requests served by the snapshot mounts, by opcode.\n"
                + "# TYPE lamina_fuse_requests_total counter\n");
        f.requests().forEach((op, n) -> sb.append("lamina_fuse_requests_total{opcode=\"").append(op).append("\"} ")
                .append(n).append('\n'));
        sb.append("# HELP lamina_fuse_passthrough_opens_total Files opened with FUSE passthrough (I/O bypasses the JVM).\n"
                + "# TYPE lamina_fuse_passthrough_opens_total counter\n");
        sb.append("lamina_fuse_passthrough_opens_total ").append(f.passthroughOpens()).append('\n');
        if (store != null) {
            ObjectStats o = store.get();
            sb.append("# HELP lamina_store_objects Content-addressed objects in the store (each file content once).\n"
                    + "# TYPE lamina_store_objects gauge\n");
            sb.append("lamina_store_objects ").append(o.count()).append('\n');
            sb.append("# HELP lamina_store_object_bytes Bytes of the store's objects.\n"
                    + "# TYPE lamina_store_object_bytes gauge\n");
            sb.append("lamina_store_object_bytes ").append(o.bytes()).append('\n');
        }
        return sb.toString();
    }
}
