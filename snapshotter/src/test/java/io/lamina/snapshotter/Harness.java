package io.lamina.snapshotter;

import io.lamina.fuse.Transports;
import io.lamina.snapshotter.proto.Mount;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One snapshotter under test: a server on a unix socket over a fresh root, a gRPC client, and a
 * work area where the test bind-mounts what the snapshotter answers. Closing unmounts whatever the
 * test left mounted, stops client and server, checks that no mount is left under the test's
 * directory and deletes it.
 */
final class Harness implements AutoCloseable {
    final Path dir, root, work, socket;
    private final List<Path> mounted = new ArrayList<>();
    private SnapshotterServer server;
    private Client client;

    Harness() throws IOException {
        Prereqs.requireRootAndFuse();
        dir = Prereqs.tempDir("snap-");
        root = dir.resolve("root");
        work = Files.createDirectories(dir.resolve("work"));
        socket = dir.resolve("snapshotter.sock");
        try {
            start();
        } catch (IOException | RuntimeException e) {
            SnapshotDirs.deleteTree(dir);
            throw e;
        }
    }

    private void start() throws IOException {
        start(null);
    }

    private void start(java.net.InetSocketAddress metrics) throws IOException {
        server = SnapshotterServer.start(root, socket, metrics, Transports.byName("native"));
        client = new Client(socket);
    }

    /** Restarts with a metrics endpoint on a free loopback port. */
    void restartWithMetrics() throws IOException {
        client.close();
        server.close();
        start(new java.net.InetSocketAddress("127.0.0.1", 0));
    }

    java.net.InetSocketAddress metricsAddress() {
        return server.metricsAddress();
    }

    Client client() {
        return client;
    }

    /** Stops the server (unmounting its FUSE mounts) and starts a new one over the same root. */
    void restart() throws IOException {
        client.close();
        server.close();
        start();
    }

    /** Something done to the root while no server runs. */
    interface Offline<T> {
        T run(Path root) throws IOException;
    }

    /** Stops the server, runs {@code action} on the root (e.g. over the store), starts it again. */
    <T> T offline(Offline<T> action) throws IOException {
        client.close();
        server.close();
        try {
            return action.run(root);
        } finally {
            start();
        }
    }

    /** Mounts {@code mounts} (one bind) at a new directory work/{@code name}; returns it. */
    Path mount(List<Mount> mounts, String name) throws IOException {
        assertThat(mounts).hasSize(1);
        Path target = Files.createDirectories(work.resolve(name));
        Prereqs.mount(mounts.get(0), target);
        mounted.add(target);
        return target;
    }

    void unmount(Path target) {
        if (mounted.remove(target)) Prereqs.unmount(target);
    }

    /** A plain directory work/{@code name} (the "flat" tree a test compares with). */
    Path plainDir(String name) throws IOException {
        return Files.createDirectories(work.resolve(name));
    }

    @Override
    public void close() throws IOException {
        try {
            for (Path p : List.copyOf(mounted)) unmount(p);
        } finally {
            try {
                if (client != null) client.close();
            } finally {
                if (server != null) server.close();
            }
        }
        assertThat(Prereqs.mountsUnder(dir)).as("mounts left behind").isEmpty();
        SnapshotDirs.deleteTree(dir);
    }
}
