package io.lamina.fs;

import io.lamina.sys.Posix;

/**
 * An entry reached safely: its parent directory opened beneath a layer root, and a
 * {@code /proc/self/fd/<parent>/<name>} path for calls that only take paths (the l*xattr family),
 * whose last component they do not follow. Close it to release the descriptor.
 */
record EntryRef(int parentFd, String name, boolean owned) implements AutoCloseable {

    EntryRef(int parentFd, String name) {
        this(parentFd, name, true);
    }

    static EntryRef open(int root, String path) {
        if (path.isEmpty()) return new EntryRef(Beneath.openDir(root, ""), ".");
        return new EntryRef(Beneath.openDir(root, RelPath.parent(path)), RelPath.name(path));
    }

    /** {@code name} inside a directory descriptor the caller keeps open: closing this leaves it open. */
    static EntryRef borrowed(int parentFd, String name) {
        return new EntryRef(parentFd, name, false);
    }

    String path() {
        return Beneath.procPath(parentFd, name);
    }

    @Override
    public void close() {
        if (owned) Posix.closeQuietly(parentFd);
    }
}
