package io.lamina.fs;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Opens lamina's engine: the merged, copy-on-write view of a {@link UnionSpec}. */
public final class UnionFs {
    private UnionFs() {
    }

    /**
     * Opens the union (mounting the private tmpfs upper if asked). It owns the spec's lower layers
     * from here on: closing the union closes them, and so does a failure to open. Errors: ENOENT or
     * ENOTDIR for a missing lower directory or upper, EXDEV when upper and work are on different
     * filesystems.
     */
    public static InodeFs open(UnionSpec spec) {
        return open(spec, CopyUp.Faults.NONE);
    }

    static Union open(UnionSpec spec, CopyUp.Faults faults) {
        // A spec holds directories or LowerLayers, never both: this is the stack, top first.
        List<LowerLayer> sources = new ArrayList<>(spec.layers());
        List<Layer> layers = new ArrayList<>();
        try {
            for (Path dir : spec.lowers()) sources.add(DirLayer.open(dir));
            for (LowerLayer source : sources) layers.add(Layer.of(layers.size(), source));
            Upper upper = Upper.open(spec);
            return new Union(List.copyOf(layers), upper, faults, Changes.of(spec, upper));
        } catch (RuntimeException e) {
            sources.forEach(Layer::closeQuietly);
            throw e;
        }
    }
}
