package io.lamina.fs;

import java.util.ArrayList;
import java.util.List;

/** Opens lamina's engine: the merged, copy-on-write view of a {@link UnionSpec}. */
public final class UnionFs {
    private UnionFs() {
    }

    /**
     * Opens the union (mounting the private tmpfs upper if asked). Errors: ENOENT or ENOTDIR for a
     * missing layer or upper, EXDEV when upper and work are on different filesystems.
     */
    public static InodeFs open(UnionSpec spec) {
        return open(spec, CopyUp.Faults.NONE);
    }

    static Union open(UnionSpec spec, CopyUp.Faults faults) {
        List<Layer> layers = new ArrayList<>();
        try {
            for (int i = 0; i < spec.lowers().size(); i++) {
                try {
                    layers.add(Layer.open(i, spec.lowers().get(i)));
                } catch (FsException e) {
                    throw new FsException(e.errno(), "lower layer " + spec.lowers().get(i));
                }
            }
            Upper upper = Upper.open(spec);
            return new Union(List.copyOf(layers), upper, faults, Changes.of(spec, upper));
        } catch (RuntimeException e) {
            layers.forEach(Layer::close);
            throw e;
        }
    }
}
