package io.lamina.fs;

/** The merged view of a {@link UnionSpec}: lamina's engine. */
public final class UnionFs {
    private UnionFs() {
    }

    /** Opens the union (mounting the private tmpfs upper if asked). Errors: ENOENT for a missing layer, EXDEV when upper and work are on different filesystems. */
    public static InodeFs open(UnionSpec spec) {
        throw new UnsupportedOperationException("engine under construction");
    }
}
