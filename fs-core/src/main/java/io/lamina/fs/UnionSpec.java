package io.lamina.fs;

import java.nio.file.Path;
import java.util.List;

/**
 * What to stack: the lower layers, top first (as overlayfs's lowerdir= lists them), and the upper:
 * a directory plus a work directory on the same filesystem, or a private tmpfs of
 * {@code tmpfsBytes} that lamina mounts and removes on close. {@code volatileUpper} means the
 * upper is never fsynced (ephemeral containers). {@code changes}, when not null, is told of every
 * change of the upper (see {@link ChangeSink}).
 *
 * <p>The lowers are given either as directories ({@code lowers}, opened by {@link UnionFs#open}
 * as {@link LowerLayer#ofDirectory}) or as {@link LowerLayer}s ({@code layers}), never both. The
 * union owns the LowerLayers of its spec: it closes them when it closes, or when
 * {@link UnionFs#open} fails; a spec with LowerLayers is therefore opened once.
 */
public record UnionSpec(List<Path> lowers, List<LowerLayer> layers, Path upper, Path work, long tmpfsBytes,
                        boolean volatileUpper, ChangeSink changes) {

    public UnionSpec {
        lowers = List.copyOf(lowers);
        layers = List.copyOf(layers);
        if (lowers.isEmpty() == layers.isEmpty()) {
            throw new IllegalArgumentException(lowers.isEmpty() ? "at least one lower layer is needed"
                    : "lowers are given as directories or as LowerLayers, not both");
        }
        if ((upper == null) != (work == null)) throw new IllegalArgumentException("upper and work go together");
        if (upper == null && tmpfsBytes <= 0) throw new IllegalArgumentException("an upper directory or a tmpfs size is needed");
    }

    /** Without a change sink. */
    public UnionSpec(List<Path> lowers, List<LowerLayer> layers, Path upper, Path work, long tmpfsBytes,
                     boolean volatileUpper) {
        this(lowers, layers, upper, work, tmpfsBytes, volatileUpper, null);
    }

    /** Lower directories (top first) under the given upper. */
    public UnionSpec(List<Path> lowers, Path upper, Path work, long tmpfsBytes, boolean volatileUpper) {
        this(lowers, List.of(), upper, work, tmpfsBytes, volatileUpper, null);
    }

    /** Lower directories (top first) under an upper directory and its work directory. */
    public static UnionSpec ofDirs(List<Path> lowers, Path upper, Path work) {
        return new UnionSpec(lowers, upper, work, 0, false);
    }

    /** Lower directories (top first) under a private tmpfs upper of {@code bytes}. */
    public static UnionSpec ofTmpfs(List<Path> lowers, long bytes) {
        return new UnionSpec(lowers, null, null, bytes, false);
    }

    /** Lower layers (top first; the union closes them) under an upper directory and its work directory. */
    public static UnionSpec ofLayers(List<LowerLayer> topFirst, Path upper, Path work) {
        return new UnionSpec(List.of(), topFirst, upper, work, 0, false);
    }

    /** Lower layers (top first; the union closes them) under a private tmpfs upper of {@code bytes}. */
    public static UnionSpec ofLayersTmpfs(List<LowerLayer> topFirst, long bytes) {
        return new UnionSpec(List.of(), topFirst, null, null, bytes, false);
    }

    public UnionSpec asVolatile() {
        return new UnionSpec(lowers, layers, upper, work, tmpfsBytes, true, changes);
    }

    /** The same stack, telling {@code sink} of every change of the upper (null: nobody). */
    public UnionSpec withChanges(ChangeSink sink) {
        return new UnionSpec(lowers, layers, upper, work, tmpfsBytes, volatileUpper, sink);
    }

    public boolean usesTmpfs() {
        return upper == null;
    }
}
