package io.lamina.snapshotter;

import com.google.protobuf.Empty;
import com.google.protobuf.Timestamp;
import io.grpc.stub.StreamObserver;
import io.lamina.snapshotter.proto.CleanupRequest;
import io.lamina.snapshotter.proto.CommitSnapshotRequest;
import io.lamina.snapshotter.proto.Info;
import io.lamina.snapshotter.proto.ListSnapshotsRequest;
import io.lamina.snapshotter.proto.ListSnapshotsResponse;
import io.lamina.snapshotter.proto.Mount;
import io.lamina.snapshotter.proto.MountsRequest;
import io.lamina.snapshotter.proto.MountsResponse;
import io.lamina.snapshotter.proto.PrepareSnapshotRequest;
import io.lamina.snapshotter.proto.PrepareSnapshotResponse;
import io.lamina.snapshotter.proto.RemoveSnapshotRequest;
import io.lamina.snapshotter.proto.SnapshotsGrpc;
import io.lamina.snapshotter.proto.StatSnapshotRequest;
import io.lamina.snapshotter.proto.StatSnapshotResponse;
import io.lamina.snapshotter.proto.UpdateSnapshotRequest;
import io.lamina.snapshotter.proto.UpdateSnapshotResponse;
import io.lamina.snapshotter.proto.UsageRequest;
import io.lamina.snapshotter.proto.UsageResponse;
import io.lamina.snapshotter.proto.ViewSnapshotRequest;
import io.lamina.snapshotter.proto.ViewSnapshotResponse;

import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

/**
 * The gRPC face of {@link Snapshots}: converts messages, times each call into {@link Metrics}, and
 * sends every failure through {@link GrpcErrors}. The {@code snapshotter} field of requests is
 * ignored: this service is one snapshotter.
 */
final class SnapshotsService extends SnapshotsGrpc.SnapshotsImplBase {
    /** List answers in chunks, as containerd's own service does, to keep messages small. */
    private static final int LIST_CHUNK = 100;

    private final Snapshots snapshots;
    private final Metrics metrics;

    SnapshotsService(Snapshots snapshots, Metrics metrics) {
        this.snapshots = snapshots;
        this.metrics = metrics;
    }

    @Override
    public void prepare(PrepareSnapshotRequest rq, StreamObserver<PrepareSnapshotResponse> out) {
        unary("prepare", out, () -> PrepareSnapshotResponse.newBuilder()
                .addAllMounts(toProto(snapshots.prepare(rq.getKey(), rq.getParent(), rq.getLabelsMap()))).build());
    }

    @Override
    public void view(ViewSnapshotRequest rq, StreamObserver<ViewSnapshotResponse> out) {
        unary("view", out, () -> ViewSnapshotResponse.newBuilder()
                .addAllMounts(toProto(snapshots.view(rq.getKey(), rq.getParent(), rq.getLabelsMap()))).build());
    }

    @Override
    public void mounts(MountsRequest rq, StreamObserver<MountsResponse> out) {
        unary("mounts", out, () -> MountsResponse.newBuilder().addAllMounts(toProto(snapshots.mounts(rq.getKey()))).build());
    }

    @Override
    public void commit(CommitSnapshotRequest rq, StreamObserver<Empty> out) {
        unary("commit", out, () -> {
            snapshots.commit(rq.getName(), rq.getKey(), rq.getLabelsMap());
            return Empty.getDefaultInstance();
        });
    }

    @Override
    public void remove(RemoveSnapshotRequest rq, StreamObserver<Empty> out) {
        unary("remove", out, () -> {
            snapshots.remove(rq.getKey());
            return Empty.getDefaultInstance();
        });
    }

    @Override
    public void stat(StatSnapshotRequest rq, StreamObserver<StatSnapshotResponse> out) {
        unary("stat", out, () -> StatSnapshotResponse.newBuilder().setInfo(toProto(snapshots.stat(rq.getKey()))).build());
    }

    @Override
    public void update(UpdateSnapshotRequest rq, StreamObserver<UpdateSnapshotResponse> out) {
        unary("update", out, () -> UpdateSnapshotResponse.newBuilder().setInfo(toProto(snapshots.update(
                rq.getInfo().getName(), rq.getInfo().getLabelsMap(), rq.getUpdateMask().getPathsList()))).build());
    }

    @Override
    public void list(ListSnapshotsRequest rq, StreamObserver<ListSnapshotsResponse> out) {
        long start = System.nanoTime();
        List<SnapshotRecord> all;
        try {
            all = snapshots.list(rq.getFiltersList());
        } catch (RuntimeException e) {
            metrics.observe("list", System.nanoTime() - start, false);
            out.onError(GrpcErrors.toStatus(e));
            return;
        }
        for (int i = 0; i < all.size(); i += LIST_CHUNK) {
            ListSnapshotsResponse.Builder b = ListSnapshotsResponse.newBuilder();
            for (SnapshotRecord r : all.subList(i, Math.min(all.size(), i + LIST_CHUNK))) b.addInfo(toProto(r));
            out.onNext(b.build());
        }
        out.onCompleted();
        metrics.observe("list", System.nanoTime() - start, true);
    }

    @Override
    public void usage(UsageRequest rq, StreamObserver<UsageResponse> out) {
        unary("usage", out, () -> {
            DiskUsage u = snapshots.usage(rq.getKey());
            return UsageResponse.newBuilder().setSize(u.size()).setInodes(u.inodes()).build();
        });
    }

    @Override
    public void cleanup(CleanupRequest rq, StreamObserver<Empty> out) {
        unary("cleanup", out, () -> {
            snapshots.cleanup();
            return Empty.getDefaultInstance();
        });
    }

    private <T> void unary(String op, StreamObserver<T> out, Supplier<T> call) {
        long start = System.nanoTime();
        T answer;
        try {
            answer = call.get();
        } catch (RuntimeException e) {
            metrics.observe(op, System.nanoTime() - start, false);
            out.onError(GrpcErrors.toStatus(e));
            return;
        }
        metrics.observe(op, System.nanoTime() - start, true);
        out.onNext(answer);
        out.onCompleted();
    }

    private static List<Mount> toProto(List<SnapshotMount> mounts) {
        return mounts.stream().map(m -> Mount.newBuilder().setType(m.type()).setSource(m.source())
                .addAllOptions(m.options()).build()).toList();
    }

    private static Info toProto(SnapshotRecord r) {
        return Info.newBuilder()
                .setName(r.key())
                .setParent(r.parent())
                .setKind(switch (r.kind()) {
                    case VIEW -> io.lamina.snapshotter.proto.Kind.VIEW;
                    case ACTIVE -> io.lamina.snapshotter.proto.Kind.ACTIVE;
                    case COMMITTED -> io.lamina.snapshotter.proto.Kind.COMMITTED;
                })
                .setCreatedAt(toProto(r.created()))
                .setUpdatedAt(toProto(r.updated()))
                .putAllLabels(r.labels())
                .build();
    }

    private static Timestamp toProto(Instant t) {
        return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
    }
}
