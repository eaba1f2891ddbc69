package io.lamina.snapshotter;

import io.lamina.fuse.Transports;

import java.nio.file.Path;

/** A snapshotter in a process of its own (tests kill it): {@code ROOT SOCKET}. */
final class SnapshotterMain {
    private SnapshotterMain() {
    }

    public static void main(String[] args) throws Exception {
        SnapshotterServer s = SnapshotterServer.start(Path.of(args[0]), Path.of(args[1]), null, Transports.byName("native"));
        s.awaitTermination();
    }
}
