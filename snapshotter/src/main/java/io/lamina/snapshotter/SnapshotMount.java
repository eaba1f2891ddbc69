package io.lamina.snapshotter;

import java.util.List;

/** One mount(2) the client performs to use a snapshot, as containerd's Mount type carries it. */
record SnapshotMount(String type, String source, List<String> options) {
    SnapshotMount {
        options = List.copyOf(options);
    }

    /** A recursive bind mount of {@code source}, read-only or read-write. */
    static SnapshotMount bind(java.nio.file.Path source, boolean readOnly) {
        return new SnapshotMount("bind", source.toString(), List.of("rbind", readOnly ? "ro" : "rw"));
    }
}
