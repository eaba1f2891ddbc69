package io.lamina.fs;

import io.lamina.sys.Posix;

/**
 * rename(2) and renameat2(2) in the union: both ends copied up, a lower directory keeps its lower
 * parts through an absolute redirect, a pure upper directory landing on a lower name is made opaque,
 * and a whiteout is left where a lower layer still has the old name. Callers hold the engine lock.
 */
final class Rename {
    private final NodeTable nodes;
    private final CopyUp copyUp;
    private final Resolver resolver;
    private final DirListing listing;
    private final Upper upper;

    Rename(NodeTable nodes, CopyUp copyUp, Resolver resolver, DirListing listing, Upper upper) {
        this.nodes = nodes;
        this.copyUp = copyUp;
        this.resolver = resolver;
        this.listing = listing;
        this.upper = upper;
    }

    /** rename/renameat2 of {@code name} in {@code p} to {@code newName} in {@code np}; see {@link InodeFs#rename}. */
    void rename(Node p, String name, Node np, String newName, int flags) {
        if ((flags & ~(InodeFs.RENAME_NOREPLACE | InodeFs.RENAME_EXCHANGE)) != 0
                || flags == (InodeFs.RENAME_NOREPLACE | InodeFs.RENAME_EXCHANGE)) {
            throw new FsException(Errno.EINVAL, "rename flags " + flags);
        }
        Node src = nodes.existing(p, name);
        RelPath.checkName(newName);
        Node dst = nodes.child(np, newName);
        if (src == dst) return;
        boolean exchange = (flags & InodeFs.RENAME_EXCHANGE) != 0;
        if (exchange && dst == null) throw new FsException(Errno.ENOENT, RelPath.join(np.displayPath(), newName));
        if ((flags & InodeFs.RENAME_NOREPLACE) != 0 && dst != null) throw new FsException(Errno.EEXIST, dst.displayPath());
        if (src.isDir() && isAncestor(src, np)) throw new FsException(Errno.EINVAL, "moving " + src.displayPath() + " into itself");
        if (exchange && dst.isDir() && isAncestor(dst, p)) throw new FsException(Errno.EINVAL, "moving " + dst.displayPath() + " into itself");
        if (dst != null && !exchange) {
            checkReplaceable(src, dst);
            copyUp.dropLowerName(dst);
        }

        copyUp.ensureUpper(p, false);
        copyUp.ensureUpper(np, false);
        copyUp.ensureUpper(src, false);
        if (exchange) copyUp.ensureUpper(dst, false);
        keepLowerBinding(src, np, newName);
        if (exchange) keepLowerBinding(dst, p, name);

        int from = upper.dirFd(p);
        int to = upper.dirFd(np);
        if (exchange) {
            Posix.renameat2(from, name, to, newName, Posix.RENAME_EXCHANGE);
        } else {
            if (dst != null && dst.isDir() && dst.inUpper) clearAway(to, newName);
            boolean below = resolver.existsBelow(p.lowerDirs, name);
            if (src.isDir() && WhiteoutFormat.isWhiteoutAt(to, newName)) {
                // A directory cannot replace a whiteout: swap them, the whiteout lands at the old name.
                Posix.renameat2(from, name, to, newName, Posix.RENAME_EXCHANGE);
                if (!below) Posix.unlinkat(from, name, 0);
            } else {
                Posix.renameat2(from, name, to, newName, below ? Posix.RENAME_WHITEOUT : 0);
            }
        }
        if (dst != null && !exchange) nodes.detach(dst);
        NodeTable.move(src, np, newName);
        if (exchange) NodeTable.move(dst, p, name);
    }

    private static boolean isAncestor(Node a, Node n) {
        for (Node x = n; x != null; x = x.parent) {
            if (x == a) return true;
        }
        return false;
    }

    private void checkReplaceable(Node src, Node dst) {
        if (src.isDir() && !dst.isDir()) throw new FsException(Errno.ENOTDIR, dst.displayPath());
        if (!src.isDir() && dst.isDir()) throw new FsException(Errno.EISDIR, dst.displayPath());
        if (dst.isDir() && !listing.list(dst).isEmpty()) throw new FsException(Errno.ENOTEMPTY, dst.displayPath());
    }

    /**
     * Before a node moves to {@code newName} in {@code np}: a metacopy file gets an absolute
     * redirect to its data; a directory with lower parts gets an absolute redirect to them (so it
     * keeps them wherever it goes); a pure upper directory that lands where a lower layer has the
     * name is made opaque (so it does not merge with that).
     */
    private void keepLowerBinding(Node d, Node np, String newName) {
        if (d.metacopy) {
            Posix.lsetxattr(Beneath.procPath(upper.parentFd(d), d.name), WhiteoutFormat.REDIRECT_XATTR,
                    WhiteoutFormat.absoluteRedirect(d.lower.path()), 0);
            return;
        }
        if (!d.isDir()) return;
        int fd = Beneath.openDirForReading(upper.rootFd, d.upperPath());
        try {
            if (!d.lowerDirs.isEmpty()) {
                Posix.fsetxattr(fd, WhiteoutFormat.REDIRECT_XATTR,
                        WhiteoutFormat.absoluteRedirect(d.lowerDirs.get(0).path()), 0);
            } else if (resolver.existsBelow(np.lowerDirs, newName)) {
                WhiteoutFormat.markOpaque(fd);
            }
        } finally {
            Posix.close(fd);
        }
    }

    /** Moves an upper directory (empty in the merged view, maybe full of whiteouts) out of the way. */
    private void clearAway(int dirFd, String name) {
        String tmp = upper.tempName();
        Posix.renameat2(dirFd, name, upper.tempFd, tmp, 0);
        upper.discardTemp(tmp);
    }
}
