package io.lamina.fs;

import java.nio.file.Path;
import java.util.List;

/**
 * What to stack: lower layer directories, top first (as overlayfs's lowerdir= lists them), and the
 * upper: a directory plus a work directory on the same filesystem, or a private tmpfs of
 * {@code tmpfsBytes} that lamina mounts and removes on close. {@code volatileUpper} means the
 * upper is never fsynced (ephemeral containers). {@code changes}, when not null, is told of every
 * change of the upper (see {@link ChangeSink}).
 */
public record UnionSpec(List<Path> lowers, Path upper, Path work, long tmpfsBytes, boolean volatileUpper,
                        ChangeSink changes) {

    public UnionSpec {
        lowers = List.copyOf(lowers);
        if (lowers.isEmpty()) throw new IllegalArgumentException("at least one lower layer is needed");
        if ((upper == null) != (work == null)) throw new IllegalArgumentException("upper and work go together");
        if (upper == null && tmpfsBytes <= 0) throw new IllegalArgumentException("an upper directory or a tmpfs size is needed");
    }

    /** Without a change sink. */
    public UnionSpec(List<Path> lowers, Path upper, Path work, long tmpfsBytes, boolean volatileUpper) {
        this(lowers, upper, work, tmpfsBytes, volatileUpper, null);
    }

    /** Lowers (top first) under an upper directory and its work directory. */
    public static UnionSpec ofDirs(List<Path> lowers, Path upper, Path work) {
        return new UnionSpec(lowers, upper, work, 0, false);
    }

    /** Lowers (top first) under a private tmpfs upper of {@code bytes}. */
    public static UnionSpec ofTmpfs(List<Path> lowers, long bytes) {
        return new UnionSpec(lowers, null, null, bytes, false);
    }

    public UnionSpec asVolatile() {
        return new UnionSpec(lowers, upper, work, tmpfsBytes, true, changes);
    }

    /** The same stack, telling {@code sink} of every change of the upper (null: nobody). */
    public UnionSpec withChanges(ChangeSink sink) {
        return new UnionSpec(lowers, upper, work, tmpfsBytes, volatileUpper, sink);
    }

    public boolean usesTmpfs() {
        return upper == null;
    }
}
