package io.lamina.snapshotter;

/**
 * The three kinds of snapshot of containerd's contract. An {@link #ACTIVE} snapshot is writable and
 * becomes {@link #COMMITTED} (read-only, a parent for others) by Commit; a {@link #VIEW} is a
 * read-only look at a committed parent and can never be committed.
 */
enum Kind {
    VIEW, ACTIVE, COMMITTED;

    /** The name containerd's filters use ({@code kind==active}). */
    String filterName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
