package io.lamina.fs;

import java.nio.file.Path;

/**
 * The engine's side of {@link ChangeSink}: turns nodes into {@link Change}s, and does nothing at
 * all (no path is built) when no sink is set. Callers hold the engine lock, so a node's path is
 * the one the change happened at.
 */
final class Changes {
    static final Changes NONE = new Changes(null, null);

    private final ChangeSink sink;
    private final Path upper;

    private Changes(ChangeSink sink, Path upper) {
        this.sink = sink;
        this.upper = upper;
    }

    /** The changes of {@code spec}'s sink, for an upper opened as {@code u}. */
    static Changes of(UnionSpec spec, Upper u) {
        if (spec.changes() == null) return NONE;
        Path root = spec.usesTmpfs() ? Path.of("/proc/self/fd/" + u.rootFd) : spec.upper().toAbsolutePath().normalize();
        return new Changes(spec.changes(), root);
    }

    boolean enabled() {
        return sink != null;
    }

    void created(Node n) {
        report(Change.Kind.CREATED, n);
    }

    void data(Node n) {
        report(Change.Kind.DATA, n);
    }

    void metadata(Node n) {
        report(Change.Kind.METADATA, n);
    }

    /** {@code name} in {@code parent} (a node of {@code type}) went away. */
    void deleted(Node parent, String name, FileType type) {
        if (sink != null) sink.changed(new Change(Change.Kind.DELETED, RelPath.join(parent.upperPath(), name), type, upper));
    }

    private void report(Change.Kind kind, Node n) {
        if (sink != null && !n.unlinked) sink.changed(new Change(kind, n.upperPath(), n.type, upper));
    }
}
