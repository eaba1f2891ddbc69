package io.lamina.snapshotter;

import com.google.protobuf.FieldMask;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.lamina.snapshotter.proto.CleanupRequest;
import io.lamina.snapshotter.proto.CommitSnapshotRequest;
import io.lamina.snapshotter.proto.Info;
import io.lamina.snapshotter.proto.ListSnapshotsRequest;
import io.lamina.snapshotter.proto.Mount;
import io.lamina.snapshotter.proto.MountsRequest;
import io.lamina.snapshotter.proto.PrepareSnapshotRequest;
import io.lamina.snapshotter.proto.RemoveSnapshotRequest;
import io.lamina.snapshotter.proto.SnapshotsGrpc;
import io.lamina.snapshotter.proto.StatSnapshotRequest;
import io.lamina.snapshotter.proto.UpdateSnapshotRequest;
import io.lamina.snapshotter.proto.UsageRequest;
import io.lamina.snapshotter.proto.UsageResponse;
import io.lamina.snapshotter.proto.ViewSnapshotRequest;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainSocketAddress;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A real gRPC client of the snapshots service on a unix socket, as containerd is one. */
final class Client implements AutoCloseable {
    static final String NAME = "lamina";

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    private final ManagedChannel channel;
    private final SnapshotsGrpc.SnapshotsBlockingStub stub;

    Client(Path socket) {
        channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                .eventLoopGroup(group)
                .channelType(EpollDomainSocketChannel.class)
                .usePlaintext()
                .build();
        stub = SnapshotsGrpc.newBlockingStub(channel);
    }

    List<Mount> prepare(String key, String parent, Map<String, String> labels) {
        return stub.prepare(PrepareSnapshotRequest.newBuilder().setSnapshotter(NAME).setKey(key).setParent(parent)
                .putAllLabels(labels).build()).getMountsList();
    }

    List<Mount> prepare(String key, String parent) {
        return prepare(key, parent, Map.of());
    }

    List<Mount> view(String key, String parent, Map<String, String> labels) {
        return stub.view(ViewSnapshotRequest.newBuilder().setSnapshotter(NAME).setKey(key).setParent(parent)
                .putAllLabels(labels).build()).getMountsList();
    }

    List<Mount> view(String key, String parent) {
        return view(key, parent, Map.of());
    }

    List<Mount> mounts(String key) {
        return stub.mounts(MountsRequest.newBuilder().setSnapshotter(NAME).setKey(key).build()).getMountsList();
    }

    void commit(String name, String key, Map<String, String> labels) {
        stub.commit(CommitSnapshotRequest.newBuilder().setSnapshotter(NAME).setName(name).setKey(key)
                .putAllLabels(labels).build());
    }

    void commit(String name, String key) {
        commit(name, key, Map.of());
    }

    void remove(String key) {
        stub.remove(RemoveSnapshotRequest.newBuilder().setSnapshotter(NAME).setKey(key).build());
    }

    Info stat(String key) {
        return stub.stat(StatSnapshotRequest.newBuilder().setSnapshotter(NAME).setKey(key).build()).getInfo();
    }

    Info update(Info info, String... paths) {
        UpdateSnapshotRequest.Builder b = UpdateSnapshotRequest.newBuilder().setSnapshotter(NAME).setInfo(info);
        if (paths.length > 0) b.setUpdateMask(FieldMask.newBuilder().addAllPaths(List.of(paths)));
        return stub.update(b.build()).getInfo();
    }

    List<Info> list(String... filters) {
        List<Info> out = new ArrayList<>();
        stub.list(ListSnapshotsRequest.newBuilder().setSnapshotter(NAME).addAllFilters(List.of(filters)).build())
                .forEachRemaining(r -> out.addAll(r.getInfoList()));
        return out;
    }

    UsageResponse usage(String key) {
        return stub.usage(UsageRequest.newBuilder().setSnapshotter(NAME).setKey(key).build());
    }

    void cleanup() {
        stub.cleanup(CleanupRequest.newBuilder().setSnapshotter(NAME).build());
    }

    /** The status code {@code call} fails with (OK when it does not fail). */
    static Status.Code codeOf(Runnable call) {
        try {
            call.run();
            return Status.Code.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode();
        }
    }

    /** The status {@code call} fails with; AssertionError when it does not fail. */
    static Status failure(Runnable call) {
        try {
            call.run();
        } catch (StatusRuntimeException e) {
            return e.getStatus();
        }
        throw new AssertionError("expected the call to fail");
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
