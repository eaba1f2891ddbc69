package io.lamina.fs;

import io.lamina.sys.Posix;
import io.lamina.sys.Stat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What stat shows of a node: which real entry holds its metadata (upper, the hardlink index, or a
 * lower layer), and st_nlink as the kernel's overlayfs reports it. Callers hold the engine lock.
 */
final class NodeAttributes {
    private final Upper upper;
    private final CopyUp copyUp;
    private final Handles handles;

    NodeAttributes(Upper upper, CopyUp copyUp, Handles handles) {
        this.upper = upper;
        this.copyUp = copyUp;
        this.handles = handles;
    }

    Attr of(Node n) {
        return of(n, null);
    }

    /** The attributes of {@code n}; {@code known} is its real stat when the caller just took it. */
    Attr of(Node n, Stat known) {
        Stat st;
        long nlink;
        if (known != null) {
            st = known;
            nlink = nlink(n, st);
        } else if (n.unlinked && !n.isDir()) {
            Handles.File h = handles.anyOpen(n);
            if (h == null) throw new FsException(Errno.ENOENT, n.displayPath() + " was removed");
            st = Posix.fstat(h.fd);
            nlink = st.nlink();
        } else {
            st = realStat(n);
            nlink = nlink(n, st);
        }
        long blocks = st.blocks();
        if (n.metacopy) {
            Stat data = n.lower.stat();
            if (data != null) blocks = data.blocks();
        }
        return new Attr(n.ino, st.mode(), nlink, st.uid(), st.gid(), st.rdev(), st.size(), blocks,
                (int) st.blksize(), st.atimeSec(), (int) st.atimeNsec(), st.mtimeSec(), (int) st.mtimeNsec(),
                st.ctimeSec(), (int) st.ctimeNsec());
    }

    /** The stat of the real entry that describes {@code n} now. */
    private Stat realStat(Node n) {
        Stat st;
        try (EntryRef e = metadataEntry(n)) {
            if (e == null) return lowerMetadata(n).requireStat();
            st = Posix.fstatatOrNull(e.parentFd(), e.name(), Posix.AT_SYMLINK_NOFOLLOW);
        }
        if (st == null) throw new FsException(Errno.ESTALE, n.displayPath() + " vanished from its layer");
        return st;
    }

    /**
     * The upper-side entry holding {@code n}'s metadata: its upper entry, or, for a lower name of a
     * hardlinked inode another name of which was copied up, the index entry. Null when the metadata
     * is still its lower entry's ({@link #lowerMetadata}). ENOENT for a removed node.
     */
    EntryRef metadataEntry(Node n) {
        if (n.unlinked) throw new FsException(Errno.ENOENT, n.displayPath());
        if (n.inUpper) {
            if (n.metacopy) n.metacopy = WhiteoutFormat.isMetacopyAt(upper.parentFd(n), Upper.nameIn(n));
            return EntryRef.borrowed(upper.parentFd(n), Upper.nameIn(n));
        }
        String key = copyUp.indexKey(n);
        if (key != null && copyUp.indexed(key) != null) return new EntryRef(Posix.dup(upper.indexFd), key);
        return null;
    }

    /** The lower entry holding the metadata of a node {@link #metadataEntry} gave no entry for. */
    static LowerRef lowerMetadata(Node n) {
        return n.isDir() ? n.lowerDirs.get(0) : n.lower;
    }

    /** The value of xattr {@code name} of {@code n}, or null when it has none. */
    byte[] xattr(Node n, String name) {
        try (EntryRef e = metadataEntry(n)) {
            return e == null ? lowerMetadata(n).xattr(name) : Posix.lgetxattr(e.path(), name);
        }
    }

    /** The names of {@code n}'s xattrs, the union's private ones left out. */
    List<String> xattrNames(Node n) {
        List<String> names;
        try (EntryRef e = metadataEntry(n)) {
            names = e == null ? lowerMetadata(n).xattrNames() : Posix.llistxattr(e.path());
        }
        List<String> out = new ArrayList<>(names.size());
        for (String x : names) {
            if (!WhiteoutFormat.isPrivateXattr(x)) out.add(x);
        }
        return out;
    }

    /** st_nlink as the kernel's overlayfs (with index=on) reports it. */
    private long nlink(Node n, Stat st) {
        if (n.isDir()) {
            boolean merged = n.inUpper ? !n.lowerDirs.isEmpty() : n.lowerDirs.size() > 1;
            return merged ? 1 : st.nlink();
        }
        // An upper file linked from the index has at least two links: only then can it have a key.
        String key = n.inUpper ? (st.nlink() > 1 ? upperIndexKey(n) : null) : copyUp.indexKey(n);
        if (key == null) return st.nlink();
        Stat idx = copyUp.indexed(key);
        if (idx == null) return st.nlink();
        return idx.nlink() - 1 + copyUp.lowerLinks(key);
    }

    /** The index key of an upper file that was copied up from a hardlinked lower file, or null. */
    private String upperIndexKey(Node n) {
        byte[] v;
        v = Posix.lgetxattr(Beneath.procPath(upper.parentFd(n), Upper.nameIn(n)), CopyUp.INDEX_KEY_XATTR);
        return v == null ? null : new String(v, StandardCharsets.US_ASCII);
    }
}
